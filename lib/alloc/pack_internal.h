// Private to lib/alloc: the pieces spm_pack() is assembled from, exposed so
// that the unit test can drive them one by one.
#ifndef SPM_ALLOC_PACK_INTERNAL_H
#define SPM_ALLOC_PACK_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/pack.h"
#include "support/status.h"

// Monotonic wall clock in seconds (pack.c).
double spm_pack_now(void);

// Checks the buffers as spm_pack() documents (start < end, size > 0,
// alignment a power of two) and that no sum of sizes can overflow
// (pack_validate.c). INVALID_ARGUMENT naming the first bad buffer's id.
spm_status_t spm_pack_check_buffers(const spm_pack_buffer_t *bufs, size_t n);

// x rounded up to a multiple of the power of two a (no overflow checks: the
// callers' sums are bounded by spm_pack_check_buffers).
static inline int64_t spm_pack_align_up(int64_t x, int64_t a) {
  return (x + (a - 1)) & ~(a - 1);
}

// The conflict graph in CSR form: the neighbours of buffer i are
// adj[off[i] .. off[i + 1]), in no particular order (pack_graph.c).
typedef struct spm_pack_graph_s {
  size_t n;
  size_t *off;   // n + 1 entries
  uint32_t *adj; // off[n] entries (each conflict appears twice)
} spm_pack_graph_t;

// Builds the graph with a sweep over the buffers sorted by start:
// O(n log n + conflicts). INTERNAL on allocation failure.
spm_status_t spm_pack_graph_build(const spm_pack_buffer_t *bufs, size_t n,
                                  spm_pack_graph_t *g);
void spm_pack_graph_free(spm_pack_graph_t *g);

// qsort comparator of int64_t values, ascending (pack_graph.c).
int spm_pack_i64_cmp(const void *pa, const void *pb);

// The lower bound and the earliest time at which it is attained
// (pack_validate.c); *time is 0 when n == 0.
int64_t spm_pack_lower_bound_at(const spm_pack_buffer_t *bufs, size_t n,
                                int64_t *time);

// Greedy packing (pack_heuristic.c): the best over several orders and two
// fits (first fit, best fit) of placing each buffer at an aligned offset
// that overlaps no conflicting placed buffer: time sweeps first, then, on
// instances with few enough conflicts, orders by size, area and conflict
// weight. Writes the best packing's offsets to off[0..n) and its peak to
// *peak; stops early once a packing with peak <= stop_at is found.
spm_status_t spm_pack_heuristic_run(const spm_pack_buffer_t *bufs, size_t n,
                                    int64_t stop_at, int64_t *off,
                                    int64_t *peak);

// The exact search (pack_exact.c).
typedef enum spm_pack_outcome_e {
  SPM_PACK_FOUND,      // a packing within the capacity, in off[]
  SPM_PACK_INFEASIBLE, // proved: no packing fits
  SPM_PACK_LIMIT,      // stopped at the time or node limit
} spm_pack_outcome_t;

// Switches for the unit test, which checks that every pruning rule keeps
// the search exact by comparing against runs without it.
enum {
  SPM_PACK_NO_DOMINANCE = 1u << 0,   // no "a lower gap fits another" rule
  SPM_PACK_NO_SYMMETRY = 1u << 1,    // no fixed order of identical buffers
  SPM_PACK_NO_DECOMPOSE = 1u << 2,   // no split into independent time spans
  SPM_PACK_NO_SECTIONS = 1u << 3,    // no per-section remaining-bytes bound
  SPM_PACK_ONE_ORDER = 1u << 4,      // one static order, no restarts
  SPM_PACK_ONLY_CANONICAL = 1u << 5, // only the skyline-order search
  SPM_PACK_ONLY_BL = 1u << 6,        // only the bottom-left search
  SPM_PACK_NO_BACKJUMP = 1u << 7,    // no backjumping (bottom-left search)
  SPM_PACK_NO_NOGOODS = 1u << 8,     // no nogood recording (bottom-left)
  SPM_PACK_NO_GLUE = 1u << 9,        // no gluing of buffers at full columns
  SPM_PACK_NO_POOL = 1u << 10,       // fillers placed one by one (bottom-left)
  SPM_PACK_NO_WEIGHTS = 1u << 11,    // no failure weights (bottom-left)
  SPM_PACK_WEIGHTS_NOW = 1u << 12,   // failure weights steer from node 0
  SPM_PACK_NO_FLOAT = 1u << 13,      // no "nothing floats" bound (b-l)
  SPM_PACK_NO_MIRROR = 1u << 14,     // no second search, mirrored in time
  SPM_PACK_SERIAL = 1u << 15,        // the mirrored pair on one thread
  SPM_PACK_PAIR_EARLY = 1u << 16,    // minimisation pairs after 4,096 nodes
};

