// spm-place, part 1: the program model (see place_model.h).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Linalg.h"
#include "passes/place_model.h"
#include "support/diag.h"
#include "support/mlir_util.h"

static MlirAttribute spm_pm_attr(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

void spm_place_model_free(spm_place_model_t *m) {
  if (!m)
    return;
  free(m->ops);
  free(m->tensors);
  free(m);
}

// Views of the body: value -> (root tensor, off, step). Built as the ops are
// visited (a view is defined before its uses).
typedef struct {
  MlirValue value;
  int tensor;
  int64_t off[SPM_PLACE_MAX_RANK], step[SPM_PLACE_MAX_RANK];
} spm_pm_view_t;

typedef struct {
  spm_place_model_t *m;
  spm_pm_view_t *views;
  size_t nviews, capviews, capops, captensors;
  bool failed;
} spm_pm_builder_t;

static void *spm_pm_grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return p;
  size_t c = *cap ? 2 * *cap : 16;
  while (c < need)
    c *= 2;
  void *q = realloc(p, c * elem);
  if (!q)
    abort();
  *cap = c;
  return q;
}

static void spm_pm_error(spm_pm_builder_t *b, MlirOperation op,
                         const char *why) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                "spm-place: cannot place '%.*s': %s", (int)n.length, n.data,
                why);
  b->failed = true;
}

// A static memref shape (identity or strided layout): rank and sizes.
static bool spm_pm_static_shape(MlirType t, int *rank, int64_t *shape) {
  if (!mlirTypeIsAMemRef(t) || !mlirShapedTypeHasStaticShape(t))
    return false;
  intptr_t r = mlirShapedTypeGetRank(t);
  if (r < 1 || r > SPM_PLACE_MAX_RANK) // what !spm.buf holds
    return false;
  *rank = (int)r;
  for (intptr_t i = 0; i < r; ++i)
    shape[i] = mlirShapedTypeGetDimSize(t, i);
  return true;
}

static int spm_pm_new_tensor(spm_pm_builder_t *b, MlirValue v,
                             MlirOperation alloc, const char *name) {
  spm_place_model_t *m = b->m;
  int rank;
  int64_t shape[SPM_PLACE_MAX_RANK];
  MlirType t = mlirValueGetType(v);
  if (!spm_pm_static_shape(t, &rank, &shape[0]))
    return -1;
  MlirType elem = mlirShapedTypeGetElementType(t);
  int64_t eb = spm_elem_type_bytes(elem);
  if (eb <= 0)
    return -1;
  m->tensors = spm_pm_grow(m->tensors, &b->captensors, m->ntensors + 1,
                           sizeof *m->tensors);
  spm_place_tensor_t *x = &m->tensors[m->ntensors];
  memset(x, 0, sizeof *x);
  x->value = v;
  x->alloc = alloc;
  x->is_arg = mlirOperationIsNull(alloc);
  snprintf(x->name, sizeof x->name, "%s", name);
  x->rank = rank;
  memcpy(x->shape, shape, sizeof shape);
  x->elem = elem;
  x->elem_bytes = eb;
  x->bytes = eb;
  for (int i = 0; i < rank; ++i) {
    if (shape[i] > 0 && x->bytes > INT64_MAX / shape[i])
      return -1; // the size overflows: before the tensor counts
    x->bytes *= shape[i];
  }
  x->first = x->last = -1;
  // a root is its own view
  b->views = spm_pm_grow(b->views, &b->capviews, b->nviews + 1,
                         sizeof *b->views);
  spm_pm_view_t *w = &b->views[b->nviews++];
  w->value = v;
  w->tensor = (int)m->ntensors;
  for (int i = 0; i < SPM_PLACE_MAX_RANK; ++i) {
    w->off[i] = 0;
    w->step[i] = 1;
  }
  return (int)m->ntensors++;
}

static const spm_pm_view_t *spm_pm_view_of(const spm_pm_builder_t *b,
                                           MlirValue v) {
  for (size_t i = b->nviews; i-- > 0;)
    if (mlirValueEqual(b->views[i].value, v))
      return &b->views[i];
  return NULL;
}

