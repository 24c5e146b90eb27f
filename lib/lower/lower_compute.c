// spm-lower: compute ops on the scratchpad (lower_internal.h): linalg.fill,
// linalg.matmul, linalg.conv_2d_nchw_fchw, linalg.pooling_nchw_max / _sum
// and element-wise linalg.generic (a micro-op program per element).
#include <math.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "lower_internal.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

// The value of a scalar arith.constant (f32 bits or a sign-extended integer)
// and its type; false if `v` is not one.
static bool scalar_constant(MlirValue v, uint64_t *bits, spm_run_type_t *t) {
  if (mlirValueIsABlockArgument(v))
    return false;
  MlirOperation d = mlirOpResultGetOwner(v);
  if (!spm_op_is(d, "arith.constant"))
    return false;
  MlirAttribute a = mlirOperationGetAttributeByName(
      d, mlirStringRefCreateFromCString("value"));
  MlirType ty = mlirValueGetType(v);
  if (mlirAttributeIsAFloat(a) && mlirTypeIsAF32(ty)) {
    float f = (float)mlirFloatAttrGetValueDouble(a);
    uint32_t u;
    memcpy(&u, &f, 4);
    *bits = u;
    *t = SPM_RUN_F32;
    return true;
  }
  if (mlirAttributeIsAInteger(a) && mlirTypeIsAInteger(ty)) {
    unsigned w = mlirIntegerTypeGetWidth(ty);
    *bits = (uint64_t)mlirIntegerAttrGetValueInt(a);
    *t = w == 1 ? SPM_RUN_I1 : w == 8 ? SPM_RUN_I8 : w == 16 ? SPM_RUN_I16
         : w == 32 ? SPM_RUN_I32 : w == 64 ? SPM_RUN_I64 : SPM_RUN_TYPE_COUNT;
    if (w < 64) { // sign-extend from the type's width
      uint64_t m = (uint64_t)1 << (w - 1);
      *bits = ((*bits & ((m << 1) - 1)) ^ m) - m;
    }
    return *t != SPM_RUN_TYPE_COUNT;
  }
  return false;
}

static bool two_i64(MlirOperation op, const char *name, int64_t out[2]) {
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  out[0] = out[1] = 1;
  if (mlirAttributeIsNull(a))
    return true;
  if (!mlirAttributeIsADenseElements(a) ||
      mlirElementsAttrGetNumElements(a) != 2)
    return false;
  out[0] = mlirDenseElementsAttrGetInt64Value(a, 0);
  out[1] = mlirDenseElementsAttrGetInt64Value(a, 1);
  return true;
}

