// ELTWISE micro-ops: the type check and the per-element evaluator. The
// semantics are those of the arith op each micro-op stands for
// (docs/isa.md, "Micro-ops").
#include <math.h>
#include <string.h>

#include "run/run_internal.h"

typedef enum { ARG_NONE, ARG_SAME, ARG_INT, ARG_FLOAT } arg_kind_t;

static bool is_binary(int op) {
  return (op >= SPM_RUN_UOP_ADD && op <= SPM_RUN_UOP_MINNUM) ||
         (op >= SPM_RUN_UOP_AND && op <= SPM_RUN_UOP_SHRU);
}
static bool int_only(int op) {
  return op == SPM_RUN_UOP_DIVU || op == SPM_RUN_UOP_REMU ||
         op == SPM_RUN_UOP_MAXU || op == SPM_RUN_UOP_MINU ||
         (op >= SPM_RUN_UOP_AND && op <= SPM_RUN_UOP_SHRU);
}

#define BAD(...) spm_status_make(SPM_STATUS_INVALID_ARGUMENT, __VA_ARGS__)

spm_status_t spm_run_uops_check(const spm_run_uop_t *u, size_t n,
                                const spm_run_type_t *in_types, int ninputs,
                                spm_run_type_t out_type) {
  int rt[SPM_RUN_NUM_REGS];
  for (int r = 0; r < SPM_RUN_NUM_REGS; ++r)
    rt[r] = -1;
  if (n < 1 || n > SPM_RUN_MAX_UOPS)
    return BAD("body has %zu micro-ops (1..%d)", n, SPM_RUN_MAX_UOPS);
  for (size_t k = 0; k < n; ++k) {
    const spm_run_uop_t *x = &u[k];
    int op = x->op, ty = x->type;
    if (op >= SPM_RUN_UOP_COUNT)
      return BAD("micro-op %zu: unknown opcode %d", k, op);
    const char *name = spm_run_uop_name((spm_run_uop_op_t)op);
    if (ty >= SPM_RUN_TYPE_COUNT)
      return BAD("micro-op %zu (%s): unknown type %d", k, name, ty);
    bool tint = spm_run_type_is_int((spm_run_type_t)ty);
    int tbits = spm_run_type_bits((spm_run_type_t)ty);
    if ((op == SPM_RUN_UOP_YIELD) != (k == n - 1))
      return BAD("micro-op %zu (%s): the body must end with its only yield",
                 k, name);
    // Registers read, and which fields must be zero.
    int nread = 0;
    if (op == SPM_RUN_UOP_LOAD || op == SPM_RUN_UOP_CONST)
      nread = 0;
    else if (op == SPM_RUN_UOP_SELECT)
      nread = 3;
    else if (is_binary(op) || op == SPM_RUN_UOP_CMP)
      nread = 2;
    else
      nread = 1;
    const uint8_t regs[3] = {x->a, x->b, x->c};
    for (int j = 0; j < 3; ++j) {
      if (j >= nread && regs[j] != 0)
        return BAD("micro-op %zu (%s): unused operand %d is not 0", k, name,
                   j);
      if (j < nread) {
        if (regs[j] >= SPM_RUN_NUM_REGS)
          return BAD("micro-op %zu (%s): register r%d out of range", k, name,
                     regs[j]);
        if (rt[regs[j]] < 0)
          return BAD("micro-op %zu (%s): register r%d read before written",
                     k, name, regs[j]);
      }
    }
    if (op != SPM_RUN_UOP_CMP && x->pred != 0)
      return BAD("micro-op %zu (%s): unused predicate is not 0", k, name);
    if (op != SPM_RUN_UOP_LOAD && op != SPM_RUN_UOP_CONST && x->imm != 0)
      return BAD("micro-op %zu (%s): unused immediate is not 0", k, name);
    if (op == SPM_RUN_UOP_YIELD && x->dst != 0)
      return BAD("micro-op %zu (%s): unused destination is not 0", k, name);
    if (op != SPM_RUN_UOP_YIELD && x->dst >= SPM_RUN_NUM_REGS)
      return BAD("micro-op %zu (%s): register r%d out of range", k, name,
                 x->dst);
    int ta = nread > 0 ? rt[x->a] : -1, tb = nread > 1 ? rt[x->b] : -1;
    bool aint = ta >= 0 && spm_run_type_is_int((spm_run_type_t)ta);
    int abits = ta >= 0 ? spm_run_type_bits((spm_run_type_t)ta) : 0;
    switch (op) {
    case SPM_RUN_UOP_LOAD:
      if (x->imm < 0 || x->imm >= ninputs)
        return BAD("micro-op %zu (load): input %lld of %d", k,
                   (long long)x->imm, ninputs);
      if (ty != (int)in_types[x->imm])
        return BAD("micro-op %zu (load): type %s but input %lld is %s", k,
                   spm_run_type_name((spm_run_type_t)ty), (long long)x->imm,
                   spm_run_type_name(in_types[x->imm]));
      break;
    case SPM_RUN_UOP_CONST:
      if (tint ? x->imm != spm_run_sext((uint64_t)x->imm, tbits)
               : (x->imm < 0 || x->imm > (int64_t)UINT32_MAX))
        return BAD("micro-op %zu (const): %lld is not a canonical %s", k,
                   (long long)x->imm, spm_run_type_name((spm_run_type_t)ty));
      break;
    case SPM_RUN_UOP_YIELD:
      if (ty != (int)out_type || ta != ty)
        return BAD("micro-op %zu (yield): yields %s into a %s output", k,
                   spm_run_type_name((spm_run_type_t)ta),
                   spm_run_type_name(out_type));
      break;
    case SPM_RUN_UOP_NEG:
      if (ty != SPM_RUN_F32 || ta != ty)
        return BAD("micro-op %zu (neg): needs f32", k);
      break;
    case SPM_RUN_UOP_TRUNC:
    case SPM_RUN_UOP_EXTS:
    case SPM_RUN_UOP_EXTU:
      if (!tint || !aint ||
          (op == SPM_RUN_UOP_TRUNC ? abits <= tbits : abits >= tbits))
        return BAD("micro-op %zu (%s): cannot convert %s to %s", k, name,
                   spm_run_type_name((spm_run_type_t)ta),
                   spm_run_type_name((spm_run_type_t)ty));
      break;
    case SPM_RUN_UOP_SITOFP:
    case SPM_RUN_UOP_UITOFP:
      if (ty != SPM_RUN_F32 || !aint)
        return BAD("micro-op %zu (%s): needs an integer operand and f32", k,
                   name);
      break;
    case SPM_RUN_UOP_FPTOSI:
    case SPM_RUN_UOP_FPTOUI:
      if (!tint || ta != SPM_RUN_F32)
        return BAD("micro-op %zu (%s): needs an f32 operand and an integer "
                   "result", k, name);
      break;
    case SPM_RUN_UOP_CMP: {
      if (ty != SPM_RUN_I1 || ta != tb)
        return BAD("micro-op %zu (cmp): needs operands of one type and an "
                   "i1 result", k);
      bool ok = aint ? x->pred <= SPM_RUN_PRED_UGE
                     : (x->pred >= SPM_RUN_PRED_F_FALSE &&
                        x->pred <= SPM_RUN_PRED_F_TRUE);
      if (!ok)
        return BAD("micro-op %zu (cmp): predicate %d invalid for %s", k,
                   x->pred, spm_run_type_name((spm_run_type_t)ta));
      break;
    }
    case SPM_RUN_UOP_SELECT:
      if (ta != SPM_RUN_I1 || rt[x->b] != ty || rt[x->c] != ty)
        return BAD("micro-op %zu (select): needs an i1 condition and two "
                   "operands of the result type", k);
      break;
    default: // binary
      if (ta != ty || tb != ty)
        return BAD("micro-op %zu (%s): operands %s, %s but result %s", k,
                   name, spm_run_type_name((spm_run_type_t)ta),
                   spm_run_type_name((spm_run_type_t)tb),
                   spm_run_type_name((spm_run_type_t)ty));
      if (int_only(op) && !tint)
        return BAD("micro-op %zu (%s): integer only", k, name);
      if ((op == SPM_RUN_UOP_MAXNUM || op == SPM_RUN_UOP_MINNUM) && tint)
        return BAD("micro-op %zu (%s): f32 only", k, name);
      break;
    }
    if (op != SPM_RUN_UOP_YIELD)
      rt[x->dst] = ty;
  }
  return SPM_OK;
}

