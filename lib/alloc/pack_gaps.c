// The free gaps between the live buffers of a heuristic sweep
// (pack_internal.h, spm_pack_gaps_*): the placed intervals in two treaps,
// one by offset (with the largest gap of each subtree, for first fit) and
// one by (gap, offset) (for best fit), and a min-heap of their ends. Every
// operation is O(log n) expected (plus, for a fit, one more search per gap
// that is large enough but loses to alignment). It answers exactly what a
// scan of the intervals sorted by offset answers.
#include <stdlib.h>

#include "alloc/pack_internal.h"

typedef struct {
  int64_t lo, hi, until;
  int64_t gap;    // bytes free below lo, down to the interval below (or 0)
  int64_t maxgap; // the largest gap in this node's subtree of tree A
  uint32_t prio;
  int32_t la, ra; // tree A, by lo
  int32_t lb, rb; // tree B, by (gap, lo)
} spm_pack_gap_node_t;

struct spm_pack_gaps_s {
  spm_pack_gap_node_t *node;
  int32_t *free_slots;
  size_t nfree;
  int32_t ra, rb; // roots, -1 when empty
  int32_t *heap;  // node indices, min-heap by until
  size_t nheap;
  size_t cap;
  uint32_t seed;
};

spm_pack_gaps_t *spm_pack_gaps_create(size_t cap) {
  spm_pack_gaps_t *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  g->cap = cap ? cap : 1;
  g->node = malloc(g->cap * sizeof *g->node);
  g->free_slots = malloc(g->cap * sizeof *g->free_slots);
  g->heap = malloc(g->cap * sizeof *g->heap);
  if (!g->node || !g->free_slots || !g->heap) {
    spm_pack_gaps_destroy(g);
    return NULL;
  }
  spm_pack_gaps_reset(g);
  return g;
}

void spm_pack_gaps_destroy(spm_pack_gaps_t *g) {
  if (!g)
    return;
  free(g->node);
  free(g->free_slots);
  free(g->heap);
  free(g);
}

void spm_pack_gaps_reset(spm_pack_gaps_t *g) {
  g->ra = g->rb = -1;
  g->nheap = 0;
  g->nfree = g->cap;
  for (size_t i = 0; i < g->cap; ++i)
    g->free_slots[i] = (int32_t)(g->cap - 1 - i);
  g->seed = 2463534242u;
}

static uint32_t spm_pack_gaps_rand(spm_pack_gaps_t *g) {
  g->seed ^= g->seed << 13;
  g->seed ^= g->seed >> 17;
  g->seed ^= g->seed << 5;
  return g->seed;
}

// --- tree A: by lo, with the subtree's largest gap ---------------------------

static void spm_pack_pull_a(spm_pack_gap_node_t *n, int32_t t) {
  int64_t m = n[t].gap;
  if (n[t].la >= 0 && n[n[t].la].maxgap > m)
    m = n[n[t].la].maxgap;
  if (n[t].ra >= 0 && n[n[t].ra].maxgap > m)
    m = n[n[t].ra].maxgap;
  n[t].maxgap = m;
}

// Splits t into keys < lo and keys >= lo.
static void spm_pack_split_a(spm_pack_gap_node_t *n, int32_t t, int64_t lo,
                             int32_t *l, int32_t *r) {
  if (t < 0) {
    *l = *r = -1;
    return;
  }
  if (n[t].lo < lo) {
    spm_pack_split_a(n, n[t].ra, lo, &n[t].ra, r);
    *l = t;
  } else {
    spm_pack_split_a(n, n[t].la, lo, l, &n[t].la);
    *r = t;
  }
  spm_pack_pull_a(n, t);
}

static int32_t spm_pack_merge_a(spm_pack_gap_node_t *n, int32_t l, int32_t r) {
  if (l < 0)
    return r;
  if (r < 0)
    return l;
  if (n[l].prio > n[r].prio) {
    n[l].ra = spm_pack_merge_a(n, n[l].ra, r);
    spm_pack_pull_a(n, l);
    return l;
  }
  n[r].la = spm_pack_merge_a(n, l, n[r].la);
  spm_pack_pull_a(n, r);
  return r;
}

