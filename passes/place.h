// spm-place: decides what lives in the scratchpad, in which pieces, and when
// data moves (passes/place.c; docs/passes.md#spm-place).
//
// For each function of linalg ops on memrefs: intermediates (memref.alloc)
// either stay whole in the scratchpad from their first write to their last
// use (evicted early when an op needs the space more, furthest next use
// first) or get a global home; every op then runs as tiles sized by the
// traffic model (lib/place/tile_model.h) within the space left, streamed
// operands moved by spm.dma_load/spm.dma_store with double buffering where
// it fits. The output is spm IR whose spm.alloc ops are unplaced
// (offset = -1); spm-allocate assigns their offsets.
#ifndef SPM_PASSES_PLACE_H
#define SPM_PASSES_PLACE_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "support/status.h"
#include "passes/target_of.h"
#include "target/target.h"

typedef enum spm_place_strategy_e {
  SPM_PLACE_REUSE,  // residency across ops, fused fills, double buffering
  SPM_PLACE_STATIC, // every op on its own: operands from and results to
                    // global memory, single buffering (the baseline)
} spm_place_strategy_t;

typedef enum spm_place_report_kind_e {
  SPM_PLACE_REPORT_SUMMARY, // one remark per function
  SPM_PLACE_REPORT_OPS,     // plus one remark per op
  SPM_PLACE_REPORT_REUSE,   // plus one per intermediate: its reuse distances
  SPM_PLACE_REPORT_NONE,
} spm_place_report_kind_t;

// Which intermediates stay whole in the scratchpad from their first write.
typedef enum spm_place_residency_e {
  SPM_PLACE_RESIDENCY_COST,     // when the op's tiling with it resident
                                // costs no more than streaming it
  SPM_PLACE_RESIDENCY_DISTANCE, // when it is reused and its reuse distance
                                // plus its size fit the capacity
} spm_place_residency_t;

// The most tile iterations one op (a plain op or a fused pair; chains have
// their own, smaller cap) may be unrolled into: option max-tiles, default
// SPM_PLACE_MAX_TILES_DEFAULT. The output is straight-line, so every tile
// costs IR (its buffers, DMAs, waits and a copy of the op): about 6 KB of
// memory and 0.25 ms per tile for a two-operand op, placed and packed, and
// 1-2 KB of printed IR. 32768 is 4x the largest op of the bundled
// benchmarks (VGG-16 f32 at 256 KiB: 8192 tiles, bench/place.sh) and admits
// a 4096^3 f32 matmul or a 16384^2 f32 copy at gemmini's 256 KiB (32768
// tiles each: 5-9 s, 260-330 MB), while an op that would need hundreds of
// thousands of tiles (a 65536^2 copy: 524288, 98 s before the limit) fails
// at once with an error at the op instead of running for minutes and
// gigabytes. The tile search enforces it (a tiling with more tiles is not
// legal), so the count is arithmetic, before anything is emitted.
#define SPM_PLACE_MAX_TILES_DEFAULT ((int64_t)32768)

// The most tiles a whole function may be unrolled into, as a multiple of
// max-tiles (262144 by default): eight ops at the per-op limit already
// take 30-43 s and 1.1 GB and print 330 MB of IR (bench/place-limits.sh),
// so a short function of many such ops fails with an error at the op that
// would cross it instead of running for minutes and gigabytes.
#define SPM_PLACE_FUNCTION_TILES_FACTOR 8

typedef struct spm_place_options_s {
  spm_place_strategy_t strategy;
  int64_t capacity;  // 0: the target's
  double reserve;    // fraction of the capacity left for packing slack
  bool double_buffer;
  bool fuse; // an element-wise consumer runs in its producer's tiles
  spm_place_residency_t residency;
  bool chain; // a producer whose output does not fit and the consumer
              // reading it through (overlapping) windows run as one tiled
              // chain, the producer recomputing halos (place_chain.c)
  spm_place_report_kind_t report;
  int64_t max_tiles; // most tiles per op (SPM_PLACE_MAX_TILES_DEFAULT);
                     // a tiling with more is not taken, and an op that
                     // has no other is an error
} spm_place_options_t;

spm_place_options_t spm_place_options_default(void);

typedef struct spm_place_stats_s {
  int64_t ops, tiled_ops, tiles;
  int64_t fused; // producer + epilogue pairs run as one tiled op
  int64_t chained; // producer + windowed consumer chains
  int64_t resident, spilled; // intermediates kept on chip / given a home
  int64_t read, written;     // DRAM bytes moved by the emitted DMAs
  int64_t predicted_read, predicted_written; // by the traffic model
  int64_t transfers;
  int64_t evicted_bytes; // written back when residents were evicted
  int64_t compulsory; // each argument read and written once
  int64_t macs;
} spm_place_stats_t;

// Places `func` (a func.func, borrowed; rewritten in place) for target `t`.
// Errors are reported as diagnostics at the ops concerned and returned as
// FAILED; on failure the function may be partly rewritten.
spm_status_t spm_place_func(MlirOperation func, const spm_target_t *t,
                            const spm_place_options_t *o,
                            spm_place_stats_t *stats);

// Parses the max-tiles option of pass `pass` (a positive integer).
spm_status_t spm_place_parse_max_tiles(const char *pass, const char *value,
                                       int64_t *out);

// The summary remark of one placed function (passes/place_pass.c).
void spm_place_report_summary(MlirOperation func, const spm_place_stats_t *s,
                              const spm_pass_target_t *t,
                              const spm_place_options_t *o);

#endif
