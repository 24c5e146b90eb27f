// spm_poly_compute_deps: value-based flow dependences through isl's dataflow
// analysis on tagged accesses, memory-based anti/output (and optionally flow)
// dependences pairwise, all split by depth. See poly.h.
#include <stdlib.h>
#include <string.h>

#include <isl/flow.h>
#include <isl/union_map.h>
#include <isl/val.h>

#include "poly/poly_internal.h"

// [S[i] -> tag[]] -> S[i] for access `a` over its statement's domain.
static __isl_give isl_map *untagger(const spm_poly_program_t *p, int a) {
  isl_set *dom = isl_set_copy(p->stmts[p->accs[a].stmt].domain);
  isl_space *ts =
      isl_space_set_from_params(isl_space_params(isl_set_get_space(dom)));
  ts = isl_space_set_tuple_id(ts, isl_dim_set, isl_id_copy(p->accs[a].tag));
  return isl_map_domain_map(
      isl_map_from_domain_and_range(dom, isl_set_universe(ts)));
}

// [S[i] -> tag[]] -> [S'[j] -> tag'[]]  to  S[i] -> S'[j].
static __isl_give isl_map *untag(__isl_take isl_map *m) {
  return isl_map_range_factor_domain(isl_map_domain_factor_domain(m));
}

// Accesses grouped by array: order[] lists access indices sorted by array
// name (then index); bucket b is order[start[b] .. start[b + 1]). Grouping
// keeps the work linear in the number of arrays: isl's dataflow analysis
// compares every sink with every source map otherwise.
typedef struct {
  int *order;
  size_t *start;
  size_t nbuckets;
} spm_poly_buckets_t;

static const spm_poly_program_t *spm_poly_sort_program;

static const char *acc_array(const spm_poly_program_t *p, int a) {
  const char *n = isl_map_get_tuple_name(p->accs[a].relation, isl_dim_out);
  return n ? n : "";
}

static int cmp_by_array(const void *x, const void *y) {
  int a = *(const int *)x, b = *(const int *)y;
  int c = strcmp(acc_array(spm_poly_sort_program, a),
                 acc_array(spm_poly_sort_program, b));
  return c ? c : (a > b) - (a < b);
}

static spm_status_t buckets_build(const spm_poly_program_t *p,
                                  spm_poly_buckets_t *bk) {
  size_t n = p->naccs;
  bk->order = malloc((n + 1) * sizeof *bk->order);
  bk->start = malloc((n + 2) * sizeof *bk->start);
  bk->nbuckets = 0;
  if (!bk->order || !bk->start) {
    free(bk->order);
    free(bk->start);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < n; ++i)
    bk->order[i] = (int)i;
  spm_poly_sort_program = p; // qsort has no context argument in C11
  qsort(bk->order, n, sizeof *bk->order, cmp_by_array);
  spm_poly_sort_program = NULL;
  for (size_t i = 0; i < n; ++i)
    if (i == 0 || strcmp(acc_array(p, bk->order[i - 1]),
                         acc_array(p, bk->order[i])) != 0)
      bk->start[bk->nbuckets++] = i;
  bk->start[bk->nbuckets] = n;
  return SPM_OK;
}

static void buckets_free(spm_poly_buckets_t *bk) {
  free(bk->order);
  free(bk->start);
}


// Memory-based dependences of every kind in `kinds` (bit 1 << kind) between
// every ordered pair of accesses to the same array.
// The schedules of accesses acc[0..n) without the dimensions that all of
// them fix to the same constant (the 2d+1 positions the accesses of one
// array share): the order among these accesses is unchanged, and isl's
// dataflow and lexicographic-order computations get much cheaper with
// fewer dimensions. Returns NULL on an isl error.
static isl_map **reduced_schedules(const spm_poly_program_t *p,
                                   const int *acc, size_t n,
                                   isl_map **sched) {
  isl_map **out = calloc(n + 1, sizeof *out);
  if (!out)
    return NULL;
  for (size_t k = 0; k < n; ++k)
    out[k] = isl_map_copy(sched[acc[k]]);
  isl_size dims = n ? isl_map_dim(out[0], isl_dim_out) : 0;
  for (int d = (int)dims - 1; d >= 0; --d) {
    isl_val *first = NULL;
    bool same = true;
    for (size_t k = 0; k < n && same; ++k) {
      isl_val *v = isl_map_plain_get_val_if_fixed(out[k], isl_dim_out,
                                                  (unsigned)d);
      if (!v || !isl_val_is_int(v))
        same = false;
      else if (!first)
        first = isl_val_copy(v);
      else
        same = isl_val_eq(first, v) == isl_bool_true;
      isl_val_free(v);
    }
    isl_val_free(first);
    if (!same)
      continue;
    for (size_t k = 0; k < n; ++k)
      out[k] = isl_map_project_out(out[k], isl_dim_out, (unsigned)d, 1);
  }
  for (size_t k = 0; k < n; ++k)
    if (!out[k]) {
      for (size_t j = 0; j < n; ++j)
        isl_map_free(out[j]);
      free(out);
      return NULL;
    }
  return out;
}