static void spm_pack_insert_a(spm_pack_gaps_t *g, int32_t x) {
  int32_t l, r;
  spm_pack_split_a(g->node, g->ra, g->node[x].lo, &l, &r);
  g->node[x].la = g->node[x].ra = -1;
  spm_pack_pull_a(g->node, x);
  g->ra = spm_pack_merge_a(g->node, spm_pack_merge_a(g->node, l, x), r);
}

static void spm_pack_erase_a(spm_pack_gaps_t *g, int32_t x) {
  int32_t l, m, r;
  spm_pack_split_a(g->node, g->ra, g->node[x].lo, &l, &m);
  spm_pack_split_a(g->node, m, g->node[x].lo + 1, &m, &r);
  g->ra = spm_pack_merge_a(g->node, l, r); // m is x alone (lo is unique)
}

// The node of largest lo below `lo`, and of smallest lo above it (-1: none).
static int32_t spm_pack_below(const spm_pack_gaps_t *g, int64_t lo) {
  int32_t t = g->ra, best = -1;
  while (t >= 0)
    if (g->node[t].lo < lo) {
      best = t;
      t = g->node[t].ra;
    } else {
      t = g->node[t].la;
    }
  return best;
}

static int32_t spm_pack_above(const spm_pack_gaps_t *g, int64_t lo) {
  int32_t t = g->ra, best = -1;
  while (t >= 0)
    if (g->node[t].lo > lo) {
      best = t;
      t = g->node[t].la;
    } else {
      t = g->node[t].ra;
    }
  return best;
}

// --- tree B: by (gap, lo) ----------------------------------------------------

static bool spm_pack_less_b(const spm_pack_gap_node_t *a,
                            const spm_pack_gap_node_t *b) {
  return a->gap != b->gap ? a->gap < b->gap : a->lo < b->lo;
}

// Splits t into keys < key(x) and keys >= key(x).
static void spm_pack_split_b(spm_pack_gap_node_t *n, int32_t t,
                             const spm_pack_gap_node_t *key, int32_t *l,
                             int32_t *r) {
  if (t < 0) {
    *l = *r = -1;
    return;
  }
  if (spm_pack_less_b(&n[t], key)) {
    spm_pack_split_b(n, n[t].rb, key, &n[t].rb, r);
    *l = t;
  } else {
    spm_pack_split_b(n, n[t].lb, key, l, &n[t].lb);
    *r = t;
  }
}

static int32_t spm_pack_merge_b(spm_pack_gap_node_t *n, int32_t l, int32_t r) {
  if (l < 0)
    return r;
  if (r < 0)
    return l;
  if (n[l].prio > n[r].prio) {
    n[l].rb = spm_pack_merge_b(n, n[l].rb, r);
    return l;
  }
  n[r].lb = spm_pack_merge_b(n, l, n[r].lb);
  return r;
}

static void spm_pack_insert_b(spm_pack_gaps_t *g, int32_t x) {
  int32_t l, r;
  spm_pack_split_b(g->node, g->rb, &g->node[x], &l, &r);
  g->node[x].lb = g->node[x].rb = -1;
  g->rb = spm_pack_merge_b(g->node, spm_pack_merge_b(g->node, l, x), r);
}

static void spm_pack_erase_b(spm_pack_gaps_t *g, int32_t x) {
  int32_t l, m, r;
  spm_pack_split_b(g->node, g->rb, &g->node[x], &l, &m);
  spm_pack_gap_node_t next = g->node[x];
  next.lo++; // the key just above x's: (gap, lo + 1)
  spm_pack_split_b(g->node, m, &next, &m, &r);
  g->rb = spm_pack_merge_b(g->node, l, r); // m is x alone
}

// --- gaps --------------------------------------------------------------------

// Sets node x's gap (it is in both trees).
static void spm_pack_set_gap(spm_pack_gaps_t *g, int32_t x, int64_t gap) {
  if (g->node[x].gap == gap)
    return;
  spm_pack_erase_a(g, x);
  spm_pack_erase_b(g, x);
  g->node[x].gap = gap;
  spm_pack_insert_a(g, x);
  spm_pack_insert_b(g, x);
}

// Whether `size`/`align` fits in the gap below node t; its offset in *at.
static bool spm_pack_gap_fits(const spm_pack_gap_node_t *t, int64_t size,
                              int64_t align, int64_t *at) {
  if (t->gap < size)
    return false;
  int64_t cand = spm_pack_align_up(t->lo - t->gap, align);
  *at = cand;
  return cand + size <= t->lo;
}