static void lower_fill(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_FILL;
  spm_run_type_t t;
  if (!scalar_constant(mlirOperationGetOperand(op, 0), &in.fill.value, &t)) {
    spm_lower_error(l, op, "the fill value must be an arith.constant");
    return;
  }
  if (!spm_lower_view(l, op, 1, mlirOperationGetOperand(op, 1), &in.fill.out))
    return;
  if (t != in.fill.out.elem) {
    spm_lower_error(l, op, "the fill value's type differs from the buffer's");
    return;
  }
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

// The machine's matmul, conv2d and pool take all-f32 or all-integer
// operands (spm_run_check_kinds); a mix is an error at the op (y may be
// NULL).
static bool same_kind(spm_lower_t *l, MlirOperation op,
                      const spm_run_view_t *x, const spm_run_view_t *y,
                      const spm_run_view_t *out) {
  spm_status_t st = spm_run_check_kinds(x, y, out);
  if (spm_status_is_ok(st))
    return true;
  spm_lower_error(l, op, "%s, which the machine does not compute",
                  spm_status_message(st));
  spm_status_free(st);
  return false;
}

static void lower_matmul(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_MATMUL;
  in.matmul.accumulate = true; // linalg accumulates into its output
  spm_run_view_t *v[3] = {&in.matmul.a, &in.matmul.b, &in.matmul.c};
  for (int i = 0; i < 3; ++i)
    if (!spm_lower_view(l, op, i, mlirOperationGetOperand(op, i), v[i]))
      return;
  if (in.matmul.a.rank != 2 || in.matmul.b.rank != 2 || in.matmul.c.rank != 2) {
    spm_lower_error(l, op, "operands must be of rank 2");
    return;
  }
  if (!same_kind(l, op, v[0], v[1], v[2]))
    return;
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

static void lower_conv(spm_lower_t *l, MlirOperation op) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_CONV2D;
  in.conv.accumulate = true;
  in.conv.groups = 1;
  if (!two_i64(op, "strides", in.conv.stride) ||
      !two_i64(op, "dilations", in.conv.dilation)) {
    spm_lower_error(l, op, "strides and dilations must be 2 integers");
    return;
  }
  spm_run_view_t *v[3] = {&in.conv.in, &in.conv.filter, &in.conv.out};
  for (int i = 0; i < 3; ++i)
    if (!spm_lower_view(l, op, i, mlirOperationGetOperand(op, i), v[i]))
      return;
  if (v[0]->rank != 4 || v[1]->rank != 4 || v[2]->rank != 4) {
    spm_lower_error(l, op, "operands must be of rank 4");
    return;
  }
  if (!same_kind(l, op, v[0], v[1], v[2]))
    return;
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

static void lower_pool(spm_lower_t *l, MlirOperation op, bool max) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_POOL;
  in.pool.kind = max ? SPM_RUN_POOL_MAX : SPM_RUN_POOL_SUM;
  in.pool.accumulate = true;
  if (!two_i64(op, "strides", in.pool.stride) ||
      !two_i64(op, "dilations", in.pool.dilation)) {
    spm_lower_error(l, op, "strides and dilations must be 2 integers");
    return;
  }
  MlirType wt = mlirValueGetType(mlirOperationGetOperand(op, 1));
  if (!mlirTypeIsAShaped(wt) || mlirShapedTypeGetRank(wt) != 2 ||
      !mlirShapedTypeHasStaticShape(wt)) {
    spm_lower_error(l, op, "the window operand must be a static 2-d memref");
    return;
  }
  in.pool.window[0] = mlirShapedTypeGetDimSize(wt, 0);
  in.pool.window[1] = mlirShapedTypeGetDimSize(wt, 1);
  if (!spm_lower_view(l, op, 0, mlirOperationGetOperand(op, 0), &in.pool.in) ||
      !spm_lower_view(l, op, 2, mlirOperationGetOperand(op, 2), &in.pool.out))
    return;
  if (in.pool.in.rank != 4 || in.pool.out.rank != 4) {
    spm_lower_error(l, op, "operands must be of rank 4");
    return;
  }
  if (!same_kind(l, op, &in.pool.in, NULL, &in.pool.out))
    return;
  spm_lower_add_instr(l, op, &in, NULL, 0);
}

// --- linalg.generic -----------------------------------------------------

#define MAXD 8 // loop dimensions

// expr as sum_d coef[d] * d + *cst; false if not linear in the dims.
static bool linearize(MlirAffineExpr e, int64_t scale, int64_t *coef,
                      int64_t *cst) {
  if (mlirAffineExprIsADim(e)) {
    intptr_t p = mlirAffineDimExprGetPosition(e);
    if (p >= MAXD)
      return false;
    coef[p] += scale;
    return true;
  }
  if (mlirAffineExprIsAConstant(e)) {
    *cst += scale * mlirAffineConstantExprGetValue(e);
    return true;
  }
  if (mlirAffineExprIsAAdd(e))
    return linearize(mlirAffineBinaryOpExprGetLHS(e), scale, coef, cst) &&
           linearize(mlirAffineBinaryOpExprGetRHS(e), scale, coef, cst);
  if (mlirAffineExprIsAMul(e)) {
    MlirAffineExpr a = mlirAffineBinaryOpExprGetLHS(e),
                   b = mlirAffineBinaryOpExprGetRHS(e);
    if (mlirAffineExprIsAConstant(b))
      return linearize(a, scale * mlirAffineConstantExprGetValue(b), coef, cst);
    if (mlirAffineExprIsAConstant(a))
      return linearize(b, scale * mlirAffineConstantExprGetValue(a), coef, cst);
  }
  return false;
}

typedef struct {
  uint32_t buffer;
  spm_run_type_t elem;
  int64_t byte_offset;
  int64_t stride[MAXD]; // per loop dimension, elements
} loop_view_t;

typedef struct {
  spm_run_uop_t uops[SPM_RUN_MAX_UOPS];
  int nuops, nregs;
  const void *reg_key[SPM_RUN_NUM_REGS]; // MlirValue.ptr held by register
  int reg_of_input[SPM_RUN_MAX_INPUTS + 1];
} body_t;

static int body_reg(body_t *b, MlirValue v) {
  for (int r = 0; r < b->nregs; ++r)
    if (b->reg_key[r] == v.ptr)
      return r;
  return -1;
}

static bool body_push(body_t *b, spm_run_uop_t u) {
  if (b->nuops == SPM_RUN_MAX_UOPS)
    return false;
  b->uops[b->nuops++] = u;
  return true;
}

static int body_new_reg(body_t *b, MlirValue v) {
  if (b->nregs == SPM_RUN_NUM_REGS)
    return -1;
  b->reg_key[b->nregs] = v.ptr;
  return b->nregs++;
}

static bool reg_type(MlirType t, spm_run_type_t *out) {
  if (mlirTypeIsAF32(t)) {
    *out = SPM_RUN_F32;
    return true;
  }
  if (!mlirTypeIsAInteger(t))
    return false;
  switch (mlirIntegerTypeGetWidth(t)) {
  case 1: *out = SPM_RUN_I1; return true;
  case 8: *out = SPM_RUN_I8; return true;
  case 16: *out = SPM_RUN_I16; return true;
  case 32: *out = SPM_RUN_I32; return true;
  case 64: *out = SPM_RUN_I64; return true;
  }
  return false;
}

static const struct {
  const char *name;
  spm_run_uop_op_t op;
  int nargs;
} uop_table[] = {
    {"arith.addf", SPM_RUN_UOP_ADD, 2},     {"arith.addi", SPM_RUN_UOP_ADD, 2},
    {"arith.subf", SPM_RUN_UOP_SUB, 2},     {"arith.subi", SPM_RUN_UOP_SUB, 2},
    {"arith.mulf", SPM_RUN_UOP_MUL, 2},     {"arith.muli", SPM_RUN_UOP_MUL, 2},
    {"arith.divf", SPM_RUN_UOP_DIV, 2},     {"arith.divsi", SPM_RUN_UOP_DIV, 2},
    {"arith.divui", SPM_RUN_UOP_DIVU, 2},   {"arith.remf", SPM_RUN_UOP_REM, 2},
    {"arith.remsi", SPM_RUN_UOP_REM, 2},    {"arith.remui", SPM_RUN_UOP_REMU, 2},
    {"arith.maximumf", SPM_RUN_UOP_MAX, 2}, {"arith.maxsi", SPM_RUN_UOP_MAX, 2},
    {"arith.minimumf", SPM_RUN_UOP_MIN, 2}, {"arith.minsi", SPM_RUN_UOP_MIN, 2},
    {"arith.maxui", SPM_RUN_UOP_MAXU, 2},   {"arith.minui", SPM_RUN_UOP_MINU, 2},
    {"arith.maxnumf", SPM_RUN_UOP_MAXNUM, 2},
    {"arith.minnumf", SPM_RUN_UOP_MINNUM, 2},
    {"arith.negf", SPM_RUN_UOP_NEG, 1},     {"arith.andi", SPM_RUN_UOP_AND, 2},
    {"arith.ori", SPM_RUN_UOP_OR, 2},       {"arith.xori", SPM_RUN_UOP_XOR, 2},
    {"arith.shli", SPM_RUN_UOP_SHL, 2},     {"arith.shrsi", SPM_RUN_UOP_SHRS, 2},
    {"arith.shrui", SPM_RUN_UOP_SHRU, 2},   {"arith.trunci", SPM_RUN_UOP_TRUNC, 1},
    {"arith.extsi", SPM_RUN_UOP_EXTS, 1},   {"arith.extui", SPM_RUN_UOP_EXTU, 1},
    {"arith.sitofp", SPM_RUN_UOP_SITOFP, 1},
    {"arith.uitofp", SPM_RUN_UOP_UITOFP, 1},
    {"arith.fptosi", SPM_RUN_UOP_FPTOSI, 1},
    {"arith.fptoui", SPM_RUN_UOP_FPTOUI, 1},
    {"arith.cmpi", SPM_RUN_UOP_CMP, 2},     {"arith.cmpf", SPM_RUN_UOP_CMP, 2},
    {"arith.select", SPM_RUN_UOP_SELECT, 3},
};

// The register holding `v` inside the body: a block argument (LOAD of its
// input, on first use), a value computed in the body, or a constant from
// outside (CONST). -1 with a diagnostic otherwise.
static int operand_reg(spm_lower_t *l, MlirOperation op, body_t *b,
                       MlirBlock blk, MlirValue v, const int *input_of_arg) {
  int r = body_reg(b, v);
  if (r >= 0)
    return r;
  if (mlirValueIsABlockArgument(v) &&
      mlirBlockEqual(mlirBlockArgumentGetOwner(v), blk)) {
    intptr_t a = mlirBlockArgumentGetArgNumber(v);
    spm_run_type_t t;
    if (input_of_arg[a] < 0 || !reg_type(mlirValueGetType(v), &t))
      return -1;
    r = body_new_reg(b, v);
    spm_run_uop_t u = {.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)t,
                       .dst = (uint8_t)r, .imm = input_of_arg[a]};
    if (r < 0 || !body_push(b, u))
      return -1;
    return r;
  }
  uint64_t bits;
  spm_run_type_t t;
  if (scalar_constant(v, &bits, &t)) {
    r = body_new_reg(b, v);
    spm_run_uop_t u = {.op = SPM_RUN_UOP_CONST, .type = (uint8_t)t,
                       .dst = (uint8_t)r, .imm = (int64_t)bits};
    if (r < 0 || !body_push(b, u))
      return -1;
    return r;
  }
  spm_lower_error(l, op, "the body uses a value that is neither a block "
                         "argument, a body result nor a scalar constant");
  return -1;
}

