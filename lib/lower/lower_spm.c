// spm-lower: the spm dialect's own compute ops on whole buffers or
// spm.view windows (docs/dialect.md): spm.fill, spm.matmul, spm.conv2d,
// spm.pool, spm.eltwise, spm.add, spm.relu, spm.bias_add, spm.scale
// (lower_internal.h).
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"

#include "dialect/spm_dialect.h"
#include "lower_internal.h"
#include "support/mlir_util.h"

bool spm_lower_buf_view(spm_lower_t *l, MlirOperation op, int idx,
                        spm_run_view_t *out) {
  MlirValue v = mlirOperationGetOperand(op, idx);
  const spm_lv_entry_t *e = spm_lower_get(l, v);
  spm_buf_type_t bt;
  spm_run_type_t elem;
  if (e && e->kind == SPM_LV_VIEW) {
    *out = l->views[e->id];
    return true;
  }
  if (!e || e->kind != SPM_LV_BUFFER) {
    spm_lower_error(l, op, "operand #%d is not an spm.alloc or spm.view",
                    idx);
    return false;
  }
  spm_status_t st =
      spm_buf_type_cache_decode(&l->types, mlirValueGetType(v), &bt);
  if (!spm_status_is_ok(st)) {
    spm_lower_error(l, op, "operand #%d: %s", idx, spm_status_message(st));
    spm_status_free(st);
    return false;
  }
  if (!spm_lower_elem(bt.elem, &elem)) {
    spm_lower_error(l, op, "operand #%d: element type must be f32, i8 or i32",
                    idx);
    return false;
  }
  if (bt.rank > SPM_RUN_MAX_RANK) {
    spm_lower_error(l, op, "operand #%d has rank %d above %d", idx,
                    (int)bt.rank, SPM_RUN_MAX_RANK);
    return false;
  }
  *out = spm_run_view_dense(e->id, 0, elem, (int)bt.rank, bt.shape);
  for (int d = 0; d < out->rank; ++d) // as the memref views: unit stride 1
    if (out->shape[d] == 1)
      out->stride[d] = 1;
  return true;
}

static bool bool_attr(MlirOperation op, const char *name) {
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  return !mlirAttributeIsNull(a) && mlirAttributeIsABool(a) &&
         mlirBoolAttrGetValue(a);
}

static int64_t int_attr(MlirOperation op, const char *name, int64_t dflt) {
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  return mlirAttributeIsAInteger(a) ? mlirIntegerAttrGetValueInt(a) : dflt;
}

static void lower_matmul(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_MATMUL;
  in.matmul.accumulate = bool_attr(op, "accumulate");
  if (spm_lower_buf_view(l, op, 0, &in.matmul.a) && spm_lower_buf_view(l, op, 1, &in.matmul.b) &&
      spm_lower_buf_view(l, op, 2, &in.matmul.c))
    spm_lower_add_instr(l, op, &in, NULL, 0);
}

static void lower_conv(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_CONV2D;
  in.conv.accumulate = bool_attr(op, "accumulate");
  in.conv.groups = int_attr(op, "groups", 1);
  int64_t pad[4];
  if (!spm_op_static_i64_array(op, "strides", 2, in.conv.stride) ||
      !spm_op_static_i64_array(op, "dilations", 2, in.conv.dilation) ||
      !spm_op_static_i64_array(op, "padding", 4, pad)) {
    spm_lower_error(l, op, "strides, dilations (2) and padding (4) needed");
    return;
  }
  // Bottom / right padding only shape the output, which the view gives.
  in.conv.pad[0] = pad[0];
  in.conv.pad[1] = pad[1];
  if (spm_lower_buf_view(l, op, 0, &in.conv.in) && spm_lower_buf_view(l, op, 1, &in.conv.filter) &&
      spm_lower_buf_view(l, op, 2, &in.conv.out))
    spm_lower_add_instr(l, op, &in, NULL, 0);
}

// An ELTWISE over whole buffers: `ninputs` operands then the output, body
// `uops` (LOAD in0.. are the operands).
static void eltwise(spm_lower_t *l, MlirOperation op, int ninputs,
                    const spm_run_view_t *ins, const spm_run_view_t *out,
                    const spm_run_uop_t *uops, size_t nuops) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ELTWISE;
  in.eltwise.ninputs = ninputs;
  for (int i = 0; i < ninputs; ++i)
    in.eltwise.in[i] = ins[i];
  in.eltwise.out = *out;
  spm_lower_add_instr(l, op, &in, uops, nuops);
}

