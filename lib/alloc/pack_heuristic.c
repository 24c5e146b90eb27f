// Greedy packing: several buffer orders, each placed one buffer at a time at
// an aligned offset that overlaps no already placed conflicting buffer,
// either the lowest such offset (first fit) or the lowest offset in the
// smallest free gap that holds the buffer (best fit). The best packing wins.
//
// Two kinds of runs:
//   - sweeps, in time order (by start) and in reverse time order (by end,
//     latest first). In a sweep the placed buffers that conflict with the
//     next one are exactly the ones still live, so the sweep keeps that
//     active set sorted by offset: O(n * active), no conflict graph. These
//     go first; on dense instances they are also the best orders.
//   - general orders (decreasing size, size x lifetime, conflict weight):
//     the placed conflicting buffers come from the conflict graph and are
//     sorted per buffer, O(conflicts * log). Their work is capped: they run
//     only while the conflicts they would scan stay within
//     SPM_PACK_HEURISTIC_BUDGET, so the heuristic stays fast on dense
//     instances (about 200 conflicts per buffer at 10,000 buffers), where
//     the sweeps win anyway. Deterministic: the cap counts work, not time.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_internal.h"

// Conflict-list entries the general orders may scan in total: about 4 ms
// of work on the benchmark machine.
#ifndef SPM_PACK_HEURISTIC_BUDGET
#define SPM_PACK_HEURISTIC_BUDGET ((uint64_t)1 << 20)
#endif

typedef struct {
  double k1, k2;
  uint32_t i;
} spm_pack_order_key_t;

