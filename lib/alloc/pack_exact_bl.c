// The bottom-left search, strongest on tight instances.
//
// The state is a floor per section: everything below it is occupied or
// given up for good, and every unplaced buffer will lie above the floors of
// its sections. A valley is a maximal run [a, b) of open sections (sections
// with unplaced buffers) at one floor f whose neighbours are higher or
// closed; the lowest run is always one. Its end points (a, f) and
// (b - 1, f) are decision points: such a point is either covered by a
// buffer at offset exactly f lying inside the valley (starting at a, resp.
// ending at b) -- branch over those -- or it stays empty for good. Then the
// section's lowest buffer rests higher: on the floor of a neighbour of the
// valley (if it reaches past the valley), on a buffer inside the valley that
// does not cover the point, or at its own alignment; the section's floor
// rises to the lowest such height (which needs slack in that section).
// Every packing whose buffers cannot move down (for example one with
// minimal offset sum) stays reachable through one of the branches, so the
// search is exact.
//
// Each node branches at a valley end with at most one alternative wherever
// there is one (an end with none fails at once, one with a single
// candidate is a forced move), otherwise at the end with the fewest
// alternatives among the lowest valleys, trying first candidates whose top
// is flush with a neighbour's floor. Pruning: a valley's bottom must be tileable by buffers
// lying in it (a reachability sweep, which also discards candidates on no
// tiling); on each changed section the lowest unplaced buffer must be able to
// start low enough for the section's unplaced buffers to fit (nothing
// floats: a buffer that would rest on given-up cells alone rests higher);
// identical buffers, and stacks of buffers with the same live range, are
// kept in index order.
//
// Failure weights (conflict-directed branching, after dom/wdeg): every
// dead end -- a valley with no way out, a section whose bound fails --
// adds weight to its sections; weights persist over the runs (restarts)
// and decay (newer dead ends count more). Among the lowest valleys' ends
// the node branches where (1 + the weight of the sections near the end) /
// alternatives is largest -- with no weights yet, at the fewest
// alternatives -- so that the search goes first where it failed before.
// Only the choice of valley end changes, which keeps the search exact.
// Used at capacity = lower bound only (pack_exact.c says why), and only
// after the first SPM_PACK_WEIGHT_WARMUP nodes.
//
// Backjumping (conflict-directed, over time windows): a failed search also
// reports a window of sections such that every state that agrees with the
// failed one on those sections (their floors and the buffers live there,
// placed or not, with their offsets) fails as well -- every check it made
// and every branching it did read only such state. A valley that cannot be
// resolved depends on the valley and its two neighbours; the section bound
// at s on s and, per unplaced buffer of s, one section whose floor lifts
// that buffer's skyline too high; a node whose branches all failed on its
// valley and on its branches' windows. A branch changes only the sections
// of the buffer it places (or the one section it gives up a cell in): when
// the branch's failure window misses them, the same failure holds for the
// node's state before the branch, so the node fails at once with that
// window, skipping its other branches. This is what stops the search from
// re-refuting one region's dead end under every combination of choices made
// elsewhere.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

static int spm_pack_bl_node(spm_pack_exact_t *x, spm_pack_order_t *o,
                            const spm_pack_part_t *p);

// The entry point: counts the depth (see SPM_PACK_MAX_DEPTH).
int spm_pack_bl_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                       const spm_pack_part_t *p) {
  if (x->depth >= SPM_PACK_MAX_DEPTH) {
    x->abort_kind = 3;
    return SPM_PACK_ABORT;
  }
  x->depth++;
  int r = spm_pack_bl_node(x, o, p);
  x->depth--;
  return r;
}

// Notes the sections of buffer i as changed.
static void spm_pack_touch(spm_pack_order_t *o, uint32_t i) {
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s)
    if (o->stamp[s] != o->stamp_now) {
      o->stamp[s] = o->stamp_now;
      o->touched[o->ntouched++] = s;
    }
}

static void spm_pack_touch_begin(spm_pack_order_t *o) {
  o->ntouched = 0;
  if (++o->stamp_now == 0) { // wrapped: clear the stamps
    memset(o->stamp, 0, o->nsec * sizeof *o->stamp);
    o->stamp_now = 1;
  }
}

// Sections on each side of a valley end whose weights count for it.
#define SPM_PACK_WEIGHT_RADIUS 2
// Nodes (over all runs on x) before the weights steer: the first few dead
// ends are noise, and short searches (the capacity ladder's quarter at the
// lower bound) did worse with them (docs/benchmarks.md).
#define SPM_PACK_WEIGHT_WARMUP 10000

// Whether the failure weights choose the valley end now (from the first
// node with SPM_PACK_WEIGHTS_NOW, which the brute-force tests use: their
// small instances never reach the warm-up).
static bool spm_pack_weights_steer(const spm_pack_exact_t *x) {
  return x->weigh && (x->nodes >= SPM_PACK_WEIGHT_WARMUP ||
                      (x->flags & SPM_PACK_WEIGHTS_NOW));
}

