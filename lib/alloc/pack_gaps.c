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
  int32_t kid[2][2]; // [tree][0: left, 1: right]; -1: none
} spm_pack_gap_node_t;

// Tree A orders the nodes by lo and keeps maxgap; tree B by (gap, lo).
enum { SPM_PACK_BY_LO = 0, SPM_PACK_BY_GAP = 1 };

struct spm_pack_gaps_s {
  spm_pack_gap_node_t *node;
  int32_t *free_slots;
  size_t nfree;
  int32_t root[2]; // of trees A and B, -1 when empty
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
  g->root[0] = g->root[1] = -1;
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

// --- the two treaps ------------------------------------------------------------

// Whether node a's key is below node b's in tree `tr` (keys are unique: lo
// is, for disjoint intervals).
static bool spm_pack_key_less(const spm_pack_gap_node_t *a,
                              const spm_pack_gap_node_t *b, int tr) {
  if (tr == SPM_PACK_BY_GAP && a->gap != b->gap)
    return a->gap < b->gap;
  return a->lo < b->lo;
}

// Recomputes t's maxgap from its gap and its children's (tree A only).
static void spm_pack_pull(spm_pack_gap_node_t *n, int32_t t, int tr) {
  if (tr != SPM_PACK_BY_LO)
    return;
  int64_t m = n[t].gap;
  for (int side = 0; side < 2; ++side) {
    int32_t c = n[t].kid[tr][side];
    if (c >= 0 && n[c].maxgap > m)
      m = n[c].maxgap;
  }
  n[t].maxgap = m;
}

// Splits t into the keys below `key` and the rest.
static void spm_pack_split(spm_pack_gap_node_t *n, int32_t t,
                           const spm_pack_gap_node_t *key, int tr,
                           int32_t *l, int32_t *r) {
  if (t < 0) {
    *l = *r = -1;
    return;
  }
  if (spm_pack_key_less(&n[t], key, tr)) {
    spm_pack_split(n, n[t].kid[tr][1], key, tr, &n[t].kid[tr][1], r);
    *l = t;
  } else {
    spm_pack_split(n, n[t].kid[tr][0], key, tr, l, &n[t].kid[tr][0]);
    *r = t;
  }
  spm_pack_pull(n, t, tr);
}

// Joins l and r, every key of l below every key of r.
static int32_t spm_pack_merge(spm_pack_gap_node_t *n, int32_t l, int32_t r,
                              int tr) {
  if (l < 0)
    return r;
  if (r < 0)
    return l;
  if (n[l].prio > n[r].prio) {
    n[l].kid[tr][1] = spm_pack_merge(n, n[l].kid[tr][1], r, tr);
    spm_pack_pull(n, l, tr);
    return l;
  }
  n[r].kid[tr][0] = spm_pack_merge(n, l, n[r].kid[tr][0], tr);
  spm_pack_pull(n, r, tr);
  return r;
}

static void spm_pack_insert(spm_pack_gaps_t *g, int32_t x, int tr) {
  int32_t l, r;
  spm_pack_split(g->node, g->root[tr], &g->node[x], tr, &l, &r);
  g->node[x].kid[tr][0] = g->node[x].kid[tr][1] = -1;
  spm_pack_pull(g->node, x, tr);
  g->root[tr] =
      spm_pack_merge(g->node, spm_pack_merge(g->node, l, x, tr), r, tr);
}

static void spm_pack_erase(spm_pack_gaps_t *g, int32_t x, int tr) {
  int32_t l, m, r;
  spm_pack_split(g->node, g->root[tr], &g->node[x], tr, &l, &m);
  spm_pack_gap_node_t next = g->node[x];
  next.lo++; // the key just above x's, in either order
  spm_pack_split(g->node, m, &next, tr, &m, &r);
  g->root[tr] = spm_pack_merge(g->node, l, r, tr); // m was x alone
}

// The node of tree A with the largest lo below `lo` (dir 0), or the
// smallest above it (dir 1); -1: none.
static int32_t spm_pack_neighbour(const spm_pack_gaps_t *g, int64_t lo,
                                  int dir) {
  int32_t t = g->root[SPM_PACK_BY_LO], best = -1;
  while (t >= 0) {
    bool beyond = dir == 0 ? g->node[t].lo < lo : g->node[t].lo > lo;
    if (beyond) // a candidate: look for a closer one, toward lo
      best = t;
    // dir 0: a candidate's right subtree is closer, else the left one;
    // dir 1: the mirror image
    t = g->node[t].kid[SPM_PACK_BY_LO][beyond == (dir == 0)];
  }
  return best;
}

// --- gaps --------------------------------------------------------------------

// Sets node x's gap (it is in both trees).
static void spm_pack_set_gap(spm_pack_gaps_t *g, int32_t x, int64_t gap) {
  if (g->node[x].gap == gap)
    return;
  for (int tr = 0; tr < 2; ++tr)
    spm_pack_erase(g, x, tr);
  g->node[x].gap = gap;
  for (int tr = 0; tr < 2; ++tr)
    spm_pack_insert(g, x, tr);
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
  int32_t r = spm_pack_first_fit(n, n[t].kid[SPM_PACK_BY_LO][0], size, align, at);
  if (r >= 0)
    return r;
  if (spm_pack_gap_fits(&n[t], size, align, at))
    return t;
  return spm_pack_first_fit(n, n[t].kid[SPM_PACK_BY_LO][1], size, align, at);
}

// The smallest gap of subtree t (tree B) that fits, the lowest among equal
// gaps, or -1.
static int32_t spm_pack_best_fit(const spm_pack_gap_node_t *n, int32_t t,
                                 int64_t size, int64_t align, int64_t *at) {
  while (t >= 0 && n[t].gap < size)
    t = n[t].kid[SPM_PACK_BY_GAP][1];
  if (t < 0)
    return -1;
  int32_t r = spm_pack_best_fit(n, n[t].kid[SPM_PACK_BY_GAP][0], size, align, at);
  if (r >= 0)
    return r;
  if (spm_pack_gap_fits(&n[t], size, align, at))
    return t;
  return spm_pack_best_fit(n, n[t].kid[SPM_PACK_BY_GAP][1], size, align, at);
}

int64_t spm_pack_gaps_fit(const spm_pack_gaps_t *g, int64_t size,
                          int64_t align, bool best_fit) {
  int64_t at = 0;
  int32_t t =
      best_fit
          ? spm_pack_best_fit(g->node, g->root[SPM_PACK_BY_GAP], size, align,
                              &at)
          : spm_pack_first_fit(g->node, g->root[SPM_PACK_BY_LO], size, align,
                               &at);
  if (t >= 0)
    return at;
  int32_t top = g->root[SPM_PACK_BY_LO]; // above the highest interval
  while (top >= 0 && g->node[top].kid[SPM_PACK_BY_LO][1] >= 0)
    top = g->node[top].kid[SPM_PACK_BY_LO][1];
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
  int32_t below = spm_pack_neighbour(g, lo, 0);
  int32_t above = spm_pack_neighbour(g, lo, 1);
  g->node[x] = (spm_pack_gap_node_t){
      .lo = lo, .hi = hi, .until = until,
      .gap = lo - (below >= 0 ? g->node[below].hi : 0),
      .prio = spm_pack_gaps_rand(g)};
  for (int tr = 0; tr < 2; ++tr)
    spm_pack_insert(g, x, tr);
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
    int32_t below = spm_pack_neighbour(g, g->node[x].lo, 0);
    int32_t above = spm_pack_neighbour(g, g->node[x].lo, 1);
    for (int tr = 0; tr < 2; ++tr)
      spm_pack_erase(g, x, tr);
    if (above >= 0)
      spm_pack_set_gap(g, above, g->node[above].lo -
                                     (below >= 0 ? g->node[below].hi : 0));
    g->free_slots[g->nfree++] = x;
  }
}
