// spm-place, part 2: the tiling of one op under a scratchpad budget
// (passes/place_plan.c), an adapter from the program model to the traffic
// model and tile search of lib/place/tile_model.h.
#ifndef SPM_PASSES_PLACE_PLAN_H
#define SPM_PASSES_PLACE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "passes/place_model.h"
#include "support/status.h"

typedef struct spm_place_plan_s {
  int order[SPM_PLACE_MAX_DIMS];    // tile loops, outer to inner
  int64_t tile[SPM_PLACE_MAX_DIMS]; // tile size per iteration dim
  bool double_buffer;
  int64_t space;          // scratchpad bytes the streamed tiles need
  int64_t read, written;  // predicted DRAM bytes
  int64_t transfers;      // predicted DMAs
  double cost;            // read + written + transfers * per-transfer bytes
  int64_t tiles;          // tile iterations: product of ceil(extent / tile)
} spm_place_plan_t;

typedef struct spm_place_plan_request_s {
  const spm_place_op_t *op;
  const spm_place_model_t *model;
  // Per memref operand of op (same index as op->operands):
  bool resident[SPM_PLACE_MAX_OPERANDS];   // whole tensor on chip already
  bool no_initial_read[SPM_PLACE_MAX_OPERANDS]; // output: first visit of a
                                                // tile needs no load
  int64_t budget;             // bytes for the streamed tiles
  int64_t per_transfer_bytes; // what one DMA's latency is worth in bytes
  bool allow_double_buffer;   // try 2 buffers per streamed operand first
  int64_t max_tiles; // tilings with more tile iterations are not taken
                     // (0: no limit; spm-place's option max-tiles)
  int64_t alignment; // the target's: each tile buffer's bytes round up to
                     // a multiple of it (0 or 1: none)
} spm_place_plan_request_t;

// The cheapest tiling of r->op within r->budget and r->max_tiles:
// double-buffered if allowed and one fits, else single-buffered.
// OUT_OF_RANGE when none fits: with the smallest space any tiling needs in
// the message, or, when tilings fit the budget but each has more than
// r->max_tiles tiles, with out->tiles the fewest of them (> r->max_tiles;
// out->tiles is 0 otherwise).
spm_status_t spm_place_plan_op(const spm_place_plan_request_t *r,
                               spm_place_plan_t *out);

// The whole op as one tile (every dim untiled), with its space and traffic:
// what "an op that fits is not tiled" means.
void spm_place_plan_untiled(const spm_place_plan_request_t *r,
                            spm_place_plan_t *out);

#endif