// A dead end on sections [lo, hi): adds the current increment to their
// weights and grows it (older dead ends count less), rescaling everything
// before it overflows.
static void spm_pack_weigh(spm_pack_exact_t *x, const spm_pack_order_t *o,
                           uint32_t lo, uint32_t hi) {
  if (!x->weigh)
    return;
  if (hi > o->nsec)
    hi = (uint32_t)o->nsec;
  for (uint32_t s = lo; s < hi; ++s)
    x->weight[s] += x->weight_inc;
  x->work += hi - lo;
  x->weight_inc *= 1.0001;
  if (x->weight_inc > 1e100) {
    for (size_t s = 0; s < o->nsec; ++s)
      x->weight[s] *= 1e-100;
    x->weight_inc *= 1e-100;
  }
}

// The weight of valley end section c: 1 plus its sections' weights within
// SPM_PACK_WEIGHT_RADIUS.
static double spm_pack_end_weight(const spm_pack_exact_t *x,
                                  const spm_pack_order_t *o, uint32_t c) {
  double w = 1;
  if (!spm_pack_weights_steer(x))
    return w;
  uint32_t lo = c > SPM_PACK_WEIGHT_RADIUS ? c - SPM_PACK_WEIGHT_RADIUS : 0;
  uint32_t hi = c + SPM_PACK_WEIGHT_RADIUS + 1;
  if (hi > o->nsec)
    hi = (uint32_t)o->nsec;
  for (uint32_t s = lo; s < hi; ++s)
    w += x->weight[s];
  return w;
}

// The failure window of the sections [a, b) and their two neighbours.
static void spm_pack_fail_around(spm_pack_exact_t *x, const spm_pack_order_t *o,
                                 uint32_t a, uint32_t b) {
  spm_pack_fail_at(x, o, a > 0 ? a - 1 : 0, b + 1);
}

// Whether section s still has something to place: unplaced buffers in its
// lists or fillers in its pool.
static bool spm_pack_open(const spm_pack_order_t *o, uint32_t s) {
  return o->sec_cnt[s] > 0 || o->pool_sum[s] > 0;
}

// Sets the floor of section s, what set it (a buffer, or a marker) and,
// for given-up cells, where they begin (wlo; 0 otherwise), keeping the
// section's hash up to date.
static void spm_pack_set_floor(spm_pack_order_t *o, uint32_t s, int64_t f,
                               uint32_t by, int64_t wlo) {
  uint64_t old = o->ng_sec ? spm_pack_ng_section_floor_key(o, s) : 0;
  o->floor[s] = f;
  o->floor_by[s] = by;
  o->waste_lo[s] = wlo;
  if (o->ng_sec)
    o->ng_sec[s] += spm_pack_ng_section_floor_key(o, s) - old;
}

// Saves section s's floor on the trail (spm_pack_floor_restore undoes).
static void spm_pack_floor_save(spm_pack_order_t *o, uint32_t s) {
  if (spm_pack_trail_push(o, &o->tfloor, &o->ntfloor, &o->captfloor, s,
                          o->floor[s])) {
    o->tfloor[o->ntfloor - 1].old_by = o->floor_by[s];
    o->tfloor[o->ntfloor - 1].old_waste_lo = o->waste_lo[s];
  }
}

static void spm_pack_bl_place(spm_pack_order_t *o, uint32_t i, int64_t off) {
  int64_t h = off + o->size[i];
  spm_pack_touch_begin(o);
  spm_pack_touch(o, i);
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s) {
    spm_pack_floor_save(o, s);
    spm_pack_set_floor(o, s, h, i, 0);
    if (o->ng_sec)
      o->ng_sec[s] -= o->ng_z[i];
  }
  spm_pack_place_common(o, i, off, spm_pack_touch);
}

// Whether buffer w at offset f would float: every section of w ends at f
// in given-up cells (empty in the packing sought) that w could move down
// into, its alignment allowing. The packing sought has no such buffer, and
// the section bound knows it ("nothing floats"). The search still places
// buffers there when it meets them: some packings that are found faster
// that way exist (MiniMalloc's A: 18,208 nodes per run instead of 1,726
// when it did not, docs/packing.md).
static bool spm_pack_bl_floats(const spm_pack_order_t *o, uint32_t w,
                               int64_t f, uint64_t *work) {
  if (o->floor_by[o->slo[w]] != SPM_PACK_WASTE)
    return false;
  int64_t lo = 0;
  uint32_t s = o->slo[w];
  for (; s < o->shi[w] && o->floor_by[s] == SPM_PACK_WASTE && o->floor[s] == f;
       ++s)
    lo = o->waste_lo[s] > lo ? o->waste_lo[s] : lo;
  *work += s - o->slo[w];
  return s == o->shi[w] && spm_pack_align_up(lo, o->align[w]) < f;
}

