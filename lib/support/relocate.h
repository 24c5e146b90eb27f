// Renames the file of every source location in an operation tree.
//
// mlirModuleCreateParse (the only C API parser that wraps several top-level
// ops into an implicit module, as mlir-opt does) names its buffer "-";
// spm-opt renames that to the real input name so that diagnostics of later
// passes and --mlir-print-debuginfo show it.
#ifndef SPM_SUPPORT_RELOCATE_H
#define SPM_SUPPORT_RELOCATE_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

// Replaces file name `from` by `to` in the FileLineColRange locations of
// `root` (borrowed), all nested ops and all block arguments.
void spm_relocate_file(MlirOperation root, const char *from, const char *to);

#ifdef __cplusplus
}
#endif
#endif
