// Private to the exact search (pack_exact*.c): the state shared by the
// driver (pack_exact.c: orders, decomposition, portfolio) and the two
// searches (pack_exact_skyline.c, pack_exact_bl.c).
#ifndef SPM_ALLOC_PACK_EXACT_H
#define SPM_ALLOC_PACK_EXACT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/pack_internal.h"

#define SPM_PACK_NONE UINT32_MAX
// floor_by markers other than a buffer (bottom-left): the floor is the top
// of a run of fillers (SPM_PACK_FILL) or of given-up cells (SPM_PACK_WASTE).
// NONE is the initial floor 0.
#define SPM_PACK_FILL (UINT32_MAX - 1)
#define SPM_PACK_WASTE (UINT32_MAX - 2)
// The search recurses once per decision (about 256 bytes of stack each), so
// its depth is capped at SPM_PACK_MAX_DEPTH (about 3 MB of stack): deeper,
// it stops as at a limit. Instances of more than SPM_PACK_EXACT_MAX_BUFFERS
// buffers (pack.h) report the limit at once; spm_pack does not search them.
#define SPM_PACK_MAX_DEPTH 12288

enum { SPM_PACK_NOTFOUND, SPM_PACK_FOUND_R, SPM_PACK_ABORT };
enum { SPM_PACK_NORDERS_X = 3 };

typedef struct {
  const uint32_t *b; // unplaced buffers at creation, ascending
  size_t nb;
  uint32_t slo, shi; // sections [slo, shi)
} spm_pack_part_t;

typedef struct {
  uint32_t idx, old_by;
  int64_t old;
  int64_t old_waste_lo; // bottom-left floors: waste_lo[idx] before
} spm_pack_trail_t;

typedef struct {
  int64_t o;
  uint32_t r, i; // r = rank[i] when pushed
} spm_pack_cand_t;

// A window of sections [lo, hi) on which a bottom-left nogood was recorded
// (see pack_exact_bl.c); chained per valley state.
typedef struct {
  uint32_t lo, hi, next;
} spm_pack_ngwin_t;

// A valley state (key, 0 = empty slot) and the chain of windows recorded
// with it (head into win[], len entries).
typedef struct {
  uint64_t key;
  uint32_t head, len;
} spm_pack_ngval_t;

// The bottom-left nogoods: the set of failed window states (keys, open
// addressing, 0 = empty) and, per valley state (open addressing), the
// windows recorded with it. Valid for one capacity (`capacity`) and every
// order: they are kept across runs. Owned by spm_pack_exact_t.
typedef struct {
  uint64_t *set;
  size_t cap, count;
  spm_pack_ngval_t *val;
  size_t vcap, vcount;
  spm_pack_ngwin_t *win;
  size_t nwin, capwin;
  int64_t capacity;
} spm_pack_nogoods_t;

