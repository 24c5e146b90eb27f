// spm-place, part 6: reuse distances (see place_reuse.h).
#include "passes/place_reuse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct spm_place_reuse_s {
  const spm_place_model_t *m;
  int64_t *cache;   // [t * nops + op]: distance + 2 (0: not computed yet)
  uint8_t *bits;    // scratch bitmap of one tensor's elements
  size_t nbits;
};

spm_place_reuse_t *spm_place_reuse_create(const spm_place_model_t *m) {
  spm_place_reuse_t *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->m = m;
  r->cache = calloc(m->ntensors * m->nops + 1, sizeof *r->cache);
  if (!r->cache) {
    free(r);
    return NULL;
  }
  return r;
}

void spm_place_reuse_free(spm_place_reuse_t *r) {
  if (!r)
    return;
  free(r->cache);
  free(r->bits);
  free(r);
}

static bool uses(const spm_place_op_t *op, int t) {
  for (int k = 0; k < op->noperands; ++k)
    if (op->operands[k].tensor == t)
      return true;
  return false;
}

int spm_place_reuse_next_use(const spm_place_reuse_t *r, int t, int from) {
  for (size_t i = (size_t)from + 1; i < r->m->nops; ++i)
    if (uses(&r->m->ops[i], t))
      return (int)i;
  return -1;
}

// The footprint of operand o as per-dim lists of root indices (vals[d],
// n[d] entries each, caller frees vals[d]); false when out of memory.
static bool footprint_dims(const spm_place_op_t *op,
                           const spm_place_operand_t *o,
                           int64_t *vals[SPM_PLACE_MAX_RANK],
                           int64_t n[SPM_PLACE_MAX_RANK]) {
  // Dims whose loops are disjoint: exact per-dim value sets; otherwise the
  // bounding range of each dim.
  uint32_t seen = 0;
  bool disjoint = true;
  for (int d = 0; d < o->rank; ++d) {
    uint32_t mine = 0;
    for (int j = 0; j < op->ndims; ++j)
      if (o->coef[d][j])
        mine |= 1u << j;
    disjoint = disjoint && !(mine & seen);
    seen |= mine;
  }
  for (int d = 0; d < o->rank; ++d)
    vals[d] = NULL;
  for (int d = 0; d < o->rank; ++d) {
    int64_t maxv = 0;
    for (int j = 0; j < op->ndims; ++j)
      maxv += o->coef[d][j] * (op->extent[j] - 1);
    uint8_t *hit = calloc((size_t)maxv + 1, 1);
    vals[d] = malloc(((size_t)maxv + 1) * sizeof **vals);
    if (!hit || !vals[d]) {
      free(hit);
      for (int e = 0; e <= d; ++e)
        free(vals[e]);
      return false;
    }
    if (!disjoint) {
      memset(hit, 1, (size_t)maxv + 1);
    } else {
      // Odometer over the dim's loops.
      int js[SPM_PLACE_MAX_DIMS], nj = 0;
      int64_t idx[SPM_PLACE_MAX_DIMS] = {0};
      for (int j = 0; j < op->ndims; ++j)
        if (o->coef[d][j])
          js[nj++] = j;
      for (;;) {
        int64_t v = 0;
        for (int q = 0; q < nj; ++q)
          v += o->coef[d][js[q]] * idx[q];
        hit[v] = 1;
        int q = nj - 1;
        while (q >= 0 && ++idx[q] == op->extent[js[q]])
          idx[q--] = 0;
        if (q < 0)
          break;
      }
    }
    n[d] = 0;
    for (int64_t v = 0; v <= maxv; ++v)
      if (hit[v])
        vals[d][n[d]++] = o->off[d] + o->step[d] * v;
    free(hit);
  }
  return true;
}

