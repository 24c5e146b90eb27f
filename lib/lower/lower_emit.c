// spm-lower's rewrite mode (lower_internal.h): the spm op of each lowered
// linalg op, built from its instruction, so the IR shows the accelerator
// program: compute ops on whole buffers or spm.view windows, element-wise
// bodies as scalar {spm.kernel} functions. docs/lowering.md, "The lowered
// IR".
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "dialect/spm_dialect.h"
#include "lower_internal.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

static MlirNamedAttribute named(MlirContext c, const char *n,
                                MlirAttribute a) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(c, mlirStringRefCreateFromCString(n)), a);
}

static MlirAttribute i64s(MlirContext c, int n, const int64_t *v) {
  return mlirDenseI64ArrayGet(c, n, v);
}

static MlirAttribute i64(MlirContext c, int64_t v) {
  return mlirIntegerAttrGet(mlirIntegerTypeGet(c, 64), v);
}

// The !spm.buf value of view `v`: the buffer itself when `v` covers it
// densely, else a new spm.view inserted before `op`.
static MlirValue view_value(spm_lower_t *l, MlirOperation op,
                            const spm_run_view_t *v) {
  MlirValue buf = l->buf_value[v->buffer];
  spm_buf_type_t bt;
  spm_status_free(
      spm_buf_type_cache_decode(&l->types, mlirValueGetType(buf), &bt));
  bool whole = v->offset == 0 && v->rank == bt.rank;
  int64_t s = 1;
  for (int d = v->rank - 1; whole && d >= 0; --d) {
    whole = v->shape[d] == bt.shape[d] && (v->shape[d] == 1 ||
                                           v->stride[d] == s);
    s *= v->shape[d];
  }
  if (whole)
    return buf;
  MlirContext c = mlirOperationGetContext(op);
  MlirType rt = spm_buf_type_get(c, v->rank, v->shape, bt.elem);
  MlirNamedAttribute attrs[2] = {
      named(c, "offset", i64(c, v->offset / spm_run_type_size(v->elem))),
      named(c, "strides", i64s(c, v->rank, v->stride)),
  };
  MlirOperation vo = spm_op_build(mlirOperationGetLocation(op), "spm.view", 1,
                                  &buf, 1, &rt, 2, attrs);
  mlirBlockInsertOwnedOperationBefore(mlirOperationGetBlock(op), op, vo);
  return mlirOperationGetResult(vo, 0);
}

// Copies outside values used in `blk` (scalar arith.constants: the lowering
// accepted nothing else) into its start, so the kernel is self-contained.
static void capture_constants(MlirBlock blk) {
  enum { MAXC = 64 };
  const void *from[MAXC];
  MlirValue to[MAXC];
  int n = 0;
  for (MlirOperation o = mlirBlockGetFirstOperation(blk);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o))
    for (intptr_t i = 0; i < mlirOperationGetNumOperands(o); ++i) {
      MlirValue v = mlirOperationGetOperand(o, i);
      if (mlirValueIsABlockArgument(v) ||
          mlirBlockEqual(mlirOperationGetBlock(mlirOpResultGetOwner(v)), blk))
        continue;
      int k = 0;
      while (k < n && from[k] != v.ptr)
        k++;
      if (k == n) {
        if (n == MAXC)
          continue; // a body has at most 64 micro-ops: cannot happen
        MlirOperation c = mlirOperationClone(mlirOpResultGetOwner(v));
        mlirBlockInsertOwnedOperation(blk, 0, c);
        from[n] = v.ptr;
        to[n++] = mlirOperationGetResult(c, 0);
      }
      mlirOperationSetOperand(o, i, to[k]);
    }
}