static bool lower_body(spm_lower_t *l, MlirOperation op, MlirBlock blk,
                       const int *input_of_arg, body_t *b) {
  for (MlirOperation o = mlirBlockGetFirstOperation(blk);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o)) {
    int regs[3] = {0, 0, 0};
    int n = (int)mlirOperationGetNumOperands(o);
    if (spm_op_is(o, "arith.constant"))
      continue; // a CONST where it is used (operand_reg)
    if (spm_op_is(o, "linalg.yield") || spm_op_is(o, "func.return")) {
      if (n != 1) {
        spm_lower_error(l, op, "the body must yield one value");
        return false;
      }
      int r = operand_reg(l, op, b, blk, mlirOperationGetOperand(o, 0),
                          input_of_arg);
      spm_run_type_t t;
      if (r < 0 || !reg_type(mlirValueGetType(mlirOperationGetOperand(o, 0)),
                             &t))
        goto too_big;
      spm_run_uop_t u = {.op = SPM_RUN_UOP_YIELD, .type = (uint8_t)t,
                         .a = (uint8_t)r};
      if (!body_push(b, u))
        goto too_big;
      return true;
    }
    size_t k = 0;
    for (; k < sizeof uop_table / sizeof *uop_table; ++k)
      if (spm_op_is(o, uop_table[k].name))
        break;
    if (k == sizeof uop_table / sizeof *uop_table) {
      MlirStringRef nm = mlirIdentifierStr(mlirOperationGetName(o));
      spm_lower_error(l, op, "'%.*s' in the body has no micro-op",
                      (int)nm.length, nm.data);
      return false;
    }
    if (n != uop_table[k].nargs || mlirOperationGetNumResults(o) != 1) {
      spm_lower_error(l, op, "unexpected operands in the body");
      return false;
    }
    for (int i = 0; i < n; ++i) {
      regs[i] = operand_reg(l, op, b, blk, mlirOperationGetOperand(o, i),
                            input_of_arg);
      if (regs[i] < 0)
        goto too_big;
    }
    MlirValue res = mlirOperationGetResult(o, 0);
    spm_run_type_t t;
    if (!reg_type(mlirValueGetType(res), &t)) {
      spm_lower_error(l, op, "body values must be f32 or i1..i64");
      return false;
    }
    spm_run_uop_t u = {.op = (uint8_t)uop_table[k].op, .type = (uint8_t)t,
                       .a = (uint8_t)regs[0], .b = (uint8_t)regs[1],
                       .c = (uint8_t)regs[2]};
    if (uop_table[k].op == SPM_RUN_UOP_CMP) {
      MlirAttribute p = mlirOperationGetAttributeByName(
          o, mlirStringRefCreateFromCString("predicate"));
      int64_t pv = mlirAttributeIsAInteger(p) ? mlirIntegerAttrGetValueInt(p)
                                              : -1;
      bool f = spm_op_is(o, "arith.cmpf");
      if (pv < 0 || pv > (f ? 15 : 9)) {
        spm_lower_error(l, op, "unknown comparison predicate");
        return false;
      }
      u.pred = (uint8_t)(f ? SPM_RUN_PRED_F_FALSE + pv : pv);
    }
    if (uop_table[k].op == SPM_RUN_UOP_SELECT) // dst := a ? b : c
      u.a = (uint8_t)regs[0], u.b = (uint8_t)regs[1], u.c = (uint8_t)regs[2];
    int d = body_new_reg(b, res);
    if (d < 0)
      goto too_big;
    u.dst = (uint8_t)d;
    if (!body_push(b, u))
      goto too_big;
  }
  spm_lower_error(l, op, "the body has no linalg.yield / func.return");
  return false;