// memref.subview with static offsets/sizes/strides and no rank reduction.
static void spm_pm_subview(spm_pm_builder_t *b, MlirOperation op) {
  MlirValue src = mlirOperationGetOperand(op, 0);
  MlirValue res = mlirOperationGetResult(op, 0);
  const spm_pm_view_t *sv = spm_pm_view_of(b, src);
  int rank, rrank;
  int64_t shape[SPM_PLACE_MAX_RANK], rshape[SPM_PLACE_MAX_RANK];
  int64_t off[SPM_PLACE_MAX_RANK], sizes[SPM_PLACE_MAX_RANK],
      strides[SPM_PLACE_MAX_RANK];
  if (!sv || !spm_pm_static_shape(mlirValueGetType(src), &rank, shape) ||
      !spm_pm_static_shape(mlirValueGetType(res), &rrank, rshape) ||
      rank != rrank || mlirOperationGetNumOperands(op) != 1 ||
      !spm_op_static_i64_array(op, "static_offsets", rank, off) ||
      !spm_op_static_i64_array(op, "static_sizes", rank, sizes) ||
      !spm_op_static_i64_array(op, "static_strides", rank, strides)) {
    spm_pm_error(b, op,
                 "only static, rank-preserving subviews of the function's "
                 "buffers are supported");
    return;
  }
  spm_pm_view_t w = {res, sv->tensor, {0}, {0}};
  for (int i = 0; i < rank; ++i) {
    w.off[i] = sv->off[i] + sv->step[i] * off[i];
    w.step[i] = sv->step[i] * strides[i];
  }
  b->views = spm_pm_grow(b->views, &b->capviews, b->nviews + 1,
                         sizeof *b->views);
  b->views[b->nviews++] = w;
}

// Linear coefficients of `e` over `ndims` dims; false for constants terms,
// symbols, negative coefficients or non-linear expressions.
static bool spm_pm_linear(MlirAffineExpr e, int ndims, int64_t *coef,
                          int64_t scale) {
  if (mlirAffineExprIsADim(e)) {
    intptr_t p = mlirAffineDimExprGetPosition(e);
    if (p < 0 || p >= ndims)
      return false;
    coef[p] += scale;
    return true;
  }
  if (mlirAffineExprIsAAdd(e))
    return spm_pm_linear(mlirAffineBinaryOpExprGetLHS(e), ndims, coef,
                         scale) &&
           spm_pm_linear(mlirAffineBinaryOpExprGetRHS(e), ndims, coef, scale);
  if (mlirAffineExprIsAMul(e)) {
    MlirAffineExpr l = mlirAffineBinaryOpExprGetLHS(e),
                   r = mlirAffineBinaryOpExprGetRHS(e);
    if (mlirAffineExprIsAConstant(l)) {
      MlirAffineExpr t = l;
      l = r;
      r = t;
    }
    if (!mlirAffineExprIsAConstant(r))
      return false;
    int64_t c = mlirAffineConstantExprGetValue(r);
    if (c < 0)
      return false;
    return spm_pm_linear(l, ndims, coef, scale * c);
  }
  if (mlirAffineExprIsAConstant(e))
    return mlirAffineConstantExprGetValue(e) == 0;
  return false;
}

static int spm_pm_num_outputs(MlirOperation op) {
  MlirAttribute seg = spm_pm_attr(op, "operandSegmentSizes");
  if (!mlirAttributeIsNull(seg) && mlirAttributeIsADenseI32Array(seg) &&
      mlirDenseArrayGetNumElements(seg) >= 2)
    return mlirDenseI32ArrayGetElement(seg, 1);
  return 1;
}

static bool spm_pm_uses_arg(MlirOperation op, intptr_t i) {
  if (mlirOperationGetNumRegions(op) < 1)
    return true;
  MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
  if (mlirBlockIsNull(b) || i >= mlirBlockGetNumArguments(b))
    return true;
  return !mlirOpOperandIsNull(mlirValueGetFirstUse(mlirBlockGetArgument(b, i)));
}

static void spm_pm_use(spm_place_model_t *m, int t, int opi, bool write) {
  spm_place_tensor_t *x = &m->tensors[t];
  if (x->first < 0)
    x->first = opi;
  x->last = opi;
  if (write)
    x->nwriters++;
}

// Root index range [*lo, *hi] operand `po` reaches along root dim d over
// the whole iteration space (the hull of its access).
static void spm_pm_root_range(const spm_place_op_t *o,
                              const spm_place_operand_t *po, int d,
                              int64_t *lo, int64_t *hi) {
  int64_t zero[SPM_PLACE_MAX_DIMS] = {0};
  int64_t vlo[SPM_PLACE_MAX_RANK], vlen[SPM_PLACE_MAX_RANK];
  spm_place_operand_box(o, po, zero, o->extent, vlo, vlen);
  *lo = po->off[d] + po->step[d] * vlo[d];
  *hi = po->off[d] + po->step[d] * (vlo[d] + vlen[d] - 1);
}