// Descending k1, then descending k2, then ascending index (deterministic).
static int spm_pack_order_cmp(const void *pa, const void *pb) {
  const spm_pack_order_key_t *a = pa, *b = pb;
  if (a->k1 != b->k1)
    return a->k1 > b->k1 ? -1 : 1;
  if (a->k2 != b->k2)
    return a->k2 > b->k2 ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

// An occupied byte range [lo, hi); in a sweep, `until` is the (possibly
// mirrored) time its buffer dies.
typedef struct {
  int64_t lo, hi, until;
} spm_pack_iv_t;

// Sorts by lo: insertion sort for short runs, quicksort (median of three,
// smaller side first so the stack stays logarithmic) otherwise. A plain
// sort: qsort's indirect comparisons were most of the heuristic's time.
static void spm_pack_iv_sort(spm_pack_iv_t *v, size_t k) {
  while (k > 16) {
    spm_pack_iv_t *a = &v[0], *b = &v[k / 2], *c = &v[k - 1];
    int64_t p = a->lo < b->lo
                    ? (b->lo < c->lo ? b->lo : (a->lo < c->lo ? c->lo : a->lo))
                    : (a->lo < c->lo ? a->lo : (b->lo < c->lo ? c->lo : b->lo));
    size_t i = 0, j = k - 1;
    for (;;) {
      while (v[i].lo < p)
        i++;
      while (v[j].lo > p)
        j--;
      if (i >= j)
        break;
      spm_pack_iv_t t = v[i];
      v[i] = v[j];
      v[j] = t;
      i++;
      j--;
    }
    // [0, j] <= p <= [j + 1, k)
    size_t left = j + 1;
    if (left < k - left) {
      spm_pack_iv_sort(v, left);
      v += left;
      k -= left;
    } else {
      spm_pack_iv_sort(v + left, k - left);
      k = left;
    }
  }
  for (size_t i = 1; i < k; ++i) {
    spm_pack_iv_t x = v[i];
    size_t j = i;
    for (; j > 0 && v[j - 1].lo > x.lo; --j)
      v[j] = v[j - 1];
    v[j] = x;
  }
}

// The offset for a buffer of `size`/`align` among the occupied intervals
// v[0..k) sorted by lo.
static int64_t spm_pack_fit(const spm_pack_iv_t *v, size_t k, int64_t size,
                            int64_t align, bool best_fit) {
  int64_t reach = 0; // every byte below reach is either occupied or skipped
  int64_t best = -1, best_gap = 0;
  for (size_t j = 0; j < k; ++j) {
    if (v[j].lo > reach) {
      int64_t cand = spm_pack_align_up(reach, align);
      if (cand + size <= v[j].lo) {
        if (!best_fit)
          return cand;
        int64_t gap = v[j].lo - reach;
        if (best < 0 || gap < best_gap) {
          best = cand;
          best_gap = gap;
        }
      }
    }
    if (v[j].hi > reach)
      reach = v[j].hi;
  }
  return best >= 0 ? best : spm_pack_align_up(reach, align);
}

// The state shared by the runs.
typedef struct {
  const spm_pack_buffer_t *bufs;
  size_t n;
  int64_t *cur;      // cur[i]: offset of buffer i in the current run
  spm_pack_iv_t *iv; // scratch: n entries
  spm_pack_gaps_t *gaps; // the sweeps' live intervals
  int64_t *best_off; // the best packing so far (caller's array)
  int64_t best;      // its peak, -1 before the first run
} spm_pack_heur_t;

// Records the current run if it completed (not cut off as no better).
static void spm_pack_heur_keep(spm_pack_heur_t *h, int64_t peak, bool worse) {
  if (worse)
    return;
  h->best = peak;
  memcpy(h->best_off, h->cur, h->n * sizeof *h->cur);
}

// Above this many live buffers a sweep moves its active set from the
// sorted array to pack_gaps.c's trees (the same offsets either way): a scan
// of the array costs O(live) a buffer, quadratic when many buffers are live
// at once (2.4 s for 50,000 live together), and the trees O(log n), with a
// larger constant (3-4x slower than the array on the 10,000-buffer
// benchmark families, where at most a few hundred are live).
enum { SPM_PACK_SWEEP_TREE_AT = 512 };

// A sweep over `order`, which lists the buffers by non-decreasing s(i),
// where (s, e) = (start, end) forward or (~end, ~start) in reverse. The
// placed buffers conflicting with the next buffer i are those with
// e(j) > s(i): the active set, kept sorted by offset (or, once large, in
// the trees).
static void spm_pack_sweep(spm_pack_heur_t *h, const uint32_t *order,
                           bool reverse, bool best_fit) {
  const spm_pack_buffer_t *bufs = h->bufs;
  spm_pack_iv_t *act = h->iv;
  size_t nact = 0;
  bool tree = false;
  int64_t p = 0;
  bool worse = false;
  for (size_t k = 0; k < h->n && !worse; ++k) {
    const spm_pack_buffer_t *b = &bufs[order[k]];
    // Mirrored with ~t = -t - 1, which reverses the order like -t but
    // cannot overflow (-INT64_MIN does).
    int64_t s = reverse ? ~b->end : b->start;
    int64_t e = reverse ? ~b->start : b->end;
    int64_t o;
    if (tree) {
      spm_pack_gaps_expire(h->gaps, s);
      o = spm_pack_gaps_fit(h->gaps, b->size, b->align, best_fit);
      spm_pack_gaps_insert(h->gaps, o, o + b->size, e);
    } else {
      size_t keep = 0;
      for (size_t a = 0; a < nact; ++a)
        if (act[a].until > s)
          act[keep++] = act[a];
      nact = keep;
      o = spm_pack_fit(act, nact, b->size, b->align, best_fit);
      size_t at = nact;
      while (at > 0 && act[at - 1].lo > o)
        at--;
      memmove(act + at + 1, act + at, (nact - at) * sizeof *act);
      act[at] = (spm_pack_iv_t){o, o + b->size, e};
      nact++;
      if (nact > SPM_PACK_SWEEP_TREE_AT) {
        tree = true;
        spm_pack_gaps_reset(h->gaps);
        for (size_t a = 0; a < nact; ++a)
          spm_pack_gaps_insert(h->gaps, act[a].lo, act[a].hi, act[a].until);
      }
    }
    h->cur[order[k]] = o;
    if (o + b->size > p)
      p = o + b->size;
    worse = h->best >= 0 && p >= h->best; // cannot improve: stop
  }
  spm_pack_heur_keep(h, p, worse);
}

// A run over an arbitrary order with the conflict graph. Returns the
// conflict-list entries scanned.
static uint64_t spm_pack_general(spm_pack_heur_t *h, const spm_pack_graph_t *g,
                                 const uint32_t *order, bool best_fit) {
  const spm_pack_buffer_t *bufs = h->bufs;
  for (size_t i = 0; i < h->n; ++i)
    h->cur[i] = -1;
  uint64_t work = 0;
  int64_t p = 0;
  bool worse = false;
  for (size_t k = 0; k < h->n && !worse; ++k) {
    uint32_t i = order[k];
    size_t m = 0;
    for (size_t e = g->off[i]; e < g->off[i + 1]; ++e) {
      uint32_t j = g->adj[e];
      if (h->cur[j] >= 0)
        h->iv[m++] = (spm_pack_iv_t){h->cur[j], h->cur[j] + bufs[j].size, 0};
    }
    work += g->off[i + 1] - g->off[i];
    spm_pack_iv_sort(h->iv, m);
    int64_t o = spm_pack_fit(h->iv, m, bufs[i].size, bufs[i].align, best_fit);
    h->cur[i] = o;
    if (o + bufs[i].size > p)
      p = o + bufs[i].size;
    worse = h->best >= 0 && p >= h->best;
  }
  spm_pack_heur_keep(h, p, worse);
  return work;
}

enum { SPM_PACK_NSWEEPS = 2, SPM_PACK_NGENERAL = 3 };

// The sweeps' orders are exact: a sweep drops the placed buffers that have
// ended, so its order must be sorted by start (or end) exactly, and times
// above 2^53 are not all doubles (two starts that round to the same double
// were ordered by size, and the sweep then missed a conflict). Descending
// t, then descending size, then ascending index (forward: t = -start, as
// ~start; reverse: t = end).
typedef struct {
  int64_t t, size;
  uint32_t i;
} spm_pack_sweep_key_t;
_Static_assert(sizeof(spm_pack_sweep_key_t) <= sizeof(spm_pack_order_key_t),
               "the sweep keys share the order keys' array");

static int spm_pack_sweep_cmp(const void *pa, const void *pb) {
  const spm_pack_sweep_key_t *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t > b->t ? -1 : 1;
  if (a->size != b->size)
    return a->size > b->size ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

// Fills order[0..n) with the buffers sorted by key kind `o`: 0 forward
// sweep (start, then decreasing size), 1 reverse sweep (decreasing end,
// then decreasing size), 2 decreasing size (then lifetime), 3 decreasing
// size x lifetime, 4 decreasing conflict weight (the bytes a buffer
// competes with; needs g). keys has room for n spm_pack_sweep_key_t too.
static void spm_pack_order(const spm_pack_buffer_t *bufs, size_t n,
                           const spm_pack_graph_t *g, int o,
                           spm_pack_order_key_t *keys, uint32_t *order) {
  if (o < SPM_PACK_NSWEEPS) {
    spm_pack_sweep_key_t *sk = (spm_pack_sweep_key_t *)keys;
    for (size_t i = 0; i < n; ++i)
      sk[i] = (spm_pack_sweep_key_t){o == 0 ? ~bufs[i].start : bufs[i].end,
                                     bufs[i].size, (uint32_t)i};
    qsort(sk, n, sizeof *sk, spm_pack_sweep_cmp);
    for (size_t i = 0; i < n; ++i)
      order[i] = sk[i].i;
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const spm_pack_buffer_t *b = &bufs[i];
    double size = (double)b->size, life = (double)b->end - (double)b->start;
    double k1 = 0, k2 = size;
    if (o == 2) {
      k1 = size;
      k2 = life;
    } else if (o == 3) {
      k1 = size * life;
    } else {
      k1 = size;
      for (size_t e = g->off[i]; e < g->off[i + 1]; ++e)
        k1 += (double)bufs[g->adj[e]].size;
    }
    keys[i] = (spm_pack_order_key_t){k1, k2, (uint32_t)i};
  }
  qsort(keys, n, sizeof *keys, spm_pack_order_cmp);
  for (size_t i = 0; i < n; ++i)
    order[i] = keys[i].i;
}

// The number of conflicting pairs (a sweep over the start order).
static uint64_t spm_pack_count_conflicts(const spm_pack_buffer_t *bufs,
                                         size_t n, const uint32_t *order,
                                         int64_t *ends) {
  // ends[]: a min-heap of the ends of the live buffers.
  size_t m = 0;
  uint64_t pairs = 0;
  for (size_t k = 0; k < n; ++k) {
    const spm_pack_buffer_t *b = &bufs[order[k]];
    while (m > 0 && ends[0] <= b->start) {
      int64_t x = ends[--m];
      size_t i = 0;
      for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m)
          break;
        if (c + 1 < m && ends[c + 1] < ends[c])
          c++;
        if (ends[c] >= x)
          break;
        ends[i] = ends[c];
        i = c;
      }
      if (m > 0)
        ends[i] = x;
    }
    pairs += m;
    size_t i = m++;
    while (i > 0 && ends[(i - 1) / 2] > b->end) {
      ends[i] = ends[(i - 1) / 2];
      i = (i - 1) / 2;
    }
    ends[i] = b->end;
  }
  return pairs;
}

