// Exact packing by branch and bound, in the style of MiniMalloc (Moffitt,
// ASPLOS 2023); see docs/packing.md for the proofs sketched here.
//
// Search space. Each step places one unplaced buffer b "on the skyline": at
// minoff[b], the lowest aligned offset above every placed buffer that
// conflicts with it. Take a packing Q within the capacity whose sum of
// offsets is minimal. Re-placing Q's buffers on the skyline in the order of
// their offsets moves none of them up, so by minimality Q is exactly that
// skyline packing: the search only needs orders in which the offsets never
// decrease, and equal offsets (non-conflicting buffers) come in index order.
//
// Pruning, each valid for that Q (so the search stays exact):
//   - canonical order: a step may not place a buffer below the previous one
//     (or at the same offset with a smaller index);
//   - dominance: a step may not place b at or above minoff[w] + size[w] of
//     another unplaced w -- w would fit entirely below b, contradicting the
//     minimality of Q;
//   - symmetry: identical buffers (same live range, size, alignment) are
//     placed in index order;
//   - sections: on every elementary time section the unplaced buffers live
//     there stack above max(floor, last offset), so floor + their sizes
//     must fit in the capacity;
//   - decomposition: once no unplaced buffer spans a time boundary, the two
//     sides are independent subproblems, solved one after the other;
//   - restarts: three static orders (tie-breaks of the "which next" choice)
//     run round robin with doubling node budgets, so one unlucky order does
//     not stall the search.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_internal.h"

#define SPM_PACK_NONE UINT32_MAX
// The search recurses once per placed buffer; beyond this many buffers it
// would risk the stack, so the exact search reports its limit instead.
#define SPM_PACK_EXACT_MAX_BUFFERS 20000

enum { SPM_PACK_NOTFOUND, SPM_PACK_FOUND_R, SPM_PACK_ABORT };
enum { SPM_PACK_NORDERS_X = 3 };

typedef struct {
  const uint32_t *b; // unplaced buffers at creation, ascending
  size_t nb;
  uint32_t slo, shi; // sections [slo, shi)
} spm_pack_part_t;

typedef struct {
  uint32_t idx;
  int64_t old;
} spm_pack_trail_t;

typedef struct {
  int64_t o;
  uint32_t i;
} spm_pack_cand_t;

// One static order of the buffers: internal index k is original perm[k].
typedef struct {
  size_t n;
  uint32_t *perm;
  int64_t *size, *align;
  uint32_t *slo, *shi;
  uint32_t *ident_prev;
  spm_pack_graph_t g;
  size_t nsec;
  int64_t *total0; // initial per-section sums of sizes
  uint32_t *cuts0; // initial per-boundary counts of spanning buffers
  // The initial independent parts.
  spm_pack_part_t *parts;
  size_t nparts;
  uint32_t *part_bufs;
  // Search state.
  int64_t *off, *minoff, *sol, *floor, *total;
  uint32_t *cuts;
  spm_pack_trail_t *tmin, *tfloor;
  size_t ntmin, captmin, ntfloor, captfloor;
  spm_pack_cand_t *cand;
  size_t ncand, capcand;
  bool oom;
} spm_pack_order_t;

struct spm_pack_exact_s {
  size_t n;
  unsigned flags;
  spm_pack_buffer_t *bufs;
  int64_t lb;
  spm_pack_order_t *ord[SPM_PACK_NORDERS_X];
  uint64_t nodes;
  // Per solve.
  int64_t cap;
  double deadline;
  uint64_t global_stop, local_stop;
  int abort_kind; // 0 none, 1 local budget, 2 time/node limit
};

// --- building an order ---------------------------------------------------------

typedef struct {
  double k[3];
  uint32_t i;
} spm_pack_pre_key_t;

