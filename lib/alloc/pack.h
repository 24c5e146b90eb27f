// spm_pack: offset assignment for buffers with fixed live ranges (the 2-D
// packing of [start, end) x size behind scratchpad allocation), plain C.
//
// Two buffers *conflict* when their live ranges intersect
// (a.start < b.end && b.start < a.end); conflicting buffers must occupy
// disjoint byte ranges [offset, offset + size). Every offset is a multiple of
// the buffer's alignment. The peak of a packing is max(offset + size).
//
// Algorithms:
//   - heuristic: the best of several greedy orders (time sweeps forward and
//     backward; by size, by size x lifetime, by conflict weight while the
//     conflicts are few enough), each placing buffer after buffer at the
//     lowest aligned offset free of conflicting placed buffers (first fit)
//     or in the smallest free gap that holds it (best fit); fast, no
//     guarantee.
//   - exact: branch and bound; two complete searches (buffers placed on the
//     skyline in non-decreasing offset order, MiniMalloc-style; and a
//     bottom-left fill of the lowest free points) with pruning by section
//     bounds, dominance, symmetry and time decomposition, run as a
//     deterministic portfolio with restarts. Within its time/node limit it
//     finds a packing within the capacity whenever one exists or proves that
//     none does, and minimises the peak when asked (bisection between the
//     lower bound and the best packing known). At a capacity above the
//     lower bound it also searches at the bound, where it prunes hardest
//     (a packing there fits the capacity).
//   - auto: heuristic first; exact only if the heuristic misses the capacity
//     (or the lower bound, when minimising).
//   The exact algorithm runs the heuristic first too, and searches only
//   where that can change the answer, as auto does: with a capacity the two
//   are the same; exact without a capacity minimises the peak.
// `optimal` is also set whenever the peak equals the lower bound. Every
// packing returned has passed spm_pack_validate(). See docs/packing.md.
//
// Ownership: the caller owns the buffer array; spm_pack writes the `offset`
// fields. Nothing is retained.
#ifndef SPM_ALLOC_PACK_H
#define SPM_ALLOC_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_pack_buffer_s {
  int64_t id;    // caller's identifier (not interpreted)
  int64_t start; // live range [start, end), start < end
  int64_t end;
  int64_t size;   // bytes, > 0
  int64_t align;  // power of two >= 1
  int64_t offset; // output: assigned offset (-1 when not placed)
} spm_pack_buffer_t;

typedef enum spm_pack_algorithm_e {
  SPM_PACK_HEURISTIC,
  SPM_PACK_EXACT,
  SPM_PACK_AUTO,
} spm_pack_algorithm_t;

// Which searches the exact phase runs (docs/packing.md). All are exact;
// they differ in which instances they settle fast. The single searches
// are for comparing them.
typedef enum spm_pack_search_e {
  SPM_PACK_SEARCH_PORTFOLIO,   // both, under the static orders, plus
                               // bottom-left restarts under random orders
  SPM_PACK_SEARCH_SKYLINE,     // the skyline-order search alone
                               // (MiniMalloc's), static orders only
  SPM_PACK_SEARCH_BOTTOM_LEFT, // the bottom-left search alone, with its
                               // restarts
} spm_pack_search_t;

typedef struct spm_pack_options_s {
  spm_pack_algorithm_t algorithm;
  int64_t capacity;    // bytes; <= 0 means unlimited
  bool minimize_peak;  // exact/auto: search for the smallest peak
  double time_limit;   // seconds for the exact search (<= 0: none)
  uint64_t node_limit; // search nodes for the exact search (0: none)
  spm_pack_search_t search; // exact/auto: which searches
} spm_pack_options_t;

// Defaults: auto, unlimited capacity, no peak minimisation, 1 s, no node
// limit, the portfolio.
spm_pack_options_t spm_pack_options_default(void);