// The lowest offset of buffer u, which would float at its skyline m: it
// must rest on something placed later above a floor at m in one of its
// sections -- an unplaced buffer live there or a run of fillers -- so at
// least m + the smallest size of one (aligned for u). INT64_MAX when there
// is none: u can never be placed.
static int64_t spm_pack_bl_above_float(const spm_pack_order_t *o, uint32_t u,
                                       int64_t m, uint64_t *work) {
  int64_t d = INT64_MAX;
  for (uint32_t s = o->slo[u]; s < o->shi[u]; ++s) {
    const uint32_t *list = o->sec_buf + o->sec_off[s];
    for (uint32_t e = 0; e < o->sec_cnt[s]; ++e)
      if (list[e] != u && o->size[list[e]] < d)
        d = o->size[list[e]];
    if (o->pool_on && o->pool_sum[s] > 0 && o->pool_unit[s] < d)
      d = o->pool_unit[s];
    *work += 1 + o->sec_cnt[s];
  }
  if (d == INT64_MAX)
    return INT64_MAX;
  return spm_pack_align_up(m + d, o->align[u]);
}

// The section bound: the unplaced buffers of section s stack above its
// floor, so the lowest of them must be able to start (its skyline, the
// highest floor over its sections, or above the smallest possible buffer
// if it would float there) at or below capacity - total. (Checking
// that they fit when stacked in order of their skylines -- a one-machine
// schedule with release times -- prunes no more on the benchmarks and costs
// a sort per section; measured again with slack, docs/benchmarks.md.)
static bool spm_pack_bl_section_ok(spm_pack_order_t *o, uint32_t s, int64_t cap,
                                   uint64_t *work) {
  uint32_t cnt = o->sec_cnt[s];
  int64_t need = cap - o->total[s]; // the lowest must start at or below
  if (o->floor[s] > need)
    return false;
  // Nothing but fillers left, or a run of them may start on the floor:
  // the lowest can start at the floor.
  if (cnt == 0 || spm_pack_pool_can_extend(o, s) ||
      (spm_pack_pool_can_fill(o, s) &&
       spm_pack_align_up(o->floor[s], o->pool_unit[s]) <= need))
    return true;
  const uint32_t *list = o->sec_buf + o->sec_off[s];
  int64_t t = INT64_MAX; // the lowest offset one of them can take
  for (uint32_t e = 0; e < cnt && t > need; ++e) {
    uint32_t u = list[e];
    int64_t m = o->minoff[u];
    if (m <= need && o->float_rule && spm_pack_bl_floats(o, u, m, work))
      m = spm_pack_bl_above_float(o, u, m, work);
    if (m < t)
      t = m;
  }
  *work += cnt;
  return t <= need;
}

// The failure window of the section bound failing at section s: s, and for
// each unplaced buffer u of s a section t of u whose floor (aligned for u)
// is above capacity - total[s]. In the bottom-left search every skyline is
// the highest aligned floor over the buffer's sections (floors only rise by
// placements and given-up cells, which raise the skylines above them the
// same way), so in any state that agrees on these sections the bound fails
// again. The nearest such t is taken, to keep the window small.
static void spm_pack_section_fail(spm_pack_exact_t *x, spm_pack_order_t *o,
                                  uint32_t s) {
  int64_t need = x->cap - o->total[s];
  uint32_t lo = s, hi = s + 1;
  const uint32_t *list = o->sec_buf + o->sec_off[s];
  for (uint32_t e = 0; e < o->sec_cnt[s] && o->floor[s] <= need; ++e) {
    uint32_t u = list[e];
    uint32_t t = SPM_PACK_NONE;
    for (uint32_t d = 0; t == SPM_PACK_NONE; ++d) {
      bool any = false;
      if (s >= o->slo[u] + d) {
        any = true;
        if (spm_pack_align_up(o->floor[s - d], o->align[u]) > need)
          t = s - d;
      }
      if (t == SPM_PACK_NONE && s + d < o->shi[u]) {
        any = true;
        if (spm_pack_align_up(o->floor[s + d], o->align[u]) > need)
          t = s + d;
      }
      if (!any)
        break;
    }
    x->work += o->shi[u] - o->slo[u];
    if (t == SPM_PACK_NONE && o->float_rule &&
        spm_pack_bl_floats(o, u, o->minoff[u], &x->work)) {
      // u would float at its skyline: that read its sections' floors
      lo = o->slo[u] < lo ? o->slo[u] : lo;
      hi = o->shi[u] > hi ? o->shi[u] : hi;
      continue;
    }
    if (t == SPM_PACK_NONE) { // not expected: fall back to the whole span
      lo = o->span_lo[s] < lo ? o->span_lo[s] : lo;
      hi = o->span_hi[s] > hi ? o->span_hi[s] : hi;
      break;
    }
    lo = t < lo ? t : lo;
    hi = t + 1 > hi ? t + 1 : hi;
  }
  spm_pack_fail_at(x, o, lo, hi);
}

// The bound on the sections the last change touched (the others are as the
// parent node left them).
static bool spm_pack_bl_touched_ok(spm_pack_exact_t *x, spm_pack_order_t *o) {
  for (size_t k = 0; k < o->ntouched; ++k) {
    uint32_t s = o->touched[k];
    if (!spm_pack_bl_section_ok(o, s, x->cap, &x->work)) {
      spm_pack_weigh(x, o, s, s + 1);
      spm_pack_section_fail(x, o, s);
      return false;
    }
  }
  return true;
}

