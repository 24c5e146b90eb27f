// spm-place internals shared by place.c (the walk over the ops) and
// place_chain.c (a producer and its windowed consumer as one tiled chain).
// Not a public API.
#ifndef SPM_PASSES_PLACE_INTERNAL_H
#define SPM_PASSES_PLACE_INTERNAL_H

#include "passes/place.h"
#include "passes/place_emit.h"
#include "passes/place_model.h"
#include "passes/place_op.h"
#include "passes/place_plan.h"
#include "passes/place_reuse.h"

typedef struct {
  bool resident;   // whole tensor in the scratchpad now
  bool born;       // written already (arguments: always)
  bool dirty;      // resident contents not in global memory
  bool dram_home;  // the memref.alloc stays as a global buffer
  int fills[2]; // deferred fills (model op indices, earlier first)
  int nfills;
  spm_place_buf_t b;
} spm_pt_state_t;

typedef struct {
  spm_place_model_t *m;
  const spm_target_t *t;
  const spm_place_options_t *o;
  spm_pt_state_t *st;
  bool *extra; // per tensor: scratch for the residency trials of an op
  spm_place_emit_t e;
  int64_t cap;           // usable bytes (capacity minus the reserve)
  int64_t resident_bytes;
  int64_t per_transfer;
  spm_place_stats_t *stats;
  spm_place_reuse_t *reuse; // reuse distances (place_reuse.h)
} spm_pl_t;

// Bytes rounded up to the target's alignment.
int64_t spm_pl_aligned(const spm_pl_t *p, int64_t bytes);
// Whether op uses tensor t (and whether it reads / writes it).
bool spm_pl_uses(const spm_place_op_t *op, int t, bool *reads, bool *writes);
// Ops from `from` on that read tensor t.
int64_t spm_pl_readers_from(const spm_pl_t *p, int t, size_t from);
// The plan for op within budget with the current residency (plus the
// tensors flagged in `extra`, may be NULL): untiled when it fits, else the
// tile search, which takes no tiling with more than max-tiles tiles
// (OUT_OF_RANGE when nothing fits, or when everything that fits has more
// tiles: then out->tiles is the fewest, above max-tiles).
spm_status_t spm_pl_plan(const spm_pl_t *p, const spm_place_op_t *op,
                         const bool *extra, int64_t budget,
                         spm_place_plan_t *out);
// Places model op lo, or the fused op of model ops lo..hi.
spm_status_t spm_pl_op(spm_pl_t *p, const spm_place_op_t *op, size_t lo,
                       size_t hi);
// Emits op as its own tiled op within `budget` bytes, its operands at their
// homes (place.c).
spm_status_t spm_pl_emit_plain(spm_pl_t *p, const spm_place_op_t *op,
                               int64_t budget);
// --- deferred fills (place_fill.c)
// A fill op of a tensor that is not resident and is used later: deferred
// (*deferred) to that use; see place_fill.c.
spm_status_t spm_pl_defer_fill(spm_pl_t *p, const spm_place_op_t *op,
                               bool *deferred);
// Emits the pending fills of t whole (into its global home), earliest first.
spm_status_t spm_pl_fills_emit(spm_pl_t *p, int t);
// Resolves the pending fills of the streamed tensors op uses: emitted
// whole, outside the box op overwrites, or (one) left to apply per tile.
spm_status_t spm_pl_fills_before(spm_pl_t *p, const spm_place_op_t *op);
// Whether op's output operand k starts from a deferred fill applied per
// tile (its first visits load nothing).
bool spm_pl_fill_per_tile(const spm_pl_t *p, const spm_place_op_t *op, int k);
// Evicts resident t (written back when dirty and used from op `from` on).
void spm_pl_evict(spm_pl_t *p, int t, size_t from);
// Whether `tiles` more would take the function past its tile limit
// (SPM_PLACE_FUNCTION_TILES_FACTOR x max-tiles, place.h).
bool spm_pl_function_tiles_over(const spm_pl_t *p, int64_t tiles);
// The error diagnostic "spm-place: MSG" at op.
void spm_pl_error(MlirOperation op, const char *msg);

// Whether model op i and its element-wise epilogue (model op *je) can run
// as one tiled op, built in *f.
bool spm_pl_fusable(const spm_pl_t *p, size_t i, size_t *je,
                    spm_place_op_t *f);

// Tries to place the op `F` (model ops lo..hi, possibly a fused pair) and
// the next op that reads its output through overlapping windows as one
// chain (place_chain.c). *handled: the chain was emitted and *next is the
// consumer's model index (every op up to it is placed). Otherwise nothing
// was emitted for F, but fills between F and the consumer may have been
// placed (they commute with F): *next is the last model op placed. On
// entry *next is the last model op placed already (>= hi).
spm_status_t spm_pl_chain(spm_pl_t *p, const spm_place_op_t *F, size_t lo,
                          size_t hi, bool *handled, size_t *next);

#endif