static void lower_pool(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_POOL;
  MlirAttribute k = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("kind"));
  MlirStringRef kind = mlirAttributeIsAString(k) ? mlirStringAttrGetValue(k)
                                                 : (MlirStringRef){"", 0};
  bool avg = kind.length == 3 && memcmp(kind.data, "avg", 3) == 0;
  bool max = kind.length == 3 && memcmp(kind.data, "max", 3) == 0;
  in.pool.kind = max ? SPM_RUN_POOL_MAX : SPM_RUN_POOL_SUM;
  in.pool.accumulate = bool_attr(op, "accumulate");
  in.pool.dilation[0] = in.pool.dilation[1] = 1;
  int64_t pad[4];
  if (!spm_op_static_i64_array(op, "window", 2, in.pool.window) ||
      !spm_op_static_i64_array(op, "strides", 2, in.pool.stride) ||
      !spm_op_static_i64_array(op, "padding", 4, pad) ||
      (!mlirAttributeIsNull(mlirOperationGetAttributeByName(
           op, mlirStringRefCreateFromCString("dilations"))) &&
       !spm_op_static_i64_array(op, "dilations", 2, in.pool.dilation))) {
    spm_lower_error(l, op, "window, strides, dilations (2) and padding (4) "
                           "needed");
    return;
  }
  if (avg && in.pool.accumulate) {
    spm_lower_error(l, op, "average pooling cannot accumulate");
    return;
  }
  if (avg && (pad[0] || pad[1] || pad[2] || pad[3])) {
    // The mean divides by the window positions inside the input, which
    // vary at padded borders: ELTWISE has no per-position divisor.
    spm_lower_error(l, op, "average pooling with padding is not supported by "
                           "spm-lower");
    return;
  }
  in.pool.pad[0] = pad[0];
  in.pool.pad[1] = pad[1];
  if (!spm_lower_buf_view(l, op, 0, &in.pool.in) || !spm_lower_buf_view(l, op, 1, &in.pool.out))
    return;
  spm_lower_add_instr(l, op, &in, NULL, 0);
  if (!avg || l->errors)
    return;
  // mean = sum / (KH * KW), divided in the element type (divf / divsi).
  spm_run_type_t t = in.pool.out.elem;
  int64_t count = in.pool.window[0] * in.pool.window[1];
  int64_t cbits = count;
  if (t == SPM_RUN_F32) {
    float f = (float)count;
    uint32_t u;
    memcpy(&u, &f, 4);
    cbits = u;
  }
  spm_run_uop_t u[4] = {
      {.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)t, .dst = 0, .imm = 0},
      {.op = SPM_RUN_UOP_CONST, .type = (uint8_t)t, .dst = 1, .imm = cbits},
      {.op = SPM_RUN_UOP_DIV, .type = (uint8_t)t, .dst = 2, .a = 0, .b = 1},
      {.op = SPM_RUN_UOP_YIELD, .type = (uint8_t)t, .a = 2},
  };
  eltwise(l, op, 1, &in.pool.out, &in.pool.out, u, 4);
}

// spm.add (2 inputs), spm.relu (1), spm.bias_add (input + per-channel bias),
// spm.scale (f32 only).
static void lower_elementwise(spm_lower_t *l, MlirOperation op) {
  bool add = spm_op_is(op, "spm.add"), relu = spm_op_is(op, "spm.relu"),
       bias = spm_op_is(op, "spm.bias_add");
  int nin = add || bias ? 2 : 1;
  spm_run_view_t v[3];
  for (int i = 0; i <= nin; ++i)
    if (!spm_lower_buf_view(l, op, i, &v[i]))
      return;
  spm_run_view_t out = v[nin];
  spm_run_type_t t = out.elem;
  if (bias) { // bias[c] along dimension 1 of the input's shape
    spm_run_view_t b = out;
    b.buffer = v[1].buffer;
    b.offset = 0;
    for (int d = 0; d < b.rank; ++d)
      b.stride[d] = d == 1 ? 1 : 0;
    v[1] = b;
  }
  spm_run_uop_t u[5];
  size_t n = 0;
  for (int i = 0; i < nin; ++i)
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)t,
                             .dst = (uint8_t)i, .imm = i};
  if (add || bias) {
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_ADD, .type = (uint8_t)t,
                             .dst = 2, .a = 0, .b = 1};
  } else if (relu) {
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_CONST, .type = (uint8_t)t,
                             .dst = 1, .imm = 0};
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_MAX, .type = (uint8_t)t,
                             .dst = 2, .a = 0, .b = 1};
  } else { // spm.scale
    MlirAttribute f = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString("factor"));
    if (t != SPM_RUN_F32 || !mlirAttributeIsAFloat(f)) {
      spm_lower_error(l, op, "spm.scale is lowered for f32 buffers only (the "
                             "rounding of a scaled integer is not defined)");
      return;
    }
    float x = (float)mlirFloatAttrGetValueDouble(f);
    uint32_t bits;
    memcpy(&bits, &x, 4);
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_CONST, .type = (uint8_t)t,
                             .dst = 1, .imm = bits};
    u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_MUL, .type = (uint8_t)t,
                             .dst = 2, .a = 0, .b = 1};
  }
  u[n++] = (spm_run_uop_t){.op = SPM_RUN_UOP_YIELD, .type = (uint8_t)t,
                           .a = 2};
  eltwise(l, op, nin, v, &out, u, n);
}

// spm.fill {value}: FILL with the value's bits (f32, or a sign-extended
// integer).
static void lower_fill(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_FILL;
  if (!spm_lower_buf_view(l, op, 0, &in.fill.out))
    return;
  MlirAttribute a = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsAFloat(a) && in.fill.out.elem == SPM_RUN_F32) {
    float f = (float)mlirFloatAttrGetValueDouble(a);
    uint32_t u;
    memcpy(&u, &f, 4);
    in.fill.value = u;
  } else if (mlirAttributeIsAInteger(a) && in.fill.out.elem != SPM_RUN_F32) {
    in.fill.value = (uint64_t)mlirIntegerAttrGetValueInt(a);
  } else {
    spm_lower_error(l, op, "the value's type differs from the buffer's");
    return;
  }
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

bool spm_lower_spm_compute(spm_lower_t *l, MlirOperation op) {
  if (spm_op_is(op, "spm.fill"))
    lower_fill(l, op);
  else if (spm_op_is(op, "spm.eltwise"))
    spm_lower_eltwise_kernel(l, op);
  else if (spm_op_is(op, "spm.matmul"))
    lower_matmul(l, op);
  else if (spm_op_is(op, "spm.conv2d"))
    lower_conv(l, op);
  else if (spm_op_is(op, "spm.pool"))
    lower_pool(l, op);
  else if (spm_op_is(op, "spm.add") || spm_op_is(op, "spm.relu") ||
           spm_op_is(op, "spm.bias_add") || spm_op_is(op, "spm.scale"))
    lower_elementwise(l, op);
  else
    return false;
  return true;
}