// The section bound on every section of a part.
bool spm_pack_bl_sections_ok(spm_pack_order_t *o, const spm_pack_part_t *p,
                             int64_t cap, uint64_t *work) {
  for (uint32_t s = p->slo; s < p->shi; ++s)
    if (!spm_pack_bl_section_ok(o, s, cap, work))
      return false;
  return true;
}

static void spm_pack_floor_restore(spm_pack_order_t *o, size_t mark) {
  while (o->ntfloor > mark) {
    spm_pack_trail_t t = o->tfloor[--o->ntfloor];
    spm_pack_set_floor(o, t.idx, t.old, t.old_by, t.old_waste_lo);
  }
}

static void spm_pack_min_restore(spm_pack_order_t *o, size_t mark) {
  while (o->ntmin > mark) {
    spm_pack_trail_t t = o->tmin[--o->ntmin];
    o->minoff[t.idx] = t.old;
  }
}

static void spm_pack_bl_unplace(spm_pack_order_t *o, uint32_t i, size_t mark,
                                size_t mark_min) {
  spm_pack_floor_restore(o, mark);
  spm_pack_min_restore(o, mark_min);
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s) {
    o->total[s] += o->size[i];
    o->sec_cnt[s]++;
    if (o->ng_sec)
      o->ng_sec[s] += o->ng_z[i];
  }
  o->off[i] = -1;
}

// Whether buffer w may sit at offset f as the bottom of end section c of a
// valley [a, b) (c == a: w starts at a; c == b - 1: w ends at b), under the
// symmetry rules.
static bool spm_pack_bl_fits(const spm_pack_exact_t *x,
                             const spm_pack_order_t *o, uint32_t w, uint32_t a,
                             uint32_t b, uint32_t c, int64_t f) {
  if (o->off[w] >= 0 || o->pooled[w] || o->slo[w] < a || o->shi[w] > b ||
      f % o->align[w] != 0 || f + o->size[w] > x->cap)
    return false;
  if (x->flags & SPM_PACK_NO_SYMMETRY)
    return true;
  if (o->ident_prev[w] != SPM_PACK_NONE && o->off[o->ident_prev[w]] < 0)
    return false;
  // A stack of buffers with the same live range and alignment (sizes
  // multiples of it) can be reordered freely: keep it in stack_rank order
  // (larger ones lower; the same in every order, as nogoods need).
  uint32_t u = o->floor_by[c];
  return !(u < o->n && o->stack_rank[u] > o->stack_rank[w] && o->slo[u] == o->slo[w] &&
           o->shi[u] == o->shi[w] && o->align[u] == o->align[w] &&
           o->size[u] % o->align[u] == 0 && o->size[w] % o->align[w] == 0);
}

// The bottom of a valley [a, b) at floor f is tiled by buffers lying in it
// at offset f, or given up on sections with slack. Computes, in slot h (of
// three) of the scratch arrays, which prefixes (reach[k]: [a, a + k)) and
// suffixes (reach2[k]: [a + k, b)) can be so resolved; a buffer can be at
// the bottom only if it joins a prefix and a suffix. Returns whether the
// whole valley can.
static bool spm_pack_valley_reach(spm_pack_exact_t *x, spm_pack_order_t *o,
                                  uint32_t a, uint32_t b, int64_t f, int h) {
  uint8_t *fw = o->reach + h * (o->nsec + 1);
  uint8_t *bw = o->reach2 + h * (o->nsec + 1);
  uint32_t len = b - a;
  int64_t cap = x->cap;
  memset(fw, 0, len + 1);
  memset(bw, 0, len + 1);
  fw[0] = 1;
  for (uint32_t t = a; t < b; ++t) {
    if (!fw[t - a])
      continue;
    if (o->floor[t] + o->total[t] < cap ||
        spm_pack_pool_can_extend(o, t) ||
        (spm_pack_pool_can_fill(o, t) && f % o->pool_unit[t] == 0))
      fw[t + 1 - a] = 1;
    for (size_t e = o->start_off[t]; e < o->start_off[t + 1]; ++e) {
      uint32_t w = o->start_buf[e];
      if (o->off[w] < 0 && !o->pooled[w] && o->shi[w] <= b &&
          f % o->align[w] == 0 &&
          f + o->size[w] <= cap)
        fw[o->shi[w] - a] = 1;
    }
    x->work += 1 + o->start_off[t + 1] - o->start_off[t];
  }
  if (!fw[len])
    return false;
  bw[len] = 1;
  for (uint32_t t = b; t-- > a;) {
    if ((o->floor[t] + o->total[t] < cap ||
         spm_pack_pool_can_extend(o, t) ||
         (spm_pack_pool_can_fill(o, t) && f % o->pool_unit[t] == 0)) &&
        bw[t + 1 - a])
      bw[t - a] = 1;
    for (size_t e = o->start_off[t]; e < o->start_off[t + 1] && !bw[t - a];
         ++e) {
      uint32_t w = o->start_buf[e];
      if (o->off[w] < 0 && !o->pooled[w] && o->shi[w] <= b &&
          f % o->align[w] == 0 &&
          f + o->size[w] <= cap && bw[o->shi[w] - a])
        bw[t - a] = 1;
    }
    x->work += 1 + o->start_off[t + 1] - o->start_off[t];
  }
  return true;
}

