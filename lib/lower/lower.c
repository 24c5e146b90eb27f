// spm-lower: the driver (lower.h): function arguments and global memory,
// scratchpad buffers, views, DMA and tokens. Compute ops: lower_compute.c.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "dialect/spm_dialect.h"
#include "lower_internal.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

// --- diagnostics and the value table ----------------------------------------

void spm_lower_error(spm_lower_t *l, MlirOperation op, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                "'%.*s' op: %s", (int)n.length, n.data, msg);
  l->errors++;
}

static size_t slot_of(const spm_lower_t *l, const void *key) {
  uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 20) & (l->vcap - 1);
}

void spm_lower_set(spm_lower_t *l, MlirValue v, spm_lv_kind_t kind,
                   uint32_t id) {
  if (2 * (l->vcount + 1) > l->vcap) {
    spm_lv_entry_t *old = l->vals;
    size_t oc = l->vcap;
    l->vcap = oc ? 2 * oc : 1024;
    l->vals = calloc(l->vcap, sizeof *l->vals);
    if (!l->vals)
      abort();
    l->vcount = 0;
    for (size_t i = 0; i < oc; ++i)
      if (old[i].key)
        spm_lower_set(l, (MlirValue){old[i].key}, old[i].kind, old[i].id);
    free(old);
  }
  size_t s = slot_of(l, v.ptr);
  while (l->vals[s].key && l->vals[s].key != v.ptr)
    s = (s + 1) & (l->vcap - 1);
  if (!l->vals[s].key)
    l->vcount++;
  l->vals[s] = (spm_lv_entry_t){v.ptr, kind, id};
}

const spm_lv_entry_t *spm_lower_get(const spm_lower_t *l, MlirValue v) {
  if (!l->vcap)
    return NULL;
  size_t s = slot_of(l, v.ptr);
  while (l->vals[s].key) {
    if (l->vals[s].key == v.ptr)
      return &l->vals[s];
    s = (s + 1) & (l->vcap - 1);
  }
  return NULL;
}

void spm_lower_add_instr(spm_lower_t *l, MlirOperation op,
                         const spm_run_instr_t *in, const spm_run_uop_t *uops,
                         size_t nuops) {
  // A compute op writing bytes it reads is an error at the op (the
  // program validator would call it an invalid program, "a bug").
  spm_status_t st = spm_run_check_no_overlap(in);
  if (spm_status_is_ok(st))
    st = spm_run_program_add_instr(l->p, in, uops, nuops);
  if (!spm_status_is_ok(st)) {
    spm_lower_error(l, op, "%s", spm_status_message(st));
    spm_status_free(st);
    return;
  }
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  if (l->rewrite && n.length > 7 && memcmp(n.data, "linalg.", 7) == 0)
    spm_lower_emit(l, op, in);
}

// --- types and views -----------------------------------------------------------

bool spm_lower_elem(MlirType t, spm_run_type_t *out) {
  if (mlirTypeIsAF32(t))
    *out = SPM_RUN_F32;
  else if (mlirTypeIsAInteger(t) && mlirIntegerTypeGetWidth(t) == 8)
    *out = SPM_RUN_I8;
  else if (mlirTypeIsAInteger(t) && mlirIntegerTypeGetWidth(t) == 32)
    *out = SPM_RUN_I32;
  else
    return false;
  return true;
}

// Shape, strides (elements) and offset of a static memref type.
static bool memref_layout(MlirType t, int *rank, int64_t *shape,
                          int64_t *strides, int64_t *offset) {
  if (!mlirTypeIsAMemRef(t) || !mlirShapedTypeHasStaticShape(t))
    return false;
  *rank = (int)mlirShapedTypeGetRank(t);
  if (*rank > SPM_RUN_MAX_TENSOR_RANK)
    return false;
  for (int d = 0; d < *rank; ++d)
    shape[d] = mlirShapedTypeGetDimSize(t, d);
  if (mlirLogicalResultIsFailure(
          mlirMemRefTypeGetStridesAndOffset(t, strides, offset)))
    return false;
  if (mlirShapedTypeIsDynamicStrideOrOffset(*offset))
    return false;
  for (int d = 0; d < *rank; ++d)
    if (mlirShapedTypeIsDynamicStrideOrOffset(strides[d]))
      return false;
  return true;
}

