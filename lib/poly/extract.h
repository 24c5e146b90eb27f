// From MLIR to spm_poly: builds the polyhedral model of a function (or, in
// compatibility mode, of every affine access under an op).
//
// Statements:
//   - affine.load / affine.store: one statement, one access (exact);
//   - linalg structured ops on memrefs (linalg.generic and named ops): one
//     statement whose loops are the op's loops (ranges from static shapes),
//     reading its memref inputs, reading its outputs where the payload uses
//     them (accumulation) and must-writing its outputs (exact);
//   - memref.copy: reads all of the source, must-writes all of the target;
//   - anything else that receives a buffer (func.call, memref.load/store with
//     computed indices, ops with unmodelled regions such as scf.for, dynamic
//     shapes in linalg, views with dynamic offsets): may-read and may-write
//     the whole root buffer, with a remark saying why. Never a missed
//     dependence.
// Iteration domains come from affine.for bounds (constant, symbolic, max/min
// maps, steps) and affine.if conditions (then: the set; else: its
// complement). Values that are neither loop ivs nor constants become isl
// parameters. Views (memref.subview, cast, expand_shape, collapse_shape,
// reinterpret_cast with static layout) are folded onto their root buffer, so
// two views of one buffer depend on each other.
// The schedule is one 2d+1 schedule for the whole function: textual
// position at each nesting level interleaved with loop ivs.
#ifndef SPM_POLY_EXTRACT_H
#define SPM_POLY_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "mlir-c/IR.h"
#include "poly/poly.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_poly_func_s spm_poly_func_t;

typedef enum spm_poly_extract_flags_e {
  // mlir-opt -test-memref-dependence-check's view: only affine.load/store,
  // arrays are memref SSA values (no alias folding), no remarks.
  SPM_POLY_EXTRACT_COMPAT = 1,
  // Emit remarks (spm_diag_emit) for conservative fallbacks.
  SPM_POLY_EXTRACT_REMARKS = 2,
} spm_poly_extract_flags_t;

// Extracts the model of everything nested in `root` (borrowed; a func.func,
// or any op in compat mode). `ctx` is borrowed and must outlive the result.
// Caller frees the result with spm_poly_func_free().
spm_status_t spm_poly_extract(isl_ctx *ctx, MlirOperation root, unsigned flags,
                              spm_poly_func_t **out);
void spm_poly_func_free(spm_poly_func_t *f);

// The model (borrowed, owned by `f`).
const spm_poly_program_t *spm_poly_func_program(const spm_poly_func_t *f);

// The op of statement `stmt` / access `access`.
MlirOperation spm_poly_func_statement_op(const spm_poly_func_t *f, int stmt);
MlirOperation spm_poly_func_access_op(const spm_poly_func_t *f, int access);

// Root buffers ("arrays"): count, the SSA value, and the isl tuple name.
size_t spm_poly_func_num_arrays(const spm_poly_func_t *f);
MlirValue spm_poly_func_array_value(const spm_poly_func_t *f, size_t i);
int spm_poly_func_access_array(const spm_poly_func_t *f, int access);

// The name of `v` as printed in the IR ("%arg0", "%alloc"), numbered once
// for the whole extracted op. Caller frees the string.
char *spm_poly_func_value_name(spm_poly_func_t *f, MlirValue v);

// True if statement a's op appears before statement b's op in their
// innermost common block (false when a == b or they are nested in each
// other).
bool spm_poly_func_statement_before(const spm_poly_func_t *f, int a, int b);

#ifdef __cplusplus
}
#endif
#endif
