// spm_poly: splitting dependence relations by depth, distance bounds, and the
// MLIR-compatible per-depth check (spm_poly_compat_check).
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <isl/aff.h>
#include <isl/ilp.h>
#include <isl/local_space.h>
#include <isl/val.h>

#include "poly/poly_internal.h"

__isl_give isl_map *spm_poly_restrict_depth(__isl_take isl_map *rel,
                                            int ncommon, int depth) {
  int neq = depth <= ncommon ? depth - 1 : ncommon;
  for (int k = 0; k < neq; ++k)
    rel = isl_map_equate(rel, isl_dim_in, k, isl_dim_out, k);
  if (depth <= ncommon)
    rel = isl_map_order_lt(rel, isl_dim_in, depth - 1, isl_dim_out, depth - 1);
  return rel;
}

// Sets *out to the optimum of `obj` over `set` (both kept): finite, or
// infinite on that side. Returns false on an isl error or an empty set.
static bool opt_bound(__isl_keep isl_set *set, __isl_keep isl_aff *obj,
                      bool max, int64_t *value, bool *infinite) {
  isl_val *v = max ? isl_set_max_val(set, obj) : isl_set_min_val(set, obj);
  bool ok = true;
  if (!v || isl_val_is_nan(v))
    ok = false;
  else if (isl_val_is_infty(v) || isl_val_is_neginfty(v)) {
    *infinite = true;
    *value = max ? INT64_MAX : INT64_MIN;
  } else if (isl_val_is_int(v) == isl_bool_true) {
    // Out-of-range values (not reachable with int64 subscripts) count as
    // infinite.
    isl_val *lo = isl_val_int_from_si(isl_val_get_ctx(v), LONG_MIN);
    isl_val *hi = isl_val_int_from_si(isl_val_get_ctx(v), LONG_MAX);
    if (isl_val_lt(v, lo) || isl_val_gt(v, hi)) {
      *infinite = true;
      *value = max ? INT64_MAX : INT64_MIN;
    } else {
      *infinite = false;
      *value = (int64_t)isl_val_get_num_si(v);
    }
    isl_val_free(lo);
    isl_val_free(hi);
  } else
    ok = false;
  isl_val_free(v);
  return ok;
}

spm_status_t spm_poly_distance_bounds(__isl_keep isl_map *rel, int ncommon,
                                      int nequal, spm_poly_bound_t *bounds) {
  if (ncommon <= 0)
    return SPM_OK;
  isl_ctx *ctx = isl_map_get_ctx(rel);
  isl_size nin = isl_map_dim(rel, isl_dim_in);
  isl_size nout = isl_map_dim(rel, isl_dim_out);
  if (nin < 0 || nout < 0)
    return spm_poly_isl_error(ctx, "distance bounds");
  if (nin < ncommon || nout < ncommon)
    return spm_status_make(SPM_STATUS_INTERNAL,
                           "distance bounds: %d common loops but %d -> %d "
                           "dimensions",
                           ncommon, (int)nin, (int)nout);
  isl_set *w = isl_map_wrap(isl_map_copy(rel));
  isl_local_space *ls = isl_local_space_from_space(isl_set_get_space(w));
  spm_status_t s = SPM_OK;
  for (int k = 0; k < ncommon && !s; ++k) {
    if (k < nequal) { // equated by the depth restriction
      bounds[k] = (spm_poly_bound_t){0, 0, false, false};
      continue;
    }
    isl_aff *t = isl_aff_var_on_domain(isl_local_space_copy(ls), isl_dim_set,
                                       (unsigned)(nin + k));
    isl_aff *src = isl_aff_var_on_domain(isl_local_space_copy(ls),
                                         isl_dim_set, (unsigned)k);
    isl_aff *d = isl_aff_sub(t, src);
    spm_poly_bound_t *b = &bounds[k];
    if (!d || !opt_bound(w, d, false, &b->lb, &b->lb_infinite) ||
        !opt_bound(w, d, true, &b->ub, &b->ub_infinite))
      s = spm_poly_isl_error(ctx, "distance bounds (empty relation?)");
    isl_aff_free(d);
  }
  isl_local_space_free(ls);
  isl_set_free(w);
  return s;
}