static int spm_pack_pre_cmp(const void *pa, const void *pb) {
  const spm_pack_pre_key_t *a = pa, *b = pb;
  for (int j = 0; j < 3; ++j)
    if (a->k[j] != b->k[j])
      return a->k[j] > b->k[j] ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct {
  const spm_pack_buffer_t *b;
  uint32_t i;
} spm_pack_ident_key_t;

static int spm_pack_ident_cmp(const void *pa, const void *pb) {
  const spm_pack_ident_key_t *x = pa, *y = pb;
  const spm_pack_buffer_t *a = x->b, *b = y->b;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  if (a->size != b->size)
    return a->size < b->size ? -1 : 1;
  if (a->align != b->align)
    return a->align < b->align ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int spm_pack_i64_cmp(const void *pa, const void *pb) {
  int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
  return a < b ? -1 : a > b;
}

static uint32_t spm_pack_time_index(const int64_t *times, size_t m, int64_t t) {
  size_t lo = 0, hi = m;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (times[mid] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (uint32_t)lo;
}

static void spm_pack_order_free(spm_pack_order_t *o) {
  if (!o)
    return;
  free(o->perm);
  free(o->size);
  free(o->align);
  free(o->slo);
  free(o->shi);
  free(o->ident_prev);
  spm_pack_graph_free(&o->g);
  free(o->total0);
  free(o->cuts0);
  free(o->parts);
  free(o->part_bufs);
  free(o->off);
  free(o->minoff);
  free(o->sol);
  free(o->floor);
  free(o->total);
  free(o->cuts);
  free(o->tmin);
  free(o->tfloor);
  free(o->cand);
  free(o);
}

// Sections of the original buffers: the elementary intervals between
// consecutive distinct event times. Returns the time table (caller frees).
static int64_t *spm_pack_times(const spm_pack_buffer_t *bufs, size_t n,
                               size_t *m) {
  int64_t *times = malloc(2 * n * sizeof *times);
  if (!times)
    return NULL;
  for (size_t i = 0; i < n; ++i) {
    times[2 * i] = bufs[i].start;
    times[2 * i + 1] = bufs[i].end;
  }
  qsort(times, 2 * n, sizeof *times, spm_pack_i64_cmp);
  size_t k = 0;
  for (size_t i = 0; i < 2 * n; ++i)
    if (k == 0 || times[i] != times[k - 1])
      times[k++] = times[i];
  *m = k;
  return times;
}

static spm_pack_order_t *spm_pack_order_build(const spm_pack_buffer_t *bufs,
                                              size_t n, int heuristic) {
  spm_pack_order_t *o = calloc(1, sizeof *o);
  size_t m = 0;
  int64_t *times = spm_pack_times(bufs, n, &m);
  spm_pack_pre_key_t *keys = malloc(n * sizeof *keys);
  spm_pack_buffer_t *pb = malloc(n * sizeof *pb);
  spm_pack_ident_key_t *ik = malloc(n * sizeof *ik);
  int64_t *tot = NULL, *sparse = NULL;
  if (!o || !times || !keys || !pb || !ik)
    goto fail;
  o->n = n;
  o->nsec = m - 1; // n > 0, so m >= 2
  size_t ns = o->nsec;
  tot = calloc(ns + 1, sizeof *tot);
  o->perm = malloc(n * sizeof *o->perm);
  o->size = malloc(n * sizeof *o->size);
  o->align = malloc(n * sizeof *o->align);
  o->slo = malloc(n * sizeof *o->slo);
  o->shi = malloc(n * sizeof *o->shi);
  o->ident_prev = malloc(n * sizeof *o->ident_prev);
  o->total0 = calloc(ns + 1, sizeof *o->total0);
  o->cuts0 = calloc(ns + 1, sizeof *o->cuts0);
  o->off = malloc(n * sizeof *o->off);
  o->minoff = malloc(n * sizeof *o->minoff);
  o->sol = malloc(n * sizeof *o->sol);
  o->floor = malloc(ns * sizeof *o->floor);
  o->total = malloc(ns * sizeof *o->total);
  o->cuts = malloc(ns * sizeof *o->cuts);
  o->parts = malloc(ns * sizeof *o->parts);
  o->part_bufs = malloc(n * sizeof *o->part_bufs);
  if (!tot || !o->perm || !o->size || !o->align || !o->slo || !o->shi ||
      !o->ident_prev || !o->total0 || !o->cuts0 || !o->off || !o->minoff ||
      !o->sol || !o->floor || !o->total || !o->cuts || !o->parts ||
      !o->part_bufs)
    goto fail;
  // Section totals of the original buffers, for the 'T' key: the largest
  // sum of live sizes over the buffer's sections (range maximum through a
  // sparse table: O(ns log ns) to build, O(1) per buffer).
  for (size_t i = 0; i < n; ++i) {
    uint32_t a = spm_pack_time_index(times, m, bufs[i].start);
    uint32_t b = spm_pack_time_index(times, m, bufs[i].end);
    tot[a] += bufs[i].size;
    tot[b] -= bufs[i].size;
  }
  for (size_t s = 1; s < ns; ++s)
    tot[s] += tot[s - 1];
  size_t levels = 1;
  while (((size_t)1 << levels) <= ns)
    levels++;
  sparse = malloc(levels * ns * sizeof *sparse);
  if (!sparse)
    goto fail;
  memcpy(sparse, tot, ns * sizeof *sparse);
  for (size_t l = 1; l < levels; ++l)
    for (size_t s = 0; s + ((size_t)1 << l) <= ns; ++s) {
      int64_t u = sparse[(l - 1) * ns + s];
      int64_t v = sparse[(l - 1) * ns + s + ((size_t)1 << (l - 1))];
      sparse[l * ns + s] = u > v ? u : v;
    }
  for (size_t i = 0; i < n; ++i) {
    uint32_t a = spm_pack_time_index(times, m, bufs[i].start);
    uint32_t b = spm_pack_time_index(times, m, bufs[i].end);
    size_t l = 0;
    while (((size_t)2 << l) <= (size_t)(b - a))
      l++;
    int64_t u = sparse[l * ns + a];
    int64_t v = sparse[l * ns + b - ((size_t)1 << l)];
    int64_t t = u > v ? u : v;
    double w = (double)bufs[i].end - (double)bufs[i].start;
    double area = w * (double)bufs[i].size;
    double tt = (double)t;
    spm_pack_pre_key_t *k = &keys[i];
    k->i = (uint32_t)i;
    if (heuristic == 0) { // WAT: width, area, total
      k->k[0] = w, k->k[1] = area, k->k[2] = tt;
    } else if (heuristic == 1) { // TAW
      k->k[0] = tt, k->k[1] = area, k->k[2] = w;
    } else { // TWA
      k->k[0] = tt, k->k[1] = w, k->k[2] = area;
    }
  }
  qsort(keys, n, sizeof *keys, spm_pack_pre_cmp);
  for (size_t k = 0; k < n; ++k) {
    uint32_t i = keys[k].i;
    o->perm[k] = i;
    pb[k] = bufs[i];
    o->size[k] = bufs[i].size;
    o->align[k] = bufs[i].align;
    o->slo[k] = spm_pack_time_index(times, m, bufs[i].start);
    o->shi[k] = spm_pack_time_index(times, m, bufs[i].end);
  }
  // Per-section totals and per-boundary cut counts (difference arrays).
  for (size_t k = 0; k < n; ++k) {
    o->total0[o->slo[k]] += o->size[k];
    o->total0[o->shi[k]] -= o->size[k];
    if (o->shi[k] - o->slo[k] >= 2) {
      o->cuts0[o->slo[k]]++;
      o->cuts0[o->shi[k] - 1]--;
    }
  }
  for (size_t s = 1; s <= ns; ++s) {
    o->total0[s] += o->total0[s - 1];
    o->cuts0[s] += o->cuts0[s - 1];
  }
  // Identical buffers: each one's predecessor in index order.
  for (size_t k = 0; k < n; ++k)
    ik[k] = (spm_pack_ident_key_t){&pb[k], (uint32_t)k};
  qsort(ik, n, sizeof *ik, spm_pack_ident_cmp);
  for (size_t k = 0; k < n; ++k) {
    o->ident_prev[ik[k].i] = SPM_PACK_NONE;
    if (k > 0) {
      const spm_pack_buffer_t *a = ik[k - 1].b, *b = ik[k].b;
      if (a->start == b->start && a->end == b->end && a->size == b->size &&
          a->align == b->align)
        o->ident_prev[ik[k].i] = ik[k - 1].i;
    }
  }
  spm_status_t s = spm_pack_graph_build(pb, n, &o->g);
  if (!spm_status_is_ok(s)) {
    spm_status_free(s);
    goto fail;
  }
  // Initial parts: maximal section ranges not cut by a boundary that no
  // buffer spans; each buffer belongs to the part holding its first section.
  {
    size_t np = 0, fill = 0;
    uint32_t a = 0;
    for (uint32_t sidx = 0; sidx < ns; ++sidx) {
      bool cut = sidx + 1 == ns || o->cuts0[sidx] == 0;
      if (!cut)
        continue;
      o->parts[np++] = (spm_pack_part_t){NULL, 0, a, sidx + 1};
      a = sidx + 1;
    }
    // Buffers in index order into their part (parts are sorted by slo).
    size_t *count = calloc(np + 1, sizeof *count);
    if (!count)
      goto fail;
    for (size_t k = 0; k < n; ++k) {
      size_t lo = 0, hi = np; // the part with slo <= o->slo[k] < shi
      while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (o->parts[mid].slo <= o->slo[k])
          lo = mid;
        else
          hi = mid;
      }
      count[lo + 1]++;
    }
    for (size_t p = 0; p < np; ++p)
      count[p + 1] += count[p];
    for (size_t p = 0; p < np; ++p) {
      o->parts[p].b = o->part_bufs + count[p];
      o->parts[p].nb = count[p + 1] - count[p];
    }
    for (size_t k = 0; k < n; ++k) {
      size_t lo = 0, hi = np;
      while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (o->parts[mid].slo <= o->slo[k])
          lo = mid;
        else
          hi = mid;
      }
      o->part_bufs[count[lo]++] = (uint32_t)k;
    }
    free(count);
    // Drop empty parts (time gaps where nothing is live).
    for (size_t p = 0; p < np; ++p)
      if (o->parts[p].nb > 0)
        o->parts[fill++] = o->parts[p];
    o->nparts = fill;
  }
  free(times);
  free(keys);
  free(pb);
  free(ik);
  free(tot);
  free(sparse);
  return o;
fail:
  free(times);
  free(keys);
  free(pb);
  free(ik);
  free(tot);
  free(sparse);
  spm_pack_order_free(o);
  return NULL;
}

// --- search ------------------------------------------------------------------------

static bool spm_pack_trail_push(spm_pack_order_t *o, spm_pack_trail_t **t,
                                size_t *len, size_t *cap, uint32_t idx,
                                int64_t old) {
  if (*len == *cap) {
    size_t nc = *cap ? 2 * *cap : 256;
    spm_pack_trail_t *nt = realloc(*t, nc * sizeof *nt);
    if (!nt) {
      o->oom = true;
      return false;
    }
    *t = nt;
    *cap = nc;
  }
  (*t)[(*len)++] = (spm_pack_trail_t){idx, old};
  return true;
}

// Places buffer i at offset off: raises the floors of its sections and the
// skyline of its unplaced neighbours, recording the old values.
static void spm_pack_place(spm_pack_order_t *o, uint32_t i, int64_t off) {
  int64_t h = off + o->size[i];
  o->off[i] = off;
  o->sol[i] = off;
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s) {
    spm_pack_trail_push(o, &o->tfloor, &o->ntfloor, &o->captfloor, s,
                        o->floor[s]);
    o->floor[s] = h;
    o->total[s] -= o->size[i];
  }
  const spm_pack_graph_t *g = &o->g;
  for (size_t e = g->off[i]; e < g->off[i + 1]; ++e) {
    uint32_t w = g->adj[e];
    if (o->off[w] >= 0)
      continue;
    int64_t m = spm_pack_align_up(h, o->align[w]);
    if (o->minoff[w] < m) {
      spm_pack_trail_push(o, &o->tmin, &o->ntmin, &o->captmin, w,
                          o->minoff[w]);
      o->minoff[w] = m;
    }
  }
}