static void schedules_free(isl_map **s, size_t n) {
  if (!s)
    return;
  for (size_t k = 0; k < n; ++k)
    isl_map_free(s[k]);
  free(s);
}

static spm_status_t memory_based(const spm_poly_program_t *p, unsigned kinds,
                                 const spm_poly_buckets_t *bk,
                                 isl_map **sched, spm_poly_deps_t *out) {
  for (size_t b = 0; b < bk->nbuckets; ++b) {
    size_t lo = bk->start[b], nb = bk->start[b + 1] - lo;
    isl_map **rs = reduced_schedules(p, bk->order + lo, nb, sched);
    if (!rs)
      return spm_poly_isl_error(p->ctx, "access schedules");
    for (size_t i = lo; i < lo + nb; ++i) {
      for (size_t j = lo; j < lo + nb; ++j) {
        int a = bk->order[i], c = bk->order[j];
        const spm_poly_acc_t *x = &p->accs[a], *y = &p->accs[c];
        bool wx = spm_poly_acc_writes(x->kind),
             wy = spm_poly_acc_writes(y->kind);
        if (!wx && !wy)
          continue;
        spm_poly_dep_kind_t kind = !wx  ? SPM_POLY_DEP_ANTI
                                   : wy ? SPM_POLY_DEP_OUTPUT
                                        : SPM_POLY_DEP_FLOW;
        if (!(kinds & (1u << kind)))
          continue;
        // Built depth by depth: the schedule orders instances by their
        // common loops first (poly.h), so only the loop-independent piece
        // needs the (costly) lexicographic order of the full schedules.
        int ncommon = spm_poly_common_loops(p, x->stmt, y->stmt);
        isl_map *base = isl_map_apply_range(
            isl_map_copy(x->relation), isl_map_reverse(isl_map_copy(y->relation)));
        bool may =
            x->kind == SPM_POLY_MAY_WRITE || y->kind == SPM_POLY_MAY_WRITE;
        for (int depth = 1; depth <= ncommon + 1; ++depth) {
          isl_map *piece =
              spm_poly_restrict_depth(isl_map_copy(base), ncommon, depth);
          if (depth == ncommon + 1)
            piece = isl_map_intersect(
                piece, isl_map_lex_lt_map(isl_map_copy(rs[i - lo]),
                                          isl_map_copy(rs[j - lo])));
          isl_bool empty = isl_map_is_empty(piece);
          if (empty < 0) {
            isl_map_free(piece);
            isl_map_free(base);
            schedules_free(rs, nb);
            return spm_poly_isl_error(p->ctx, "memory-based dependences");
          }
          if (empty) {
            isl_map_free(piece);
            continue;
          }
          spm_status_t st = spm_poly_push_piece(p, kind, a, c, depth, ncommon,
                                                isl_map_coalesce(piece), NULL,
                                                may, out);
          if (st) {
            isl_map_free(base);
            schedules_free(rs, nb);
            return st;
          }
        }
        isl_map_free(base);
      }
    }
    schedules_free(rs, nb);
  }
  return SPM_OK;
}

