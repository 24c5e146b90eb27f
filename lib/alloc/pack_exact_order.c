// Building the static and random orders of the exact search: sections,
// per-section lists, symmetry ranks, the conflict graph, the initial parts
// and the filler pools (see pack_exact.h for the fields).
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

int spm_pack_key_cmp(const void *pa, const void *pb) {
  const spm_pack_key_t *a = pa, *b = pb;
  for (int j = 0; j < 3; ++j)
    if (a->k[j] != b->k[j])
      return a->k[j] > b->k[j] ? -1 : 1;
  return a->tie < b->tie ? -1 : a->tie > b->tie;
}

void spm_pack_key_set(spm_pack_key_t *e, int heuristic, double width,
                      double area, double total) {
  if (heuristic == 0) { // WAT: width, area, total
    e->k[0] = width, e->k[1] = area, e->k[2] = total;
  } else if (heuristic == 1) { // TAW
    e->k[0] = total, e->k[1] = area, e->k[2] = width;
  } else if (heuristic == 2) { // TWA
    e->k[0] = total, e->k[1] = width, e->k[2] = area;
  } else {
    e->k[0] = e->k[1] = e->k[2] = 0;
  }
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

uint32_t spm_pack_time_index(const int64_t *times, size_t m, int64_t t) {
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

void spm_pack_order_free(spm_pack_order_t *o) {
  if (!o)
    return;
  free(o->perm);
  free(o->size);
  free(o->align);
  free(o->slo);
  free(o->shi);
  free(o->ident_prev);
  free(o->stack_rank);
  free(o->rank);
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
  free(o->waste_lo);
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

int64_t *spm_pack_times(const spm_pack_buffer_t *bufs, size_t n, size_t *m) {
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

spm_pack_order_t *spm_pack_order_build(const spm_pack_buffer_t *bufs,
                                       size_t n, int heuristic) {
  spm_pack_order_t *o = calloc(1, sizeof *o);
  size_t m = 0;
  int64_t *times = spm_pack_times(bufs, n, &m);
  spm_pack_key_t *keys = malloc(n * sizeof *keys);
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
  o->rank = malloc(n * sizeof *o->rank);
  o->heuristic = heuristic;
  o->total0 = calloc(ns + 1, sizeof *o->total0);
  o->cuts0 = calloc(ns + 1, sizeof *o->cuts0);
  o->off = malloc(n * sizeof *o->off);
  o->minoff = malloc(n * sizeof *o->minoff);
  o->sol = malloc(n * sizeof *o->sol);
  o->total = malloc(ns * sizeof *o->total);
  o->floor = malloc(ns * sizeof *o->floor);
  o->floor_by = malloc(ns * sizeof *o->floor_by);
  o->waste_lo = malloc(ns * sizeof *o->waste_lo);
  o->reach = calloc(3 * (ns + 1), 1);
  o->reach2 = calloc(3 * (ns + 1), 1);
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
      !o->ident_prev || !o->stack_rank || !o->rank ||
      !o->total0 || !o->cuts0 || !o->off || !o->minoff ||
      !o->sol || !o->total || !o->floor || !o->floor_by || !o->waste_lo ||
      !o->reach || !o->reach2 || !o->touched || !o->stamp || !o->start_off ||
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
    spm_pack_key_t *k = &keys[i];
    k->i = k->tie = (uint32_t)i;
    if (heuristic < SPM_PACK_NORDERS_X) {
      spm_pack_key_set(k, heuristic, w, area, tt);
    } else { // random, for restarts (deterministic in `heuristic`)
      uint64_t z = (uint64_t)heuristic * 0x9E3779B97F4A7C15ull +
                   (uint64_t)i * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 31)) * 0x94D049BB133111EBull;
      z ^= z >> 29;
      if (heuristic % 4 == 0) // every fourth: larger first, random ties
        k->k[0] = (double)bufs[i].size, k->k[1] = (double)(z >> 11);
      else
        k->k[0] = (double)(z >> 11), k->k[1] = area;
      k->k[2] = 0;
    }
  }
  qsort(keys, n, sizeof *keys, spm_pack_key_cmp);
  for (size_t k = 0; k < n; ++k) {
    uint32_t i = keys[k].i;
    o->perm[k] = i;
    pb[k] = bufs[i];
    o->size[k] = bufs[i].size;
    o->align[k] = bufs[i].align;
    o->rank[k] = (uint32_t)k;
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
