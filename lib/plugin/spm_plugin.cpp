// The only C++ in spm: exposes the C passes (passes/registry.c) to upstream
// mlir-opt, whose plugin ABI is C++.
//
//   mlir-opt-22 --load-pass-plugin=build/lib/libSpmPlugin.so
//       --irdl-file=dialect/spm.irdl.mlir
//       --pass-pipeline='builtin.module(spm-verify)' input.mlir
//
// Each registered spm pass is created through its C constructor and handed
// to MLIR's registry; the MlirPass owns the C pass state.
#include "mlir/CAPI/Pass.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

#include "passes/pass.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "spm", LLVM_VERSION_STRING, []() {
            for (size_t i = 0; i < spm_pass_registry_count(); ++i) {
              const spm_pass_info_t *info = spm_pass_registry_get(i);
              ::mlir::registerPass([info]() -> std::unique_ptr<::mlir::Pass> {
                MlirPass pass;
                spm_status_t s = info->create("", &pass);
                if (!spm_status_is_ok(s)) {
                  spm_status_free(s);
                  return nullptr;
                }
                return std::unique_ptr<::mlir::Pass>(unwrap(pass));
              });
            }
          }};
}