// The symbol of the kernel of linalg.generic `g`: a private func.func
// {spm.kernel} holding g's body with func.return for linalg.yield, inserted
// after the lowered function (or its last kernel); an identical kernel
// already made is reused.
static MlirAttribute make_kernel(spm_lower_t *l, MlirOperation g) {
  MlirContext c = mlirOperationGetContext(g);
  MlirOperation clone = mlirOperationClone(g);
  MlirRegion src = mlirOperationGetRegion(clone, 0);
  MlirBlock blk = mlirRegionGetFirstBlock(src);
  intptr_t na = mlirBlockGetNumArguments(blk);
  MlirType ins[SPM_RUN_MAX_INPUTS + 1];
  for (intptr_t i = 0; i < na && i <= SPM_RUN_MAX_INPUTS; ++i)
    ins[i] = mlirValueGetType(mlirBlockGetArgument(blk, i));
  MlirOperation term = mlirBlockGetTerminator(blk);
  MlirValue yv = mlirOperationGetOperand(term, 0);
  MlirType rt = mlirValueGetType(yv);
  MlirOperation ret = spm_op_build(mlirOperationGetLocation(term),
                                   "func.return", 1, &yv, 0, NULL, 0, NULL);
  mlirBlockInsertOwnedOperationBefore(blk, term, ret);
  mlirOperationDestroy(term);
  capture_constants(blk);

  MlirType ft = mlirFunctionTypeGet(c, na, ins, 1, &rt);
  MlirNamedAttribute attrs[4] = {
      named(c, "sym_name",
            mlirStringAttrGet(c, mlirStringRefCreateFromCString("kernel"))),
      named(c, "function_type", mlirTypeAttrGet(ft)),
      named(c, "sym_visibility",
            mlirStringAttrGet(c, mlirStringRefCreateFromCString("private"))),
      named(c, "spm.kernel", mlirUnitAttrGet(c)),
  };
  MlirOperationState st = mlirOperationStateGet(
      mlirStringRefCreateFromCString("func.func"), mlirOperationGetLocation(g));
  mlirOperationStateAddAttributes(&st, 4, attrs);
  MlirRegion body = mlirRegionCreate();
  mlirOperationStateAddOwnedRegions(&st, 1, &body);
  MlirOperation f = mlirOperationCreate(&st);
  mlirRegionTakeBody(mlirOperationGetRegion(f, 0), src);
  mlirOperationDestroy(clone);

  spm_strbuf_t text = SPM_STRBUF_INIT;
  mlirOperationPrint(f, spm_strbuf_append_callback, &text);
  const char *t = spm_strbuf_cstr(&text);
  for (size_t k = 0; k < l->nkernels; ++k)
    if (strcmp(l->kernel_text[k], t) == 0) {
      mlirOperationDestroy(f);
      spm_strbuf_free(&text);
      return mlirFlatSymbolRefAttrGet(
          c, mlirStringRefCreateFromCString(l->kernel_name[k]));
    }
  // A fresh name: <function>_eltwise<N>, not used in the module.
  MlirStringRef fn = mlirStringAttrGetValue(mlirOperationGetAttributeByName(
      l->func, mlirStringRefCreateFromCString("sym_name")));
  spm_strbuf_t name = SPM_STRBUF_INIT;
  for (size_t k = l->nkernels;; ++k) {
    name.len = 0;
    spm_strbuf_appendf(&name, "%.*s_eltwise%zu", (int)fn.length, fn.data, k);
    if (mlirOperationIsNull(spm_lookup_symbol(
            l->func, mlirStringRefCreateFromCString(spm_strbuf_cstr(&name)))))
      break;
  }
  mlirOperationSetAttributeByName(
      f, mlirStringRefCreateFromCString("sym_name"),
      mlirStringAttrGet(c, mlirStringRefCreateFromCString(
                               spm_strbuf_cstr(&name))));
  MlirOperation after =
      mlirOperationIsNull(l->last_kernel) ? l->func : l->last_kernel;
  mlirBlockInsertOwnedOperationAfter(mlirOperationGetBlock(after), after, f);
  l->last_kernel = f;
  l->kernel_text = realloc(l->kernel_text,
                           (l->nkernels + 1) * sizeof *l->kernel_text);
  l->kernel_name = realloc(l->kernel_name,
                           (l->nkernels + 1) * sizeof *l->kernel_name);
  if (!l->kernel_text || !l->kernel_name)
    abort();
  l->kernel_text[l->nkernels] = strdup(t);
  l->kernel_name[l->nkernels++] = strdup(spm_strbuf_cstr(&name));
  spm_strbuf_free(&text);
  spm_strbuf_free(&name);
  if (!l->kernel_text[l->nkernels - 1] || !l->kernel_name[l->nkernels - 1])
    abort();
  return mlirFlatSymbolRefAttrGet(
      c, mlirStringRefCreateFromCString(l->kernel_name[l->nkernels - 1]));
}

