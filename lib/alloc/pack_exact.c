// Exact packing by branch and bound (see docs/packing.md for the proofs
// sketched here): the driver -- preprocessing, decomposition, the portfolio
// of searches -- and the API of pack_internal.h.
//
// Two complete searches, both in the spirit of MiniMalloc (Moffitt, ASPLOS
// 2023), look for a packing within the capacity:
//   - the skyline-order search (pack_exact_skyline.c) places buffers on the
//     skyline in non-decreasing offset order, with MiniMalloc's canonical,
//     dominance and section rules; strongest when there is slack;
//   - the bottom-left search (pack_exact_bl.c) fills the lowest free points
//     of the time x offset plane, choosing the most constrained one; fast on
//     tight instances (little or no slack), where a wrong choice shows at
//     once as a hole nothing can fill; it backjumps over choices that a
//     failure does not depend on.
// Shared by both:
//   - sections: time is cut into elementary sections at the distinct
//     start/end times; each buffer covers a contiguous range of them;
//   - symmetry: identical buffers (same live range, size, alignment) are
//     placed in index order;
//   - decomposition: once no unplaced buffer spans a section boundary, the
//     two sides are independent subproblems, solved one after the other;
//   - the portfolio: both searches under three static orders, with budgets
//     that double each round, plus bottom-left runs under random orders with
//     Luby-sequence budgets, so that no unlucky first choice stalls the
//     search; budgets count work (sections and list entries scanned), so the
//     whole is deterministic. A run that finishes decides the question: it
//     found a packing, or, having explored its whole space, proved that none
//     exists.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

// --- building an order
// ---------------------------------------------------------

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
  uint32_t i, id; // index in the order, original index
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
  return x->id < y->id ? -1 : x->id > y->id;
}