const char *spm_run_uop_error_text(spm_run_uop_error_t e) {
  switch (e) {
  case SPM_RUN_UOP_ERR_DIV_ZERO: return "integer division by zero";
  case SPM_RUN_UOP_ERR_DIV_OVERFLOW: return "signed division overflow";
  case SPM_RUN_UOP_ERR_SHIFT: return "shift amount >= bit width (poison)";
  case SPM_RUN_UOP_ERR_FP_RANGE:
    return "float to integer conversion out of range (poison)";
  default: return "ok";
  }
}

// arith.maximumf / minimumf: NaN-propagating, -0 < +0.
static float fmaximum(float a, float b, bool max) {
  if (isnan(a))
    return a;
  if (isnan(b))
    return b;
  if (a == b) // equal, possibly zeros of different sign
    return (signbit(a) != 0) == max ? b : a;
  return (a > b) == max ? a : b;
}

static bool cmp_float(int pred, float a, float b) {
  bool ord = !isnan(a) && !isnan(b);
  switch (pred) {
  case SPM_RUN_PRED_F_FALSE: return false;
  case SPM_RUN_PRED_F_OEQ: return ord && a == b;
  case SPM_RUN_PRED_F_OGT: return ord && a > b;
  case SPM_RUN_PRED_F_OGE: return ord && a >= b;
  case SPM_RUN_PRED_F_OLT: return ord && a < b;
  case SPM_RUN_PRED_F_OLE: return ord && a <= b;
  case SPM_RUN_PRED_F_ONE: return ord && a != b;
  case SPM_RUN_PRED_F_ORD: return ord;
  case SPM_RUN_PRED_F_UEQ: return !ord || a == b;
  case SPM_RUN_PRED_F_UGT: return !ord || a > b;
  case SPM_RUN_PRED_F_UGE: return !ord || a >= b;
  case SPM_RUN_PRED_F_ULT: return !ord || a < b;
  case SPM_RUN_PRED_F_ULE: return !ord || a <= b;
  case SPM_RUN_PRED_F_UNE: return !ord || a != b;
  case SPM_RUN_PRED_F_UNO: return !ord;
  default: return true; // F_TRUE
  }
}

