// lib/poly extraction, part 4: the iteration domains of affine.for (bounds,
// max/min maps, steps) and affine.if (conditions, else branches). A loop or
// condition the model cannot express becomes an opaque statement over the
// buffers it touches (extract.c).
#include <stdio.h>
#include <stdlib.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/IntegerSet.h"
#include "poly/extract_internal.h"

// Constraints of an affine map's results against iv: "iv >= e" / "iv < e".
// If `each` is not NULL, each[r] receives result r's isl expression.
static bool spm_bound_constraints(spm_poly_func_t *f, const spm_scope_t *s,
                                  MlirAffineMap map, MlirValue *ops,
                                  intptr_t nops, const char *iv, bool lower,
                                  spm_strbuf_t *out, spm_strbuf_t *each) {
  char **names = spm_x_map_names(f, s, ops, nops, mlirAffineMapGetNumDims(map));
  if (!names)
    return false;
  for (intptr_t r = 0; r < mlirAffineMapGetNumResults(map); ++r) {
    spm_strbuf_t e = SPM_STRBUF_INIT;
    if (!spm_x_expr_to_isl(mlirAffineMapGetResult(map, r), names, &e)) {
      spm_strbuf_free(&e);
      spm_x_map_names_free(names, nops);
      return false;
    }
    spm_strbuf_appendf(out, "%s%s %s %s", out->len ? " and " : "", iv,
                       lower ? ">=" : "<", spm_strbuf_cstr(&e));
    if (each)
      spm_strbuf_append_str(&each[r], spm_strbuf_cstr(&e));
    spm_strbuf_free(&e);
  }
  spm_x_map_names_free(names, nops);
  return true;
}

void spm_x_affine_for(spm_poly_func_t *f, spm_scope_t *s,
                           MlirOperation op) {
  MlirAffineMap lb = mlirAffineMapAttrGetValue(spm_x_attr(op, "lowerBoundMap"));
  MlirAffineMap ub = mlirAffineMapAttrGetValue(spm_x_attr(op, "upperBoundMap"));
  MlirAttribute step_attr = spm_x_attr(op, "step");
  int64_t step = mlirAttributeIsAInteger(step_attr)
                     ? mlirIntegerAttrGetValueInt(step_attr)
                     : 1;
  intptr_t nlb = mlirAffineMapGetNumInputs(lb),
           nub = mlirAffineMapGetNumInputs(ub);
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
  if (s->nloops >= SPM_POLY_MAX_LOOPS || s->path_len + 1 >= SPM_MAX_DEPTH) {
    spm_x_opaque_op(f, s, op, "loop nest deeper than the analysis supports");
    return;
  }
  MlirValue *ops = spm_x_xrealloc(NULL, (size_t)(nlb + nub + 1) * sizeof *ops);
  for (intptr_t i = 0; i < nlb + nub; ++i)
    ops[i] = mlirOperationGetOperand(op, i);
  spm_scope_t inner;
  spm_x_scope_copy(&inner, s);
  int id = f->next_loop_id++;
  char iv[32];
  snprintf(iv, sizeof iv, "i%d", id);
  spm_strbuf_t c = SPM_STRBUF_INIT;
  intptr_t nlbr = mlirAffineMapGetNumResults(lb);
  spm_strbuf_t *lbs = calloc(nlbr > 0 ? (size_t)nlbr : 1, sizeof *lbs);
  if (!lbs)
    abort();
  bool ok = spm_bound_constraints(f, s, lb, ops, nlb, iv, true, &c, lbs) &&
            spm_bound_constraints(f, s, ub, ops + nlb, nub, iv, false, &c,
                                  NULL);
  free(ops);
  if (ok && step > 1 && nlbr > 0) {
    // The iterations are max(lb_0, ..., lb_n) + k * step: on the grid of
    // the lower bound that is the maximum. Not modelling the stride would
    // be a superset of the iterations, and a must-write of an iteration
    // that does not run kills the real last write of its element (a wrong
    // value-based flow dependence, a wrong live range).
    spm_strbuf_append_str(&c, " and (");
    for (intptr_t r = 0; r < nlbr; ++r) {
      spm_strbuf_appendf(&c, "%s(", r ? " or " : "");
      for (intptr_t q = 0; q < nlbr; ++q)
        if (q != r)
          spm_strbuf_appendf(&c, "%s >= %s and ", spm_strbuf_cstr(&lbs[r]),
                             spm_strbuf_cstr(&lbs[q]));
      spm_strbuf_appendf(&c, "(%s - (%s)) mod %lld = 0)", iv,
                         spm_strbuf_cstr(&lbs[r]), (long long)step);
    }
    spm_strbuf_append_str(&c, ")");
  }
  for (intptr_t r = 0; r < nlbr; ++r)
    spm_strbuf_free(&lbs[r]);
  free(lbs);
  if (!ok) {
    spm_strbuf_free(&c);
    spm_x_scope_free(&inner);
    spm_x_opaque_op(f, s, op, "affine.for with bounds that are not valid "
                            "affine symbols");
    return;
  }
  if (c.len)
    spm_x_scope_add_constraint(&inner, spm_strbuf_cstr(&c));
  spm_strbuf_free(&c);
  inner.loop_ids[inner.nloops] = id;
  inner.loop_ivs[inner.nloops] = mlirBlockGetArgument(body, 0);
  inner.nloops++;
  spm_x_scope_sched(&inner, iv);
  spm_x_walk_block(f, body, &inner);
  spm_x_scope_free(&inner);
}

