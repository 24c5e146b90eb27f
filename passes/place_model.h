// The program model of spm-place (passes/place*.c): a function body as a
// sequence of linalg ops over tensors with static shapes.
//
// A *tensor* is a root buffer: a function argument (it lives in global
// memory) or a memref.alloc of the body (an intermediate; placement decides
// whether it lives in the scratchpad or gets a global home). Views
// (memref.subview with static offsets/sizes/strides, same rank) are folded
// onto their root: view index d <-> root index off[d] + step[d] * d.
//
// An *op* is a linalg structured op (named or generic) with static loop
// ranges: iteration dims 0..ndims-1 with extents, each parallel or a
// reduction (it appears in no output's indexing map). Each memref operand
// has an access map with non-negative integer coefficients and no constant
// terms: view index d = sum_j coef[d][j] * i_j.
//
// Ownership: spm_place_model_build returns a model the caller frees with
// spm_place_model_free; MLIR handles in it are borrowed from the function.
#ifndef SPM_PASSES_PLACE_MODEL_H
#define SPM_PASSES_PLACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "dialect/spm_dialect.h"
#include "support/status.h"

// The rank an !spm.buf holds (the dialect's limit).
#define SPM_PLACE_MAX_RANK SPM_MAX_RANK
#define SPM_PLACE_MAX_DIMS 8
#define SPM_PLACE_MAX_OPERANDS 8

typedef struct spm_place_tensor_s {
  MlirValue value;     // the root memref (argument or alloc result)
  MlirOperation alloc; // the memref.alloc, or null for an argument
  bool is_arg;
  char name[32];       // "%arg0", "%alloc3"... for reports
  int rank;
  int64_t shape[SPM_PLACE_MAX_RANK];
  MlirType elem;
  int64_t elem_bytes, bytes;
  int first, last;     // first and last op (model index) using it; -1 none
  int nwriters;        // ops writing it
} spm_place_tensor_t;

typedef struct spm_place_operand_s {
  int index;  // position in the op's operand list (-1: epilogue only)
  int epi_index; // position in the fused epilogue's operand list, or -1
  int tensor; // model tensor
  MlirValue value; // the operand as used (the view or the root)
  int rank;
  int64_t shape[SPM_PLACE_MAX_RANK]; // the view's shape
  int64_t off[SPM_PLACE_MAX_RANK], step[SPM_PLACE_MAX_RANK];
  int64_t coef[SPM_PLACE_MAX_RANK][SPM_PLACE_MAX_DIMS];
  bool output; // in the outs list
  bool read;   // its value is read (an input, or an accumulated output)
  bool shape_only; // an input whose values the body never uses (e.g. a
                   // pooling window): it needs no data, only its shape
  bool scratch; // fused: the producer's output the epilogue consumes; it
                // lives in the tile only (never in DRAM)
} spm_place_operand_t;

// A *fused* op (built by spm-place, not by spm_place_model_build) is a
// producer `op` with an element-wise `epilogue` consuming its output
// tile by tile: one loop nest (the producer's), the producer's operands
// then the epilogue's others with their maps composed onto the producer's
// loops, and the intermediate as a scratch operand.
typedef struct spm_place_op_s {
  MlirOperation op;
  MlirOperation epilogue; // fused epilogue, or null
  bool is_fill; // linalg.fill (a scalar into the output)
  int ndims;
  int64_t extent[SPM_PLACE_MAX_DIMS];
  bool reduction[SPM_PLACE_MAX_DIMS];
  int noperands; // memref operands only
  spm_place_operand_t operands[SPM_PLACE_MAX_OPERANDS];
  int64_t macs; // product of the extents (iteration points)
} spm_place_op_t;

typedef struct spm_place_model_s {
  MlirOperation func;
  spm_place_op_t *ops;
  size_t nops;
  spm_place_tensor_t *tensors;
  size_t ntensors;
} spm_place_model_t;

// Builds the model of `func` (borrowed). Ops it cannot model get an error
// diagnostic at their location (naming the op and why) and the status
// FAILED; other failures are INTERNAL/INVALID_ARGUMENT statuses.
spm_status_t spm_place_model_build(MlirOperation func,
                                   spm_place_model_t **out);
void spm_place_model_free(spm_place_model_t *m);

// The view box of operand `o` for the iteration box lo[j] .. lo[j]+len[j]-1:
// per view dim, first index and extent (the box hull of the access).
void spm_place_operand_box(const spm_place_op_t *op,
                           const spm_place_operand_t *o, const int64_t *lo,
                           const int64_t *len, int64_t *vlo, int64_t *vlen);

// Whether output `o` of `op` writes every element of its box over the
// whole iteration space (a strided map such as d0 * 2, a flattening map
// whose terms leave gaps, or a loop in two dims writes only some: its box
// must then be loaded before it is stored, or the elements it does not
// write would be overwritten). What keeps the boxes of its tiles disjoint:
// when `whole` is not NULL, sets whole[j] for every loop j that must not be
// tiled (the loops of a dim with gaps and several loops, and any loop in
// two dims); when `whole_if_tiled` is not NULL, in a dense dim of several
// loops ORs bit k into whole_if_tiled[j] for the loop k of the next smaller
// factor after loop j's (spm_tile_dim_t.whole_if_tiled: from the largest
// factor down, tiles 1, ..., 1, any, whole, ..., whole).
bool spm_place_output_dense(const spm_place_op_t *op,
                            const spm_place_operand_t *o, bool *whole,
                            uint32_t *whole_if_tiled);

#endif