static void spm_pack_unplace(spm_pack_order_t *o, uint32_t i, size_t mark_min,
                             size_t mark_floor) {
  while (o->ntmin > mark_min) {
    spm_pack_trail_t t = o->tmin[--o->ntmin];
    o->minoff[t.idx] = t.old;
  }
  while (o->ntfloor > mark_floor) {
    spm_pack_trail_t t = o->tfloor[--o->ntfloor];
    o->floor[t.idx] = t.old;
  }
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s)
    o->total[s] += o->size[i];
  o->off[i] = -1;
}

// The section bound after placing a buffer at offset `last`.
static bool spm_pack_sections_ok(const spm_pack_order_t *o,
                                 const spm_pack_part_t *p, int64_t last,
                                 int64_t cap) {
  for (uint32_t s = p->slo; s < p->shi; ++s) {
    int64_t f = o->floor[s] > last ? o->floor[s] : last;
    if (f + o->total[s] > cap)
      return false;
  }
  return true;
}

static bool spm_pack_cand_push(spm_pack_order_t *o, int64_t off, uint32_t i) {
  if (o->ncand == o->capcand) {
    size_t nc = o->capcand ? 2 * o->capcand : 256;
    spm_pack_cand_t *c = realloc(o->cand, nc * sizeof *c);
    if (!c) {
      o->oom = true;
      return false;
    }
    o->cand = c;
    o->capcand = nc;
  }
  o->cand[o->ncand++] = (spm_pack_cand_t){off, i};
  return true;
}