// The lowest gap of subtree t (tree A) that fits, or -1.
static int32_t spm_pack_first_fit(const spm_pack_gap_node_t *n, int32_t t,
                                  int64_t size, int64_t align, int64_t *at) {
  if (t < 0 || n[t].maxgap < size)
    return -1;
  int32_t r = spm_pack_first_fit(n, n[t].la, size, align, at);
  if (r >= 0)
    return r;
  if (spm_pack_gap_fits(&n[t], size, align, at))
    return t;
  return spm_pack_first_fit(n, n[t].ra, size, align, at);
}

// The smallest gap of subtree t (tree B) that fits, the lowest among equal
// gaps, or -1.
static int32_t spm_pack_best_fit(const spm_pack_gap_node_t *n, int32_t t,
                                 int64_t size, int64_t align, int64_t *at) {
  while (t >= 0 && n[t].gap < size)
    t = n[t].rb;
  if (t < 0)
    return -1;
  int32_t r = spm_pack_best_fit(n, n[t].lb, size, align, at);
  if (r >= 0)
    return r;
  if (spm_pack_gap_fits(&n[t], size, align, at))
    return t;
  return spm_pack_best_fit(n, n[t].rb, size, align, at);
}

int64_t spm_pack_gaps_fit(const spm_pack_gaps_t *g, int64_t size,
                          int64_t align, bool best_fit) {
  int64_t at = 0;
  int32_t t = best_fit ? spm_pack_best_fit(g->node, g->rb, size, align, &at)
                       : spm_pack_first_fit(g->node, g->ra, size, align, &at);
  if (t >= 0)
    return at;
  int32_t top = g->ra; // above the highest interval
  while (top >= 0 && g->node[top].ra >= 0)
    top = g->node[top].ra;
  return spm_pack_align_up(top >= 0 ? g->node[top].hi : 0, align);
}

static bool spm_pack_heap_less(const spm_pack_gaps_t *g, size_t a, size_t b) {
  return g->node[g->heap[a]].until < g->node[g->heap[b]].until;
}

static void spm_pack_heap_swap(spm_pack_gaps_t *g, size_t a, size_t b) {
  int32_t t = g->heap[a];
  g->heap[a] = g->heap[b];
  g->heap[b] = t;
}

void spm_pack_gaps_insert(spm_pack_gaps_t *g, int64_t lo, int64_t hi,
                          int64_t until) {
  int32_t x = g->free_slots[--g->nfree];
  int32_t below = spm_pack_below(g, lo), above = spm_pack_above(g, lo);
  g->node[x] = (spm_pack_gap_node_t){
      .lo = lo, .hi = hi, .until = until,
      .gap = lo - (below >= 0 ? g->node[below].hi : 0),
      .prio = spm_pack_gaps_rand(g)};
  spm_pack_insert_a(g, x);
  spm_pack_insert_b(g, x);
  if (above >= 0)
    spm_pack_set_gap(g, above, g->node[above].lo - hi);
  size_t k = g->nheap++;
  g->heap[k] = x;
  for (; k > 0 && spm_pack_heap_less(g, k, (k - 1) / 2); k = (k - 1) / 2)
    spm_pack_heap_swap(g, k, (k - 1) / 2);
}

void spm_pack_gaps_expire(spm_pack_gaps_t *g, int64_t now) {
  while (g->nheap > 0 && g->node[g->heap[0]].until <= now) {
    int32_t x = g->heap[0];
    g->heap[0] = g->heap[--g->nheap];
    for (size_t k = 0;;) {
      size_t c = 2 * k + 1;
      if (c >= g->nheap)
        break;
      if (c + 1 < g->nheap && spm_pack_heap_less(g, c + 1, c))
        c++;
      if (!spm_pack_heap_less(g, c, k))
        break;
      spm_pack_heap_swap(g, c, k);
      k = c;
    }
    int32_t below = spm_pack_below(g, g->node[x].lo);
    int32_t above = spm_pack_above(g, g->node[x].lo);
    spm_pack_erase_a(g, x);
    spm_pack_erase_b(g, x);
    if (above >= 0)
      spm_pack_set_gap(g, above, g->node[above].lo -
                                     (below >= 0 ? g->node[below].hi : 0));
    g->free_slots[g->nfree++] = x;
  }
}