static bool cmp_int(int pred, int64_t a, int64_t b, int bits) {
  uint64_t ua = spm_run_zext(a, bits), ub = spm_run_zext(b, bits);
  switch (pred) {
  case SPM_RUN_PRED_EQ: return a == b;
  case SPM_RUN_PRED_NE: return a != b;
  case SPM_RUN_PRED_SLT: return a < b;
  case SPM_RUN_PRED_SLE: return a <= b;
  case SPM_RUN_PRED_SGT: return a > b;
  case SPM_RUN_PRED_SGE: return a >= b;
  case SPM_RUN_PRED_ULT: return ua < ub;
  case SPM_RUN_PRED_ULE: return ua <= ub;
  case SPM_RUN_PRED_UGT: return ua > ub;
  default: return ua >= ub; // UGE
  }
}

// fptosi / fptoui: truncate toward zero; poison when the result does not
// fit in `bits` (or for NaN / infinities).
static spm_run_uop_error_t fp_to_int(float f, int bits, bool is_signed,
                                     int64_t *out) {
  if (!isfinite(f))
    return SPM_RUN_UOP_ERR_FP_RANGE;
  double t = trunc((double)f);
  double lo = is_signed ? -ldexp(1.0, bits - 1) : 0.0;
  double hi = is_signed ? ldexp(1.0, bits - 1) : ldexp(1.0, bits);
  if (t < lo || t >= hi)
    return SPM_RUN_UOP_ERR_FP_RANGE;
  uint64_t v = is_signed ? (uint64_t)(int64_t)t : (uint64_t)t;
  *out = spm_run_sext(v, bits);
  return SPM_RUN_UOP_OK;
}