bool spm_lower_mem(spm_lower_t *l, MlirOperation op, int idx, MlirValue v,
                   spm_lower_mem_t *out) {
  const spm_lv_entry_t *e = spm_lower_get(l, v);
  if (!e || (e->kind != SPM_LV_BUFFER && e->kind != SPM_LV_TENSOR)) {
    spm_lower_error(l, op, "operand #%d is not a memref that spm-lower knows",
                    idx);
    return false;
  }
  if (e->kind == SPM_LV_TENSOR) {
    spm_lower_error(l, op,
                    "operand #%d is in global memory; compute ops read and "
                    "write the scratchpad only (run --spm-place "
                    "--spm-allocate first)",
                    idx);
    return false;
  }
  MlirType t = mlirValueGetType(v);
  int64_t offset;
  if (!memref_layout(t, &out->rank, out->shape, out->strides, &offset) ||
      !spm_lower_elem(mlirShapedTypeGetElementType(t), &out->elem)) {
    spm_lower_error(l, op,
                    "operand #%d: a static memref of f32, i8 or i32 with a "
                    "static strided layout is required",
                    idx);
    return false;
  }
  out->buffer = e->id;
  out->byte_offset = offset * spm_run_type_size(out->elem);
  return true;
}

bool spm_lower_make_view(spm_lower_t *l, MlirOperation op, int idx,
                         uint32_t buffer, spm_run_type_t elem,
                         int64_t byte_offset, int rank, const int64_t *shape,
                         const int64_t *strides, spm_run_view_t *out) {
  memset(out, 0, sizeof *out);
  out->buffer = buffer;
  out->elem = elem;
  out->offset = byte_offset;
  int nonunit = 0;
  for (int d = 0; d < rank; ++d)
    nonunit += shape[d] != 1;
  bool drop = rank > SPM_RUN_MAX_RANK; // drop unit dimensions to fit
  if (drop && nonunit > SPM_RUN_MAX_RANK) {
    spm_lower_error(l, op, "operand #%d has %d dimensions of extent > 1; "
                           "views have at most %d",
                    idx, nonunit, SPM_RUN_MAX_RANK);
    return false;
  }
  int r = 0;
  for (int d = 0; d < rank; ++d) {
    if (drop && shape[d] == 1)
      continue;
    out->shape[r] = shape[d];
    out->stride[r] = shape[d] == 1 ? 1 : strides[d];
    r++;
  }
  if (r == 0) { // rank 0 (or all units dropped): one element
    out->shape[0] = 1;
    out->stride[0] = 1;
    r = 1;
  }
  out->rank = r;
  return true;
}

bool spm_lower_view(spm_lower_t *l, MlirOperation op, int idx, MlirValue v,
                    spm_run_view_t *out) {
  spm_lower_mem_t m;
  return spm_lower_mem(l, op, idx, v, &m) &&
         spm_lower_make_view(l, op, idx, m.buffer, m.elem, m.byte_offset,
                             m.rank, m.shape, m.strides, out);
}

// --- global memory --------------------------------------------------------------

// The root function argument of a memref value (through view ops), or -1.
static int root_arg(MlirValue v, MlirOperation func) {
  for (int depth = 0; depth < 64; ++depth) {
    if (mlirValueIsABlockArgument(v)) {
      MlirBlock b = mlirBlockArgumentGetOwner(v);
      MlirOperation owner = mlirBlockGetParentOperation(b);
      return mlirOperationEqual(owner, func)
                 ? (int)mlirBlockArgumentGetArgNumber(v)
                 : -1;
    }
    MlirOperation d = mlirOpResultGetOwner(v);
    if (mlirOperationGetNumOperands(d) < 1)
      return -1;
    if (!spm_op_is(d, "memref.subview") && !spm_op_is(d, "memref.cast") &&
        !spm_op_is(d, "memref.collapse_shape") &&
        !spm_op_is(d, "memref.expand_shape") &&
        !spm_op_is(d, "memref.reinterpret_cast"))
      return -1;
    v = mlirOperationGetOperand(d, 0);
  }
  return -1;
}