too_big:
  if (!l->errors)
    spm_lower_error(l, op,
                    "the body needs more than %d micro-ops or %d registers",
                    SPM_RUN_MAX_UOPS, SPM_RUN_NUM_REGS);
  return false;
}

// The ELTWISE of `op` over views[0..nins] (inputs, then the output) with
// the body of block `blk` (one argument per view): inputs are LOADs 0..
// nins-1; the output's argument, when read, becomes one more input.
static void eltwise_instr(spm_lower_t *l, MlirOperation op, MlirBlock blk,
                          int nins, const spm_run_view_t *views) {
  int input_of_arg[SPM_RUN_MAX_INPUTS + 1];
  int ninputs = nins;
  for (int i = 0; i < nins; ++i)
    input_of_arg[i] = i;
  input_of_arg[nins] = -1;
  if (!mlirOpOperandIsNull(
          mlirValueGetFirstUse(mlirBlockGetArgument(blk, nins)))) {
    if (ninputs == SPM_RUN_MAX_INPUTS) {
      spm_lower_error(l, op, "more than %d inputs", SPM_RUN_MAX_INPUTS);
      return;
    }
    input_of_arg[nins] = ninputs++;
  }
  body_t b;
  memset(&b, 0, sizeof b);
  if (!lower_body(l, op, blk, input_of_arg, &b))
    return;
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ELTWISE;
  in.eltwise.ninputs = ninputs;
  for (int i = 0; i < nins; ++i)
    in.eltwise.in[i] = views[i];
  if (input_of_arg[nins] >= 0)
    in.eltwise.in[input_of_arg[nins]] = views[nins];
  in.eltwise.out = views[nins];
  spm_lower_add_instr(l, op, &in, b.uops, (size_t)b.nuops);
}