spm_run_uop_error_t spm_run_uops_eval(const spm_run_uop_t *u, size_t n,
                                      const spm_run_value_t *in,
                                      spm_run_value_t *out, size_t *bad) {
  spm_run_value_t r[SPM_RUN_NUM_REGS];
  int rbits[SPM_RUN_NUM_REGS]; // bit width of each register's value
  memset(r, 0, sizeof r);
  memset(rbits, 0, sizeof rbits);
  for (size_t k = 0; k < n; ++k) {
    const spm_run_uop_t *x = &u[k];
    int bits = spm_run_type_bits((spm_run_type_t)x->type);
    bool isf = x->type == SPM_RUN_F32;
    spm_run_value_t a = r[x->a], b = r[x->b], v;
    v.i = 0;
    uint64_t ua = (uint64_t)a.i, ub = (uint64_t)b.i;
    spm_run_uop_error_t e = SPM_RUN_UOP_OK;
    switch ((spm_run_uop_op_t)x->op) {
    case SPM_RUN_UOP_LOAD: v = in[x->imm]; break;
    case SPM_RUN_UOP_CONST:
      if (isf) {
        uint32_t w = (uint32_t)x->imm;
        memcpy(&v.f, &w, 4);
      } else
        v.i = x->imm;
      break;
    case SPM_RUN_UOP_YIELD: *out = a; return SPM_RUN_UOP_OK;
    case SPM_RUN_UOP_ADD:
      if (isf) v.f = a.f + b.f; else v.i = spm_run_sext(ua + ub, bits);
      break;
    case SPM_RUN_UOP_SUB:
      if (isf) v.f = a.f - b.f; else v.i = spm_run_sext(ua - ub, bits);
      break;
    case SPM_RUN_UOP_MUL:
      if (isf) v.f = a.f * b.f; else v.i = spm_run_sext(ua * ub, bits);
      break;
    case SPM_RUN_UOP_DIV:
    case SPM_RUN_UOP_REM:
      if (isf) {
        v.f = x->op == SPM_RUN_UOP_DIV ? a.f / b.f : fmodf(a.f, b.f);
        break;
      }
      if (b.i == 0)
        e = SPM_RUN_UOP_ERR_DIV_ZERO;
      else if (b.i == -1 &&
               a.i == spm_run_sext(UINT64_C(1) << (bits - 1), bits))
        e = SPM_RUN_UOP_ERR_DIV_OVERFLOW; // MIN / -1 (also remsi): UB
      else
        v.i = x->op == SPM_RUN_UOP_DIV ? a.i / b.i : a.i % b.i;
      break;
    case SPM_RUN_UOP_DIVU:
    case SPM_RUN_UOP_REMU: {
      uint64_t za = spm_run_zext(a.i, bits), zb = spm_run_zext(b.i, bits);
      if (zb == 0)
        e = SPM_RUN_UOP_ERR_DIV_ZERO;
      else
        v.i = spm_run_sext(x->op == SPM_RUN_UOP_DIVU ? za / zb : za % zb,
                           bits);
      break;
    }
    case SPM_RUN_UOP_MAX:
    case SPM_RUN_UOP_MIN: {
      bool mx = x->op == SPM_RUN_UOP_MAX;
      if (isf) v.f = fmaximum(a.f, b.f, mx);
      else v.i = (a.i > b.i) == mx ? a.i : b.i;
      break;
    }
    case SPM_RUN_UOP_MAXU:
    case SPM_RUN_UOP_MINU: {
      bool mx = x->op == SPM_RUN_UOP_MAXU;
      uint64_t za = spm_run_zext(a.i, bits), zb = spm_run_zext(b.i, bits);
      v.i = (za > zb) == mx ? a.i : b.i;
      break;
    }
    case SPM_RUN_UOP_MAXNUM: v.f = fmaxf(a.f, b.f); break;
    case SPM_RUN_UOP_MINNUM: v.f = fminf(a.f, b.f); break;
    case SPM_RUN_UOP_NEG: v.f = -a.f; break;
    case SPM_RUN_UOP_AND: v.i = a.i & b.i; break;
    case SPM_RUN_UOP_OR: v.i = a.i | b.i; break;
    case SPM_RUN_UOP_XOR: v.i = a.i ^ b.i; break;
    case SPM_RUN_UOP_SHL:
    case SPM_RUN_UOP_SHRS:
    case SPM_RUN_UOP_SHRU: {
      uint64_t amt = spm_run_zext(b.i, bits);
      if (amt >= (uint64_t)bits) {
        e = SPM_RUN_UOP_ERR_SHIFT;
        break;
      }
      if (x->op == SPM_RUN_UOP_SHL)
        v.i = spm_run_sext(ua << amt, bits);
      else if (x->op == SPM_RUN_UOP_SHRS)
        v.i = a.i >> amt;
      else
        v.i = spm_run_sext(spm_run_zext(a.i, bits) >> amt, bits);
      break;
    }
    case SPM_RUN_UOP_TRUNC: v.i = spm_run_sext(ua, bits); break;
    case SPM_RUN_UOP_EXTS: v.i = a.i; break;
    case SPM_RUN_UOP_EXTU: v.i = (int64_t)spm_run_zext(a.i, rbits[x->a]); break;
    case SPM_RUN_UOP_SITOFP: v.f = (float)a.i; break;
    case SPM_RUN_UOP_UITOFP: v.f = (float)spm_run_zext(a.i, rbits[x->a]); break;
    case SPM_RUN_UOP_FPTOSI: e = fp_to_int(a.f, bits, true, &v.i); break;
    case SPM_RUN_UOP_FPTOUI: e = fp_to_int(a.f, bits, false, &v.i); break;
    case SPM_RUN_UOP_CMP: {
      bool t = x->pred >= SPM_RUN_PRED_F_FALSE
                   ? cmp_float(x->pred, a.f, b.f)
                   : cmp_int(x->pred, a.i, b.i, rbits[x->a]);
      v.i = t ? -1 : 0;
      break;
    }
    case SPM_RUN_UOP_SELECT: v = a.i ? b : r[x->c]; break;
    default: break;
    }
    if (e != SPM_RUN_UOP_OK) {
      *bad = k;
      return e;
    }
    r[x->dst] = v;
    rbits[x->dst] = bits;
  }
  *bad = n;
  return SPM_RUN_UOP_OK; // unreachable for a checked body (ends in yield)
}