// Whether w, fitting at the valley end, also completes a tiling of the
// valley bottom (after spm_pack_valley_reach on that valley, in slot h).
static bool spm_pack_valley_viable(const spm_pack_order_t *o, uint32_t w,
                                   uint32_t a, int h) {
  size_t base = (size_t)h * (o->nsec + 1);
  return o->reach[base + o->slo[w] - a] && o->reach2[base + o->shi[w] - a];
}

// The lengths (in units of the pool) worth trying for the run of fillers
// at (c, f) that starts at `at` (f aligned up) and has `old` units so far
// (0 for a new run; the floor is then its top): longer than `old`; none
// when c has no slack for the cells below `at`; all that is left when c
// has nothing else; otherwise, when c has no slack, the run must end where
// an unplaced buffer of c can start (at or above its skyline), as nothing
// can stay empty above it.
static void spm_pack_run_range(const spm_pack_order_t *o, uint32_t c,
                               int64_t f, int64_t at, int64_t old,
                               int64_t cap, int64_t *lo, int64_t *hi) {
  int64_t unit = o->pool_unit[c];
  bool slack = o->floor[c] + o->total[c] < cap;
  *hi = old + o->pool_sum[c] / unit;
  *lo = old + 1;
  if (at > f && !slack) { // [f, at) would stay empty
    *lo = *hi + 1;
    return;
  }
  if (o->sec_cnt[c] == 0) {
    *lo = *hi;
    return;
  }
  if (slack)
    return;
  const uint32_t *lc = o->sec_buf + o->sec_off[c];
  int64_t low = INT64_MAX;
  for (uint32_t e = 0; e < o->sec_cnt[c]; ++e)
    if (o->minoff[lc[e]] < low)
      low = o->minoff[lc[e]];
  if (low > at && (low - at + unit - 1) / unit > *lo)
    *lo = (low - at + unit - 1) / unit;
}

// A node that branched on the valley [a, b) failed on the window in
// x->fail_*: remembers it (a nogood).
static int spm_pack_bl_fail(spm_pack_exact_t *x, spm_pack_order_t *o,
                            uint32_t a, uint32_t b) {
  if (o->ng_sec)
    spm_pack_ng_record(x, o, a, b, x->fail_lo, x->fail_hi);
  return SPM_PACK_NOTFOUND;
}

// Raises the floor of section c to h (`by`: the top of a run of fillers
// or of given-up cells) and the skylines of c's unplaced buffers with it,
// checks the bounds on what changed and searches on. The floors and
// skylines are restored before it returns.
static int spm_pack_bl_lift(spm_pack_exact_t *x, spm_pack_order_t *o,
                            const spm_pack_part_t *p, uint32_t c, int64_t h,
                            uint32_t by) {
  size_t mark = o->ntfloor, mark_min = o->ntmin;
  // Given-up cells on given-up cells: they begin where the first did.
  int64_t wlo = by != SPM_PACK_WASTE              ? 0
                : o->floor_by[c] == SPM_PACK_WASTE ? o->waste_lo[c]
                                                   : o->floor[c];
  spm_pack_floor_save(o, c);
  spm_pack_set_floor(o, c, h, by, wlo);
  spm_pack_touch_begin(o);
  const uint32_t *lc = o->sec_buf + o->sec_off[c];
  for (uint32_t e = 0; e < o->sec_cnt[c]; ++e) {
    uint32_t w = lc[e];
    int64_t m = spm_pack_align_up(h, o->align[w]);
    if (o->minoff[w] < m) {
      spm_pack_trail_push(o, &o->tmin, &o->ntmin, &o->captmin, w, o->minoff[w]);
      o->minoff[w] = m;
      spm_pack_touch(o, w);
    }
  }
  int r;
  bool bounds = !(x->flags & SPM_PACK_NO_SECTIONS);
  if (o->oom) {
    r = SPM_PACK_ABORT;
  } else if (bounds && !spm_pack_bl_section_ok(o, c, x->cap, &x->work)) {
    spm_pack_weigh(x, o, c, c + 1);
    spm_pack_section_fail(x, o, c);
    r = SPM_PACK_NOTFOUND;
  } else if (bounds && !spm_pack_bl_touched_ok(x, o)) {
    r = SPM_PACK_NOTFOUND;
  } else {
    r = spm_pack_bl_search(x, o, p);
  }
  spm_pack_floor_restore(o, mark);
  spm_pack_min_restore(o, mark_min);
  return r;
}

