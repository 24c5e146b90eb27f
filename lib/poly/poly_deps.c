// spm_poly_compute_deps: value-based flow dependences through isl's dataflow
// analysis on tagged accesses, memory-based anti/output (and optionally flow)
// dependences pairwise, all split by depth. See poly.h.
#include <stdlib.h>

#include <isl/flow.h>
#include <isl/union_map.h>

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

static bool has_kind(const spm_poly_program_t *p, bool writes) {
  for (size_t i = 0; i < p->naccs; ++i)
    if (spm_poly_acc_writes(p->accs[i].kind) == writes)
      return true;
  return false;
}

// Memory-based dependences of every kind in `kinds` (bit 1 << kind) between
// every ordered pair of accesses to the same array.
static spm_status_t memory_based(const spm_poly_program_t *p, unsigned kinds,
                                 spm_poly_deps_t *out) {
  for (size_t a = 0; a < p->naccs; ++a) {
    for (size_t b = 0; b < p->naccs; ++b) {
      const spm_poly_acc_t *x = &p->accs[a], *y = &p->accs[b];
      bool wx = spm_poly_acc_writes(x->kind), wy = spm_poly_acc_writes(y->kind);
      if (!wx && !wy)
        continue;
      spm_poly_dep_kind_t kind = !wx  ? SPM_POLY_DEP_ANTI
                                 : wy ? SPM_POLY_DEP_OUTPUT
                                      : SPM_POLY_DEP_FLOW;
      if (!(kinds & (1u << kind)) || !spm_poly_same_array(p, (int)a, (int)b))
        continue;
      isl_map *rel = isl_map_apply_range(isl_map_copy(x->relation),
                                         isl_map_reverse(isl_map_copy(y->relation)));
      rel = isl_map_intersect(
          rel, isl_map_lex_lt_map(spm_poly_access_schedule(p, (int)a),
                                  spm_poly_access_schedule(p, (int)b)));
      isl_bool empty = isl_map_is_empty(rel);
      if (empty < 0) {
        isl_map_free(rel);
        return spm_poly_isl_error(p->ctx, "memory-based dependences");
      }
      if (empty) {
        isl_map_free(rel);
        continue;
      }
      bool may = x->kind == SPM_POLY_MAY_WRITE || y->kind == SPM_POLY_MAY_WRITE;
      SPM_RETURN_IF_ERROR(spm_poly_split_and_push(
          p, kind, (int)a, (int)b, isl_map_coalesce(rel), NULL, may, out));
    }
  }
  return SPM_OK;
}

// Value-based flow dependences: isl_union_access_info_compute_flow on
// tagged accesses ([S[i] -> tag[]] -> A[...]) so that the result relates
// accesses, not statements.
static spm_status_t value_based_flow(const spm_poly_program_t *p,
                                     spm_poly_deps_t *out) {
  if (!has_kind(p, true) || !has_kind(p, false))
    return SPM_OK;
  size_t n = p->naccs;
  isl_space **tspace = calloc(n, sizeof(*tspace));
  if (!tspace)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  isl_space *params = isl_space_params_alloc(p->ctx, 0);
  isl_union_map *sink = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *must = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *may = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *sched = isl_union_map_empty(params);
  for (size_t a = 0; a < n; ++a) {
    isl_map *t = untagger(p, (int)a);
    tspace[a] = isl_space_domain(isl_map_get_space(t));
    isl_map *acc =
        isl_map_apply_range(isl_map_copy(t), isl_map_copy(p->accs[a].relation));
    isl_map *s = isl_map_apply_range(t, spm_poly_access_schedule(p, (int)a));
    sched = isl_union_map_add_map(sched, s);
    switch (p->accs[a].kind) {
    case SPM_POLY_READ:
      sink = isl_union_map_add_map(sink, acc);
      break;
    case SPM_POLY_WRITE:
      must = isl_union_map_add_map(must, acc);
      break;
    case SPM_POLY_MAY_WRITE:
      may = isl_union_map_add_map(may, acc);
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
  for (size_t w = 0; w < n && !s; ++w) {
    if (!spm_poly_acc_writes(p->accs[w].kind))
      continue;
    for (size_t r = 0; r < n && !s; ++r) {
      if (p->accs[r].kind != SPM_POLY_READ ||
          !spm_poly_same_array(p, (int)w, (int)r))
        continue;
      // In the parameter space of the result (all statements' parameters).
      isl_space *sp = isl_space_map_from_domain_and_range(
          isl_space_align_params(isl_space_copy(tspace[w]),
                                 isl_union_map_get_space(all_dep)),
          isl_space_align_params(isl_space_copy(tspace[r]),
                                 isl_union_map_get_space(all_dep)));
      isl_map *rel = isl_union_map_extract_map(all_dep, isl_space_copy(sp));
      isl_map *mrel = isl_union_map_extract_map(must_dep, sp);
      isl_bool empty = isl_map_is_empty(rel);
      if (empty < 0 || !mrel) {
        s = spm_poly_isl_error(p->ctx, "dataflow analysis");
      } else if (!empty) {
        mrel = untag(mrel);
        s = spm_poly_split_and_push(p, SPM_POLY_DEP_FLOW, (int)w, (int)r,
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
  for (size_t a = 0; a < n; ++a)
    isl_space_free(tspace[a]);
  free(tspace);
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
  spm_status_t s = memory_based(p, kinds, d);
  if (!s && !mem_flow)
    s = value_based_flow(p, d);
  if (s) {
    spm_poly_deps_free(d);
    return s;
  }
  spm_poly_deps_sort(d);
  *out = d;
  return SPM_OK;
}
