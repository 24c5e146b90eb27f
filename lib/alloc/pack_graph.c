// The conflict graph of buffers with [start, end) live ranges.
#include <stdlib.h>

#include "alloc/pack_internal.h"

typedef struct {
  int64_t start;
  uint32_t i;
} spm_pack_graph_key_t;

static int spm_pack_graph_key_cmp(const void *pa, const void *pb) {
  const spm_pack_graph_key_t *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

void spm_pack_graph_free(spm_pack_graph_t *g) {
  free(g->off);
  free(g->adj);
  g->off = NULL;
  g->adj = NULL;
  g->n = 0;
}

// Visits the conflicting pairs in sweep order: buffers sorted by start, each
// compared with the buffers started before it and not yet ended. Pass 0
// counts degrees, pass 1 fills the lists.
static void spm_pack_graph_sweep(const spm_pack_buffer_t *bufs,
                                 const spm_pack_graph_key_t *order, size_t n,
                                 uint32_t *active, size_t *fill, uint32_t *adj,
                                 size_t *deg) {
  size_t nactive = 0;
  for (size_t k = 0; k < n; ++k) {
    uint32_t i = order[k].i;
    size_t keep = 0;
    for (size_t a = 0; a < nactive; ++a) {
      uint32_t j = active[a];
      if (bufs[j].end <= bufs[i].start)
        continue;
      active[keep++] = j;
      if (adj) {
        adj[fill[i]++] = j;
        adj[fill[j]++] = i;
      } else {
        deg[i]++;
        deg[j]++;
      }
    }
    nactive = keep;
    active[nactive++] = i;
  }
}

int spm_pack_i64_cmp(const void *pa, const void *pb) {
  int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
  return a < b ? -1 : a > b;
}

// The k-th buffer by start (k from 0) conflicts with the k buffers started
// before it (or at the same time, earlier in the order) less those that
// ended by its start.
uint64_t spm_pack_conflict_pairs(const spm_pack_buffer_t *bufs, size_t n) {
  int64_t *start = malloc((n ? n : 1) * sizeof *start);
  int64_t *end = malloc((n ? n : 1) * sizeof *end);
  if (!start || !end) {
    free(start);
    free(end);
    return UINT64_MAX;
  }
  for (size_t i = 0; i < n; ++i)
    start[i] = bufs[i].start, end[i] = bufs[i].end;
  qsort(start, n, sizeof *start, spm_pack_i64_cmp);
  qsort(end, n, sizeof *end, spm_pack_i64_cmp);
  uint64_t pairs = 0;
  size_t ended = 0;
  for (size_t k = 0; k < n; ++k) {
    while (ended < n && end[ended] <= start[k])
      ended++;
    pairs += k - ended; // ended <= k: a buffer ends after it starts
  }
  free(start);
  free(end);
  return pairs;
}

spm_status_t spm_pack_graph_build(const spm_pack_buffer_t *bufs, size_t n,
                                  spm_pack_graph_t *g) {
  g->n = n;
  g->off = calloc(n + 1, sizeof *g->off);
  g->adj = NULL;
  spm_pack_graph_key_t *order = malloc((n ? n : 1) * sizeof *order);
  uint32_t *active = malloc((n ? n : 1) * sizeof *active);
  size_t *fill = malloc((n ? n : 1) * sizeof *fill);
  if (!g->off || !order || !active || !fill)
    goto oom;
  for (size_t i = 0; i < n; ++i)
    order[i] = (spm_pack_graph_key_t){bufs[i].start, (uint32_t)i};
  qsort(order, n, sizeof *order, spm_pack_graph_key_cmp);
  // Degrees into off[1..n], then prefix sums.
  spm_pack_graph_sweep(bufs, order, n, active, NULL, NULL, g->off + 1);
  for (size_t i = 0; i < n; ++i)
    g->off[i + 1] += g->off[i];
  g->adj = malloc((g->off[n] ? g->off[n] : 1) * sizeof *g->adj);
  if (!g->adj)
    goto oom;
  for (size_t i = 0; i < n; ++i)
    fill[i] = g->off[i];
  spm_pack_graph_sweep(bufs, order, n, active, fill, g->adj, NULL);
  free(order);
  free(active);
  free(fill);
  return SPM_OK;
oom:
  free(order);
  free(active);
  free(fill);
  spm_pack_graph_free(g);
  return spm_status_make(SPM_STATUS_INTERNAL,
                         "out of memory for the conflicts of %zu buffers", n);
}