// Larger first, then by original index: the order of stacks.
static int spm_pack_stack_cmp(const void *pa, const void *pb) {
  const spm_pack_ident_key_t *x = pa, *y = pb;
  if (x->b->size != y->b->size)
    return x->b->size > y->b->size ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
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
  free(o->stack_rank);
  spm_pack_graph_free(&o->g);
  free(o->total0);
  free(o->cuts0);
  free(o->parts);
  free(o->part_bufs);
  free(o->off);
  free(o->minoff);
  free(o->sol);
  free(o->total);
  free(o->floor);
  free(o->floor_by);
  free(o->reach);
  free(o->reach2);
  free(o->touched);
  free(o->stamp);
  free(o->start_off);
  free(o->start_buf);
  free(o->end_off);
  free(o->end_buf);
  free(o->cuts);
  free(o->span_lo);
  free(o->span_hi);
  free(o->tmin);
  free(o->tfloor);
  free(o->cand);
  free(o->ng_z);
  free(o->ng_sec);
  free(o->sec_off);
  free(o->sec_buf);
  free(o->sec_cnt);
  free(o->pos_base);
  free(o->pos);
  spm_pack_pool_free(o);
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
  o->stack_rank = malloc(n * sizeof *o->stack_rank);
  o->total0 = calloc(ns + 1, sizeof *o->total0);
  o->cuts0 = calloc(ns + 1, sizeof *o->cuts0);
  o->off = malloc(n * sizeof *o->off);
  o->minoff = malloc(n * sizeof *o->minoff);
  o->sol = malloc(n * sizeof *o->sol);
  o->total = malloc(ns * sizeof *o->total);
  o->floor = malloc(ns * sizeof *o->floor);
  o->floor_by = malloc(ns * sizeof *o->floor_by);
  o->reach = calloc(2 * (ns + 1), 1);
  o->reach2 = calloc(2 * (ns + 1), 1);
  o->touched = malloc(ns * sizeof *o->touched);
  o->stamp = calloc(ns, sizeof *o->stamp);
  o->start_off = calloc(ns + 1, sizeof *o->start_off);
  o->start_buf = malloc(n * sizeof *o->start_buf);
  o->end_off = calloc(ns + 1, sizeof *o->end_off);
  o->end_buf = malloc(n * sizeof *o->end_buf);
  o->cuts = malloc(ns * sizeof *o->cuts);
  o->span_lo = malloc(ns * sizeof *o->span_lo);
  o->span_hi = malloc(ns * sizeof *o->span_hi);
  o->parts = malloc(ns * sizeof *o->parts);
  o->part_bufs = malloc(n * sizeof *o->part_bufs);
  if (!tot || !o->perm || !o->size || !o->align || !o->slo || !o->shi ||
      !o->ident_prev || !o->stack_rank || !o->total0 || !o->cuts0 || !o->off || !o->minoff ||
      !o->sol || !o->total || !o->floor || !o->floor_by || !o->reach ||
      !o->reach2 || !o->touched || !o->stamp || !o->start_off ||
      !o->start_buf || !o->end_off || !o->end_buf || !o->cuts || !o->parts ||
      !o->part_bufs || !o->span_lo || !o->span_hi)
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
    } else if (heuristic == 2) { // TWA
      k->k[0] = tt, k->k[1] = w, k->k[2] = area;
    } else { // random, for restarts (deterministic in `heuristic`)
      uint64_t z = (uint64_t)heuristic * 0x9E3779B97F4A7C15ull +
                   (uint64_t)i * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 31)) * 0x94D049BB133111EBull;
      z ^= z >> 29;
      k->k[0] = (double)(z >> 11), k->k[1] = area, k->k[2] = 0;
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
  // The buffers live in each section, and each one's positions.
  o->sec_off = calloc(ns + 1, sizeof *o->sec_off);
  o->sec_cnt = malloc(ns * sizeof *o->sec_cnt);
  o->pos_base = malloc(n * sizeof *o->pos_base);
  if (!o->sec_off || !o->sec_cnt || !o->pos_base)
    goto fail;
  size_t npos = 0;
  for (size_t k = 0; k < n; ++k) {
    o->pos_base[k] = npos;
    npos += o->shi[k] - o->slo[k];
    for (uint32_t sidx = o->slo[k]; sidx < o->shi[k]; ++sidx)
      o->sec_off[sidx + 1]++;
  }
  for (size_t sidx = 0; sidx < ns; ++sidx)
    o->sec_off[sidx + 1] += o->sec_off[sidx];
  o->sec_buf = malloc((npos ? npos : 1) * sizeof *o->sec_buf);
  o->pos = malloc((npos ? npos : 1) * sizeof *o->pos);
  if (!o->sec_buf || !o->pos)
    goto fail;
  for (size_t sidx = 0; sidx < ns; ++sidx)
    o->sec_cnt[sidx] = 0;
  for (size_t k = 0; k < n; ++k)
    for (uint32_t sidx = o->slo[k]; sidx < o->shi[k]; ++sidx) {
      uint32_t p = o->sec_cnt[sidx]++;
      o->sec_buf[o->sec_off[sidx] + p] = (uint32_t)k;
      o->pos[o->pos_base[k] + sidx - o->slo[k]] = p;
    }
  // The hull of the spans of the buffers live in each section.
  for (size_t sidx = 0; sidx < ns; ++sidx) {
    o->span_lo[sidx] = (uint32_t)sidx;
    o->span_hi[sidx] = (uint32_t)sidx + 1;
    for (size_t e = o->sec_off[sidx]; e < o->sec_off[sidx + 1]; ++e) {
      uint32_t k = o->sec_buf[e];
      if (o->slo[k] < o->span_lo[sidx])
        o->span_lo[sidx] = o->slo[k];
      if (o->shi[k] > o->span_hi[sidx])
        o->span_hi[sidx] = o->shi[k];
    }
  }
  // Buffers by first and by last section.
  for (size_t k = 0; k < n; ++k) {
    o->start_off[o->slo[k] + 1]++;
    o->end_off[o->shi[k]]++; // last section shi - 1, entry shi
  }
  for (size_t sidx = 0; sidx < ns; ++sidx) {
    o->start_off[sidx + 1] += o->start_off[sidx];
    o->end_off[sidx + 1] += o->end_off[sidx];
  }
  {
    size_t *fill = malloc((ns ? ns : 1) * sizeof *fill);
    size_t *fill2 = malloc((ns ? ns : 1) * sizeof *fill2);
    if (!fill || !fill2) {
      free(fill);
      free(fill2);
      goto fail;
    }
    memcpy(fill, o->start_off, ns * sizeof *fill);
    memcpy(fill2, o->end_off, ns * sizeof *fill2);
    for (size_t k = 0; k < n; ++k) {
      o->start_buf[fill[o->slo[k]]++] = (uint32_t)k;
      o->end_buf[fill2[o->shi[k] - 1]++] = (uint32_t)k;
    }
    free(fill);
    free(fill2);
  }
  // Identical buffers: each one's predecessor in the original order (the
  // same in every order, so that bottom-left nogoods hold across orders).
  for (size_t k = 0; k < n; ++k)
    ik[k] = (spm_pack_ident_key_t){&pb[k], (uint32_t)k, o->perm[k]};
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
  // The rank that orders stacks of buffers with one live range in the
  // bottom-left search: by decreasing size (larger ones lower), then by
  // original index -- the same in every order.
  qsort(ik, n, sizeof *ik, spm_pack_stack_cmp);
  for (size_t k = 0; k < n; ++k)
    o->stack_rank[ik[k].i] = (uint32_t)k;
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
  if (!spm_pack_pool_build(o))
    goto fail;
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

