// Filler pools for the bottom-left search (pack_exact_bl.c).
//
// A filler is a buffer live in one section only: it meets nothing outside
// its own column. Placed one by one, the fillers of a section make the
// search branch over their subsets, and subsets with the same sum lead to
// the same floors -- the search refuted one dead end again under every
// such subset (on instances with many one-step buffers, most of its nodes).
// So the fillers of a section form a pool, and the search commits runs
// instead: at a decision point (s, f) one option is to cover [f, f + len)
// of column s with fillers (f aligned up), and at a run's top one option is
// to grow the run, for a len that fillers of the pool can make up together
// with the runs already committed in s (an exact bin packing of the pool
// into the runs and what is left, checked here). The bottom-left search
// tries the shortest such len and grows it later when needed (see
// pack_exact_bl.c). Which filler goes to which run is chosen only once the
// sections are packed (spm_pack_pool_emit).
//
// Completeness: take a packing in which no buffer can move down. In column
// s its fillers form maximal runs, and each run rests on 0 or on the top of
// a buffer that is not a filler (a filler with free space below it could
// move down). The bottom-left search reaches (s, f) with f that top, and
// the run is one of the options there; after it, the next thing in the
// column is a buffer that is not a filler -- so no new run starts on a
// run's top or on given-up cells (spm_pack_pool_can_fill).
//
// A section gets a pool when it has at least two fillers with one alignment
// that divides all their sizes (runs then start aligned and stay aligned),
// and their sum is at most SPM_PACK_POOL_MAX_UNITS alignment units (the
// bitset of subset sums).
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

enum {
  SPM_PACK_POOL_MAX_UNITS = 1 << 16,
  SPM_PACK_POOL_CHECK_STEPS = 1 << 14, // per realizability check
  SPM_PACK_POOL_EMIT_STEPS = 1 << 24,  // per section, at the end
};

void spm_pack_pool_free(spm_pack_order_t *o) {
  free(o->pool_off);
  free(o->dp_off);
  free(o->pool_buf);
  free(o->gap_n);
  free(o->pool_unit);
  free(o->pool_sum);
  free(o->gap_at);
  free(o->gap_len);
  free(o->dp);
  free(o->pooled);
  free(o->bp_item);
  free(o->bp_bin);
  free(o->bp_where);
}

// Sorts a section's fillers largest first, then by original index, so that
// every order builds the same pools (insertion sort: pools are small).
static void spm_pack_pool_sort(const spm_pack_order_t *o, uint32_t *v,
                               size_t m) {
  for (size_t j = 1; j < m; ++j) {
    uint32_t x = v[j];
    size_t k = j;
    while (k > 0 && (o->size[v[k - 1]] < o->size[x] ||
                     (o->size[v[k - 1]] == o->size[x] &&
                      o->perm[v[k - 1]] > o->perm[x]))) {
      v[k] = v[k - 1];
      k--;
    }
    v[k] = x;
  }
}