// Whether two operands of one op reach common elements of their tensor
// (their access hulls intersect in every dimension; conservative for
// interleaved strided views).
static bool spm_pm_overlap(const spm_place_op_t *o,
                           const spm_place_operand_t *x,
                           const spm_place_operand_t *y) {
  if (x->tensor != y->tensor || x->rank != y->rank)
    return x->tensor == y->tensor; // different ranks: assume they may
  for (int d = 0; d < x->rank; ++d) {
    int64_t xl, xh, yl, yh;
    spm_pm_root_range(o, x, d, &xl, &xh);
    spm_pm_root_range(o, y, d, &yl, &yh);
    if (xh < yl || yh < xl)
      return false;
  }
  return true;
}

// The same element for the same iteration: same view and same map.
static bool spm_pm_same_access(const spm_place_operand_t *x,
                               const spm_place_operand_t *y) {
  if (x->rank != y->rank)
    return false;
  for (int d = 0; d < x->rank; ++d)
    if (x->off[d] != y->off[d] || x->step[d] != y->step[d] ||
        memcmp(x->coef[d], y->coef[d], sizeof x->coef[d]) != 0)
      return false;
  return true;
}

// An op that writes elements it also reads through another operand
// (`linalg.matmul ins(%a, %a) outs(%a)`) has a result that depends on the
// order of its loops: upstream's loops read values the op has already
// overwritten, a placed program reads tiles loaded before. Refused, except
// when the two are the same access of an op without reductions (an
// element-wise op in place: each element is read once, then written).
static bool spm_pm_check_in_place(spm_pm_builder_t *b,
                                  const spm_place_op_t *o) {
  bool reduces = false;
  for (int j = 0; j < o->ndims; ++j)
    reduces = reduces || o->reduction[j];
  for (int k = 0; k < o->noperands; ++k) {
    const spm_place_operand_t *w = &o->operands[k];
    if (!w->output)
      continue;
    for (int r = 0; r < o->noperands; ++r) {
      const spm_place_operand_t *x = &o->operands[r];
      if (r == k || x->shape_only || (!x->read && !x->output) ||
          !spm_pm_overlap(o, w, x) || (!reduces && spm_pm_same_access(w, x)))
        continue;
      char why[256];
      snprintf(why, sizeof why,
               "output operand #%d and operand #%d share elements of %s: "
               "the result would depend on the order of the loops (write "
               "the result to another buffer)",
               w->index, x->index, b->m->tensors[w->tensor].name);
      spm_pm_error(b, o->op, why);
      return false;
    }
  }
  return true;
}

