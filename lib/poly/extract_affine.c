// lib/poly extraction, part 2: MLIR affine expressions and their operands
// in isl notation (loop ivs, constants, parameters).
#include <stdlib.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "poly/extract_internal.h"

// ---------------------------------------------------------------------------
// Affine expressions

int spm_x_param_index(spm_poly_func_t *f, MlirValue v) {
  for (size_t i = 0; i < f->nparams; ++i)
    if (mlirValueEqual(f->params[i], v))
      return (int)i;
  f->params = spm_x_xrealloc(f->params, (f->nparams + 1) * sizeof *f->params);
  f->params[f->nparams] = v;
  return (int)f->nparams++;
}

bool spm_x_constant_index(MlirValue v, int64_t *out) {
  if (!mlirValueIsAOpResult(v))
    return false;
  MlirOperation d = mlirOpResultGetOwner(v);
  if (!spm_x_op_is(d, "arith.constant"))
    return false;
  MlirAttribute a = spm_x_attr(d, "value");
  if (mlirAttributeIsNull(a) || !mlirAttributeIsAInteger(a))
    return false;
  *out = mlirIntegerAttrGetValueInt(a);
  return true;
}

// True if `v` is defined inside op `anc` (anc encloses its definition).
bool spm_x_defined_inside(MlirValue v, MlirOperation anc) {
  MlirOperation d;
  if (mlirValueIsABlockArgument(v))
    d = mlirBlockGetParentOperation(mlirBlockArgumentGetOwner(v));
  else
    d = mlirOpResultGetOwner(v);
  for (; !mlirOperationIsNull(d); d = mlirOperationGetParentOperation(d))
    if (mlirOperationEqual(d, anc))
      return true;
  return false;
}

// isl name of an affine operand: an enclosing loop's iv, a constant, or a
// parameter. Returns false if the value varies inside the modelled loops
// without being an iv (not a valid affine symbol).
bool spm_x_operand_name(spm_poly_func_t *f, const spm_scope_t *s,
                             MlirValue v, spm_strbuf_t *out) {
  for (int l = 0; l < s->nloops; ++l)
    if (mlirValueEqual(s->loop_ivs[l], v)) {
      spm_strbuf_appendf(out, "i%d", s->loop_ids[l]);
      return true;
    }
  int64_t c;
  if (spm_x_constant_index(v, &c)) {
    spm_strbuf_appendf(out, "(%lld)", (long long)c);
    return true;
  }
  for (int l = 0; l < s->nloops; ++l) {
    MlirValue iv = s->loop_ivs[l];
    MlirOperation loop =
        mlirBlockGetParentOperation(mlirBlockArgumentGetOwner(iv));
    if (spm_x_defined_inside(v, loop))
      return false;
  }
  spm_strbuf_appendf(out, "p%d", spm_x_param_index(f, v));
  return true;
}

// Prints affine expression `e` in isl syntax. Returns false for
// expressions isl cannot take (a product or divisor that is not a constant,
// which semi-affine maps allow).
bool spm_x_expr_to_isl(MlirAffineExpr e, char **names, spm_strbuf_t *o) {
  if (mlirAffineExprIsADim(e)) {
    spm_strbuf_append_str(o, names[mlirAffineDimExprGetPosition(e)]);
    return true;
  }
  if (mlirAffineExprIsASymbol(e)) {
    // symbols follow the dims in `names`
    spm_strbuf_append_str(o, names[(intptr_t)(uintptr_t)names[-1] +
                                   mlirAffineSymbolExprGetPosition(e)]);
    return true;
  }
  if (mlirAffineExprIsAConstant(e)) {
    long long c = (long long)mlirAffineConstantExprGetValue(e);
    spm_strbuf_appendf(o, c < 0 ? "(%lld)" : "%lld", c);
    return true;
  }
  MlirAffineExpr l = mlirAffineBinaryOpExprGetLHS(e);
  MlirAffineExpr r = mlirAffineBinaryOpExprGetRHS(e);
  if (mlirAffineExprIsAAdd(e)) {
    spm_strbuf_append_str(o, "(");
    bool ok = spm_x_expr_to_isl(l, names, o);
    spm_strbuf_append_str(o, " + ");
    ok = ok && spm_x_expr_to_isl(r, names, o);
    spm_strbuf_append_str(o, ")");
    return ok;
  }
  // isl wants a bare integer literal after '*', '/' and 'mod'.
  if (mlirAffineExprIsAMul(e) && mlirAffineExprIsAConstant(l)) {
    MlirAffineExpr t = l;
    l = r;
    r = t;
  }
  if (!mlirAffineExprIsAConstant(r))
    return false;
  long long c = (long long)mlirAffineConstantExprGetValue(r);
  const char *open = mlirAffineExprIsAFloorDiv(e)  ? "floor(("
                     : mlirAffineExprIsACeilDiv(e) ? "ceil(("
                                                   : "((";
  const char *op = mlirAffineExprIsAMul(e)   ? " * "
                   : mlirAffineExprIsAMod(e) ? " mod "
                                             : " / ";
  spm_strbuf_append_str(o, open);
  bool ok = spm_x_expr_to_isl(l, names, o);
  spm_strbuf_appendf(o, ")%s%lld)", op, c);
  return ok;
}

// Names for the inputs of an affine map applied to `operands`. The array is
// laid out as [ndims, name0, name1, ...] and the returned pointer points at
// name0 (names[-1] holds the dim count for symbol lookup).
char **spm_x_map_names(spm_poly_func_t *f, const spm_scope_t *s,
                            MlirValue *operands, intptr_t n, intptr_t ndims) {
  char **raw = spm_x_xrealloc(NULL, (size_t)(n + 1) * sizeof(char *));
  raw[0] = (char *)(uintptr_t)ndims;
  for (intptr_t i = 0; i < n; ++i) {
    spm_strbuf_t b = SPM_STRBUF_INIT;
    if (!spm_x_operand_name(f, s, operands[i], &b)) {
      spm_strbuf_free(&b);
      for (intptr_t j = 0; j < i; ++j)
        free(raw[j + 1]);
      free(raw);
      return NULL;
    }
    raw[i + 1] = b.data ? b.data : spm_x_xstrdup("");
  }
  return raw + 1;
}

void spm_x_map_names_free(char **names, intptr_t n) {
  if (!names)
    return;
  for (intptr_t i = 0; i < n; ++i)
    free(names[i]);
  free(names - 1);
}