spm_status_t spm_pack_heuristic_run(const spm_pack_buffer_t *bufs, size_t n,
                                    int64_t stop_at, int64_t *off,
                                    int64_t *peak) {
  *peak = 0;
  if (n == 0)
    return SPM_OK;
  spm_pack_order_key_t *keys = malloc(n * sizeof *keys);
  uint32_t *order = malloc(n * sizeof *order);
  int64_t *cur = malloc(n * sizeof *cur);
  spm_pack_iv_t *iv = malloc(n * sizeof *iv);
  spm_pack_gaps_t *gaps = spm_pack_gaps_create(n);
  spm_pack_graph_t g = {0};
  spm_status_t s = SPM_OK;
  if (!keys || !order || !cur || !iv || !gaps) {
    s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    goto done;
  }
  spm_pack_heur_t h = {bufs, n, cur, iv, gaps, off, -1};
#define SPM_PACK_DONE (h.best >= 0 && h.best <= stop_at)
  uint64_t pairs = 0;
  for (int o = 0; o < SPM_PACK_NSWEEPS; ++o) {
    spm_pack_order(bufs, n, NULL, o, keys, order);
    if (o == 0)
      pairs = spm_pack_count_conflicts(bufs, n, order, cur);
    for (int fit = 0; fit < 2 && !SPM_PACK_DONE; ++fit)
      spm_pack_sweep(&h, order, o == 1, fit == 1);
  }
  // Each general run scans up to 2 * pairs conflict-list entries.
  uint64_t budget = SPM_PACK_HEURISTIC_BUDGET;
  if (!SPM_PACK_DONE && 2 * pairs <= budget) {
    s = spm_pack_graph_build(bufs, n, &g);
    if (!spm_status_is_ok(s))
      goto done;
    for (int o = 0; o < SPM_PACK_NGENERAL && !SPM_PACK_DONE; ++o) {
      spm_pack_order(bufs, n, &g, SPM_PACK_NSWEEPS + o, keys, order);
      for (int fit = 0; fit < 2 && !SPM_PACK_DONE && 2 * pairs <= budget;
           ++fit)
        budget -= spm_pack_general(&h, &g, order, fit == 1);
    }
  }
#undef SPM_PACK_DONE
  *peak = h.best;
done:
  spm_pack_graph_free(&g);
  spm_pack_gaps_destroy(gaps);
  free(keys);
  free(order);
  free(cur);
  free(iv);
  return s;
}