static void lower_generic(spm_lower_t *l, MlirOperation op) {
  MlirAttribute its = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("iterator_types"));
  MlirAttribute maps = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("indexing_maps"));
  int nops = (int)mlirOperationGetNumOperands(op);
  if (!mlirAttributeIsAArray(its) || !mlirAttributeIsAArray(maps) ||
      mlirArrayAttrGetNumElements(maps) != nops) {
    spm_lower_error(l, op, "malformed linalg.generic");
    return;
  }
  int nd = (int)mlirArrayAttrGetNumElements(its);
  for (int d = 0; d < nd; ++d) {
    spm_strbuf_t s = SPM_STRBUF_INIT;
    mlirAttributePrint(mlirArrayAttrGetElement(its, d),
                       spm_strbuf_append_callback, &s);
    bool par = strstr(spm_strbuf_cstr(&s), "parallel") != NULL;
    spm_strbuf_free(&s);
    if (!par) {
      spm_lower_error(l, op, "only element-wise linalg.generic (all "
                             "iterators parallel) is supported");
      return;
    }
  }
  if (nd > MAXD || nops < 1 || nops > SPM_RUN_MAX_INPUTS + 1) {
    spm_lower_error(l, op, "at most %d loops and %d operands are supported",
                    MAXD, SPM_RUN_MAX_INPUTS + 1);
    return;
  }
  int nins = nops - 1;
  // Loop extents and each operand's strides in the loop space.
  int64_t ext[MAXD];
  for (int d = 0; d < nd; ++d)
    ext[d] = -1;
  loop_view_t lv[SPM_RUN_MAX_INPUTS + 1];
  for (int i = 0; i < nops; ++i) {
    spm_lower_mem_t m;
    if (!spm_lower_mem(l, op, i, mlirOperationGetOperand(op, i), &m))
      return;
    MlirAffineMap map =
        mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, i));
    if (mlirAffineMapGetNumResults(map) != m.rank) {
      spm_lower_error(l, op, "indexing map %d does not match its operand", i);
      return;
    }
    memset(&lv[i], 0, sizeof lv[i]);
    lv[i].buffer = m.buffer;
    lv[i].elem = m.elem;
    lv[i].byte_offset = m.byte_offset;
    for (int r = 0; r < m.rank; ++r) {
      int64_t coef[MAXD] = {0}, cst = 0;
      MlirAffineExpr e = mlirAffineMapGetResult(map, r);
      if (!linearize(e, 1, coef, &cst)) {
        spm_lower_error(l, op, "indexing map %d is not linear", i);
        return;
      }
      lv[i].byte_offset += cst * m.strides[r] * spm_run_type_size(m.elem);
      for (int d = 0; d < nd; ++d)
        lv[i].stride[d] += coef[d] * m.strides[r];
      if (mlirAffineExprIsADim(e))
        ext[mlirAffineDimExprGetPosition(e)] = m.shape[r];
    }
  }
  for (int d = 0; d < nd; ++d)
    if (ext[d] < 1) {
      spm_lower_error(l, op, "the extent of loop %d is not an operand "
                             "dimension", d);
      return;
    }
  // Fit the loop space into 4 dimensions: drop unit loops, merge loops
  // that every operand walks contiguously.
  int keep[MAXD], nk = 0;
  for (int d = 0; d < nd; ++d)
    if (ext[d] != 1)
      keep[nk++] = d;
  int64_t kext[MAXD], kstr[SPM_RUN_MAX_INPUTS + 1][MAXD];
  int r = 0;
  for (int j = 0; j < nk; ++j) {
    int d = keep[j];
    bool merge = r > 0;
    for (int i = 0; i < nops && merge; ++i)
      merge = kstr[i][r - 1] == lv[i].stride[d] * ext[d];
    if (merge) {
      kext[r - 1] *= ext[d];
      for (int i = 0; i < nops; ++i)
        kstr[i][r - 1] = lv[i].stride[d];
      continue;
    }
    kext[r] = ext[d];
    for (int i = 0; i < nops; ++i)
      kstr[i][r] = lv[i].stride[d];
    r++;
  }
  if (r > SPM_RUN_MAX_RANK) {
    spm_lower_error(l, op, "the loop space has more than %d dimensions",
                    SPM_RUN_MAX_RANK);
    return;
  }
  if (r == 0) {
    kext[0] = 1;
    for (int i = 0; i < nops; ++i)
      kstr[i][0] = 1;
    r = 1;
  }
  spm_run_view_t views[SPM_RUN_MAX_INPUTS + 1];
  for (int i = 0; i < nops; ++i) {
    memset(&views[i], 0, sizeof views[i]);
    views[i].buffer = lv[i].buffer;
    views[i].elem = lv[i].elem;
    views[i].offset = lv[i].byte_offset;
    views[i].rank = r;
    for (int d = 0; d < r; ++d) {
      views[i].shape[d] = kext[d];
      views[i].stride[d] = kext[d] == 1 ? 1 : kstr[i][d];
      if (views[i].stride[d] < 0) {
        spm_lower_error(l, op, "negative strides are not supported");
        return;
      }
    }
  }
  const spm_run_view_t *out = &views[nops - 1];
  for (int d = 0; d < r; ++d)
    if (out->stride[d] == 0) {
      spm_lower_error(l, op, "the output is broadcast (a reduction): not "
                             "element-wise");
      return;
    }
  eltwise_instr(l, op, mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0)),
                nins, views);
}