void spm_lower_emit(spm_lower_t *l, MlirOperation op,
                    const spm_run_instr_t *in) {
  MlirContext c = mlirOperationGetContext(op);
  MlirValue v[SPM_RUN_MAX_INPUTS + 1];
  MlirNamedAttribute a[6];
  int nv = 0, na = 0;
  const char *name = NULL;
  static const int64_t zero4[4] = {0, 0, 0, 0};
  switch (in->op) {
  case SPM_RUN_OP_FILL: {
    name = "spm.fill";
    v[nv++] = view_value(l, op, &in->fill.out);
    spm_buf_type_t bt;
    spm_status_free(
        spm_buf_type_cache_decode(&l->types, mlirValueGetType(v[0]), &bt));
    if (in->fill.out.elem == SPM_RUN_F32) {
      float f;
      uint32_t u = (uint32_t)in->fill.value;
      memcpy(&f, &u, 4);
      a[na++] = named(c, "value", mlirFloatAttrDoubleGet(c, bt.elem, f));
    } else {
      a[na++] = named(c, "value", mlirIntegerAttrGet(bt.elem,
                                                     (int64_t)in->fill.value));
    }
    break;
  }
  case SPM_RUN_OP_MATMUL:
    name = "spm.matmul";
    v[nv++] = view_value(l, op, &in->matmul.a);
    v[nv++] = view_value(l, op, &in->matmul.b);
    v[nv++] = view_value(l, op, &in->matmul.c);
    a[na++] = named(c, "accumulate", mlirBoolAttrGet(c, in->matmul.accumulate));
    break;
  case SPM_RUN_OP_CONV2D:
    name = "spm.conv2d";
    v[nv++] = view_value(l, op, &in->conv.in);
    v[nv++] = view_value(l, op, &in->conv.filter);
    v[nv++] = view_value(l, op, &in->conv.out);
    a[na++] = named(c, "strides", i64s(c, 2, in->conv.stride));
    a[na++] = named(c, "padding", i64s(c, 4, zero4)); // explicit in linalg
    a[na++] = named(c, "dilations", i64s(c, 2, in->conv.dilation));
    a[na++] = named(c, "groups", i64(c, in->conv.groups));
    a[na++] = named(c, "accumulate", mlirBoolAttrGet(c, in->conv.accumulate));
    break;
  case SPM_RUN_OP_POOL:
    name = "spm.pool";
    v[nv++] = view_value(l, op, &in->pool.in);
    v[nv++] = view_value(l, op, &in->pool.out);
    a[na++] = named(c, "kind",
                    mlirStringAttrGet(c, mlirStringRefCreateFromCString(
                                             in->pool.kind == SPM_RUN_POOL_MAX
                                                 ? "max"
                                                 : "sum")));
    a[na++] = named(c, "window", i64s(c, 2, in->pool.window));
    a[na++] = named(c, "strides", i64s(c, 2, in->pool.stride));
    a[na++] = named(c, "padding", i64s(c, 4, zero4));
    a[na++] = named(c, "dilations", i64s(c, 2, in->pool.dilation));
    a[na++] = named(c, "accumulate", mlirBoolAttrGet(c, in->pool.accumulate));
    break;
  case SPM_RUN_OP_ELTWISE: {
    name = "spm.eltwise";
    int nins = (int)mlirOperationGetNumOperands(op) - 1;
    for (int i = 0; i < nins; ++i)
      v[nv++] = view_value(l, op, &in->eltwise.in[i]);
    v[nv++] = view_value(l, op, &in->eltwise.out);
    a[na++] = named(c, "kernel", make_kernel(l, op));
    int32_t seg[5] = {nins > 0, nins > 1, nins > 2, nins > 3, 1};
    a[na++] = named(c, "operandSegmentSizes", mlirDenseI32ArrayGet(c, 5, seg));
    break;
  }
  default:
    spm_lower_error(l, op, "no spm op for this instruction (a bug)");
    return;
  }
  MlirOperation n = spm_op_build(mlirOperationGetLocation(op), name, nv, v, 0,
                                 NULL, na, a);
  mlirBlockInsertOwnedOperationBefore(mlirOperationGetBlock(op), op, n);
  if (l->nreplaced == l->replaced_cap) {
    l->replaced_cap = l->replaced_cap ? 2 * l->replaced_cap : 64;
    l->replaced = realloc(l->replaced, l->replaced_cap * sizeof *l->replaced);
    if (!l->replaced)
      abort();
  }
  l->replaced[l->nreplaced++] = op;
}