bool spm_pack_pool_build(spm_pack_order_t *o) {
  size_t n = o->n, ns = o->nsec;
  o->pool_off = calloc(ns + 1, sizeof *o->pool_off);
  o->dp_off = calloc(ns + 1, sizeof *o->dp_off);
  o->pool_buf = malloc((n ? n : 1) * sizeof *o->pool_buf);
  o->gap_n = calloc(ns ? ns : 1, sizeof *o->gap_n);
  o->pool_unit = calloc(ns ? ns : 1, sizeof *o->pool_unit);
  o->pool_sum = calloc(ns ? ns : 1, sizeof *o->pool_sum);
  o->gap_at = malloc((n ? n : 1) * sizeof *o->gap_at);
  o->gap_len = malloc((n ? n : 1) * sizeof *o->gap_len);
  o->pooled = calloc(n ? n : 1, 1);
  if (!o->pool_off || !o->dp_off || !o->pool_buf || !o->gap_n ||
      !o->pool_unit || !o->pool_sum || !o->gap_at ||
      !o->gap_len || !o->pooled)
    return false;
  // The fillers of each section (CSR).
  for (size_t k = 0; k < n; ++k)
    if (o->shi[k] == o->slo[k] + 1)
      o->pool_off[o->slo[k] + 1]++;
  for (size_t s = 0; s < ns; ++s)
    o->pool_off[s + 1] += o->pool_off[s];
  {
    size_t *fill = malloc((ns ? ns : 1) * sizeof *fill);
    if (!fill)
      return false;
    memcpy(fill, o->pool_off, (ns ? ns : 1) * sizeof *fill);
    for (size_t k = 0; k < n; ++k)
      if (o->shi[k] == o->slo[k] + 1)
        o->pool_buf[fill[o->slo[k]]++] = (uint32_t)k;
    free(fill);
  }
  // Which sections get a pool, and the bitset of their subset sums.
  size_t words = 0;
  o->pool_max = 0;
  for (size_t s = 0; s < ns; ++s) {
    size_t a = o->pool_off[s], b = o->pool_off[s + 1];
    o->dp_off[s] = words;
    if (b - a < 2)
      continue;
    int64_t unit = o->align[o->pool_buf[a]], sum = 0;
    bool ok = true;
    for (size_t e = a; e < b && ok; ++e) {
      uint32_t k = o->pool_buf[e];
      ok = o->align[k] == unit && o->size[k] % unit == 0;
      sum += o->size[k];
    }
    if (!ok || sum / unit > SPM_PACK_POOL_MAX_UNITS)
      continue;
    o->pool_unit[s] = unit;
    words += (size_t)(sum / unit) / 64 + 1;
    if (b - a > o->pool_max)
      o->pool_max = b - a;
  }
  o->dp_off[ns] = words;
  o->dp = calloc(words ? words : 1, sizeof *o->dp);
  o->bp_item = malloc((o->pool_max + 1) * sizeof *o->bp_item);
  o->bp_bin = malloc((o->pool_max + 2) * sizeof *o->bp_bin);
  o->bp_where = malloc((o->pool_max + 1) * sizeof *o->bp_where);
  if (!o->dp || !o->bp_item || !o->bp_bin || !o->bp_where)
    return false;
  for (size_t s = 0; s < ns; ++s) {
    if (!o->pool_unit[s])
      continue;
    size_t a = o->pool_off[s], b = o->pool_off[s + 1];
    spm_pack_pool_sort(o, o->pool_buf + a, b - a);
    int64_t unit = o->pool_unit[s], reach = 0;
    uint64_t *d = o->dp + o->dp_off[s];
    d[0] = 1;
    for (size_t e = a; e < b; ++e) { // d |= d << v, word by word, top down
      int64_t v = o->size[o->pool_buf[e]] / unit;
      size_t ws = (size_t)(v >> 6), bs = (size_t)(v & 63);
      reach += v;
      for (size_t w = (size_t)(reach >> 6) + 1; w-- > ws;) {
        uint64_t lo = d[w - ws] << bs;
        if (bs && w - ws > 0)
          lo |= d[w - ws - 1] >> (64 - bs);
        d[w] |= lo;
      }
    }
  }
  return true;
}

void spm_pack_pool_begin(spm_pack_order_t *o, bool on) {
  o->pool_on = on;
  for (size_t s = 0; s < o->nsec; ++s) {
    o->gap_n[s] = 0;
    o->pool_sum[s] = 0;
    if (!o->pool_unit[s])
      continue;
    for (size_t e = o->pool_off[s]; e < o->pool_off[s + 1]; ++e) {
      uint32_t i = o->pool_buf[e];
      o->pooled[i] = on;
      if (!on)
        continue;
      o->pool_sum[s] += o->size[i];
      spm_pack_sec_remove(o, i, (uint32_t)s); // as a placement does
    }
  }
}

// The bin packing (see spm_pack_pool_bin_pack). Identical items go to bins
// in non-decreasing order, and of bins with the same room left only the
// first is tried.
typedef struct {
  const int64_t *item;
  size_t ni;
  int64_t *bin;
  size_t nb;
  size_t *where;
  uint64_t steps, limit;
} spm_pack_bp_t;

static int spm_pack_bp(spm_pack_bp_t *p, size_t j) {
  if (j == p->ni)
    return 1;
  if (++p->steps > p->limit)
    return -1;
  int64_t v = p->item[j], smallest = p->item[p->ni - 1];
  for (size_t b = 0; b < p->nb; ++b) // a bin no item can finish
    if (p->bin[b] > 0 && p->bin[b] < smallest)
      return 0;
  size_t from = j > 0 && p->item[j - 1] == v ? p->where[j - 1] : 0;
  for (size_t b = from; b < p->nb; ++b) {
    if (p->bin[b] < v)
      continue;
    bool seen = false;
    for (size_t e = from; e < b && !seen; ++e)
      seen = p->bin[e] == p->bin[b];
    if (seen)
      continue;
    p->bin[b] -= v;
    p->where[j] = b;
    int r = spm_pack_bp(p, j + 1);
    p->bin[b] += v;
    if (r != 0)
      return r;
  }
  return 0;
}