// --- shared helpers
// ---------------------------------------------------------------

bool spm_pack_trail_push(spm_pack_order_t *o, spm_pack_trail_t **t, size_t *len,
                         size_t *cap, uint32_t idx, int64_t old) {
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
  (*t)[(*len)++] = (spm_pack_trail_t){idx, SPM_PACK_NONE, old};
  return true;
}
bool spm_pack_cand_push(spm_pack_order_t *o, int64_t off, uint32_t i) {
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

void spm_pack_cand_sort(spm_pack_exact_t *x, spm_pack_order_t *o, size_t beg,
                        size_t end) {
  size_t k = end - beg;
  if (k < 2)
    return;
  uint64_t lg = 1;
  while (((size_t)1 << lg) < k)
    lg++;
  x->work += k * lg;
  qsort(o->cand + beg, k, sizeof *o->cand, spm_pack_cand_cmp);
}

// Solves the independent pieces of part p once the boundaries with a zero
// count split it. Returns FOUND only if every piece has a packing.
int spm_pack_split(spm_pack_exact_t *x, spm_pack_order_t *o,
                   const spm_pack_part_t *p, bool bl) {
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
      r = bl ? spm_pack_bl_search(x, o, &q) : spm_pack_search(x, o, &q, 0, -1);
  }
  free(bufs);
  return r;
}

// One complete search over all parts with the current limits.
static int spm_pack_run(spm_pack_exact_t *x, spm_pack_order_t *o, bool bl) {
  for (size_t i = 0; i < o->n; ++i) {
    o->off[i] = -1;
    o->minoff[i] = 0;
  }
  for (size_t s = 0; s < o->nsec; ++s) {
    o->total[s] = o->total0[s];
    o->cuts[s] = o->cuts0[s];
    o->sec_cnt[s] = (uint32_t)(o->sec_off[s + 1] - o->sec_off[s]);
    o->floor[s] = 0;
    o->floor_by[s] = SPM_PACK_NONE;
  }
  o->ntmin = o->ntfloor = o->ncand = 0;
  o->oom = false;
  x->pool_unsure = false;
  spm_pack_pool_begin(o, bl && !(x->flags & SPM_PACK_NO_POOL));
  if (bl && !(x->flags & SPM_PACK_NO_NOGOODS) &&
      !spm_pack_bl_nogood_begin(x, o))
    return SPM_PACK_ABORT;
  for (size_t k = 0; k < o->nparts; ++k) {
    int r;
    if (bl && !(x->flags & SPM_PACK_NO_SECTIONS) &&
        !spm_pack_bl_sections_ok(o, &o->parts[k], x->cap, &x->work))
      r = SPM_PACK_NOTFOUND;
    else
      r = bl ? spm_pack_bl_search(x, o, &o->parts[k])
             : spm_pack_search(x, o, &o->parts[k], 0, -1);
    if (r == SPM_PACK_NOTFOUND && x->pool_unsure) {
      x->abort_kind = 1; // not a proof: as if its budget ran out
      return SPM_PACK_ABORT;
    }
    if (r != SPM_PACK_FOUND_R)
      return r;
  }
  return SPM_PACK_FOUND_R;
}

// --- API
// ---------------------------------------------------------------------------

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
  spm_pack_exact_destroy(x->glued);
  free(x->glue_of);
  for (int h = 0; h < SPM_PACK_NORDERS_X; ++h)
    spm_pack_order_free(x->ord[h]);
  free(x->ng.set);
  free(x->ng.val);
  free(x->ng.win);
  free(x->bufs);
  free(x);
}

