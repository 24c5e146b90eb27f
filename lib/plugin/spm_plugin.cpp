// The only C++ in spm: exposes the C passes (passes/registry.c) to upstream
// mlir-opt, whose plugin ABI is C++.
//
//   mlir-opt-22 --load-pass-plugin=build/lib/libSpmPlugin.so
//       --irdl-file=dialect/spm.irdl.mlir
//       --pass-pipeline='builtin.module(spm-lower{output=m.spmb})' input.mlir
//
// Each spm pass is registered as a one-pass pipeline rather than as a pass:
// a pipeline registration receives the option string as written, which the
// pass's C constructor parses (as in spm-opt), while a pass registration
// would need C++ option declarations. The MlirPass owns the C pass state;
// a bad option is reported through MLIR's error handler.
#include <string>

#include "mlir/CAPI/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

#include "passes/pass.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "spm", LLVM_VERSION_STRING, []() {
            for (size_t i = 0; i < spm_pass_registry_count(); ++i) {
              const spm_pass_info_t *info = spm_pass_registry_get(i);
              ::mlir::registerPassPipeline(
                  info->argument, info->description,
                  [info](::mlir::OpPassManager &pm, ::llvm::StringRef options,
                         ::llvm::function_ref<::mlir::LogicalResult(
                             const ::llvm::Twine &)>
                             error) -> ::mlir::LogicalResult {
                    MlirPass pass;
                    std::string opts = options.str();
                    spm_status_t s = info->create(opts.c_str(), &pass);
                    if (!spm_status_is_ok(s)) {
                      std::string msg = spm_status_message(s);
                      spm_status_free(s);
                      return error(msg);
                    }
                    pm.addPass(std::unique_ptr<::mlir::Pass>(unwrap(pass)));
                    return ::mlir::success();
                  },
                  [](::llvm::function_ref<void(
                         const ::mlir::detail::PassOptions &)>) {});
            }
          }};
}