static int spm_pack_cand_cmp(const void *pa, const void *pb) {
  const spm_pack_cand_t *a = pa, *b = pb;
  if (a->o != b->o)
    return a->o < b->o ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static int spm_pack_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                           const spm_pack_part_t *p, int64_t last,
                           int64_t last_idx);

// Solves the independent pieces of part p once the boundaries with a zero
// count split it. Returns FOUND only if every piece has a packing.
__attribute__((noinline)) static int
spm_pack_split(spm_pack_exact_t *x, spm_pack_order_t *o,
               const spm_pack_part_t *p) {
  size_t nun = 0;
  for (size_t k = 0; k < p->nb; ++k)
    nun += o->off[p->b[k]] < 0;
  uint32_t *bufs = malloc((nun ? nun : 1) * sizeof *bufs);
  if (!bufs) {
    o->oom = true;
    return SPM_PACK_ABORT;
  }
  int r = SPM_PACK_FOUND_R;
  uint32_t a = p->slo;
  for (uint32_t s = p->slo; s < p->shi && r == SPM_PACK_FOUND_R; ++s) {
    if (s + 1 < p->shi && o->cuts[s] != 0)
      continue;
    // Piece [a, s + 1): the unplaced buffers starting in it, in index order.
    spm_pack_part_t q = {bufs, 0, a, s + 1};
    for (size_t k = 0; k < p->nb; ++k) {
      uint32_t i = p->b[k];
      if (o->off[i] < 0 && o->slo[i] >= a && o->slo[i] <= s)
        bufs[q.nb++] = i;
    }
    a = s + 1;
    if (q.nb > 0)
      r = spm_pack_search(x, o, &q, 0, -1);
  }
  free(bufs);
  return r;
}

