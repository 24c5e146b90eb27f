// spm-place, part 3: building the placed program (passes/place_emit.c).
//
// Small builders that insert spm ops before a fixed insertion point and
// count the DRAM traffic of every DMA they emit. Scratchpad buffers are
// created unplaced (`offset = -1`, assigned later by spm-allocate) together
// with a memref view of them (builtin.unrealized_conversion_cast) that the
// compute ops use.
#ifndef SPM_PASSES_PLACE_EMIT_H
#define SPM_PASSES_PLACE_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"

typedef struct spm_place_emit_s {
  MlirContext ctx;
  MlirBlock body;
  MlirOperation before; // new ops go right before this op
  MlirLocation loc;     // location of the ops being emitted
  int64_t bytes_read, bytes_written; // DRAM traffic of the DMAs emitted
  int64_t transfers;                 // DMAs emitted
  int64_t allocs;                    // scratchpad buffers created
} spm_place_emit_t;

typedef struct spm_place_buf_s {
  MlirValue buf; // !spm.buf
  MlirValue mem; // memref<shape x elem> view of it
} spm_place_buf_t;

// A new unplaced scratchpad buffer of `shape` x `elem`, with its memref view.
spm_place_buf_t spm_place_emit_alloc(spm_place_emit_t *e, int rank,
                                     const int64_t *shape, MlirType elem);
void spm_place_emit_dealloc(spm_place_emit_t *e, MlirValue buf);

// DMA between global memref `global` and scratchpad buffer `buf`: buffer
// element (i...) <-> global[off + i * step] over `size` (one entry per
// dim). Returns the token. `elem_bytes` counts the traffic.
MlirValue spm_place_emit_load(spm_place_emit_t *e, MlirValue global,
                              MlirValue buf, int rank, const int64_t *off,
                              const int64_t *size, const int64_t *step,
                              int64_t elem_bytes);
MlirValue spm_place_emit_store(spm_place_emit_t *e, MlirValue buf,
                               MlirValue global, int rank, const int64_t *off,
                               const int64_t *size, const int64_t *step,
                               int64_t elem_bytes);
// spm.wait on tokens[0..n) (nothing when n == 0).
void spm_place_emit_wait(spm_place_emit_t *e, const MlirValue *tokens, int n);

// A memref.subview of `mem` (a memref with identity layout and static
// shape) at off/size/step; returns `mem` itself when the view is all of it.
MlirValue spm_place_emit_subview(spm_place_emit_t *e, MlirValue mem, int rank,
                                 const int64_t *off, const int64_t *size,
                                 const int64_t *step);

// A clone of `op` with operand idx[k] replaced by val[k] (k < n).
MlirOperation spm_place_emit_clone(spm_place_emit_t *e, MlirOperation op,
                                   int n, const int *idx,
                                   const MlirValue *val);

#endif