static void spm_pm_linalg(spm_pm_builder_t *b, MlirOperation op,
                          MlirAttribute maps) {
  spm_place_model_t *m = b->m;
  intptr_t nops = mlirOperationGetNumOperands(op);
  intptr_t nmaps = mlirArrayAttrGetNumElements(maps);
  int nouts = spm_pm_num_outputs(op);
  if (nmaps != nops || nmaps == 0) {
    spm_pm_error(b, op, "a linalg op whose operands do not match its "
                        "indexing maps");
    return;
  }
  spm_place_op_t o;
  memset(&o, 0, sizeof o);
  o.op = op;
  o.is_fill = spm_op_is(op, "linalg.fill");
  MlirAffineMap m0 =
      mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, 0));
  intptr_t ndims = mlirAffineMapGetNumDims(m0);
  if (ndims > SPM_PLACE_MAX_DIMS) {
    spm_pm_error(b, op, "more than 8 loops");
    return;
  }
  o.ndims = (int)ndims;
  for (int j = 0; j < o.ndims; ++j) {
    o.extent[j] = -1;
    o.reduction[j] = true;
  }
  for (intptr_t k = 0; k < nops; ++k) {
    MlirValue v = mlirOperationGetOperand(op, k);
    MlirAffineMap am =
        mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, k));
    if (mlirAffineMapGetNumSymbols(am) != 0) {
      spm_pm_error(b, op, "indexing maps with symbols");
      return;
    }
    if (!mlirTypeIsAMemRef(mlirValueGetType(v)))
      continue; // a scalar (the fill value): stays as it is
    if (o.noperands == SPM_PLACE_MAX_OPERANDS) {
      spm_pm_error(b, op, "more than 8 memref operands");
      return;
    }
    const spm_pm_view_t *w = spm_pm_view_of(b, v);
    if (!w) {
      spm_pm_error(b, op, "an operand that is not a function argument, a "
                          "memref.alloc of the body or a subview of one");
      return;
    }
    spm_place_operand_t *po = &o.operands[o.noperands];
    memset(po, 0, sizeof *po);
    po->index = (int)k;
    po->epi_index = -1;
    po->tensor = w->tensor;
    po->value = v;
    if (!spm_pm_static_shape(mlirValueGetType(v), &po->rank, po->shape) ||
        mlirAffineMapGetNumResults(am) != po->rank) {
      spm_pm_error(b, op, "an operand without a static shape of rank 1 "
                          "to 8");
      return;
    }
    memcpy(po->off, w->off, sizeof po->off);
    memcpy(po->step, w->step, sizeof po->step);
    po->output = k >= nops - nouts;
    // Every input of a linalg.generic is read: spm-lower makes each one an
    // ELTWISE operand in the scratchpad, so one the body ignores is loaded
    // too (left as it is in global memory, it could not be lowered).
    po->read = spm_pm_uses_arg(op, k) ||
               (!po->output && spm_op_is(op, "linalg.generic"));
    po->shape_only = !po->output && !po->read;
    for (int d = 0; d < po->rank; ++d) {
      MlirAffineExpr e = mlirAffineMapGetResult(am, d);
      if (!spm_pm_linear(e, o.ndims, po->coef[d], 1)) {
        spm_pm_error(b, op, "an indexing map that is not a sum of loop "
                            "indices with non-negative constant factors");
        return;
      }
      if (mlirAffineExprIsADim(e)) {
        intptr_t j = mlirAffineDimExprGetPosition(e);
        if (o.extent[j] < 0)
          o.extent[j] = po->shape[d];
      }
      if (po->output)
        for (int j = 0; j < o.ndims; ++j)
          if (po->coef[d][j])
            o.reduction[j] = false;
    }
    o.noperands++;
  }
  o.macs = 1;
  for (int j = 0; j < o.ndims; ++j) {
    if (o.extent[j] == 0) {
      spm_pm_error(b, op, "an operand with a dimension of size 0: the op "
                          "computes nothing (--canonicalize erases it)");
      return;
    }
    if (o.extent[j] < 1) {
      spm_pm_error(b, op, "a loop whose range no operand dimension gives");
      return;
    }
    o.macs *= o.extent[j];
  }
  // Every access must stay inside its view (the op verifies; a check here
  // keeps the tiling arithmetic honest).
  for (int k = 0; k < o.noperands; ++k) {
    const spm_place_operand_t *po = &o.operands[k];
    for (int d = 0; d < po->rank; ++d) {
      int64_t hi = 0;
      for (int j = 0; j < o.ndims; ++j)
        hi += po->coef[d][j] * (o.extent[j] - 1);
      if (hi >= po->shape[d]) {
        spm_pm_error(b, op, "an access outside its operand");
        return;
      }
    }
  }
  // An output that leaves gaps in its box is loaded before it is stored.
  for (int k = 0; k < o.noperands; ++k)
    if (o.operands[k].output &&
        !spm_place_output_dense(&o, &o.operands[k], NULL, NULL))
      o.operands[k].read = true;
  if (!spm_pm_check_in_place(b, &o))
    return;
  int opi = (int)m->nops;
  for (int k = 0; k < o.noperands; ++k)
    spm_pm_use(m, o.operands[k].tensor, opi, o.operands[k].output);
  m->ops = spm_pm_grow(m->ops, &b->capops, m->nops + 1, sizeof *m->ops);
  m->ops[m->nops++] = o;
}

