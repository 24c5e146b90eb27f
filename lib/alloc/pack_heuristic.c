// Greedy packing: several buffer orders, each placed one buffer at a time at
// an aligned offset that overlaps no already placed conflicting buffer,
// either the lowest such offset (first fit) or the lowest offset in the
// smallest free gap that holds the buffer (best fit). The best packing wins.
//
// Cost per run: O(sum over buffers of d log d) for d placed conflicting
// buffers, i.e. O(conflicts log) -- no pairwise scan over all buffers.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_internal.h"

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

typedef struct {
  int64_t lo, hi;
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

enum { SPM_PACK_NORDERS = 4 };

spm_status_t spm_pack_heuristic_run(const spm_pack_buffer_t *bufs, size_t n,
                                    const spm_pack_graph_t *g, int64_t stop_at,
                                    int64_t *off, int64_t *peak) {
  *peak = 0;
  if (n == 0)
    return SPM_OK;
  size_t maxdeg = 0;
  for (size_t i = 0; i < n; ++i)
    if (g->off[i + 1] - g->off[i] > maxdeg)
      maxdeg = g->off[i + 1] - g->off[i];
  spm_pack_order_key_t *keys = malloc(n * sizeof *keys);
  uint32_t *orders = malloc(SPM_PACK_NORDERS * n * sizeof *orders);
  // cur[2 * i]: offset of buffer i (-1: not placed), cur[2 * i + 1]: its
  // end; one cache line holds both for the neighbour scans.
  int64_t *cur = malloc(2 * n * sizeof *cur);
  spm_pack_iv_t *iv = malloc((maxdeg + 1) * sizeof *iv);
  if (!keys || !orders || !cur || !iv) {
    free(keys);
    free(orders);
    free(cur);
    free(iv);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  // The orders: by start (a sweep in time, best on dense instances, so it
  // goes first and the others can stop as soon as they are worse);
  // decreasing size; decreasing area (size x lifetime); decreasing conflict
  // weight (the bytes a buffer competes with).
  for (int o = 0; o < SPM_PACK_NORDERS; ++o) {
    for (size_t i = 0; i < n; ++i) {
      const spm_pack_buffer_t *b = &bufs[i];
      double size = (double)b->size, life = (double)b->end - (double)b->start;
      double k1 = 0, k2 = size;
      if (o == 0) {
        k1 = -(double)b->start;
      } else if (o == 1) {
        k1 = size;
        k2 = life;
      } else if (o == 2) {
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
      orders[o * n + i] = keys[i].i;
  }
  int64_t best = -1;
  for (int run = 0;
       run < 2 * SPM_PACK_NORDERS && !(best >= 0 && best <= stop_at); ++run) {
    const uint32_t *order = orders + (size_t)(run / 2) * n;
    bool best_fit = run % 2 == 1;
    for (size_t i = 0; i < n; ++i)
      cur[2 * i] = -1;
    int64_t p = 0;
    bool worse = false;
    for (size_t k = 0; k < n && !worse; ++k) {
      uint32_t i = order[k];
      size_t m = 0;
      for (size_t e = g->off[i]; e < g->off[i + 1]; ++e) {
        const int64_t *c = &cur[2 * (size_t)g->adj[e]];
        if (c[0] >= 0)
          iv[m++] = (spm_pack_iv_t){c[0], c[1]};
      }
      spm_pack_iv_sort(iv, m);
      int64_t o = spm_pack_fit(iv, m, bufs[i].size, bufs[i].align, best_fit);
      cur[2 * i] = o;
      cur[2 * i + 1] = o + bufs[i].size;
      if (o + bufs[i].size > p)
        p = o + bufs[i].size;
      worse = best >= 0 && p >= best; // cannot improve on the best: stop
    }
    if (!worse) {
      best = p;
      for (size_t i = 0; i < n; ++i)
        off[i] = cur[2 * i];
    }
  }
  *peak = best;
  free(keys);
  free(orders);
  free(cur);
  free(iv);
  return SPM_OK;
}