// spm_pack() with the exact phase's pruning rules and devices switched off
// as in `flags` (the switches above, OR-ed with those spm_pack_options_t's
// search implies): for the benchmarks that measure what each one is worth
// (bench/pack, --disable). spm_pack(b, n, o, r) is
// spm_pack_with_flags(b, n, o, 0, r). Every switch keeps the search exact.
spm_status_t spm_pack_with_flags(spm_pack_buffer_t *bufs, size_t n,
                                 const spm_pack_options_t *options,
                                 unsigned flags, spm_pack_result_t *result);

typedef struct spm_pack_exact_s spm_pack_exact_t;

// Prepares a search over bufs[0..n) (copied; the caller may free bufs).
spm_status_t spm_pack_exact_create(const spm_pack_buffer_t *bufs, size_t n,
                                   unsigned flags, spm_pack_exact_t **out);
void spm_pack_exact_destroy(spm_pack_exact_t *x);

// Looks for a packing with peak <= capacity (> 0). Stops at the absolute
// monotonic deadline (<= 0: none) or when the search has used node_limit
// nodes in total over all calls on x (0: none). On FOUND writes the offsets
// to off[0..n). After a stop at the limit, the next call at the same
// capacity resumes the portfolio at the run that was interrupted (which
// starts again) instead of at its first round; so a caller that calls
// again and again must let the limit grow (pack.c doubles its steps), or
// that run never finishes.
spm_status_t spm_pack_exact_solve(spm_pack_exact_t *x, int64_t capacity,
                                  double deadline, uint64_t node_limit,
                                  int64_t *off, spm_pack_outcome_t *outcome);

// Search nodes used so far by x.
uint64_t spm_pack_exact_nodes(const spm_pack_exact_t *x);

// From now on, every spm_pack_exact_solve on x stops (outcome LIMIT, as at
// its node limit) once it has entered *cutoff nodes since it was called.
// *cutoff is read while the search runs, so another thread may lower it
// (atomically) to stop it: a search that is not yet past the new value
// stops exactly there, one that is stops at once. cutoff is borrowed and
// must outlive its use; NULL removes it.
void spm_pack_exact_set_cutoff(spm_pack_exact_t *x,
                               const _Atomic uint64_t *cutoff);

// --- the live intervals of a heuristic sweep (pack_gaps.c) -----------------
// Disjoint placed byte ranges [lo, hi), each live until `until`, and the
// free gaps between them, for first-fit and best-fit placement in O(log n).
typedef struct spm_pack_gaps_s spm_pack_gaps_t;

// Room for `cap` live intervals at once; NULL when out of memory. The
// caller owns the result (spm_pack_gaps_destroy).
spm_pack_gaps_t *spm_pack_gaps_create(size_t cap);
void spm_pack_gaps_destroy(spm_pack_gaps_t *g);
// Empties g.
void spm_pack_gaps_reset(spm_pack_gaps_t *g);
// Removes the intervals with until <= now.
void spm_pack_gaps_expire(spm_pack_gaps_t *g, int64_t now);
// The offset for `size` bytes aligned to `align`: the lowest gap that fits
// (first fit), or the smallest such gap, the lowest among equal ones (best
// fit); else the aligned top of the highest interval (0 when empty). The
// size of a gap is measured from the interval below it (or 0).
int64_t spm_pack_gaps_fit(const spm_pack_gaps_t *g, int64_t size,
                          int64_t align, bool best_fit);
// Adds [lo, hi) until `until`; it must not overlap a live interval, and at
// most `cap` may be live.
void spm_pack_gaps_insert(spm_pack_gaps_t *g, int64_t lo, int64_t hi,
                          int64_t until);

#endif