// One static order of the buffers: internal index k is original perm[k].
typedef struct {
  size_t n;
  uint32_t *perm;
  int64_t *size, *align;
  uint32_t *slo, *shi;
  uint32_t *ident_prev; // the previous identical buffer (original order)
  uint32_t *stack_rank; // see spm_pack_bl_fits
  // The skyline search's tie order (canonical rule, candidates at one
  // offset): rank[k] = k, except inside a piece of a split, which is ranked
  // anew by the order's keys on what is left (spm_pack_split).
  uint32_t *rank;
  int heuristic; // the key of spm_pack_order_build
  uint32_t sky_fail; // the section that failed the skyline's last bound check
  spm_pack_graph_t g;
  size_t nsec;
  int64_t *total0; // initial per-section sums of sizes
  uint32_t *cuts0; // initial per-boundary counts of spanning buffers
  // The initial independent parts.
  spm_pack_part_t *parts;
  size_t nparts;
  uint32_t *part_bufs;
  // The buffers live in each section (CSR). The first sec_cnt[s] entries of
  // section s are its unplaced buffers: placing a buffer swaps it behind
  // them, and undoing (in LIFO order) just counts it back in. pos[] holds
  // each buffer's position in each of its sections' lists.
  // Buffer k's entry for section s is pos[pos_base[k] + s - slo[k]].
  size_t *sec_off;
  uint32_t *sec_buf, *sec_cnt;
  size_t *pos_base;
  uint32_t *pos;
  // The buffers by first and by last section (CSR, ascending index), for
  // the bottom-left search.
  size_t *start_off, *end_off;
  uint32_t *start_buf, *end_buf;
  // Search state.
  int64_t *off, *minoff, *sol, *total, *floor;
  uint32_t *floor_by;      // bottom-left: the buffer whose top is the floor
  // Bottom-left, where floor_by[s] is SPM_PACK_WASTE: the height where the
  // given-up cells under the floor begin (the floor before them).
  int64_t *waste_lo;
  // Scratch for the valley check: three thirds of ns + 1 entries each (the
  // two candidate valleys' so far and the one being scanned).
  uint8_t *reach, *reach2;
  // Sections changed by the last placement (bottom-left), deduplicated by
  // stamp.
  uint32_t *touched, *stamp, stamp_now;
  size_t ntouched;
  uint32_t *cuts;
  // For each section, the sections spanned by the buffers live in it (the
  // hull [span_lo, span_hi)), for backjumping.
  uint32_t *span_lo, *span_hi;
  spm_pack_trail_t *tmin, *tfloor;
  size_t ntmin, captmin, ntfloor, captfloor;
  spm_pack_cand_t *cand;
  size_t ncand, capcand;
  // Bottom-left nogoods (pack_exact_bl.c): a random key per buffer (of its
  // original index) and a hash per section of its state (floor, floor_by,
  // unplaced buffers).
  uint64_t *ng_z, *ng_sec;
  // Filler pools (pack_exact_pool.c). A filler lives in one section only.
  // pool_unit[s] > 0 marks a section whose fillers form a pool (their
  // common alignment, every size a multiple of it); they are
  // pool_buf[pool_off[s] .. pool_off[s + 1]), largest first, and dp[dp_off[s]
  // ...] is the bitset of the sums (in units) their subsets make. During a
  // bottom-left run with pools on (pool_on), pooled[i] marks a filler held
  // in its pool instead of its section's lists, pool_sum[s] the bytes not
  // yet committed to a run, and the runs committed in section s are
  // (gap_at, gap_len)[pool_off[s] + k] for k < gap_n[s].
  size_t *pool_off, *dp_off;
  uint32_t *pool_buf, *gap_n;
  int64_t *pool_unit, *pool_sum, *gap_at, *gap_len;
  uint64_t *dp;
  uint8_t *pooled;
  size_t pool_max; // the largest pool (buffers)
  int64_t *bp_item, *bp_bin; // scratch for the bin packing (pool_max + 1)
  size_t *bp_where;
  bool pool_on;
  // Bottom-left: whether the rule that nothing floats is on (this run).
  bool float_rule;
  bool oom;
} spm_pack_order_t;

struct spm_pack_exact_s {
  size_t n;
  unsigned flags;
  spm_pack_buffer_t *bufs;
  int64_t lb;
  // Gluing (see spm_pack_glue in pack_exact.c): for capacity glue_cap, the
  // instance with glued chains merged (owned; NULL when nothing glues) and
  // each buffer's index in it.
  int64_t glue_cap;
  struct spm_pack_exact_s *glued;
  uint32_t *glue_of;
  spm_pack_order_t *ord[SPM_PACK_NORDERS_X];
  bool ord_same[SPM_PACK_NORDERS_X]; // order h equals an earlier one: skipped
  uint64_t nodes;
  // spm_pack_exact_set_cutoff: a solve stops, as at its node limit, once it
  // has entered *cutoff nodes since call_start (x->nodes when it began);
  // another thread may lower *cutoff meanwhile. NULL: no cutoff.
  const _Atomic uint64_t *cutoff;
  uint64_t call_start;
  // Per solve.
  int64_t cap;
  double deadline;
  uint64_t global_stop, local_stop;
  // Work done (sections and list entries scanned): the portfolio's budgets
  // are in work, not nodes, so that a strategy with costlier nodes does not
  // take more time; deterministic, unlike a time slice.
  uint64_t work;
  uint32_t depth;
  int abort_kind; // 0 none, 1 local budget, 2 time/node limit, 3 depth
  spm_pack_nogoods_t ng;
  // Bottom-left backjumping: when a search returns NOTFOUND, the sections
  // [fail_lo, fail_hi) whose state (floors, and the buffers live there)
  // the failure depends on (see pack_exact_bl.c).
  uint32_t fail_lo, fail_hi;
  // Bottom-left failure weights (see pack_exact_bl.c): per section, the
  // decayed count of dead ends found there, over every run on x that uses
  // them (NULL until the first); each dead end adds weight_inc, which grows
  // so that older ones count less. `weigh`: the current run uses them (a
  // bottom-left run at capacity = lower bound, without SPM_PACK_NO_WEIGHTS).
  double *weight;
  double weight_inc;
  bool weigh;
  // A run's filler bin packing stopped at its step limit and was taken as
  // feasible: a NOTFOUND of that run proves nothing (pack_exact_pool.c).
  bool pool_unsure;
  // Where the portfolio stopped at the time/node limit, so that the next
  // solve at the same capacity goes on from there (the interrupted run
  // starts again) instead of from round 0: callers that raise the node
  // limit step by step (the capacity ladder in pack.c) do not redo the
  // earlier rounds. resume_cap 0: nothing saved.
  int64_t resume_cap;
  int resume_round;
  uint64_t resume_k, resume_luby;
  int resume_ncapped;
  bool resume_capped[2 * SPM_PACK_NORDERS_X];
};