static MlirWalkResult mark_written(MlirOperation op, void *ud) {
  spm_lower_t *l = ((void **)ud)[0];
  MlirOperation func = *(MlirOperation *)((void **)ud)[1];
  if (spm_op_is(op, "spm.dma_store")) {
    int a = root_arg(mlirOperationGetOperand(op, 1), func);
    if (a >= 0)
      l->arg_written[a] = true;
  }
  return MlirWalkResultAdvance;
}

static bool add_tensor(spm_lower_t *l, MlirOperation op, MlirType t,
                       const char *name, spm_run_role_t role, uint32_t *id) {
  int rank;
  int64_t shape[SPM_RUN_MAX_TENSOR_RANK], strides[SPM_RUN_MAX_TENSOR_RANK],
      offset;
  spm_run_type_t elem;
  if (!memref_layout(t, &rank, shape, strides, &offset) ||
      !spm_lower_elem(mlirShapedTypeGetElementType(t), &elem)) {
    spm_lower_error(l, op,
                    "%s: a static memref of f32, i8 or i32 is required", name);
    return false;
  }
  // A tensor is dense row-major: the memref's layout must be too (strides
  // and a zero offset).
  if (offset != 0) {
    spm_lower_error(l, op, "%s: only the identity layout is supported (the "
                           "layout has offset %lld)",
                    name, (long long)offset);
    return false;
  }
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (shape[d] != 1 && strides[d] != s) {
      spm_lower_error(l, op, "%s: only the identity layout is supported",
                      name);
      return false;
    }
    s *= shape[d];
  }
  spm_status_t st = spm_run_program_add_tensor(l->p, name, elem, role, rank,
                                               shape, NULL, id);
  if (!spm_status_is_ok(st)) {
    spm_lower_error(l, op, "%s: %s", name, spm_status_message(st));
    spm_status_free(st);
    return false;
  }
  return true;
}

// --- DMA ------------------------------------------------------------------------------

static uint32_t token_take(spm_lower_t *l) {
  if (l->nfree)
    return l->free_tokens[--l->nfree];
  return l->next_token <= SPM_RUN_MAX_TOKEN ? l->next_token++ : 0;
}

static void token_release(spm_lower_t *l, uint32_t t) {
  if (l->nfree == l->free_cap) {
    l->free_cap = l->free_cap ? 2 * l->free_cap : 64;
    l->free_tokens = realloc(l->free_tokens, l->free_cap * sizeof(uint32_t));
    if (!l->free_tokens)
      abort();
  }
  l->free_tokens[l->nfree++] = t;
}