int spm_pack_pool_bin_pack(const int64_t *item, size_t ni, int64_t *bin,
                           size_t nb, size_t *where, uint64_t limit,
                           uint64_t *steps) {
  *steps = 0;
  int64_t sum = 0;
  for (size_t j = 0; j < ni; ++j)
    sum += item[j];
  for (size_t b = 0; b < nb; ++b)
    sum -= bin[b];
  if (sum != 0)
    return 0;
  if (ni == 0)
    return 1;
  spm_pack_bp_t p = {item, ni, bin, nb, where, 0, limit};
  int r = spm_pack_bp(&p, 0);
  *steps = p.steps;
  return r;
}

// Runs the bin packing of section s's pool into its committed runs, plus
// `extra` units (if > 0), plus the rest. Sets *steps to the steps taken.
static int spm_pack_pool_pack(spm_pack_order_t *o, uint32_t s, int64_t extra,
                              uint64_t limit, uint64_t *steps) {
  size_t a = o->pool_off[s], ni = o->pool_off[s + 1] - a, nb = 0;
  int64_t unit = o->pool_unit[s], rest = 0;
  for (size_t e = 0; e < ni; ++e) {
    o->bp_item[e] = o->size[o->pool_buf[a + e]] / unit;
    rest += o->bp_item[e];
  }
  for (uint32_t k = 0; k < o->gap_n[s]; ++k) {
    o->bp_bin[nb] = o->gap_len[a + k];
    rest -= o->bp_bin[nb++];
  }
  if (extra > 0) {
    o->bp_bin[nb++] = extra;
    rest -= extra;
  }
  if (rest < 0)
    return 0;
  if (rest > 0)
    o->bp_bin[nb++] = rest;
  return spm_pack_pool_bin_pack(o->bp_item, ni, o->bp_bin, nb, o->bp_where,
                                limit, steps);
}

bool spm_pack_pool_realizable(spm_pack_exact_t *x, spm_pack_order_t *o,
                              uint32_t s, int64_t len) {
  if (!spm_pack_pool_sum_ok(o, s, len))
    return false;
  if (o->gap_n[s] == 0)
    return true; // a subset and its complement
  uint64_t steps = 0;
  int r = spm_pack_pool_pack(o, s, len, SPM_PACK_POOL_CHECK_STEPS, &steps);
  x->work += steps;
  if (r < 0)
    x->pool_unsure = true;
  return r != 0;
}

void spm_pack_pool_push(spm_pack_order_t *o, uint32_t s, int64_t at,
                        int64_t len) {
  size_t k = o->pool_off[s] + o->gap_n[s]++;
  o->gap_at[k] = at;
  o->gap_len[k] = len;
  o->pool_sum[s] -= len * o->pool_unit[s];
}

void spm_pack_pool_pop(spm_pack_order_t *o, uint32_t s) {
  size_t k = o->pool_off[s] + --o->gap_n[s];
  o->pool_sum[s] += o->gap_len[k] * o->pool_unit[s];
}

bool spm_pack_pool_emit(spm_pack_exact_t *x, spm_pack_order_t *o,
                        uint32_t slo, uint32_t shi) {
  if (!o->pool_on)
    return true;
  for (uint32_t s = slo; s < shi; ++s) {
    if (!o->pool_unit[s])
      continue;
    uint64_t steps = 0;
    int r = spm_pack_pool_pack(o, s, 0, SPM_PACK_POOL_EMIT_STEPS, &steps);
    x->work += steps;
    if (r != 1) {
      x->pool_unsure = true;
      return false;
    }
    // Each run stacks its fillers from its offset up (every pool is fully
    // committed here, so bin k is run k; bp_bin is free again).
    size_t a = o->pool_off[s], ni = o->pool_off[s + 1] - a;
    int64_t *tops = o->bp_bin;
    for (uint32_t k = 0; k < o->gap_n[s]; ++k)
      tops[k] = o->gap_at[a + k];
    for (size_t e = 0; e < ni; ++e) {
      uint32_t i = o->pool_buf[a + e];
      size_t b = o->bp_where[e];
      o->sol[i] = tops[b];
      tops[b] += o->size[i];
    }
  }
  return true;
}