// Value-based flow dependences of one array (accesses order[lo..hi)):
// isl_union_access_info_compute_flow on tagged accesses
// ([S[i] -> tag[]] -> A[...]) so that the result relates accesses, not
// statements.
static spm_status_t value_based_flow_array(const spm_poly_program_t *p,
                                           const int *acc, size_t n,
                                           isl_map **schedule,
                                           spm_poly_deps_t *out) {
  bool any_read = false, any_write = false;
  for (size_t k = 0; k < n; ++k) {
    bool w = spm_poly_acc_writes(p->accs[acc[k]].kind);
    any_write |= w;
    any_read |= !w;
  }
  if (!any_read || !any_write)
    return SPM_OK;
  isl_space **tspace = calloc(n, sizeof(*tspace));
  isl_map **rs = reduced_schedules(p, acc, n, schedule);
  if (!tspace || !rs) {
    free(tspace);
    schedules_free(rs, n);
    return spm_status_make(SPM_STATUS_INTERNAL, "access schedules");
  }
  isl_space *params = isl_space_params_alloc(p->ctx, 0);
  isl_union_map *sink = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *must = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *may = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *sched = isl_union_map_empty(params);
  for (size_t k = 0; k < n; ++k) {
    int a = acc[k];
    isl_map *t = untagger(p, a);
    tspace[k] = isl_space_domain(isl_map_get_space(t));
    isl_map *m =
        isl_map_apply_range(isl_map_copy(t), isl_map_copy(p->accs[a].relation));
    sched = isl_union_map_add_map(sched,
                                  isl_map_apply_range(t, isl_map_copy(rs[k])));
    switch (p->accs[a].kind) {
    case SPM_POLY_READ:
      sink = isl_union_map_add_map(sink, m);
      break;
    case SPM_POLY_WRITE:
      must = isl_union_map_add_map(must, m);
      break;
    case SPM_POLY_MAY_WRITE:
      may = isl_union_map_add_map(may, m);
      break;
    }
  }
  isl_union_access_info *info = isl_union_access_info_from_sink(sink);
  info = isl_union_access_info_set_must_source(info, must);
  info = isl_union_access_info_set_may_source(info, may);
  info = isl_union_access_info_set_schedule_map(info, sched);
  isl_union_flow *flow = isl_union_access_info_compute_flow(info);
  isl_union_map *all_dep = isl_union_flow_get_may_dependence(flow);
  isl_union_map *must_dep = isl_union_flow_get_must_dependence(flow);
  isl_union_flow_free(flow);
  spm_status_t s = SPM_OK;
  if (!all_dep || !must_dep)
    s = spm_poly_isl_error(p->ctx, "dataflow analysis");
  for (size_t kw = 0; kw < n && !s; ++kw) {
    int w = acc[kw];
    if (!spm_poly_acc_writes(p->accs[w].kind))
      continue;
    for (size_t kr = 0; kr < n && !s; ++kr) {
      int r = acc[kr];
      if (p->accs[r].kind != SPM_POLY_READ)
        continue;
      // In the parameter space of the result (all statements' parameters).
      isl_space *sp = isl_space_map_from_domain_and_range(
          isl_space_align_params(isl_space_copy(tspace[kw]),
                                 isl_union_map_get_space(all_dep)),
          isl_space_align_params(isl_space_copy(tspace[kr]),
                                 isl_union_map_get_space(all_dep)));
      isl_map *rel = isl_union_map_extract_map(all_dep, isl_space_copy(sp));
      isl_map *mrel = isl_union_map_extract_map(must_dep, sp);
      isl_bool empty = isl_map_is_empty(rel);
      if (empty < 0 || !mrel) {
        s = spm_poly_isl_error(p->ctx, "dataflow analysis");
      } else if (!empty) {
        mrel = untag(mrel);
        s = spm_poly_split_and_push(p, SPM_POLY_DEP_FLOW, w, r,
                                    isl_map_coalesce(untag(rel)), mrel,
                                    p->accs[w].kind == SPM_POLY_MAY_WRITE,
                                    out);
        rel = NULL;
      }
      isl_map_free(rel);
      isl_map_free(mrel);
    }
  }
  isl_union_map_free(all_dep);
  isl_union_map_free(must_dep);
  for (size_t k = 0; k < n; ++k)
    isl_space_free(tspace[k]);
  free(tspace);
  schedules_free(rs, n);
  return s;
}

spm_status_t spm_poly_compute_deps(const spm_poly_program_t *p, unsigned flags,
                                   spm_poly_deps_t **out) {
  if (out)
    *out = NULL;
  if (!p || !out)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "compute_deps: missing program or result");
  if (flags & ~(unsigned)SPM_POLY_FLOW_MEMORY_BASED)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "compute_deps: unknown flags 0x%x", flags);
  spm_poly_deps_t *d = calloc(1, sizeof(*d));
  if (!d)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  bool mem_flow = flags & SPM_POLY_FLOW_MEMORY_BASED;
  unsigned kinds = (1u << SPM_POLY_DEP_ANTI) | (1u << SPM_POLY_DEP_OUTPUT) |
                   (mem_flow ? 1u << SPM_POLY_DEP_FLOW : 0);
  spm_poly_buckets_t bk;
  spm_status_t s = buckets_build(p, &bk);
  isl_map **sched = s ? NULL : calloc(p->naccs + 1, sizeof *sched);
  if (!s && !sched)
    s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  for (size_t a = 0; !s && a < p->naccs; ++a)
    if (!(sched[a] = spm_poly_access_schedule(p, (int)a)))
      s = spm_poly_isl_error(p->ctx, "access schedule");
  if (!s)
    s = memory_based(p, kinds, &bk, sched, d);
  for (size_t b = 0; !s && !mem_flow && b < bk.nbuckets; ++b)
    s = value_based_flow_array(p, bk.order + bk.start[b],
                               bk.start[b + 1] - bk.start[b], sched, d);
  if (sched)
    for (size_t a = 0; a < p->naccs; ++a)
      isl_map_free(sched[a]);
  free(sched);
  if (bk.order || bk.start)
    buckets_free(&bk);
  if (s) {
    spm_poly_deps_free(d);
    return s;
  }
  spm_poly_deps_sort(d);
  *out = d;
  return SPM_OK;
}