// The run-of-fillers branch of a node (pack_exact_pool.c) at (c, f): a new
// run, or the run whose top f is grown. Either way one branch, of the
// shortest length the pool can make up that is worth trying: a longer one
// is reached by growing it again at (c, top) when that point comes up, so
// the length is decided only when the column above needs it (the state "a
// run up to at least f" stands for every longer one: each check made in it
// holds for them too). Returns as the search does; on NOTFOUND, *jump is set
// when the failure does not involve c (a backjump: x->fail_* hold its
// window), else [*wlo, *whi) is widened by it.
static int spm_pack_bl_run(spm_pack_exact_t *x, spm_pack_order_t *o,
                           const spm_pack_part_t *p, uint32_t c, int64_t f,
                           bool *jump, uint32_t *wlo, uint32_t *whi) {
  int64_t cap = x->cap;
  int r = SPM_PACK_NOTFOUND;
  bool grow = spm_pack_pool_can_extend(o, c);
  if (!grow && !spm_pack_pool_can_fill(o, c))
    return SPM_PACK_NOTFOUND;
  int64_t unit = o->pool_unit[c];
  size_t last = o->pool_off[c] + o->gap_n[c] - 1;
  int64_t at = grow ? o->gap_at[last] : spm_pack_align_up(f, unit);
  int64_t old = grow ? o->gap_len[last] : 0, lo_run, hi_run;
  spm_pack_run_range(o, c, f, at, old, cap, &lo_run, &hi_run);
  if (grow) { // judged without the old length
    if (o->ng_sec)
      o->ng_sec[c] -= spm_pack_ng_run_key(c, old);
    spm_pack_pool_pop(o, c);
  }
  int64_t len = lo_run;
  while (len <= hi_run && !spm_pack_pool_realizable(x, o, c, len))
    len++;
  x->work += 1 + (uint64_t)(len - lo_run);
  if (len <= hi_run) {
    o->total[c] -= (len - old) * unit;
    spm_pack_pool_push(o, c, at, len);
    if (o->ng_sec)
      o->ng_sec[c] += spm_pack_ng_run_key(c, len);
    x->work += 1 + o->sec_cnt[c];
    r = spm_pack_bl_lift(x, o, p, c, at + len * unit, SPM_PACK_FILL);
    if (o->ng_sec)
      o->ng_sec[c] -= spm_pack_ng_run_key(c, len);
    spm_pack_pool_pop(o, c);
    o->total[c] += (len - old) * unit;
    if (r == SPM_PACK_NOTFOUND) {
      // The run changed section c only (as the branch below does).
      if (!(x->flags & SPM_PACK_NO_BACKJUMP) &&
          (x->fail_hi <= c || x->fail_lo > c))
        *jump = true;
      else {
        *wlo = x->fail_lo < *wlo ? x->fail_lo : *wlo;
        *whi = x->fail_hi > *whi ? x->fail_hi : *whi;
      }
    }
  }
  if (grow) {
    spm_pack_pool_push(o, c, at, old);
    if (o->ng_sec)
      o->ng_sec[c] += spm_pack_ng_run_key(c, old);
  }
  return r;
}

// The waste branch of a node at the valley end (c, f) of [a, b): nothing
// covers (c, f), so the lowest buffer of section c rests higher -- on the
// floor of a neighbour of the valley (if it reaches it), on a buffer in the
// valley that does not cover c, or at its own alignment -- and c's floor
// rises to the lowest such height. None without slack in c, or when only
// fillers are left there (they would rest on the floor, not above empty
// cells). Returns as spm_pack_bl_run does (its window reads only the
// valley, its neighbours and c).
static int spm_pack_bl_waste(spm_pack_exact_t *x, spm_pack_order_t *o,
                             const spm_pack_part_t *p, uint32_t a, uint32_t b,
                             uint32_t c, int64_t f, bool *jump, uint32_t *wlo,
                             uint32_t *whi) {
  int64_t cap = x->cap;
  if (o->floor[c] + o->total[c] >= cap || o->sec_cnt[c] == 0)
    return SPM_PACK_NOTFOUND;
  int64_t h = INT64_MAX;
  if (a > p->slo && spm_pack_open(o, a - 1))
    h = o->floor[a - 1];
  if (b < p->shi && spm_pack_open(o, b) && o->floor[b] < h)
    h = o->floor[b];
  for (uint32_t t = a; t < b; ++t) {
    if (t == c)
      continue;
    if (o->pool_sum[t] > 0) { // on a run of fillers: its smallest, at least
      int64_t least = o->size[o->pool_buf[o->pool_off[t + 1] - 1]];
      if (f + least < h)
        h = f + least;
    }
    const uint32_t *lt = o->sec_buf + o->sec_off[t];
    for (uint32_t e = 0; e < o->sec_cnt[t]; ++e) {
      uint32_t y = lt[e];
      if ((o->shi[y] <= c || o->slo[y] > c) && f + o->size[y] < h)
        h = f + o->size[y];
    }
  }
  const uint32_t *lc = o->sec_buf + o->sec_off[c];
  for (uint32_t e = 0; e < o->sec_cnt[c]; ++e) {
    int64_t t = spm_pack_align_up(f, o->align[lc[e]]);
    if (t > f && t < h)
      h = t;
  }
  if (h == INT64_MAX || h + o->total[c] > cap)
    return SPM_PACK_NOTFOUND;
  int r = spm_pack_bl_lift(x, o, p, c, h, SPM_PACK_WASTE);
  if (r == SPM_PACK_NOTFOUND) {
    // The branch changed section c (its floor, and the skylines of the
    // buffers live there): backjump if its failure does not involve c.
    if (!(x->flags & SPM_PACK_NO_BACKJUMP) &&
        (x->fail_hi <= c || x->fail_lo > c))
      *jump = true;
    else {
      *wlo = x->fail_lo < *wlo ? x->fail_lo : *wlo;
      *whi = x->fail_hi > *whi ? x->fail_hi : *whi;
    }
  }
  return r;
}

