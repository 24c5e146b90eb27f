// spm-place, part 4: one op as a sequence of tiles (passes/place_op.c).
//
// Given the op, its tiling plan and where each operand's tensor lives, emits
// the tile sequence before the op: per tile iteration (in the plan's loop
// order), streamed operands get a scratchpad buffer of their tile's box,
// loaded by DMA when their box changes (inputs, and outputs holding
// partial sums), the op cloned onto the tiles, and outputs stored when their
// box changes; resident tensors are used in place through subviews. With
// double buffering the next tile's inputs are loaded while the current tile
// computes, and an output tile's store overlaps the next tile's compute.
#ifndef SPM_PASSES_PLACE_OP_H
#define SPM_PASSES_PLACE_OP_H

#include "passes/place_emit.h"
#include "passes/place_model.h"
#include "passes/place_plan.h"

typedef struct spm_place_operand_home_s {
  bool resident;     // the whole tensor is on chip: use `mem` in place
  bool as_is;        // shape only (never read): a view of `global` itself
  MlirValue mem;     // resident: the memref view of its scratchpad buffer
  MlirValue global;  // streamed: the global memref to DMA from/to
  MlirOperation fill; // output: a fused linalg.fill to apply to a tile on
                      // its first visit instead of loading it (or null)
} spm_place_operand_home_t;

// Emits op `op` (of model `m`) as tiles per `plan` at e's insertion point.
void spm_place_emit_op(spm_place_emit_t *e, const spm_place_model_t *m,
                       const spm_place_op_t *op, const spm_place_plan_t *plan,
                       const spm_place_operand_home_t *home);

#endif