void spm_x_affine_if(spm_poly_func_t *f, spm_scope_t *s,
                          MlirOperation op) {
  MlirIntegerSet set = mlirIntegerSetAttrGetValue(spm_x_attr(op, "condition"));
  intptr_t nops = mlirOperationGetNumOperands(op);
  MlirValue *ops = spm_x_xrealloc(NULL, (size_t)(nops + 1) * sizeof *ops);
  for (intptr_t i = 0; i < nops; ++i)
    ops[i] = mlirOperationGetOperand(op, i);
  char **names =
      spm_x_map_names(f, s, ops, nops, mlirIntegerSetGetNumDims(set));
  free(ops);
  if (!names) {
    spm_x_opaque_op(f, s, op, "affine.if with operands that are not valid "
                            "affine symbols");
    return;
  }
  spm_strbuf_t cond = SPM_STRBUF_INIT;
  bool exact = true;
  for (intptr_t i = 0; i < mlirIntegerSetGetNumConstraints(set); ++i) {
    spm_strbuf_appendf(&cond, "%s", cond.len ? " and " : "");
    exact = spm_x_expr_to_isl(mlirIntegerSetGetConstraint(set, i), names,
                            &cond) && exact;
    spm_strbuf_append_str(&cond, mlirIntegerSetIsConstraintEq(set, i) ? " = 0"
                                                                      : " >= 0");
  }
  spm_x_map_names_free(names, nops);
  if (!exact) {
    spm_strbuf_free(&cond);
    spm_x_opaque_op(f, s, op, "affine.if with a semi-affine condition");
    return;
  }
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op) && r < 2; ++r) {
    MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
    if (mlirBlockIsNull(b))
      continue;
    spm_scope_t inner;
    spm_x_scope_copy(&inner, s);
    if (cond.len) {
      spm_strbuf_t c = SPM_STRBUF_INIT;
      spm_strbuf_appendf(&c, r == 0 ? "%s" : "not (%s)", spm_strbuf_cstr(&cond));
      spm_x_scope_add_constraint(&inner, spm_strbuf_cstr(&c));
      spm_strbuf_free(&c);
    } else if (r == 1) {
      spm_x_scope_add_constraint(&inner, "1 = 0"); // always-true condition
    }
    spm_x_scope_sched_int(&inner, r);
    spm_x_walk_block(f, b, &inner);
    spm_x_scope_free(&inner);
  }
  spm_strbuf_free(&cond);
}