static void lower_dma(spm_lower_t *l, MlirOperation op, bool load) {
  MlirValue mem = mlirOperationGetOperand(op, load ? 0 : 1);
  MlirValue buf = mlirOperationGetOperand(op, load ? 1 : 0);
  const spm_lv_entry_t *me = spm_lower_get(l, mem), *be = spm_lower_get(l, buf);
  if (!me || me->kind != SPM_LV_TENSOR) {
    spm_lower_error(l, op, "the memref operand is not in global memory");
    return;
  }
  if (!be || be->kind != SPM_LV_BUFFER) {
    spm_lower_error(l, op, "the buffer operand is not an spm.alloc");
    return;
  }
  int rank;
  int64_t shape[SPM_RUN_MAX_TENSOR_RANK], lstr[SPM_RUN_MAX_TENSOR_RANK], loff;
  if (!memref_layout(mlirValueGetType(mem), &rank, shape, lstr, &loff)) {
    spm_lower_error(l, op, "the memref needs a static shape and layout");
    return;
  }
  int64_t off[SPM_RUN_MAX_TENSOR_RANK], sz[SPM_RUN_MAX_TENSOR_RANK],
      st[SPM_RUN_MAX_TENSOR_RANK];
  if (!spm_op_static_i64_array(op, "offsets", rank, off) ||
      !spm_op_static_i64_array(op, "sizes", rank, sz) ||
      !spm_op_static_i64_array(op, "strides", rank, st)) {
    spm_lower_error(l, op, "offsets, sizes and strides must have %d entries",
                    rank);
    return;
  }
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = load ? SPM_RUN_OP_DMA_LOAD : SPM_RUN_OP_DMA_STORE;
  spm_run_dma_t *d = &in.dma;
  d->tensor = me->id;
  d->buffer = be->id;
  d->offset = loff;
  // Dimensions in memref order, unit ones dropped, then merged where the
  // window is contiguous (the buffer side is always dense row-major).
  int64_t msz[SPM_RUN_MAX_TENSOR_RANK], mst[SPM_RUN_MAX_TENSOR_RANK];
  int r = 0;
  for (int k = 0; k < rank; ++k) {
    d->offset += off[k] * lstr[k];
    if (sz[k] == 1)
      continue;
    int64_t stride = st[k] * lstr[k];
    if (r > 0 && mst[r - 1] == stride * sz[k]) {
      msz[r - 1] *= sz[k];
      mst[r - 1] = stride;
      continue;
    }
    msz[r] = sz[k];
    mst[r] = stride;
    r++;
  }
  if (r == 0) {
    msz[0] = 1;
    mst[0] = 1;
    r = 1;
  }
  if (r > SPM_RUN_MAX_RANK) {
    spm_lower_error(l, op,
                    "the window has %d non-contiguous dimensions; the DMA "
                    "engine takes at most %d",
                    r, SPM_RUN_MAX_RANK);
    return;
  }
  d->rank = r;
  memcpy(d->sizes, msz, (size_t)r * sizeof *msz);
  memcpy(d->strides, mst, (size_t)r * sizeof *mst);
  uint32_t tok = token_take(l);
  if (!tok) {
    spm_lower_error(l, op, "more than %u transfers in flight",
                    SPM_RUN_MAX_TOKEN);
    return;
  }
  d->token = tok;
  spm_lower_add_instr(l, op, &in, NULL, 0);
  spm_lower_set(l, mlirOperationGetResult(op, 0), SPM_LV_TOKEN, tok);
}

static void lower_wait(spm_lower_t *l, MlirOperation op) {
  intptr_t n = mlirOperationGetNumOperands(op);
  for (intptr_t i = 0; i < n; ++i) {
    const spm_lv_entry_t *e = spm_lower_get(l, mlirOperationGetOperand(op, i));
    if (!e || e->kind != SPM_LV_TOKEN) {
      MlirValue t = mlirOperationGetOperand(op, i);
      bool waited = e && e->kind == SPM_LV_NONE && mlirValueIsAOpResult(t) &&
                    (spm_op_is(mlirOpResultGetOwner(t), "spm.dma_load") ||
                     spm_op_is(mlirOpResultGetOwner(t), "spm.dma_store"));
      spm_lower_error(l, op,
                      waited ? "operand #%d: its transfer was already waited "
                               "for by an earlier spm.wait"
                             : "operand #%d is not a DMA token",
                      (int)i);
      continue;
    }
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_WAIT;
    in.token = e->id;
    spm_lower_add_instr(l, op, &in, NULL, 0);
    token_release(l, e->id);
    spm_lower_set(l, mlirOperationGetOperand(op, i), SPM_LV_NONE, 0);
  }
}

// --- scratchpad buffers ------------------------------------------------------

// The !spm.buf type of `res`, a result of `op`; false with a diagnostic.
static bool result_buf_type(spm_lower_t *l, MlirOperation op, MlirValue res,
                            spm_buf_type_t *bt) {
  spm_status_t st =
      spm_buf_type_cache_decode(&l->types, mlirValueGetType(res), bt);
  if (spm_status_is_ok(st))
    return true;
  spm_lower_error(l, op, "%s", spm_status_message(st));
  spm_status_free(st);
  return false;
}