uint64_t spm_pack_exact_nodes(const spm_pack_exact_t *x) { return x->nodes; }

// The unit of the random restarts' budgets, in multiples of the first
// round's budget B (about the work of one descent through the whole
// instance): with U = 1 most restarts stopped before their search had gone
// deep enough to find anything. On tight 500-buffer instances (seeds 1-40
// of spm-bench-pack, 1 s): 35 of 40 solved with U = 1, 38 with 4, 8 or 16.
#define SPM_PACK_RESTART_UNIT 8

// The Luby sequence 1 1 2 1 1 2 4 1 1 2 ... (i >= 1).
static uint64_t spm_pack_luby(uint64_t i) {
  for (;;) {
    uint64_t k = 1;
    while (((uint64_t)1 << k) - 1 < i)
      k++;
    if (((uint64_t)1 << k) - 1 == i)
      return (uint64_t)1 << (k - 1);
    i -= ((uint64_t)1 << (k - 1)) - 1;
  }
}

// Builds static order h if not yet done; an order equal to an earlier one
// (on tight instances, where every section has the same total, the 'T' key
// ties and two of the three orders coincide) is freed and marked
// ord_same[h]: its runs would repeat the earlier order's. False when out of
// memory.
static bool spm_pack_static_order(spm_pack_exact_t *x, int h) {
  if (x->ord[h] || x->ord_same[h])
    return true;
  spm_pack_order_t *o = spm_pack_order_build(x->bufs, x->n, h);
  if (!o)
    return false;
  for (int j = 0; j < h; ++j)
    if (x->ord[j] && memcmp(x->ord[j]->perm, o->perm, x->n * sizeof *o->perm) == 0) {
      spm_pack_order_free(o);
      x->ord_same[h] = true;
      return true;
    }
  x->ord[h] = o;
  return true;
}

// Gluing. Where two consecutive sections both hold exactly `cap` bytes of
// live buffers, every packing within cap covers both columns completely:
// the bytes not taken by the buffers spanning the boundary between them are
// exactly those of the buffers ending at the boundary (on the left) and of
// those starting there (on the right). When one buffer ends and one starts
// there, the two therefore lie at the same offset (and have the same size)
// in every packing within cap: they can be merged into one buffer over both
// live ranges (alignment the larger of the two). Chains merge the same way.
// The merged instance has a packing within cap exactly when the original
// has, with the same offsets. Builds x->glued and x->glue_of for cap (both
// left NULL when nothing glues); false when out of memory.
static bool spm_pack_glue(spm_pack_exact_t *x, int64_t cap) {
  spm_pack_exact_destroy(x->glued);
  free(x->glue_of);
  x->glued = NULL;
  x->glue_of = NULL;
  x->glue_cap = cap;
  size_t n = x->n, m = 0;
  bool ok = false;
  int64_t *times = spm_pack_times(x->bufs, n, &m);
  int64_t *total = calloc(m + 1, sizeof *total);
  uint32_t *ends = calloc(m, sizeof *ends), *starts = calloc(m, sizeof *starts);
  uint32_t *end_by = malloc(m * sizeof *end_by);
  uint32_t *start_by = malloc(m * sizeof *start_by);
  uint32_t *next = malloc(n * sizeof *next);
  bool *has_prev = calloc(n, sizeof *has_prev);
  spm_pack_buffer_t *mb = malloc(n * sizeof *mb);
  uint32_t *of = malloc(n * sizeof *of);
  if (!times || !total || !ends || !starts || !end_by || !start_by || !next ||
      !has_prev || !mb || !of)
    goto done;
  // Section k is [times[k], times[k + 1]); time index t separates sections
  // t - 1 and t.
  for (size_t i = 0; i < n; ++i) {
    uint32_t a = spm_pack_time_index(times, m, x->bufs[i].start);
    uint32_t b = spm_pack_time_index(times, m, x->bufs[i].end);
    total[a] += x->bufs[i].size;
    total[b] -= x->bufs[i].size;
    starts[a]++, start_by[a] = (uint32_t)i;
    ends[b]++, end_by[b] = (uint32_t)i;
    next[i] = SPM_PACK_NONE;
  }
  for (size_t k = 1; k < m; ++k)
    total[k] += total[k - 1];
  size_t links = 0;
  for (size_t t = 1; t + 1 < m; ++t)
    if (ends[t] == 1 && starts[t] == 1 && total[t - 1] == cap &&
        total[t] == cap) {
      next[end_by[t]] = start_by[t];
      has_prev[start_by[t]] = true;
      links++;
    }
  ok = true;
  if (links == 0)
    goto done;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (has_prev[i])
      continue;
    mb[k] = x->bufs[i];
    for (uint32_t j = (uint32_t)i; j != SPM_PACK_NONE; j = next[j]) {
      of[j] = (uint32_t)k;
      mb[k].end = x->bufs[j].end;
      if (x->bufs[j].align > mb[k].align)
        mb[k].align = x->bufs[j].align;
    }
    k++;
  }
  spm_status_t st = spm_pack_exact_create(mb, k, x->flags | SPM_PACK_NO_GLUE,
                                          &x->glued);
  if (!spm_status_is_ok(st)) {
    spm_status_free(st);
    x->glued = NULL;
    ok = false;
    goto done;
  }
  x->glue_of = of;
  of = NULL;