static bool no_uses(MlirOperation op) {
  for (intptr_t r = 0; r < mlirOperationGetNumResults(op); ++r)
    if (!mlirOpOperandIsNull(
            mlirValueGetFirstUse(mlirOperationGetResult(op, r))))
      return false;
  return true;
}

// A memref.alloc / alloca used only by memref.dealloc: its deallocs are
// destroyed and true returned.
static bool drop_dead_alloc(MlirOperation op) {
  if (!spm_op_is(op, "memref.alloc") && !spm_op_is(op, "memref.alloca"))
    return false;
  MlirValue r = mlirOperationGetResult(op, 0);
  for (MlirOpOperand u = mlirValueGetFirstUse(r); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u))
    if (!spm_op_is(mlirOpOperandGetOwner(u), "memref.dealloc"))
      return false;
  while (!mlirOpOperandIsNull(mlirValueGetFirstUse(r)))
    mlirOperationDestroy(mlirOpOperandGetOwner(mlirValueGetFirstUse(r)));
  return true;
}

void spm_lower_emit_finish(spm_lower_t *l) {
  for (size_t i = 0; i < l->nreplaced; ++i)
    mlirOperationDestroy(l->replaced[i]);
  l->nreplaced = 0;
  // Dead ops, users before definitions (reverse order).
  MlirBlock blk = mlirRegionGetFirstBlock(mlirOperationGetRegion(l->func, 0));
  size_t n = 0, cap = 0;
  MlirOperation *ops = NULL;
  for (MlirOperation o = mlirBlockGetFirstOperation(blk);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o)) {
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      ops = realloc(ops, cap * sizeof *ops);
      if (!ops)
        abort();
    }
    ops[n++] = o;
  }
  for (size_t i = n; i-- > 0;) {
    MlirOperation o = ops[i];
    bool pure = spm_op_is(o, "memref.subview") || spm_op_is(o, "memref.cast") ||
                spm_op_is(o, "memref.collapse_shape") ||
                spm_op_is(o, "memref.expand_shape") ||
                spm_op_is(o, "memref.reinterpret_cast") ||
                spm_op_is(o, "builtin.unrealized_conversion_cast") ||
                spm_op_is(o, "arith.constant");
    if ((pure && no_uses(o)) || drop_dead_alloc(o))
      mlirOperationDestroy(o);
  }
  free(ops);
}

void spm_lower_emit_free(spm_lower_t *l) {
  for (size_t k = 0; k < l->nkernels; ++k) {
    free(l->kernel_text[k]);
    free(l->kernel_name[k]);
  }
  free(l->kernel_text);
  free(l->kernel_name);
  free(l->buf_value);
  free(l->replaced);
}