static void lower_alloc(spm_lower_t *l, MlirOperation op) {
  MlirAttribute a = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("offset"));
  int64_t offset = mlirAttributeIsAInteger(a) ? mlirIntegerAttrGetValueInt(a)
                                              : -2;
  if (offset == -1) {
    spm_lower_error(l, op, "buffer not placed (offset -1): run "
                           "--spm-allocate first");
    return;
  }
  if (offset < 0) {
    spm_lower_error(l, op, "needs an integer offset >= 0");
    return;
  }
  MlirValue res = mlirOperationGetResult(op, 0);
  spm_buf_type_t bt;
  if (!result_buf_type(l, op, res, &bt))
    return;
  spm_run_type_t elem;
  if (!spm_lower_elem(bt.elem, &elem)) {
    spm_lower_error(l, op, "element type must be f32, i8 or i32");
    return;
  }
  int64_t bytes = spm_buf_type_bytes(&bt);
  char name[32];
  snprintf(name, sizeof name, "b%zu", l->p->nbuffers);
  uint32_t id;
  spm_status_t st = spm_run_program_add_buffer(l->p, name, offset, bytes, &id);
  if (!spm_status_is_ok(st)) {
    spm_lower_error(l, op, "%s", spm_status_message(st));
    spm_status_free(st);
    return;
  }
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ALLOC;
  in.buffer = id;
  spm_lower_add_instr(l, op, &in, NULL, 0);
  spm_lower_set(l, res, SPM_LV_BUFFER, id);
  if (l->rewrite) {
    if (id >= l->nbufs_cap) {
      size_t cap = l->nbufs_cap ? 2 * l->nbufs_cap : 64;
      while (cap <= id)
        cap *= 2;
      l->buf_value = realloc(l->buf_value, cap * sizeof *l->buf_value);
      if (!l->buf_value)
        abort();
      l->nbufs_cap = cap;
    }
    l->buf_value[id] = res;
  }
}

static void lower_dealloc(spm_lower_t *l, MlirOperation op) {
  const spm_lv_entry_t *e = spm_lower_get(l, mlirOperationGetOperand(op, 0));
  if (!e || e->kind != SPM_LV_BUFFER) {
    spm_lower_error(l, op, "operand is not an spm.alloc");
    return;
  }
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_DEALLOC;
  in.buffer = e->id;
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

// spm.view: a strided window of an spm.alloc (the verifier checked bounds).
static void lower_spm_view(spm_lower_t *l, MlirOperation op) {
  const spm_lv_entry_t *e = spm_lower_get(l, mlirOperationGetOperand(op, 0));
  if (!e || e->kind != SPM_LV_BUFFER) {
    spm_lower_error(l, op, "the source is not an spm.alloc");
    return;
  }
  MlirValue res = mlirOperationGetResult(op, 0);
  spm_buf_type_t bt;
  if (!result_buf_type(l, op, res, &bt))
    return;
  spm_run_type_t elem;
  int64_t strides[SPM_MAX_RANK];
  MlirAttribute oa = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("offset"));
  if (!spm_lower_elem(bt.elem, &elem) || !mlirAttributeIsAInteger(oa) ||
      !spm_op_static_i64_array(op, "strides", (int)bt.rank, strides)) {
    spm_lower_error(l, op, "needs an f32, i8 or i32 result, an integer "
                           "offset and %d strides",
                    (int)bt.rank);
    return;
  }
  spm_run_view_t v;
  int64_t off = mlirIntegerAttrGetValueInt(oa) * spm_run_type_size(elem);
  if (!spm_lower_make_view(l, op, 0, e->id, elem, off, (int)bt.rank,
                           bt.shape, strides, &v))
    return;
  if (l->nviews == l->views_cap) {
    l->views_cap = l->views_cap ? 2 * l->views_cap : 64;
    l->views = realloc(l->views, l->views_cap * sizeof *l->views);
    if (!l->views)
      abort();
  }
  l->views[l->nviews] = v;
  spm_lower_set(l, res, SPM_LV_VIEW, (uint32_t)l->nviews++);
}

// --- the walk --------------------------------------------------------------

static bool is_view_op(MlirOperation op) {
  return spm_op_is(op, "memref.subview") || spm_op_is(op, "memref.cast") ||
         spm_op_is(op, "memref.collapse_shape") ||
         spm_op_is(op, "memref.expand_shape") ||
         spm_op_is(op, "memref.reinterpret_cast") ||
         spm_op_is(op, "builtin.unrealized_conversion_cast");
}