// --- orders (pack_exact_order.c)

// Sections of the buffers: the elementary intervals between consecutive
// distinct event times. Returns the sorted distinct times (*m of them;
// caller frees), NULL when out of memory.
int64_t *spm_pack_times(const spm_pack_buffer_t *bufs, size_t n, size_t *m);
// The index of time t in times[0 .. m) (the first not below it).
uint32_t spm_pack_time_index(const int64_t *times, size_t m, int64_t t);
// A buffer's sort key in an order: k[] compared in turn, larger first, then
// `tie`, smaller first; i is the buffer.
typedef struct {
  double k[3];
  uint32_t tie, i;
} spm_pack_key_t;
int spm_pack_key_cmp(const void *a, const void *b);
// Sets e->k for static order `heuristic` (0, 1, 2: MiniMalloc's WAT, TAW,
// TWA of the buffer's width, area and largest section total; all zero for
// the random orders' numbers, so that ties keep the previous order).
void spm_pack_key_set(spm_pack_key_t *e, int heuristic, double width,
                      double area, double total);

// Builds order `heuristic` of the n > 0 buffers: 0, 1, 2 are MiniMalloc's
// WAT, TAW and TWA keys, larger values seed a random order -- every fourth
// of them (heuristic % 4 == 0) larger buffers first, ties at random. NULL
// when out of memory; freed with spm_pack_order_free (NULL is fine).
spm_pack_order_t *spm_pack_order_build(const spm_pack_buffer_t *bufs,
                                       size_t n, int heuristic);
void spm_pack_order_free(spm_pack_order_t *o);

// Counts a node and checks the limits; false: stop (abort_kind set).
static inline bool spm_pack_node_enter(spm_pack_exact_t *x) {
  if (x->work >= x->local_stop || x->nodes >= x->global_stop) {
    x->abort_kind = x->nodes >= x->global_stop ? 2 : 1;
    return false;
  }
  if ((x->nodes & 255) == 0 && x->deadline > 0 &&
      spm_pack_now() > x->deadline) {
    x->abort_kind = 2;
    return false;
  }
  if (x->cutoff && x->nodes - x->call_start >=
                       atomic_load_explicit(x->cutoff, memory_order_relaxed)) {
    x->abort_kind = 2;
    return false;
  }
  x->nodes++;
  return true;
}

// Pushes (idx, old) on a trail; false (and o->oom) when out of memory.
bool spm_pack_trail_push(spm_pack_order_t *o, spm_pack_trail_t **t, size_t *len,
                         size_t *cap, uint32_t idx, int64_t old);