static int spm_pack_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                           const spm_pack_part_t *p, int64_t last,
                           int64_t last_idx) {
  if (x->nodes >= x->local_stop || x->nodes >= x->global_stop) {
    x->abort_kind = x->nodes >= x->global_stop ? 2 : 1;
    return SPM_PACK_ABORT;
  }
  if ((x->nodes & 255) == 0 && x->deadline > 0 &&
      spm_pack_now() > x->deadline) {
    x->abort_kind = 2;
    return SPM_PACK_ABORT;
  }
  x->nodes++;
  unsigned flags = x->flags;
  // The lowest top any unplaced buffer can have: nothing may be placed at
  // or above it (dominance).
  int64_t min_top = INT64_MAX;
  bool any = false;
  for (size_t k = 0; k < p->nb; ++k) {
    uint32_t i = p->b[k];
    if (o->off[i] >= 0)
      continue;
    any = true;
    int64_t t = o->minoff[i] + o->size[i];
    if (t < min_top)
      min_top = t;
  }
  if (!any)
    return SPM_PACK_FOUND_R;
  size_t cbeg = o->ncand;
  for (size_t k = 0; k < p->nb; ++k) {
    uint32_t i = p->b[k];
    if (o->off[i] >= 0)
      continue;
    int64_t m = o->minoff[i];
    if (m < last || (m == last && (int64_t)i <= last_idx))
      continue; // canonical order
    if (!(flags & SPM_PACK_NO_DOMINANCE) && m >= min_top)
      continue;
    if (!(flags & SPM_PACK_NO_SYMMETRY) && o->ident_prev[i] != SPM_PACK_NONE &&
        o->off[o->ident_prev[i]] < 0)
      continue; // an identical buffer with a smaller index goes first
    if (m + o->size[i] > x->cap)
      continue;
    if (!spm_pack_cand_push(o, m, i))
      return SPM_PACK_ABORT;
  }
  size_t cend = o->ncand;
  if (cend - cbeg > 1)
    qsort(o->cand + cbeg, cend - cbeg, sizeof *o->cand, spm_pack_cand_cmp);
  int r = SPM_PACK_NOTFOUND;
  for (size_t c = cbeg; c < cend && r == SPM_PACK_NOTFOUND; ++c) {
    spm_pack_cand_t cd = o->cand[c];
    size_t mark_min = o->ntmin, mark_floor = o->ntfloor;
    spm_pack_place(o, cd.i, cd.o);
    if (o->oom) {
      r = SPM_PACK_ABORT;
    } else if ((flags & SPM_PACK_NO_SECTIONS) ||
               spm_pack_sections_ok(o, p, cd.o, x->cap)) {
      bool split = false;
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t s = o->slo[cd.i]; s + 1 < o->shi[cd.i]; ++s)
          split |= --o->cuts[s] == 0;
      r = split ? spm_pack_split(x, o, p)
                : spm_pack_search(x, o, p, cd.o, cd.i);
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t s = o->slo[cd.i]; s + 1 < o->shi[cd.i]; ++s)
          o->cuts[s]++;
    }
    spm_pack_unplace(o, cd.i, mark_min, mark_floor);
  }
  o->ncand = cbeg;
  return r;
}