static void lower_op(spm_lower_t *l, MlirOperation op) {
  if (spm_op_is(op, "spm.alloc"))
    lower_alloc(l, op);
  else if (spm_op_is(op, "spm.dealloc"))
    lower_dealloc(l, op);
  else if (spm_op_is(op, "spm.dma_load"))
    lower_dma(l, op, true);
  else if (spm_op_is(op, "spm.dma_store"))
    lower_dma(l, op, false);
  else if (spm_op_is(op, "spm.wait"))
    lower_wait(l, op);
  else if (spm_op_is(op, "spm.view"))
    lower_spm_view(l, op);
  else if (is_view_op(op)) {
    if (mlirOperationGetNumResults(op) != 1 ||
        mlirOperationGetNumOperands(op) < 1) {
      spm_lower_error(l, op, "expected one source and one result");
      return;
    }
    const spm_lv_entry_t *e = spm_lower_get(l, mlirOperationGetOperand(op, 0));
    if (!e || (e->kind != SPM_LV_BUFFER && e->kind != SPM_LV_TENSOR)) {
      spm_lower_error(l, op, "the source is not a known memref or buffer");
      return;
    }
    spm_lower_set(l, mlirOperationGetResult(op, 0), e->kind, e->id);
  } else if (spm_op_is(op, "memref.alloc") || spm_op_is(op, "memref.alloca")) {
    char name[32];
    snprintf(name, sizeof name, "g%zu", l->p->ntensors);
    uint32_t id;
    MlirValue r = mlirOperationGetResult(op, 0);
    if (add_tensor(l, op, mlirValueGetType(r), name, SPM_RUN_ROLE_SCRATCH,
                   &id))
      spm_lower_set(l, r, SPM_LV_TENSOR, id);
  } else if (spm_op_is(op, "arith.constant") ||
             spm_op_is(op, "memref.dealloc") || spm_op_is(op, "func.return")) {
    // constants are read where used; DRAM tensors live for the whole run
  } else if (!spm_lower_compute(l, op)) {
    if (mlirOperationGetNumRegions(op) > 0 &&
        (spm_op_is(op, "scf.for") || spm_op_is(op, "affine.for") ||
         spm_op_is(op, "scf.if") || spm_op_is(op, "scf.parallel")))
      spm_lower_error(l, op,
                      "control flow is not supported by spm-lower (the "
                      "accelerator program is straight-line; spm-place "
                      "unrolls tiles)");
    else
      spm_lower_error(l, op, "not supported by spm-lower");
  }
}

spm_status_t spm_lower_find_function(MlirModule module, const char *name,
                                     MlirOperation *out) {
  MlirBlock body = mlirModuleGetBody(module);
  int bodies = 0;
  spm_strbuf_t names = SPM_STRBUF_INIT;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    if (!spm_op_is(op, "func.func") ||
        !mlirAttributeIsNull(mlirOperationGetAttributeByName(
            op, mlirStringRefCreateFromCString("spm.kernel"))))
      continue; // kernels of spm.eltwise are not programs
    MlirAttribute a = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString("sym_name"));
    MlirStringRef n = mlirStringAttrGetValue(a);
    bool has_body = !mlirBlockIsNull(
        mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0)));
    if (name) {
      if (strlen(name) == n.length && memcmp(name, n.data, n.length) == 0) {
        spm_strbuf_free(&names);
        *out = op;
        return SPM_OK;
      }
    } else if (has_body) {
      *out = op;
      bodies++;
    }
    spm_strbuf_appendf(&names, "%s'%.*s'", names.len ? ", " : "",
                       (int)n.length, n.data);
  }
  spm_status_t st = SPM_OK;
  if (name)
    st = spm_status_make(SPM_STATUS_NOT_FOUND,
                         "no function named '%s' (functions: %s)", name,
                         names.len ? names.data : "none");
  else if (bodies != 1)
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "%d functions with a body (%s): choose one with --func NAME", bodies,
                         names.len ? names.data : "none");
  spm_strbuf_free(&names);
  return st;
}