// Takes buffer i out of the unplaced prefix of section s's list (swapping
// it behind; undone in LIFO order by counting it back in).
void spm_pack_sec_remove(spm_pack_order_t *o, uint32_t i, uint32_t s);
// Placing buffer i at offset off, shared by both searches: records off,
// takes i out of its sections' lists of unplaced buffers (and their
// remaining sums), and raises the lowest feasible offset of its unplaced
// neighbours to above i (recording old values on o->tmin), calling
// `on_raise(o, w)` (if not NULL) for each neighbour raised.
void spm_pack_place_common(spm_pack_order_t *o, uint32_t i, int64_t off,
                           void (*on_raise)(spm_pack_order_t *, uint32_t));
// The work of placing buffer i (its sections and its conflicts), counted
// so that budgets track time whichever search spends them.
static inline uint64_t spm_pack_place_work(const spm_pack_order_t *o,
                                           uint32_t i) {
  return (uint64_t)(o->shi[i] - o->slo[i]) + (o->g.off[i + 1] - o->g.off[i]);
}
// Pushes a candidate on o->cand; false (and o->oom) when out of memory.
bool spm_pack_cand_push(spm_pack_order_t *o, int64_t off, uint32_t i);
// Sorts the candidates o->cand[beg, end) by (o, r), counting the work.
void spm_pack_cand_sort(spm_pack_exact_t *x, spm_pack_order_t *o, size_t beg,
                        size_t end);

// Solves the independent pieces of part p (split where no unplaced buffer
// crosses a boundary) with the bottom-left (bl) or the skyline search.
int spm_pack_split(spm_pack_exact_t *x, spm_pack_order_t *o,
                   const spm_pack_part_t *p, bool bl);

// The skyline-order search (pack_exact_skyline.c) from a state where the
// last placed buffer has rank last_rank and offset last (0, -1 at the start).
int spm_pack_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                    const spm_pack_part_t *p, int64_t last, int64_t last_rank);

// The bottom-left search (pack_exact_bl.c), and its bound on every section
// of a part (checked once before the search; then only changed sections).
int spm_pack_bl_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                       const spm_pack_part_t *p);
bool spm_pack_bl_sections_ok(spm_pack_order_t *o, const spm_pack_part_t *p,
                             int64_t cap, uint64_t *work);

// Backjumping: a failed search reports the sections [fail_lo, fail_hi) its
// failure depends on (see pack_exact_bl.c); clamped to the sections.
static inline void spm_pack_fail_at(spm_pack_exact_t *x,
                                    const spm_pack_order_t *o, uint32_t lo,
                                    uint32_t hi) {
  x->fail_lo = lo;
  x->fail_hi = hi < o->nsec ? hi : (uint32_t)o->nsec;
}

// --- bottom-left nogoods (pack_exact_nogood.c)

// Prepares the nogood hashes for a bottom-left run at capacity x->cap
// (state: nothing placed, floors 0), dropping nogoods of another capacity;
// false (and o->oom) when out of memory.
bool spm_pack_bl_nogood_begin(spm_pack_exact_t *x, spm_pack_order_t *o);
// Whether a nogood recorded at the valley [a, b) in its current state holds
// now; if so, sets the failure window (x->fail_*) to its window.
bool spm_pack_ng_match(spm_pack_exact_t *x, spm_pack_order_t *o, uint32_t a,
                       uint32_t b);
// Records that the current state fails on the window [lo, hi), for lookup
// at the valley [a, b) (which lies in the window) in its current state.
// Out of memory: records nothing (nogoods only prune).
void spm_pack_ng_record(spm_pack_exact_t *x, spm_pack_order_t *o, uint32_t a,
                        uint32_t b, uint32_t lo, uint32_t hi);

static inline uint64_t spm_pack_mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The key of section s having floor f set by the buffer of original index
// `by` (or NONE).
static inline uint64_t spm_pack_ng_floor_key(uint32_t s, int64_t f,
                                             uint32_t by) {
  return spm_pack_mix(spm_pack_mix(spm_pack_mix(s) + (uint64_t)f) + by);
}

// The original index of buffer i of order o (NONE, FILL, WASTE stay).
static inline uint32_t spm_pack_orig(const spm_pack_order_t *o, uint32_t i) {
  return i >= o->n ? i : o->perm[i];
}