spm_status_t spm_place_model_build(MlirOperation func,
                                   spm_place_model_t **out) {
  *out = NULL;
  spm_pm_builder_t b;
  memset(&b, 0, sizeof b);
  b.m = calloc(1, sizeof *b.m);
  if (!b.m)
    abort();
  b.m->func = func;
  MlirBlock body =
      mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  char name[32];
  for (intptr_t i = 0; i < mlirBlockGetNumArguments(body); ++i) {
    MlirValue a = mlirBlockGetArgument(body, i);
    if (!mlirTypeIsAMemRef(mlirValueGetType(a)))
      continue;
    snprintf(name, sizeof name, "%%arg%d", (int)i);
    if (spm_pm_new_tensor(&b, a, (MlirOperation){NULL}, name) < 0) {
      spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                    "spm-place: argument %d needs a static shape of rank 1 "
                    "to 8, an integer or float element type and a size that "
                    "fits in 64 bits",
                    (int)i);
      b.failed = true;
    }
  }
  int nallocs = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op) && !b.failed;
       op = mlirOperationGetNextInBlock(op)) {
    if (spm_op_is(op, "memref.alloc") || spm_op_is(op, "memref.alloca")) {
      snprintf(name, sizeof name, "%%alloc%d", nallocs++);
      if (mlirOperationGetNumOperands(op) != 0 ||
          spm_pm_new_tensor(&b, mlirOperationGetResult(op, 0), op, name) < 0)
        spm_pm_error(&b, op, "only static shapes of rank 1 to 8 with "
                             "integer or float elements and a size that "
                             "fits in 64 bits are supported");
      continue;
    }
    if (spm_op_is(op, "memref.subview")) {
      spm_pm_subview(&b, op);
      continue;
    }
    if (spm_op_is(op, "func.return")) {
      // A returned local buffer escapes: it would have to stay in global
      // memory, which the plan does not model; refused, not misplaced.
      for (intptr_t k = 0; k < mlirOperationGetNumOperands(op); ++k) {
        const spm_pm_view_t *w =
            spm_pm_view_of(&b, mlirOperationGetOperand(op, k));
        if (w && !b.m->tensors[w->tensor].is_arg) {
          char why[160];
          snprintf(why, sizeof why,
                   "it returns the local buffer %s (write the result to a "
                   "function argument instead)",
                   b.m->tensors[w->tensor].name);
          spm_pm_error(&b, op, why);
          break;
        }
      }
      continue;
    }
    if (spm_op_is(op, "memref.dealloc") ||
        spm_op_is(op, "arith.constant"))
      continue;
    MlirAttribute maps = mlirLinalgGetIndexingMapsAttribute(op);
    if (!mlirAttributeIsNull(maps) && mlirAttributeIsAArray(maps)) {
      spm_pm_linalg(&b, op, maps);
      continue;
    }
    spm_pm_error(&b, op, "spm-place handles linalg ops on memrefs (plus "
                         "memref.alloc/subview/dealloc and constants); this "
                         "op is not one of them");
  }
  free(b.views);
  if (b.failed) {
    spm_place_model_free(b.m);
    return spm_status_make(SPM_STATUS_FAILED, "unsupported input");
  }
  *out = b.m;
  return SPM_OK;
}

bool spm_place_output_dense(const spm_place_op_t *op,
                            const spm_place_operand_t *o, bool *whole,
                            uint32_t *whole_if_tiled) {
  int dims_of[SPM_PLACE_MAX_DIMS] = {0};
  for (int d = 0; d < o->rank; ++d)
    for (int j = 0; j < op->ndims; ++j)
      dims_of[j] += o->coef[d][j] != 0 && op->extent[j] > 1;
  bool dense = true;
  for (int d = 0; d < o->rank; ++d) {
    // the dim's loops (of extent > 1), by increasing factor
    int t[SPM_PLACE_MAX_DIMS], n = 0;
    bool shared = false;
    for (int j = 0; j < op->ndims; ++j)
      if (o->coef[d][j] != 0 && op->extent[j] > 1) {
        shared = shared || dims_of[j] > 1;
        int i = n++;
        for (; i > 0 && o->coef[d][t[i - 1]] > o->coef[d][j]; --i)
          t[i] = t[i - 1];
        t[i] = j;
      }
    // dense iff each factor is one more than the span of the smaller terms
    bool ddense = !shared;
    int64_t span = 0;
    for (int i = 0; i < n; ++i) {
      ddense = ddense && o->coef[d][t[i]] == span + 1;
      span += o->coef[d][t[i]] * (op->extent[t[i]] - 1);
    }
    dense = dense && ddense;
    if (whole && (shared || (n > 1 && !ddense)))
      for (int i = 0; i < n; ++i)
        whole[t[i]] = true;
    else if (whole_if_tiled && n > 1) // dense, one loop per dim term
      for (int i = 1; i < n; ++i)
        whole_if_tiled[t[i]] |= 1u << t[i - 1];
  }
  return dense;
}

void spm_place_operand_box(const spm_place_op_t *op,
                           const spm_place_operand_t *o, const int64_t *lo,
                           const int64_t *len, int64_t *vlo, int64_t *vlen) {
  for (int d = 0; d < o->rank; ++d) {
    int64_t a = 0, e = 1;
    for (int j = 0; j < op->ndims; ++j) {
      a += o->coef[d][j] * lo[j];
      e += o->coef[d][j] * (len[j] - 1);
    }
    vlo[d] = a;
    vlen[d] = e;
  }
}