// A valley end to branch on: end section c of the valley [a, b) at floor
// f, its number of alternatives, and the slot of the reach arrays that
// holds the valley's reach (see spm_pack_valley_reach).
typedef struct {
  uint32_t a, b, c;
  int64_t f;
  size_t cost;
  int slot;
} spm_pack_bl_end_t;

static int spm_pack_bl_node(spm_pack_exact_t *x, spm_pack_order_t *o,
                            const spm_pack_part_t *p) {
  if (!spm_pack_node_enter(x))
    return SPM_PACK_ABORT;
  unsigned flags = x->flags;
  int64_t cap = x->cap;
  x->work += 2 * (uint64_t)(p->shi - p->slo); // the valley scan
  // Where to branch: a valley end with at most one alternative (a dead end
  // or a forced move) wherever it is; otherwise, among the lowest valleys,
  // the end with the most failure weight per alternative (without weights:
  // the fewest alternatives). Any valley end would do (the search is exact
  // for every choice); branching bottom-up while taking forced moves
  // everywhere solved more instances with slack than "fewest alternatives
  // anywhere", and the weights more again (docs/benchmarks.md).
  int64_t minf = INT64_MAX;
  for (uint32_t s = p->slo; s < p->shi; ++s)
    if (spm_pack_open(o, s) && o->floor[s] < minf)
      minf = o->floor[s];
  spm_pack_bl_end_t any = {0, 0, SPM_PACK_NONE, 0, SIZE_MAX, 0};
  spm_pack_bl_end_t low = {0, 0, SPM_PACK_NONE, 0, SIZE_MAX, 1};
  bool known = false; // a recorded nogood holds
  double low_score = 0; // low's weight per alternative
  for (uint32_t s = p->slo; s < p->shi && any.cost > 0;) {
    if (!spm_pack_open(o, s)) {
      s++;
      continue;
    }
    int64_t f = o->floor[s];
    uint32_t a = s, b = s + 1;
    while (b < p->shi && spm_pack_open(o, b) && o->floor[b] == f)
      b++;
    s = b;
    if ((a > p->slo && spm_pack_open(o, a - 1) && o->floor[a - 1] < f) ||
        (b < p->shi && spm_pack_open(o, b) && o->floor[b] < f))
      continue; // not a valley
    if (o->ng_sec && spm_pack_ng_match(x, o, a, b)) {
      any.cost = 0; // a known dead end (the window is set)
      known = true;
      break;
    }
    bool dp = !(flags & SPM_PACK_NO_SECTIONS) && b - a > 1;
    int cur = any.slot == low.slot ? (any.slot + 1) % 3 // a slot free for
                                   : 3 - any.slot - low.slot; // this valley
    if (dp && !spm_pack_valley_reach(x, o, a, b, f, cur)) {
      any = (spm_pack_bl_end_t){a, b, SPM_PACK_NONE, f, 0, cur};
      break;
    }
    bool lowest = f == minf;
    for (int end = 0; end < 2; ++end) {
      uint32_t c = end ? b - 1 : a;
      if (end && c == a)
        break; // one section: both ends are the same point
      // Alternatives are counted only as far as they can matter: in a
      // lowest valley up to where the end's weight per alternative can no
      // longer beat the best so far (at least 2, to tell forced moves),
      // elsewhere up to 2 (an end there is taken only with at most one).
      double weight = spm_pack_end_weight(x, o, c);
      size_t lim = any.cost < 2 ? any.cost : 2;
      if (lowest && low.c == SPM_PACK_NONE) {
        lim = SIZE_MAX;
      } else if (lowest && !spm_pack_weights_steer(x)) {
        lim = low.cost;
      } else if (lowest) {
        double m = weight / low_score;
        lim = m >= 1e18 ? SIZE_MAX : (size_t)m + 1;
        lim = lim < 2 ? 2 : lim;
      }
      size_t cost = o->floor[c] + o->total[c] < cap; // the waste branch
      const uint32_t *list = end ? o->end_buf : o->start_buf;
      const size_t *lo = end ? o->end_off : o->start_off;
      for (size_t e = lo[c]; e < lo[c + 1] && cost < lim; ++e)
        cost += spm_pack_bl_fits(x, o, list[e], a, b, c, f) &&
                (!dp || spm_pack_valley_viable(o, list[e], a, cur));
      if (cost < lim &&
          (spm_pack_pool_can_fill(o, c) || spm_pack_pool_can_extend(o, c)))
        cost++; // the run of fillers (see below)
      spm_pack_bl_end_t e = {a, b, c, f, cost, cur};
      if ((lowest || cost < 2) &&
          (cost < any.cost || (cost == any.cost && f < any.f)))
        any = e;
      if (lowest && cost > 0 &&
          (low.c == SPM_PACK_NONE || weight / (double)cost > low_score)) {
        low = e;
        low_score = weight / (double)cost;
      }
      if (any.cost == 0)
        break;
    }
  }
  if (any.cost == 0) {
    if (!known) { // a valley with no way out
      spm_pack_weigh(x, o, any.a > 0 ? any.a - 1 : 0, any.b + 1);
      spm_pack_fail_around(x, o, any.a, any.b);
    }
    return SPM_PACK_NOTFOUND;
  }
  if (any.c == SPM_PACK_NONE) { // every section closed: all placed
    if (spm_pack_pool_emit(x, o, p->slo, p->shi))
      return SPM_PACK_FOUND_R;
    spm_pack_fail_at(x, o, p->slo, p->shi); // (only after an unsure check)
    return SPM_PACK_NOTFOUND;
  }
  const spm_pack_bl_end_t *ch = any.cost <= 1 || low.c == SPM_PACK_NONE
                                    ? &any : &low;
  uint32_t ba = ch->a, bb = ch->b, bc = ch->c;
  int64_t bf = ch->f;
  int best = ch->slot;
  uint32_t a = ba, b = bb, c = bc;
  int64_t f = bf;
  bool at_end = c != a;
  bool dp = !(flags & SPM_PACK_NO_SECTIONS) && b - a > 1;
  const uint32_t *list = at_end ? o->end_buf : o->start_buf;
  const size_t *lo = at_end ? o->end_off : o->start_off;
  // Candidates, best first: a top flush with a neighbour's floor (packings
  // of cut rectangles are full of such edges), then spanning the valley,
  // then the static order.
  int64_t nl = a > p->slo && spm_pack_open(o, a - 1) ? o->floor[a - 1] : -1;
  int64_t nr = b < p->shi && spm_pack_open(o, b) ? o->floor[b] : -1;
  size_t cbeg = o->ncand;
  for (size_t e = lo[c]; e < lo[c + 1]; ++e) {
    uint32_t w = list[e];
    if (!spm_pack_bl_fits(x, o, w, a, b, c, f) ||
        (dp && !spm_pack_valley_viable(o, w, a, best)))
      continue;
    int64_t top = f + o->size[w];
    int64_t score =
        2 * (top == nl || top == nr) + (o->slo[w] == a && o->shi[w] == b);
    // Sorted ascending by (o, i): store -score so the best come first.
    if (!spm_pack_cand_push(o, -score, w))
      return SPM_PACK_ABORT;
  }
  size_t cend = o->ncand;
  spm_pack_cand_sort(x, o, cbeg, cend);
  // The failure window of this node: the valley (its definition and its
  // candidates), grown by the windows of the failed branches.
  uint32_t wlo = a > 0 ? a - 1 : 0, whi = b < o->nsec ? b + 1 : b;
  bool jump = false, backjump = !(flags & SPM_PACK_NO_BACKJUMP);
  int r = SPM_PACK_NOTFOUND;
  for (size_t k = cbeg; k < cend && r == SPM_PACK_NOTFOUND && !jump; ++k) {
    uint32_t w = o->cand[k].i;
    size_t mark = o->ntfloor, mark_min = o->ntmin;
    spm_pack_bl_place(o, w, f);
    x->work += spm_pack_place_work(o, w);
    if (o->oom) {
      r = SPM_PACK_ABORT;
    } else if (!(flags & SPM_PACK_NO_SECTIONS) &&
               !spm_pack_bl_touched_ok(x, o)) {
      r = SPM_PACK_NOTFOUND;
    } else {
      bool split = false;
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t t = o->slo[w]; t + 1 < o->shi[w]; ++t)
          split |= --o->cuts[t] == 0;
      r = split ? spm_pack_split(x, o, p, true) : spm_pack_bl_search(x, o, p);
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t t = o->slo[w]; t + 1 < o->shi[w]; ++t)
          o->cuts[t]++;
    }
    if (r == SPM_PACK_NOTFOUND) {
      // Placing w changed only its own sections (floors, the buffers live
      // there, the skylines of w's neighbours -- and a failure that read a
      // skyline includes that buffer's sections). If the failure does not
      // depend on them, it holds whatever this node does: backjump.
      if (backjump && (x->fail_hi <= o->slo[w] || x->fail_lo >= o->shi[w]))
        jump = true;
      else {
        wlo = x->fail_lo < wlo ? x->fail_lo : wlo;
        whi = x->fail_hi > whi ? x->fail_hi : whi;
      }
    }
    spm_pack_bl_unplace(o, w, mark, mark_min);
  }
  o->ncand = cbeg;
  if (r != SPM_PACK_NOTFOUND || jump)
    return r; // on a backjump, x->fail_* still hold the branch's window
  if (spm_pack_pool_can_fill(o, c) || spm_pack_pool_can_extend(o, c)) {
    r = spm_pack_bl_run(x, o, p, c, f, &jump, &wlo, &whi);
    if (r != SPM_PACK_NOTFOUND || jump)
      return r;
  }
  r = spm_pack_bl_waste(x, o, p, a, b, c, f, &jump, &wlo, &whi);
  if (r != SPM_PACK_NOTFOUND || jump)
    return r;
  spm_pack_fail_at(x, o, wlo, whi);
  return spm_pack_bl_fail(x, o, a, b);
}