// The key of section s's floor in the bottom-left search: its height, what
// set it and, for given-up cells, where they begin (the rule that nothing
// floats reads it).
static inline uint64_t spm_pack_ng_section_floor_key(const spm_pack_order_t *o,
                                                     uint32_t s) {
  uint64_t k = spm_pack_ng_floor_key(s, o->floor[s],
                                     spm_pack_orig(o, o->floor_by[s]));
  if (o->floor_by[s] == SPM_PACK_WASTE)
    k += spm_pack_mix((uint64_t)o->waste_lo[s] ^ 0xD6E8FEB86659FD93ull);
  return k;
}

// The key of a run of `len` units of fillers committed in section s (the
// runs of a section are a multiset: their keys are summed).
static inline uint64_t spm_pack_ng_run_key(uint32_t s, int64_t len) {
  return spm_pack_mix(spm_pack_mix((uint64_t)s ^ 0xA24BAED4963EE407ull) +
                      (uint64_t)len);
}

// --- filler pools (pack_exact_pool.c)

// Builds the pools of an order (its sections, lists and sizes built);
// false when out of memory. Freed by spm_pack_pool_free.
bool spm_pack_pool_build(spm_pack_order_t *o);
void spm_pack_pool_free(spm_pack_order_t *o);
// At the start of a run (lists full, nothing placed): with `on`, takes the
// pooled fillers out of their sections' lists and fills the pools;
// without, leaves every filler a plain buffer.
void spm_pack_pool_begin(spm_pack_order_t *o, bool on);
// Whether a run of fillers may rest on the floor of section s: s has
// uncommitted fillers, and the floor is not itself the top of a run or of
// given-up cells (a run there would belong to that run, or float). The run
// starts at the floor aligned up to the pool's unit.
static inline bool spm_pack_pool_can_fill(const spm_pack_order_t *o,
                                          uint32_t s) {
  return o->pool_on && o->pool_unit[s] > 0 && o->pool_sum[s] > 0 &&
         o->floor_by[s] != SPM_PACK_FILL && o->floor_by[s] != SPM_PACK_WASTE;
}
// Whether the run of fillers that section s's floor is the top of may grow
// (pack_exact_bl.c): the floor is a run's top and fillers are left.
static inline bool spm_pack_pool_can_extend(const spm_pack_order_t *o,
                                            uint32_t s) {
  return o->pool_on && o->pool_unit[s] > 0 && o->pool_sum[s] > 0 &&
         o->floor_by[s] == SPM_PACK_FILL;
}
// Whether subsets of section s's pool make up `len` units (bit test).
static inline bool spm_pack_pool_sum_ok(const spm_pack_order_t *o, uint32_t s,
                                        int64_t len) {
  const uint64_t *d = o->dp + o->dp_off[s];
  return (d[len >> 6] >> (len & 63)) & 1;
}
// The exact bin packing behind the pools: can the items (sizes, largest
// first) be split among the bins so that every bin comes out exactly full?
// Returns 1 (where[j] is item j's bin), 0 (no: also when the sums differ) or
// -1 (gave up after `limit` steps); *steps is the steps taken. bin[] is
// used as scratch and restored.
int spm_pack_pool_bin_pack(const int64_t *item, size_t ni, int64_t *bin,
                           size_t nb, size_t *where, uint64_t limit,
                           uint64_t *steps);
// Whether the runs committed in s plus one more of `len` units can all be
// made up of distinct fillers of s (the rest left over). Counts its work;
// a check cut short by its step limit answers true and sets
// x->pool_unsure.
bool spm_pack_pool_realizable(spm_pack_exact_t *x, spm_pack_order_t *o,
                              uint32_t s, int64_t len);
// Commits / uncommits (LIFO) a run of `len` units at offset `at` in s: the
// pool, the gap list; the caller moves the floor and the totals.
void spm_pack_pool_push(spm_pack_order_t *o, uint32_t s, int64_t at,
                        int64_t len);
void spm_pack_pool_pop(spm_pack_order_t *o, uint32_t s);
// Once the sections [slo, shi) are packed (every pool committed): chooses
// which fillers make up each run and writes their offsets to o->sol. False
// when the bin packing fails within a generous step limit (only after an
// unsure check; x->pool_unsure is set).
bool spm_pack_pool_emit(spm_pack_exact_t *x, spm_pack_order_t *o,
                        uint32_t slo, uint32_t shi);

#endif