// Marks operand o's footprint in r->bits (tensor x's elements, row-major);
// returns the number of elements in it, or -1 when out of memory.
static int64_t footprint(spm_place_reuse_t *r, const spm_place_op_t *op,
                         const spm_place_operand_t *o, bool mark) {
  const spm_place_tensor_t *x = &r->m->tensors[o->tensor];
  int64_t *vals[SPM_PLACE_MAX_RANK], n[SPM_PLACE_MAX_RANK];
  if (!footprint_dims(op, o, vals, n))
    return -1;
  int64_t count = 1;
  for (int d = 0; d < o->rank; ++d)
    count *= n[d];
  if (mark && count > 0) {
    int64_t pos[SPM_PLACE_MAX_RANK] = {0};
    for (;;) {
      int64_t lin = 0;
      for (int d = 0; d < x->rank; ++d)
        lin = lin * x->shape[d] + vals[d][pos[d]];
      r->bits[lin >> 3] |= (uint8_t)(1u << (lin & 7));
      int d = o->rank - 1;
      while (d >= 0 && ++pos[d] == n[d])
        pos[d--] = 0;
      if (d < 0)
        break;
    }
  }
  for (int d = 0; d < o->rank; ++d)
    free(vals[d]);
  return count;
}

static int64_t elems_of(const spm_place_tensor_t *x) {
  int64_t n = 1;
  for (int d = 0; d < x->rank; ++d)
    n *= x->shape[d];
  return n;
}

// Clears the bitmap for e elements (grown as needed); false: out of memory.
static bool bits_clear(spm_place_reuse_t *r, int64_t e) {
  size_t need = (size_t)(e + 7) / 8;
  if (need > r->nbits) {
    uint8_t *b = realloc(r->bits, need);
    if (!b)
      return false;
    r->bits = b;
    r->nbits = need;
  }
  memset(r->bits, 0, need);
  return true;
}

static int64_t bits_count(const spm_place_reuse_t *r, int64_t e) {
  int64_t cnt = 0;
  for (size_t i = 0; i < (size_t)(e + 7) / 8; ++i)
    cnt += __builtin_popcount(r->bits[i]);
  return cnt;
}

int64_t spm_place_reuse_footprint(spm_place_reuse_t *r, int op, int t) {
  const spm_place_op_t *o = &r->m->ops[op];
  int64_t best = 0;
  int nuse = 0;
  for (int k = 0; k < o->noperands; ++k)
    if (o->operands[k].tensor == t) {
      int64_t c = footprint(r, o, &o->operands[k], false);
      best = c > best ? c : best;
      nuse++;
    }
  if (nuse <= 1)
    return best;
  // several operands on t: their union
  int64_t e = elems_of(&r->m->tensors[t]);
  if (!bits_clear(r, e))
    return e; // a bound
  for (int k = 0; k < o->noperands; ++k)
    if (o->operands[k].tensor == t)
      footprint(r, o, &o->operands[k], true);
  return bits_count(r, e);
}

// Distinct elements of tensor u touched by ops in (lo, hi).
static int64_t union_between(spm_place_reuse_t *r, int u, int lo, int hi) {
  const spm_place_tensor_t *x = &r->m->tensors[u];
  int64_t e = elems_of(x);
  int64_t single = -1, nops = 0;
  for (int i = lo + 1; i < hi; ++i) {
    const spm_place_op_t *op = &r->m->ops[i];
    for (int k = 0; k < op->noperands; ++k) {
      if (op->operands[k].tensor != u)
        continue;
      int64_t c = footprint(r, op, &op->operands[k], false);
      if (c >= e)
        return e; // covers it all
      single = c;
      nops++;
    }
  }
  if (nops <= 1)
    return nops ? single : 0;
  if (!bits_clear(r, e))
    return e; // a bound
  for (int i = lo + 1; i < hi; ++i) {
    const spm_place_op_t *op = &r->m->ops[i];
    for (int k = 0; k < op->noperands; ++k)
      if (op->operands[k].tensor == u)
        footprint(r, op, &op->operands[k], true);
  }
  return bits_count(r, e);
}

int64_t spm_place_reuse_distance(spm_place_reuse_t *r, int t, int from) {
  const spm_place_model_t *m = r->m;
  int64_t *c = &r->cache[(size_t)t * m->nops + (size_t)from];
  if (*c)
    return *c - 2;
  int next = spm_place_reuse_next_use(r, t, from);
  int64_t bytes = -1;
  if (next >= 0) {
    bytes = 0;
    for (size_t u = 0; u < m->ntensors; ++u)
      if ((int)u != t)
        bytes += union_between(r, (int)u, from, next) *
                 m->tensors[u].elem_bytes;
  }
  *c = bytes + 2;
  return bytes;
}