// spm.eltwise %in..., %out {kernel = @f}: the operands are views of one
// shape (the verifier checked); the kernel's body becomes the micro-ops,
// its arguments LOADs of the inputs (the output's, when read, one more).
void spm_lower_eltwise_kernel(spm_lower_t *l, MlirOperation op) {
  int nops = (int)mlirOperationGetNumOperands(op), nins = nops - 1;
  if (nops < 1 || nops > SPM_RUN_MAX_INPUTS + 1) {
    spm_lower_error(l, op, "1 to %d operands are supported",
                    SPM_RUN_MAX_INPUTS + 1);
    return;
  }
  spm_run_view_t views[SPM_RUN_MAX_INPUTS + 1];
  for (int i = 0; i < nops; ++i)
    if (!spm_lower_buf_view(l, op, i, &views[i]))
      return;
  for (int i = 0; i < nops; ++i) {
    bool same = views[i].rank == views[nins].rank;
    for (int d = 0; same && d < views[i].rank; ++d)
      same = views[i].shape[d] == views[nins].shape[d];
    if (!same) {
      spm_lower_error(l, op, "operand #%d has another shape than the output",
                      i);
      return;
    }
  }
  for (int d = 0; d < views[nins].rank; ++d)
    if (views[nins].stride[d] == 0 && views[nins].shape[d] > 1) {
      spm_lower_error(l, op, "the output view has stride 0 (a reduction): "
                             "not element-wise");
      return;
    }
  MlirAttribute k = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("kernel"));
  MlirOperation f = mlirAttributeIsAFlatSymbolRef(k)
                        ? spm_lookup_symbol(op, mlirFlatSymbolRefAttrGetValue(k))
                        : (MlirOperation){NULL};
  if (mlirOperationIsNull(f) || !spm_op_is(f, "func.func")) {
    spm_lower_error(l, op, "the kernel is not a func.func of the module");
    return;
  }
  MlirBlock blk = mlirRegionGetFirstBlock(mlirOperationGetRegion(f, 0));
  if (mlirBlockIsNull(blk) || mlirBlockGetNumArguments(blk) != nops ||
      mlirBlockGetNextInRegion(blk).ptr) {
    spm_lower_error(l, op, "the kernel must have one block with one "
                           "argument per operand");
    return;
  }
  eltwise_instr(l, op, blk, nins, views);
}

bool spm_lower_compute(spm_lower_t *l, MlirOperation op) {
  if (spm_op_is(op, "linalg.fill"))
    lower_fill(l, op);
  else if (spm_op_is(op, "linalg.matmul"))
    lower_matmul(l, op);
  else if (spm_op_is(op, "linalg.conv_2d_nchw_fchw"))
    lower_conv(l, op);
  else if (spm_op_is(op, "linalg.pooling_nchw_max"))
    lower_pool(l, op, true);
  else if (spm_op_is(op, "linalg.pooling_nchw_sum"))
    lower_pool(l, op, false);
  else if (spm_op_is(op, "linalg.generic"))
    lower_generic(l, op);
  else
    return spm_lower_spm_compute(l, op);
  return true;
}
