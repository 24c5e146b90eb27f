// spm-lower: translates a placed and allocated function (spm IR: spm.alloc
// with offsets, spm.dma_load / dma_store / wait, linalg or spm compute ops
// on scratchpad buffers) into an spm_run program (run/isa.h), the input of
// the interpreter and of the binary / listing codecs. docs/lowering.md has
// every rule.
//
// Unsupported ops, types or shapes get an MLIR error diagnostic at the op's
// location naming the op and the reason, and the call returns
// SPM_STATUS_FAILED; nothing is ever dropped silently.
//
// Ownership: `func` / `module` are borrowed; a returned program is new and
// owned by the caller (spm_run_program_free()). Statuses follow
// support/status.h.
#ifndef SPM_LOWER_LOWER_H
#define SPM_LOWER_LOWER_H

#include "mlir-c/IR.h"
#include "run/isa.h"
#include "support/status.h"
#include "target/target.h"

#ifdef __cplusplus
extern "C" {
#endif

// Translates `func` (a func.func) into a new program for `target` (copied;
// when NULL, the spm.target attribute of the enclosing module). Tensors:
// the function's arguments first, in order (ids 0..n-1, names arg0..,
// role OUTPUT when the function writes them, else INPUT), then one SCRATCH
// tensor per memref.alloc in global memory.
spm_status_t spm_lower_function(MlirOperation func, const spm_target_t *target,
                                spm_run_program_t **out);

// Rewrites `func` (borrowed, modified in place) into the accelerator's
// form of spm IR, only when the whole function lowers (else the IR is left
// as it was and the status says why, after diagnostics at the ops): every
// linalg compute op becomes the spm op of its instruction (spm.fill,
// spm.matmul, spm.conv2d, spm.pool, spm.eltwise) on whole buffers or
// spm.view windows of them; element-wise bodies become private scalar
// func.func kernels {spm.kernel} next to `func` (identical ones shared);
// memref views of buffers, casts, constants and DRAM scratch memrefs left
// unused are erased. The result lowers to the same instruction stream
// (less the erased scratch tensors) with spm_lower_function.
spm_status_t spm_lower_rewrite_function(MlirOperation func,
                                        const spm_target_t *target);

// The function to lower in `module`: the one named `name` when non-NULL,
// else the only func.func with a body that is not an {spm.kernel}. NOT_FOUND / INVALID_ARGUMENT naming
// the candidates otherwise.
spm_status_t spm_lower_find_function(MlirModule module, const char *name,
                                     MlirOperation *out);

#ifdef __cplusplus
}
#endif
#endif