done:
  free(times);
  free(total);
  free(ends);
  free(starts);
  free(end_by);
  free(start_by);
  free(next);
  free(has_prev);
  free(mb);
  free(of);
  return ok;
}

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
  // Glued buffers: solve the merged instance instead (its nodes count as
  // this one's, and so does the node limit).
  if (!(x->flags & SPM_PACK_NO_GLUE)) {
    if (x->glue_cap != capacity && !spm_pack_glue(x, capacity))
      return spm_status_make(SPM_STATUS_INTERNAL,
                             "out of memory for the exact search");
    if (x->glued) {
      spm_pack_exact_t *g = x->glued;
      if (node_limit && x->nodes >= node_limit) {
        *outcome = SPM_PACK_LIMIT;
        return SPM_OK;
      }
      int64_t *goff = malloc(g->n * sizeof *goff);
      if (!goff)
        return spm_status_make(SPM_STATUS_INTERNAL,
                               "out of memory for the exact search");
      uint64_t before = g->nodes;
      spm_status_t st = spm_pack_exact_solve(
          g, capacity, deadline,
          node_limit ? g->nodes + (node_limit - x->nodes) : 0, goff, outcome);
      x->nodes += g->nodes - before;
      if (spm_status_is_ok(st) && *outcome == SPM_PACK_FOUND)
        for (size_t i = 0; i < x->n; ++i)
          off[i] = goff[x->glue_of[i]];
      free(goff);
      return st;
    }
  }
  x->cap = capacity;
  x->deadline = deadline;
  x->global_stop = node_limit ? node_limit : UINT64_MAX;
  // The portfolio, in rounds k = 0, 1, ...: the skyline-order and the
  // bottom-left search under each static order with a work budget of
  // B * 2^k, then 2^k bottom-left runs under fresh random orders with
  // budgets U * B * luby(j) (U = SPM_PACK_RESTART_UNIT). The random restarts
  // rescue instances where a wrong first choice hides every packing in a
  // huge subtree; the doubling runs keep the whole thing complete
  // (eventually one run finishes). Budgets are in work units, so everything
  // is deterministic.
  int nruns = 0, run_order[2 * SPM_PACK_NORDERS_X];
  bool run_bl[2 * SPM_PACK_NORDERS_X];
  int norders = (x->flags & SPM_PACK_ONE_ORDER) ? 1 : SPM_PACK_NORDERS_X;
  for (int h = 0; h < norders; ++h) {
    if (!(x->flags & SPM_PACK_ONLY_CANONICAL)) {
      run_order[nruns] = h;
      run_bl[nruns++] = true;
    }
    if (!(x->flags & SPM_PACK_ONLY_BL)) {
      run_order[nruns] = h;
      run_bl[nruns++] = false;
    }
  }
  // A run that hit the depth cap would hit it again with a larger budget:
  // it is dropped; once all static runs are, the search gives up (LIMIT).
  bool capped[2 * SPM_PACK_NORDERS_X] = {false};
  int ncapped = 0;
  bool restarts = !(x->flags & (SPM_PACK_ONE_ORDER | SPM_PACK_ONLY_CANONICAL));
  uint64_t base = 4 * (uint64_t)x->n * (uint64_t)(x->n + 2) + 10000;
  uint64_t luby_j = 0;
  for (int round = 0;; ++round) {
    uint64_t budget = round >= 40 ? UINT64_MAX / 4 : base << round;
    uint64_t nrandom = restarts ? (uint64_t)1 << (round < 20 ? round : 20) : 0;
    for (uint64_t k = 0; k < (uint64_t)nruns + nrandom; ++k) {
      spm_pack_order_t *o;
      bool bl, fresh = k >= (uint64_t)nruns;
      uint64_t b = budget;
      if (!fresh && capped[k])
        continue;
      if (!fresh) {
        int h = run_order[k];
        if (!spm_pack_static_order(x, h))
          return spm_status_make(SPM_STATUS_INTERNAL,
                                 "out of memory for the exact search");
        if (x->ord_same[h]) { // the same runs as an earlier order's
          capped[k] = true;
          if (++ncapped == nruns) {
            *outcome = SPM_PACK_LIMIT;
            return SPM_OK;
          }
          continue;
        }
        o = x->ord[h];
        bl = run_bl[k];
      } else {
        o = spm_pack_order_build(x->bufs, x->n,
                                 SPM_PACK_NORDERS_X + (int)(luby_j % 1000003));
        bl = true;
        b = SPM_PACK_RESTART_UNIT * base * spm_pack_luby(++luby_j);
      }
      if (!o)
        return spm_status_make(SPM_STATUS_INTERNAL,
                               "out of memory for the exact search");
      x->local_stop = nruns == 1 && !restarts    ? UINT64_MAX
                      : b > UINT64_MAX - x->work ? UINT64_MAX
                                                 : x->work + b;
      x->abort_kind = 0;
      int r = spm_pack_run(x, o, bl);
      bool oom = o->oom;
      if (r == SPM_PACK_FOUND_R && !oom)
        for (size_t i = 0; i < o->n; ++i)
          off[o->perm[i]] = o->sol[i];
      if (fresh)
        spm_pack_order_free(o);
      if (oom)
        return spm_status_make(SPM_STATUS_INTERNAL,
                               "out of memory in the exact search");
      if (r == SPM_PACK_FOUND_R) {
        *outcome = SPM_PACK_FOUND;
        return SPM_OK;
      }
      if (r == SPM_PACK_NOTFOUND) {
        *outcome = SPM_PACK_INFEASIBLE;
        return SPM_OK;
      }
      if (x->abort_kind == 3 && !fresh) {
        capped[k] = true;
        ncapped++;
      }
      if (x->abort_kind == 2 || ncapped == nruns) {
        *outcome = SPM_PACK_LIMIT;
        return SPM_OK;
      }
    }
  }
}