// One complete search over all parts with the current limits.
static int spm_pack_run(spm_pack_exact_t *x, spm_pack_order_t *o) {
  for (size_t i = 0; i < o->n; ++i) {
    o->off[i] = -1;
    o->minoff[i] = 0;
  }
  for (size_t s = 0; s < o->nsec; ++s) {
    o->floor[s] = 0;
    o->total[s] = o->total0[s];
    o->cuts[s] = o->cuts0[s];
  }
  o->ntmin = o->ntfloor = o->ncand = 0;
  o->oom = false;
  for (size_t k = 0; k < o->nparts; ++k) {
    int r = spm_pack_search(x, o, &o->parts[k], 0, -1);
    if (r != SPM_PACK_FOUND_R)
      return r;
  }
  return SPM_PACK_FOUND_R;
}

// --- API ---------------------------------------------------------------------------

spm_status_t spm_pack_exact_create(const spm_pack_buffer_t *bufs, size_t n,
                                   unsigned flags, spm_pack_exact_t **out) {
  *out = NULL;
  SPM_RETURN_IF_ERROR(spm_pack_check_buffers(bufs, n));
  spm_pack_exact_t *x = calloc(1, sizeof *x);
  if (!x)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  x->n = n;
  x->flags = flags;
  x->bufs = malloc((n ? n : 1) * sizeof *x->bufs);
  if (!x->bufs) {
    free(x);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  if (n)
    memcpy(x->bufs, bufs, n * sizeof *bufs);
  x->lb = spm_pack_lower_bound(bufs, n);
  *out = x;
  return SPM_OK;
}

void spm_pack_exact_destroy(spm_pack_exact_t *x) {
  if (!x)
    return;
  for (int h = 0; h < SPM_PACK_NORDERS_X; ++h)
    spm_pack_order_free(x->ord[h]);
  free(x->bufs);
  free(x);
}

uint64_t spm_pack_exact_nodes(const spm_pack_exact_t *x) { return x->nodes; }

spm_status_t spm_pack_exact_solve(spm_pack_exact_t *x, int64_t capacity,
                                  double deadline, uint64_t node_limit,
                                  int64_t *off, spm_pack_outcome_t *outcome) {
  *outcome = SPM_PACK_INFEASIBLE;
  if (capacity <= 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "the exact search needs a positive capacity");
  if (x->n == 0) {
    *outcome = SPM_PACK_FOUND;
    return SPM_OK;
  }
  if (x->lb > capacity)
    return SPM_OK; // infeasible by the lower bound, no search needed
  if (x->n > SPM_PACK_EXACT_MAX_BUFFERS) {
    *outcome = SPM_PACK_LIMIT;
    return SPM_OK;
  }
  x->cap = capacity;
  x->deadline = deadline;
  x->global_stop = node_limit ? node_limit : UINT64_MAX;
  int norders = (x->flags & SPM_PACK_ONE_ORDER) ? 1 : SPM_PACK_NORDERS_X;
  uint64_t budget = 2 * (uint64_t)x->n + 1000;
  for (;;) {
    for (int h = 0; h < norders; ++h) {
      if (!x->ord[h]) {
        x->ord[h] = spm_pack_order_build(x->bufs, x->n, h);
        if (!x->ord[h])
          return spm_status_make(SPM_STATUS_INTERNAL,
                                 "out of memory for the exact search");
      }
      spm_pack_order_t *o = x->ord[h];
      x->local_stop = norders == 1 || budget > UINT64_MAX - x->nodes
                          ? UINT64_MAX
                          : x->nodes + budget;
      x->abort_kind = 0;
      int r = spm_pack_run(x, o);
      if (o->oom)
        return spm_status_make(SPM_STATUS_INTERNAL,
                               "out of memory in the exact search");
      if (r == SPM_PACK_FOUND_R) {
        for (size_t k = 0; k < o->n; ++k)
          off[o->perm[k]] = o->sol[k];
        *outcome = SPM_PACK_FOUND;
        return SPM_OK;
      }
      if (r == SPM_PACK_NOTFOUND) {
        *outcome = SPM_PACK_INFEASIBLE;
        return SPM_OK;
      }
      if (x->abort_kind == 2) {
        *outcome = SPM_PACK_LIMIT;
        return SPM_OK;
      }
    }
    budget = budget > UINT64_MAX / 4 ? UINT64_MAX / 2 : budget * 2;
  }
}