static spm_status_t lower_function(MlirOperation func,
                                   const spm_target_t *target, bool rewrite,
                                   spm_run_program_t **out) {
  if (out)
    *out = NULL;
  spm_target_t t;
  if (target) {
    t = *target;
  } else {
    MlirOperation m = mlirOperationGetParentOperation(func);
    MlirAttribute a = mlirAttributeGetNull();
    for (; !mlirOperationIsNull(m); m = mlirOperationGetParentOperation(m)) {
      a = mlirOperationGetAttributeByName(
          m, mlirStringRefCreateFromCString("spm.target"));
      if (!mlirAttributeIsNull(a))
        break;
    }
    if (mlirAttributeIsNull(a)) {
      spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                    "no 'spm.target' attribute on the enclosing module: "
                    "the program needs a target (spm-opt --spm-target=NAME)");
      return spm_status_make(SPM_STATUS_FAILED, "no target");
    }
    spm_status_t ts = spm_target_from_attribute(a, &t);
    if (!spm_status_is_ok(ts)) {
      // As the spm verifier says it, at the op that carries the attribute.
      spm_diag_emit(mlirOperationGetLocation(m), SPM_DIAG_ERROR,
                    "invalid 'spm.target': %s", spm_status_message(ts));
      spm_status_free(ts);
      return spm_status_make(SPM_STATUS_FAILED, "invalid target");
    }
  }
  spm_lower_t l;
  memset(&l, 0, sizeof l);
  l.next_token = 1;
  l.rewrite = rewrite;
  l.func = func;
  SPM_RETURN_IF_ERROR(spm_run_program_create(&t, &l.p));
  MlirBlock entry = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  if (mlirBlockIsNull(entry)) {
    spm_run_program_free(l.p);
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "the function has no body");
  }
  intptr_t nargs = mlirBlockGetNumArguments(entry);
  l.arg_written = calloc((size_t)nargs + 1, sizeof *l.arg_written);
  void *ud[2] = {&l, &func};
  mlirOperationWalk(func, mark_written, ud, MlirWalkPreOrder);
  for (intptr_t i = 0; i < nargs; ++i) {
    MlirValue a = mlirBlockGetArgument(entry, i);
    char name[32];
    snprintf(name, sizeof name, "arg%d", (int)i);
    uint32_t id;
    if (add_tensor(&l, func, mlirValueGetType(a), name,
                   l.arg_written[i] ? SPM_RUN_ROLE_OUTPUT : SPM_RUN_ROLE_INPUT,
                   &id))
      spm_lower_set(&l, a, SPM_LV_TENSOR, id);
  }
  if (mlirBlockGetNextInRegion(entry).ptr) {
    spm_lower_error(&l, func, "functions with more than one block are not "
                              "supported by spm-lower");
  }
  for (MlirOperation op = mlirBlockGetFirstOperation(entry);
       !mlirOperationIsNull(op) && !l.errors;
       op = mlirOperationGetNextInBlock(op))
    lower_op(&l, op);
  spm_status_t st = SPM_OK;
  if (l.errors)
    st = spm_status_make(SPM_STATUS_FAILED, "spm-lower failed with %u error%s",
                         l.errors, l.errors == 1 ? "" : "s");
  else {
    st = spm_run_program_validate(l.p);
    if (!spm_status_is_ok(st)) {
      spm_status_t inner = st;
      st = spm_status_make(SPM_STATUS_INTERNAL,
                           "spm-lower produced an invalid program (a bug): %s",
                           spm_status_message(inner));
      spm_status_free(inner);
    }
  }
  if (rewrite && spm_status_is_ok(st))
    spm_lower_emit_finish(&l);
  spm_lower_emit_free(&l);
  free(l.vals);
  spm_buf_type_cache_free(&l.types);
  free(l.free_tokens);
  free(l.arg_written);
  free(l.buf_bytes);
  free(l.views);
  if (spm_status_is_ok(st) && out)
    *out = l.p;
  else
    spm_run_program_free(l.p);
  return st;
}

spm_status_t spm_lower_function(MlirOperation func, const spm_target_t *target,
                                spm_run_program_t **out) {
  return lower_function(func, target, false, out);
}

spm_status_t spm_lower_rewrite_function(MlirOperation func,
                                        const spm_target_t *target) {
  // Check first, so that a function that does not lower is left unchanged.
  spm_run_program_t *p;
  SPM_RETURN_IF_ERROR(lower_function(func, target, false, &p));
  spm_run_program_free(p);
  return lower_function(func, target, true, NULL);
}