void spm_pack_sec_remove(spm_pack_order_t *o, uint32_t i, uint32_t s) {
  uint32_t *list = o->sec_buf + o->sec_off[s];
  uint32_t last = --o->sec_cnt[s];
  uint32_t p = o->pos[o->pos_base[i] + s - o->slo[i]];
  uint32_t y = list[last];
  list[p] = y;
  o->pos[o->pos_base[y] + s - o->slo[y]] = p;
  list[last] = i;
  o->pos[o->pos_base[i] + s - o->slo[i]] = last;
}

void spm_pack_place_common(spm_pack_order_t *o, uint32_t i, int64_t off,
                           void (*on_raise)(spm_pack_order_t *, uint32_t)) {
  int64_t h = off + o->size[i];
  o->off[i] = off;
  o->sol[i] = off;
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s) {
    o->total[s] -= o->size[i];
    spm_pack_sec_remove(o, i, s);
  }
  const spm_pack_graph_t *g = &o->g;
  for (size_t e = g->off[i]; e < g->off[i + 1]; ++e) {
    uint32_t w = g->adj[e];
    if (o->off[w] >= 0)
      continue;
    int64_t m = spm_pack_align_up(h, o->align[w]);
    if (o->minoff[w] < m) {
      spm_pack_trail_push(o, &o->tmin, &o->ntmin, &o->captmin, w, o->minoff[w]);
      o->minoff[w] = m;
      if (on_raise)
        on_raise(o, w);
    }
  }
}