typedef struct spm_pack_result_s {
  bool feasible;          // every buffer placed within the capacity
  bool proven_infeasible; // the exact search proved no packing fits
  bool optimal;           // the exact search proved `peak` minimal
  bool limit_reached;     // the exact search stopped at a limit
  bool too_large;         // the exact search was needed but not run: more
                          // than SPM_PACK_EXACT_MAX_BUFFERS buffers or
                          // SPM_PACK_EXACT_MAX_CONFLICTS conflicting pairs
                          // (limit_reached is set too)
  int64_t peak;           // max(offset + size) of the packing returned
  int64_t lower_bound;    // spm_pack_lower_bound()
  uint64_t nodes;         // exact search nodes
  double seconds;         // wall time spent in spm_pack
  const char *algorithm;  // "heuristic" or "exact": which produced it
} spm_pack_result_t;

// The exact search runs on instances of at most this many buffers, and at
// most this many conflicting pairs (its conflict graph, one per search
// order, holds each pair twice: 64 MiB at the cap). Beyond either, spm_pack
// returns the heuristic's packing with `too_large` and `limit_reached` set,
// at once (whatever the time limit).
#define SPM_PACK_EXACT_MAX_BUFFERS 10000
#define SPM_PACK_EXACT_MAX_CONFLICTS ((uint64_t)1 << 23)

// The number of conflicting pairs (buffers live at the same time) of
// bufs[0..n), O(n log n) without building the graph; UINT64_MAX when out of
// memory.
uint64_t spm_pack_conflict_pairs(const spm_pack_buffer_t *bufs, size_t n);

// Assigns offsets to bufs[0..n). On success returns OK and fills *result;
// when no packing within the capacity was found, result->feasible is false
// and the offsets hold the best (over-capacity) packing found, so callers
// can report it. INVALID_ARGUMENT for malformed buffers (start >= end,
// size <= 0, alignment not a power of two) or options.
spm_status_t spm_pack(spm_pack_buffer_t *bufs, size_t n,
                      const spm_pack_options_t *options,
                      spm_pack_result_t *result);

// The bound on the sum of all sizes and alignments that spm_pack accepts
// (INVALID_ARGUMENT beyond): every offset and peak the packers compute stays
// below it, so no intermediate sum can overflow.
#define SPM_PACK_MAX_TOTAL (INT64_MAX / 4)

// The lower bound on any packing's peak: the maximum over time of the sum of
// the live buffers' sizes. With alignments it is strengthened where sizes
// are not multiples of their alignment: for each alignment a, the live
// buffers aligned to a or more, each but the topmost rounded up to a (all
// sit at multiples of a). (Rounding every size up would not be a valid
// bound: two 3-byte buffers aligned to 4 fit in 7 bytes.)
int64_t spm_pack_lower_bound(const spm_pack_buffer_t *bufs, size_t n);

// Independent validator: every offset set, aligned, non-negative, within the
// capacity (if > 0), and no two conflicting buffers overlapping. Returns OK
// or FAILED with a message naming the first violation (buffer ids).
spm_status_t spm_pack_validate(const spm_pack_buffer_t *bufs, size_t n,
                               int64_t capacity);

// The validator's finding in structured form, for tools that name buffers
// their own way (spm-pack: CSV ids and line numbers).
typedef struct spm_pack_violation_s {
  size_t first;     // index into bufs of the offending buffer
  size_t second;    // the other buffer of an overlap; SIZE_MAX otherwise
  char detail[192]; // what is wrong, without the buffer ids
} spm_pack_violation_t;

// spm_pack_validate(), also filling *v (if not NULL) when it returns FAILED.
// Its message is "buffer ID: DETAIL" or "buffers ID and ID overlap: DETAIL".
spm_status_t spm_pack_validate_ex(const spm_pack_buffer_t *bufs, size_t n,
                                  int64_t capacity, spm_pack_violation_t *v);

// The time of maximum pressure (the earliest time at which the lower bound
// is attained) and the buffers live then: writes at most `max_ids` indices
// (into bufs) to `live`, returns how many are live (may exceed max_ids), and
// sets *time.
size_t spm_pack_peak_live(const spm_pack_buffer_t *bufs, size_t n,
                          int64_t *time, size_t *live, size_t max_ids);

#ifdef __cplusplus
}
#endif
#endif
