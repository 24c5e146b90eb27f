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
  (*t)[(*len)++] = (spm_pack_trail_t){idx, SPM_PACK_NONE, old, 0};
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
  o->cand[o->ncand++] = (spm_pack_cand_t){off, o->rank[i], i};
  return true;
}

static int spm_pack_cand_cmp(const void *pa, const void *pb) {
  const spm_pack_cand_t *a = pa, *b = pb;
  if (a->o != b->o)
    return a->o < b->o ? -1 : 1;
  return a->r < b->r ? -1 : a->r > b->r;
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

// Ranks the buffers of piece q anew by the order's keys (as MiniMalloc does
// for every partition it solves): the 'T' key is now the largest sum of
// unplaced sizes over the buffer's sections. Any fixed tie order keeps the
// skyline search exact on an independent piece, solved from scratch.
// Returns the old ranks (q->b's order; caller frees) or NULL (o->oom).
static uint32_t *spm_pack_rerank(spm_pack_exact_t *x, spm_pack_order_t *o,
                                 const spm_pack_part_t *q) {
  uint32_t *saved = malloc(q->nb * sizeof *saved);
  spm_pack_key_t *keys = malloc(q->nb * sizeof *keys);
  if (!saved || !keys) {
    free(saved);
    free(keys);
    o->oom = true;
    return NULL;
  }
  for (size_t k = 0; k < q->nb; ++k) {
    uint32_t i = q->b[k];
    saved[k] = o->rank[i];
    int64_t t = 0;
    for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s)
      t = o->total[s] > t ? o->total[s] : t;
    x->work += o->shi[i] - o->slo[i];
    const spm_pack_buffer_t *bi = &x->bufs[o->perm[i]];
    double w = (double)bi->end - (double)bi->start;
    keys[k].tie = o->rank[i], keys[k].i = i;
    spm_pack_key_set(&keys[k], o->heuristic, w, w * (double)o->size[i],
                     (double)t);
  }
  qsort(keys, q->nb, sizeof *keys, spm_pack_key_cmp);
  for (size_t k = 0; k < q->nb; ++k)
    o->rank[keys[k].i] = (uint32_t)k;
  free(keys);
  return saved;
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
    if (q.nb == 0)
      continue;
    if (bl) {
      r = spm_pack_bl_search(x, o, &q);
    } else {
      uint32_t *saved = spm_pack_rerank(x, o, &q);
      if (!saved)
        return free(bufs), SPM_PACK_ABORT;
      r = spm_pack_search(x, o, &q, 0, -1);
      for (size_t k = 0; k < q.nb; ++k)
        o->rank[q.b[k]] = saved[k];
      free(saved);
    }
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
    o->waste_lo[s] = 0;
  }
  o->ntmin = o->ntfloor = o->ncand = 0;
  o->sky_fail = SPM_PACK_NONE;
  o->oom = false;
  x->pool_unsure = false;
  spm_pack_pool_begin(o, bl && !(x->flags & SPM_PACK_NO_POOL));
  o->float_rule = bl && !(x->flags & SPM_PACK_NO_FLOAT);
  if (bl && !(x->flags & SPM_PACK_NO_NOGOODS) &&
      !spm_pack_bl_nogood_begin(x, o))
    return SPM_PACK_ABORT;
  // Failure weights only at capacity = lower bound: above it every
  // section has slack, and there they misled the search (MiniMalloc's D,
  // docs/benchmarks.md).
  x->weigh = bl && !(x->flags & SPM_PACK_NO_WEIGHTS) && x->cap <= x->lb;
  if (x->weigh && !x->weight) {
    // Every order has the same sections (they depend on the live ranges
    // only), so one set of weights serves all runs.
    x->weight = calloc(o->nsec ? o->nsec : 1, sizeof *x->weight);
    x->weight_inc = 1;
    if (!x->weight) {
      o->oom = true;
      return SPM_PACK_ABORT;
    }
  }
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
  free(x->weight);
  free(x->bufs);
  free(x);
}

uint64_t spm_pack_exact_nodes(const spm_pack_exact_t *x) { return x->nodes; }

void spm_pack_exact_set_cutoff(spm_pack_exact_t *x,
                               const _Atomic uint64_t *cutoff) {
  x->cutoff = cutoff;
}

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
  x->call_start = x->nodes;
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
      g->cutoff = x->cutoff; // counted from the call's start in g as in x
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
  int round0 = 0;
  uint64_t k0 = 0;
  if (x->resume_cap == capacity) {
    round0 = x->resume_round;
    k0 = x->resume_k;
    luby_j = x->resume_luby;
    ncapped = x->resume_ncapped;
    memcpy(capped, x->resume_capped, sizeof capped);
  }
  x->resume_cap = 0;
  for (int round = round0;; ++round) {
    uint64_t budget = round >= 40 ? UINT64_MAX / 4 : base << round;
    uint64_t nrandom = restarts ? (uint64_t)1 << (round < 20 ? round : 20) : 0;
    for (uint64_t k = round == round0 ? k0 : 0; k < (uint64_t)nruns + nrandom;
         ++k) {
      spm_pack_order_t *o;
      bool bl, fresh = k >= (uint64_t)nruns;
      uint64_t b = budget, luby_before = luby_j;
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
        if (x->abort_kind == 2) { // this run again, next time
          x->resume_cap = capacity;
          x->resume_round = round;
          x->resume_k = k;
          x->resume_luby = luby_before;
          x->resume_ncapped = ncapped;
          memcpy(x->resume_capped, capped, sizeof capped);
        }
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