spm_status_t spm_poly_push_piece(const spm_poly_program_t *p,
                                 spm_poly_dep_kind_t kind, int src, int dst,
                                 int depth, int ncommon,
                                 __isl_take isl_map *piece,
                                 __isl_keep isl_map *must, bool may,
                                 spm_poly_deps_t *out) {
  spm_poly_dep_t dep;
  memset(&dep, 0, sizeof(dep));
  dep.kind = kind;
  dep.src_access = src;
  dep.dst_access = dst;
  dep.depth = depth;
  dep.ncommon = ncommon;
  dep.may = may;
  spm_status_t s = SPM_OK;
  if (!may && must) {
    isl_bool sub = isl_map_is_subset(piece, must);
    if (sub < 0)
      s = spm_poly_isl_error(p->ctx, "must/may split");
    dep.may = !sub;
  }
  if (!s)
    s = spm_poly_distance_bounds(piece, ncommon,
                                 depth <= ncommon ? depth - 1 : ncommon,
                                 dep.distance);
  if (s) {
    isl_map_free(piece);
    return s;
  }
  dep.relation = isl_map_coalesce(piece);
  return spm_poly_deps_push(out, &dep);
}

spm_status_t spm_poly_split_and_push(const spm_poly_program_t *p,
                                     spm_poly_dep_kind_t kind, int src,
                                     int dst, __isl_take isl_map *rel,
                                     __isl_keep isl_map *must, bool may,
                                     spm_poly_deps_t *out) {
  int ncommon =
      spm_poly_common_loops(p, p->accs[src].stmt, p->accs[dst].stmt);
  isl_map *rest = isl_map_copy(rel);
  spm_status_t s = SPM_OK;
  for (int depth = 1; depth <= ncommon + 1 && !s; ++depth) {
    isl_map *piece =
        spm_poly_restrict_depth(isl_map_copy(rel), ncommon, depth);
    isl_bool empty = isl_map_is_empty(piece);
    if (empty < 0) {
      s = spm_poly_isl_error(p->ctx, "dependence split");
      isl_map_free(piece);
    } else if (empty) {
      isl_map_free(piece);
    } else {
      rest = isl_map_subtract(rest, isl_map_copy(piece));
      s = spm_poly_push_piece(p, kind, src, dst, depth, ncommon, piece, must,
                              may, out);
    }
  }
  if (!s) {
    isl_bool empty = isl_map_is_empty(rest);
    if (empty < 0)
      s = spm_poly_isl_error(p->ctx, "dependence split");
    else if (!empty) {
      char *str = isl_map_to_str(rest);
      s = spm_status_make(
          SPM_STATUS_INVALID_ARGUMENT,
          "dependence from access %d to access %d not ordered by their %d "
          "common loops (schedule contradicts the loop ids): %s",
          src, dst, ncommon, str ? str : "?");
      free(str);
    }
  }
  isl_map_free(rest);
  isl_map_free(rel);
  return s;
}

spm_status_t spm_poly_compat_check(const spm_poly_program_t *p, int src,
                                   int dst, int depth, bool src_before_dst,
                                   bool *has_dep,
                                   spm_poly_bound_t *components,
                                   int *ncomponents) {
  if (has_dep)
    *has_dep = false;
  if (ncomponents)
    *ncomponents = 0;
  if (!p || !has_dep)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "compat check: missing program or result");
  if (src < 0 || dst < 0 || (size_t)src >= p->naccs ||
      (size_t)dst >= p->naccs)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "compat check: accesses %d, %d out of range (%zu "
                           "accesses)",
                           src, dst, p->naccs);
  const spm_poly_acc_t *a = &p->accs[src], *b = &p->accs[dst];
  int ncommon = spm_poly_common_loops(p, a->stmt, b->stmt);
  if (depth < 1 || depth > ncommon + 1)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "compat check: depth %d not in 1..%d", depth,
                           ncommon + 1);
  if (!spm_poly_same_array(p, src, dst))
    return SPM_OK;
  if (!spm_poly_acc_writes(a->kind) && !spm_poly_acc_writes(b->kind))
    return SPM_OK;
  if (depth == ncommon + 1 && !src_before_dst)
    return SPM_OK;
  isl_map *rel = isl_map_apply_range(isl_map_copy(a->relation),
                                     isl_map_reverse(isl_map_copy(b->relation)));
  rel = spm_poly_restrict_depth(rel, ncommon, depth);
  isl_bool empty = isl_map_is_empty(rel);
  spm_status_t s = SPM_OK;
  if (empty < 0)
    s = spm_poly_isl_error(p->ctx, "compat check");
  else if (!empty) {
    *has_dep = true;
    if (components) {
      s = spm_poly_distance_bounds(rel, ncommon,
                                   depth <= ncommon ? depth - 1 : ncommon,
                                   components);
      if (!s && ncomponents)
        *ncomponents = ncommon;
    } else if (ncomponents)
      *ncomponents = ncommon;
  }
  isl_map_free(rel);
  return s;
}
