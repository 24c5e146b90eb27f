#include "dialect/spm_verifier.h"
#include "dialect/spm_verifier_internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "target/target.h"

static MlirAttribute spm_op_attr(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

// Reads a DenseI64Array attribute of exactly `n` elements into `out` (room
// for `n`). Returns n, or -1 after reporting an error. (IRDL only checks for a
// dense array: array<i32: ...> gets here too.)
static intptr_t spm_read_i64_array(spm_verifier_t *v, MlirOperation op,
                                   const char *opname, const char *attr,
                                   intptr_t n, int64_t *out) {
  MlirAttribute a = spm_op_attr(op, attr);
  if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op attribute '%s' must be array<i64: ...>",
                     opname, attr);
    return -1;
  }
  intptr_t len = mlirDenseArrayGetNumElements(a);
  if (len != n) {
    SPM_VERIFY_ERROR(v, op, "'%s' op attribute '%s' must have %ld elements, "
                     "got %ld", opname, attr, (long)n, (long)len);
    return -1;
  }
  for (intptr_t i = 0; i < len; ++i)
    out[i] = mlirDenseI64ArrayGetElement(a, i);
  return len;
}

static bool spm_all_positive(const int64_t *a, intptr_t n) {
  for (intptr_t i = 0; i < n; ++i)
    if (a[i] <= 0)
      return false;
  return true;
}

static bool spm_all_nonneg(const int64_t *a, intptr_t n) {
  for (intptr_t i = 0; i < n; ++i)
    if (a[i] < 0)
      return false;
  return true;
}

// Decodes operand `i` as an !spm.buf; reports and returns false otherwise.
static bool spm_operand_buf(spm_verifier_t *v, MlirOperation op,
                            const char *opname, intptr_t i, const char *role,
                            spm_buf_type_t *out) {
  if (i >= mlirOperationGetNumOperands(op)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op is missing its %s operand", opname, role);
    return false;
  }
  MlirType t = mlirValueGetType(mlirOperationGetOperand(op, i));
  spm_status_t s = spm_verifier_buf_type(v, t, out);
  if (!spm_status_is_ok(s)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op %s: %s", opname, role,
                     spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  return true;
}

// a + b and a * b for a, b >= 0, saturating at INT64_MAX (attribute values
// are arbitrary int64s; plain arithmetic could overflow).
static int64_t spm_sat_add(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t spm_sat_mul(int64_t a, int64_t b) {
  return b != 0 && a > INT64_MAX / b ? INT64_MAX : a * b;
}

// Reads an integer attribute as int64: signless and signed types
// sign-extend, unsigned ones zero-extend; values beyond int64 (an i128, a
// large ui64) saturate at INT64_MIN / INT64_MAX, so they fail the range
// checks instead of being read as their low 64 bits.
static int64_t spm_int_attr_value(MlirAttribute a) {
  int64_t v;
  (void)spm_int_attr_i64(a, &v);
  return v;
}

static bool spm_same_elem(MlirType a, MlirType b) {
  return mlirTypeEqual(a, b);
}

// Element types of a MAC-style op: inputs equal; the accumulator equal to
// them, or i32 when the inputs are i8 (quantised).
static bool spm_mac_elems_ok(MlirType in0, MlirType in1, MlirType acc) {
  if (!spm_same_elem(in0, in1))
    return false;
  if (spm_same_elem(in0, acc))
    return true;
  return mlirTypeIsAInteger(in0) && mlirIntegerTypeGetWidth(in0) == 8 &&
         mlirTypeIsAInteger(acc) && mlirIntegerTypeGetWidth(acc) == 32;
}

static bool spm_same_shape(const spm_buf_type_t *a, const spm_buf_type_t *b) {
  if (a->rank != b->rank)
    return false;
  for (int64_t i = 0; i < a->rank; ++i)
    if (a->shape[i] != b->shape[i])
      return false;
  return true;
}

static void spm_verify_alloc(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.alloc";
  if (mlirOperationGetNumResults(op) != 1)
    return; // IRDL reports it
  spm_buf_type_t b;
  MlirType t = mlirValueGetType(mlirOperationGetResult(op, 0));
  spm_status_t s = spm_verifier_buf_type(v, t, &b);
  if (!spm_status_is_ok(s)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op result: %s", name, spm_status_message(s));
    spm_status_free(s);
    return;
  }
  MlirAttribute oa = spm_op_attr(op, "offset");
  if (mlirAttributeIsNull(oa) || !mlirAttributeIsAInteger(oa))
    return; // IRDL reports it
  int64_t offset;
  if (!spm_int_attr_i64(oa, &offset)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op offset does not fit in 64 bits", name);
    return;
  }
  int64_t bytes = spm_buf_type_bytes(&b);
  if (offset < -1) {
    SPM_VERIFY_ERROR(v, op, "'%s' op offset %lld is negative (-1 is the only "
                     "negative value: not yet placed)", name,
                     (long long)offset);
    return;
  }
  if (bytes < 0) {
    SPM_VERIFY_ERROR(v, op, "'%s' op buffer size overflows", name);
    return;
  }
  if (!v->have_target) {
    if (v->target_error_reported)
      return; // the invalid target was already reported
    SPM_VERIFY_ERROR(v, op, "'%s' op needs a scratchpad capacity: add a "
                     "'spm.target' module attribute or use --spm-target=NAME",
                     name);
    return;
  }
  const spm_target_t *tg = &v->target;
  if (offset == -1) {
    // not placed yet (spm-place output; spm-allocate assigns it)
    if (bytes > tg->capacity)
      SPM_VERIFY_ERROR(v, op, "'%s' op buffer of %lld bytes exceeds the "
                       "scratchpad capacity of %lld bytes (target '%s')",
                       name, (long long)bytes, (long long)tg->capacity,
                       tg->name);
    return;
  }
  if (offset % tg->alignment)
    SPM_VERIFY_ERROR(v, op, "'%s' op offset %lld is not aligned to %lld bytes "
                     "(target '%s')", name, (long long)offset,
                     (long long)tg->alignment, tg->name);
  if (bytes > tg->capacity || offset > tg->capacity - bytes)
    SPM_VERIFY_ERROR(v, op, "'%s' op buffer [%lld, %llu) exceeds the "
                     "scratchpad capacity of %lld bytes (target '%s')", name,
                     (long long)offset,
                     (unsigned long long)offset + (unsigned long long)bytes,
                     (long long)tg->capacity, tg->name);
}

static void spm_verify_dealloc(spm_verifier_t *v, MlirOperation op) {
  if (mlirOperationGetNumOperands(op) != 1)
    return;
  MlirValue b = mlirOperationGetOperand(op, 0);
  if (!mlirValueIsAOpResult(b)) {
    SPM_VERIFY_ERROR(v, op, "'spm.dealloc' op operand must be the result of "
                     "an spm.alloc");
    return;
  }
  MlirOperation def = mlirOpResultGetOwner(b);
  MlirStringRef dn = mlirIdentifierStr(mlirOperationGetName(def));
  if (dn.length != 9 || memcmp(dn.data, "spm.alloc", 9) != 0)
    SPM_VERIFY_ERROR(v, op, "'spm.dealloc' op operand must be the result of "
                     "an spm.alloc, not of '%.*s'", (int)dn.length, dn.data);
}

static void spm_verify_dma(spm_verifier_t *v, MlirOperation op, bool load) {
  const char *name = load ? "spm.dma_load" : "spm.dma_store";
  if (mlirOperationGetNumOperands(op) != 2)
    return;
  MlirType mt = mlirValueGetType(mlirOperationGetOperand(op, load ? 0 : 1));
  spm_buf_type_t b;
  if (!spm_operand_buf(v, op, name, load ? 1 : 0, "scratchpad buffer", &b))
    return;
  if (!mlirTypeIsAMemRef(mt))
    return; // IRDL reports it
  if (!mlirShapedTypeHasStaticShape(mt)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op global memref must have a static shape",
                     name);
    return;
  }
  intptr_t rank = mlirShapedTypeGetRank(mt);
  if (rank > SPM_MAX_RANK) {
    SPM_VERIFY_ERROR(v, op, "'%s' op memref rank %ld exceeds %d", name,
                     (long)rank, SPM_MAX_RANK);
    return;
  }
  int64_t off[SPM_MAX_RANK], sz[SPM_MAX_RANK], st[SPM_MAX_RANK];
  if (spm_read_i64_array(v, op, name, "offsets", rank, off) < 0 ||
      spm_read_i64_array(v, op, name, "sizes", rank, sz) < 0 ||
      spm_read_i64_array(v, op, name, "strides", rank, st) < 0)
    return;
  if (!spm_all_nonneg(off, rank) || !spm_all_positive(sz, rank) ||
      !spm_all_positive(st, rank)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op offsets must be >= 0 and sizes, strides "
                     ">= 1", name);
    return;
  }
  for (intptr_t i = 0; i < rank; ++i) {
    int64_t dim = mlirShapedTypeGetDimSize(mt, i);
    int64_t last = spm_sat_add(off[i], spm_sat_mul(sz[i] - 1, st[i]));
    if (last >= dim) {
      SPM_VERIFY_ERROR(v, op, "'%s' op window reaches index %lld in dimension "
                       "%ld of a memref of size %lld", name, (long long)last,
                       (long)i, (long long)dim);
      return;
    }
  }
  if (b.rank != rank) {
    SPM_VERIFY_ERROR(v, op, "'%s' op buffer rank %lld differs from the memref "
                     "rank %ld", name, (long long)b.rank, (long)rank);
    return;
  }
  for (intptr_t i = 0; i < rank; ++i)
    if (b.shape[i] != sz[i]) {
      SPM_VERIFY_ERROR(v, op, "'%s' op sizes[%ld] = %lld but the buffer "
                       "dimension is %lld", name, (long)i, (long long)sz[i],
                       (long long)b.shape[i]);
      return;
    }
  if (!mlirTypeEqual(mlirShapedTypeGetElementType(mt), b.elem))
    SPM_VERIFY_ERROR(v, op, "'%s' op element types of memref and buffer "
                     "differ", name);
}

static void spm_verify_wait(spm_verifier_t *v, MlirOperation op) {
  if (mlirOperationGetNumOperands(op) == 0)
    SPM_VERIFY_ERROR(v, op, "'spm.wait' op needs at least one token");
}

static void spm_verify_matmul(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.matmul";
  spm_buf_type_t a, b, c;
  if (!spm_operand_buf(v, op, name, 0, "lhs", &a) ||
      !spm_operand_buf(v, op, name, 1, "rhs", &b) ||
      !spm_operand_buf(v, op, name, 2, "acc", &c))
    return;
  if (a.rank != 2 || b.rank != 2 || c.rank != 2) {
    SPM_VERIFY_ERROR(v, op, "'%s' op operands must be rank 2 (got %lld, %lld, "
                     "%lld)", name, (long long)a.rank, (long long)b.rank,
                     (long long)c.rank);
    return;
  }
  if (a.shape[1] != b.shape[0])
    SPM_VERIFY_ERROR(v, op, "'%s' op reduction sizes differ: lhs is %lldx%lld, "
                     "rhs is %lldx%lld", name, (long long)a.shape[0],
                     (long long)a.shape[1], (long long)b.shape[0],
                     (long long)b.shape[1]);
  else if (c.shape[0] != a.shape[0] || c.shape[1] != b.shape[1])
    SPM_VERIFY_ERROR(v, op, "'%s' op acc must be %lldx%lld, got %lldx%lld",
                     name, (long long)a.shape[0], (long long)b.shape[1],
                     (long long)c.shape[0], (long long)c.shape[1]);
  if (!spm_mac_elems_ok(a.elem, b.elem, c.elem))
    SPM_VERIFY_ERROR(v, op, "'%s' op element types must agree (i8 inputs may "
                     "accumulate into i32)", name);
}

// Output size of a sliding window: floor((in + pads - dil*(k-1) - 1)/s) + 1;
// 0 if the window does not fit, -1 if the padded input overflows int64.
// All arguments are >= 0 (in, k, stride, dil >= 1).
static int64_t spm_window_out(int64_t in, int64_t pad_lo, int64_t pad_hi,
                              int64_t k, int64_t stride, int64_t dil) {
  if (pad_lo > INT64_MAX - in || pad_hi > INT64_MAX - in - pad_lo)
    return -1;
  int64_t padded = in + pad_lo + pad_hi;
  int64_t reach = spm_sat_mul(dil, k - 1); // window extent - 1
  if (reach >= padded)
    return 0;
  return (padded - 1 - reach) / stride + 1;
}

static void spm_verify_conv2d(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.conv2d";
  spm_buf_type_t in, w, out;
  if (!spm_operand_buf(v, op, name, 0, "input", &in) ||
      !spm_operand_buf(v, op, name, 1, "filter", &w) ||
      !spm_operand_buf(v, op, name, 2, "output", &out))
    return;
  int64_t st[2], pad[4], dil[2];
  if (spm_read_i64_array(v, op, name, "strides", 2, st) < 0 ||
      spm_read_i64_array(v, op, name, "padding", 4, pad) < 0 ||
      spm_read_i64_array(v, op, name, "dilations", 2, dil) < 0)
    return;
  MlirAttribute ga = spm_op_attr(op, "groups");
  int64_t groups = mlirAttributeIsAInteger(ga) ? spm_int_attr_value(ga) : 0;
  if (!spm_all_positive(st, 2) || !spm_all_positive(dil, 2) ||
      !spm_all_nonneg(pad, 4) || groups < 1) {
    SPM_VERIFY_ERROR(v, op, "'%s' op strides, dilations and groups must be "
                     ">= 1 and padding >= 0", name);
    return;
  }
  if (in.rank != 4 || w.rank != 4 || out.rank != 4) {
    SPM_VERIFY_ERROR(v, op, "'%s' op operands must be rank 4 (NCHW input, "
                     "FCHW filter, NFHW output)", name);
    return;
  }
  int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], wd = in.shape[3];
  int64_t f = w.shape[0], kh = w.shape[2], kw = w.shape[3];
  if (c % groups || f % groups) {
    SPM_VERIFY_ERROR(v, op, "'%s' op groups = %lld must divide the input "
                     "channels (%lld) and the filters (%lld)", name,
                     (long long)groups, (long long)c, (long long)f);
    return;
  }
  if (w.shape[1] != c / groups) {
    SPM_VERIFY_ERROR(v, op, "'%s' op filter has %lld input channels, expected "
                     "%lld (input channels / groups)", name,
                     (long long)w.shape[1], (long long)(c / groups));
    return;
  }
  int64_t oh = spm_window_out(h, pad[0], pad[2], kh, st[0], dil[0]);
  int64_t ow = spm_window_out(wd, pad[1], pad[3], kw, st[1], dil[1]);
  if (oh < 0 || ow < 0) {
    SPM_VERIFY_ERROR(v, op, "'%s' op the padded input size overflows int64",
                     name);
    return;
  }
  if (oh < 1 || ow < 1) {
    SPM_VERIFY_ERROR(v, op, "'%s' op the filter window does not fit the "
                     "padded input", name);
    return;
  }
  if (out.shape[0] != n || out.shape[1] != f || out.shape[2] != oh ||
      out.shape[3] != ow)
    SPM_VERIFY_ERROR(v, op, "'%s' op output must be %lldx%lldx%lldx%lld, got "
                     "%lldx%lldx%lldx%lld", name, (long long)n, (long long)f,
                     (long long)oh, (long long)ow, (long long)out.shape[0],
                     (long long)out.shape[1], (long long)out.shape[2],
                     (long long)out.shape[3]);
  if (!spm_mac_elems_ok(in.elem, w.elem, out.elem))
    SPM_VERIFY_ERROR(v, op, "'%s' op element types must agree (i8 inputs may "
                     "accumulate into i32)", name);
}

static void spm_verify_pool(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.pool";
  spm_buf_type_t in, out;
  if (!spm_operand_buf(v, op, name, 0, "input", &in) ||
      !spm_operand_buf(v, op, name, 1, "output", &out))
    return;
  int64_t win[2], st[2], pad[4], dil[2] = {1, 1};
  if (spm_read_i64_array(v, op, name, "window", 2, win) < 0 ||
      spm_read_i64_array(v, op, name, "strides", 2, st) < 0 ||
      spm_read_i64_array(v, op, name, "padding", 4, pad) < 0)
    return;
  // Optional: dilations (default 1, 1), accumulate (default false).
  if (!mlirAttributeIsNull(spm_op_attr(op, "dilations")) &&
      spm_read_i64_array(v, op, name, "dilations", 2, dil) < 0)
    return;
  MlirAttribute acc = spm_op_attr(op, "accumulate");
  if (!mlirAttributeIsNull(acc) && !mlirAttributeIsABool(acc)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op attribute 'accumulate' must be true or "
                     "false", name);
    return;
  }
  if (!spm_all_positive(win, 2) || !spm_all_positive(st, 2) ||
      !spm_all_positive(dil, 2) || !spm_all_nonneg(pad, 4)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op window, strides and dilations must be "
                     ">= 1 and padding >= 0", name);
    return;
  }
  if (in.rank != 4 || out.rank != 4) {
    SPM_VERIFY_ERROR(v, op, "'%s' op operands must be rank 4 (NCHW)", name);
    return;
  }
  int64_t oh =
      spm_window_out(in.shape[2], pad[0], pad[2], win[0], st[0], dil[0]);
  int64_t ow =
      spm_window_out(in.shape[3], pad[1], pad[3], win[1], st[1], dil[1]);
  if (oh < 0 || ow < 0) {
    SPM_VERIFY_ERROR(v, op, "'%s' op the padded input size overflows int64",
                     name);
    return;
  }
  if (oh < 1 || ow < 1) {
    SPM_VERIFY_ERROR(v, op, "'%s' op the window does not fit the padded input",
                     name);
    return;
  }
  if (out.shape[0] != in.shape[0] || out.shape[1] != in.shape[1] ||
      out.shape[2] != oh || out.shape[3] != ow)
    SPM_VERIFY_ERROR(v, op, "'%s' op output must be %lldx%lldx%lldx%lld, got "
                     "%lldx%lldx%lldx%lld", name, (long long)in.shape[0],
                     (long long)in.shape[1], (long long)oh, (long long)ow,
                     (long long)out.shape[0], (long long)out.shape[1],
                     (long long)out.shape[2], (long long)out.shape[3]);
  MlirAttribute k = spm_op_attr(op, "kind");
  bool sum = mlirAttributeIsAString(k) &&
             mlirStringRefEqual(mlirStringAttrGetValue(k),
                                mlirStringRefCreateFromCString("sum"));
  if (sum ? !spm_mac_elems_ok(in.elem, in.elem, out.elem)
          : !spm_same_elem(in.elem, out.elem))
    SPM_VERIFY_ERROR(v, op, "'%s' op input and output element types differ%s",
                     name, sum ? " (a sum of i8 may accumulate into i32)" : "");
}

// add / relu / scale / bias_add: element-wise ops.
static void spm_verify_eltwise(spm_verifier_t *v, MlirOperation op,
                               const char *name, int nin, bool bias) {
  spm_buf_type_t in, other, out;
  if (!spm_operand_buf(v, op, name, 0, nin == 2 && !bias ? "lhs" : "input",
                       &in))
    return;
  if (nin == 2 && !spm_operand_buf(v, op, name, 1, bias ? "bias" : "rhs",
                                   &other))
    return;
  if (!spm_operand_buf(v, op, name, nin, "output", &out))
    return;
  if (!spm_same_shape(&in, &out) || !spm_same_elem(in.elem, out.elem)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op input and output must have the same "
                     "shape and element type", name);
    return;
  }
  if (nin == 2 && !bias &&
      (!spm_same_shape(&in, &other) || !spm_same_elem(in.elem, other.elem)))
    SPM_VERIFY_ERROR(v, op, "'%s' op lhs and rhs must have the same shape and "
                     "element type", name);
  if (bias) {
    if (in.rank < 2)
      SPM_VERIFY_ERROR(v, op, "'%s' op input must have a channel dimension "
                       "(rank >= 2)", name);
    else if (other.rank != 1 || other.shape[0] != in.shape[1])
      SPM_VERIFY_ERROR(v, op, "'%s' op bias must have shape [%lld] (one value "
                       "per channel)", name, (long long)in.shape[1]);
    else if (!spm_same_elem(other.elem, in.elem))
      SPM_VERIFY_ERROR(v, op, "'%s' op bias element type differs from the "
                       "input's", name);
  }
}

// spm.view: a strided window of an spm.alloc'd buffer.
static void spm_verify_view(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.view";
  spm_buf_type_t src, res;
  if (!spm_operand_buf(v, op, name, 0, "source", &src))
    return;
  if (mlirOperationGetNumResults(op) != 1) {
    SPM_VERIFY_ERROR(v, op, "'%s' op must have one result", name);
    return;
  }
  spm_status_t s = spm_verifier_buf_type(
      v, mlirValueGetType(mlirOperationGetResult(op, 0)), &res);
  if (!spm_status_is_ok(s)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op result: %s", name, spm_status_message(s));
    spm_status_free(s);
    return;
  }
  MlirValue sv = mlirOperationGetOperand(op, 0);
  if (mlirValueIsAOpResult(sv) &&
      spm_op_is(mlirOpResultGetOwner(sv), "spm.view")) {
    SPM_VERIFY_ERROR(v, op, "'%s' op the source must be a buffer, not another "
                     "spm.view", name);
    return;
  }
  if (!spm_same_elem(src.elem, res.elem)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op source and result element types differ",
                     name);
    return;
  }
  int64_t strides[SPM_MAX_RANK];
  if (spm_read_i64_array(v, op, name, "strides", res.rank, strides) < 0)
    return;
  MlirAttribute oa = spm_op_attr(op, "offset");
  int64_t offset = mlirAttributeIsAInteger(oa) ? spm_int_attr_value(oa) : -1;
  if (offset < 0 || !spm_all_nonneg(strides, res.rank)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op offset and strides must be >= 0", name);
    return;
  }
  int64_t last = offset, n = spm_buf_type_bytes(&src) /
                             spm_elem_type_bytes(src.elem);
  bool empty = false;
  for (int64_t d = 0; d < res.rank; ++d) {
    empty |= res.shape[d] == 0;
    last = spm_sat_add(last, spm_sat_mul(res.shape[d] - 1, strides[d]));
  }
  if (!empty && last >= n)
    SPM_VERIFY_ERROR(v, op, "'%s' op the window reaches element %lld of a "
                     "source of %lld elements", name, (long long)last,
                     (long long)n);
}

// spm_verifier_internal.h
spm_status_t spm_verifier_buf_type(spm_verifier_t *v, MlirType t,
                                   spm_buf_type_t *out) {
  return spm_buf_type_cache_decode(&v->types, t, out);
}

// spm_verifier_internal.h
bool spm_verifier_buf_span(spm_verifier_t *v, MlirValue x, MlirValue *root,
                           int64_t *lo, int64_t *hi) {
  spm_buf_type_t t;
  spm_status_t s = spm_verifier_buf_type(v, mlirValueGetType(x), &t);
  if (!spm_status_is_ok(s)) {
    spm_status_free(s);
    return false;
  }
  *root = x;
  *lo = 0;
  int64_t last = 0;
  int64_t stride[SPM_MAX_RANK];
  bool view = mlirValueIsAOpResult(x) &&
              spm_op_is(mlirOpResultGetOwner(x), "spm.view");
  if (view) {
    MlirOperation def = mlirOpResultGetOwner(x);
    MlirAttribute oa = spm_op_attr(def, "offset");
    MlirAttribute sa = spm_op_attr(def, "strides");
    if (mlirOperationGetNumOperands(def) != 1 ||
        !mlirAttributeIsAInteger(oa) || mlirAttributeIsNull(sa) ||
        !mlirAttributeIsADenseI64Array(sa) ||
        mlirDenseArrayGetNumElements(sa) != t.rank)
      return false;
    *root = mlirOperationGetOperand(def, 0);
    *lo = spm_int_attr_value(oa);
    for (int64_t d = 0; d < t.rank; ++d)
      stride[d] = mlirDenseI64ArrayGetElement(sa, d);
  } else {
    int64_t n = 1; // row-major strides of the buffer itself
    for (int64_t d = t.rank; d-- > 0;) {
      stride[d] = n;
      n = spm_sat_mul(n, t.shape[d]);
    }
  }
  for (int64_t d = 0; d < t.rank; ++d) {
    if (t.shape[d] < 1 || stride[d] < 0)
      return false;
    last = spm_sat_add(last, spm_sat_mul(t.shape[d] - 1, stride[d]));
  }
  *hi = spm_sat_add(*lo, last);
  return *lo >= 0;
}

// matmul, conv2d and pool may not write elements they read: operand
// `out` and operand `in` must not span common elements of one buffer (a
// conservative test on spans, as the program validator's on bytes:
// docs/isa.md). The result would depend on the order of the computation.
static void spm_verify_disjoint(spm_verifier_t *v, MlirOperation op,
                                const char *name, intptr_t out,
                                const char *out_label, intptr_t in,
                                const char *in_label) {
  if (mlirOperationGetNumOperands(op) <= (out > in ? out : in))
    return;
  MlirValue ro, ri;
  int64_t olo, ohi, ilo, ihi;
  if (!spm_verifier_buf_span(v, mlirOperationGetOperand(op, out), &ro, &olo,
                             &ohi) ||
      !spm_verifier_buf_span(v, mlirOperationGetOperand(op, in), &ri, &ilo,
                             &ihi) ||
      !mlirValueEqual(ro, ri) || ohi < ilo || ihi < olo)
    return;
  SPM_VERIFY_ERROR(v, op, "'%s' op %s (elements %lld..%lld of its buffer) "
                   "overlaps %s (elements %lld..%lld): the op must not write "
                   "elements it reads", name, out_label, (long long)olo,
                   (long long)ohi, in_label, (long long)ilo, (long long)ihi);
}

// spm.fill: a typed value of the buffer's element type.
static void spm_verify_fill(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.fill";
  spm_buf_type_t out;
  if (!spm_operand_buf(v, op, name, 0, "output", &out))
    return;
  MlirAttribute a = spm_op_attr(op, "value");
  if ((!mlirAttributeIsAFloat(a) && !mlirAttributeIsAInteger(a)) ||
      !mlirTypeEqual(mlirAttributeGetType(a), out.elem))
    SPM_VERIFY_ERROR(v, op, "'%s' op value must be a scalar of the buffer's "
                     "element type", name);
}

// spm.eltwise: operands of one shape; the kernel is a func.func of the
// module taking their element types and returning the output's.
static void spm_verify_eltwise_kernel(spm_verifier_t *v, MlirOperation op) {
  const char *name = "spm.eltwise";
  intptr_t n = mlirOperationGetNumOperands(op);
  spm_buf_type_t first, t;
  for (intptr_t i = 0; i < n; ++i) {
    if (!spm_operand_buf(v, op, name, i, i == n - 1 ? "output" : "input",
                         i ? &t : &first))
      return;
    if (i && !spm_same_shape(&first, &t)) {
      SPM_VERIFY_ERROR(v, op, "'%s' op operand #%ld has another shape than "
                       "operand #0", name, (long)i);
      return;
    }
  }
  // An output that repeats an element (a stride-0 view) would make the
  // op a reduction: every instance writes the same element.
  MlirValue ov = mlirOperationGetOperand(op, n - 1);
  if (mlirValueIsAOpResult(ov) &&
      spm_op_is(mlirOpResultGetOwner(ov), "spm.view")) {
    const spm_buf_type_t *out = n > 1 ? &t : &first;
    int64_t st[SPM_MAX_RANK];
    if (out->rank <= SPM_MAX_RANK &&
        spm_op_static_i64_array(mlirOpResultGetOwner(ov), "strides",
                                (int)out->rank, st))
      for (int64_t d = 0; d < out->rank; ++d)
        if (st[d] == 0 && out->shape[d] > 1) {
          SPM_VERIFY_ERROR(v, op, "'%s' op the output view has stride 0 in "
                           "dimension %lld: an element-wise op cannot "
                           "reduce", name, (long long)d);
          return;
        }
  }
  MlirAttribute k = spm_op_attr(op, "kernel");
  if (!mlirAttributeIsAFlatSymbolRef(k)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op attribute 'kernel' must be a symbol "
                     "(@name)", name);
    return;
  }
  MlirStringRef kn = mlirFlatSymbolRefAttrGetValue(k);
  MlirOperation f = spm_lookup_symbol(op, kn);
  MlirAttribute ft = mlirOperationIsNull(f)
                         ? mlirAttributeGetNull()
                         : spm_op_attr(f, "function_type");
  if (mlirOperationIsNull(f) || !spm_op_is(f, "func.func") ||
      !mlirAttributeIsAType(ft)) {
    SPM_VERIFY_ERROR(v, op, "'%s' op kernel '@%.*s' is not a func.func of "
                     "the module", name, (int)kn.length, kn.data);
    return;
  }
  MlirType fty = mlirTypeAttrGetValue(ft);
  bool ok = mlirFunctionTypeGetNumInputs(fty) == n &&
            mlirFunctionTypeGetNumResults(fty) == 1;
  for (intptr_t i = 0; ok && i < n; ++i) {
    spm_status_free(spm_verifier_buf_type(
        v, mlirValueGetType(mlirOperationGetOperand(op, i)), &t));
    ok = mlirTypeEqual(mlirFunctionTypeGetInput(fty, i), t.elem) &&
         (i < n - 1 ||
          mlirTypeEqual(mlirFunctionTypeGetResult(fty, 0), t.elem));
  }
  if (!ok)
    SPM_VERIFY_ERROR(v, op, "'%s' op kernel '@%.*s' must take the operands' "
                     "element types (%ld) and return the output's", name,
                     (int)kn.length, kn.data, (long)n);
}

static bool spm_name_is(MlirStringRef n, const char *s) {
  size_t l = strlen(s);
  return n.length == l && memcmp(n.data, s, l) == 0;
}

static MlirWalkResult spm_verify_visit(MlirOperation op, void *user) {
  spm_verifier_t *v = user;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  if (n.length < 4 || memcmp(n.data, "spm.", 4) != 0)
    return MlirWalkResultAdvance;
  if (spm_name_is(n, "spm.alloc"))
    spm_verify_alloc(v, op);
  else if (spm_name_is(n, "spm.dealloc"))
    spm_verify_dealloc(v, op);
  else if (spm_name_is(n, "spm.dma_load"))
    spm_verify_dma(v, op, true);
  else if (spm_name_is(n, "spm.dma_store"))
    spm_verify_dma(v, op, false);
  else if (spm_name_is(n, "spm.wait"))
    spm_verify_wait(v, op);
  else if (spm_name_is(n, "spm.matmul")) {
    spm_verify_matmul(v, op);
    spm_verify_disjoint(v, op, "spm.matmul", 2, "acc", 0, "lhs");
    spm_verify_disjoint(v, op, "spm.matmul", 2, "acc", 1, "rhs");
  } else if (spm_name_is(n, "spm.conv2d")) {
    spm_verify_conv2d(v, op);
    spm_verify_disjoint(v, op, "spm.conv2d", 2, "output", 0, "input");
    spm_verify_disjoint(v, op, "spm.conv2d", 2, "output", 1, "filter");
  } else if (spm_name_is(n, "spm.pool")) {
    spm_verify_pool(v, op);
    spm_verify_disjoint(v, op, "spm.pool", 1, "output", 0, "input");
  }
  else if (spm_name_is(n, "spm.add"))
    spm_verify_eltwise(v, op, "spm.add", 2, false);
  else if (spm_name_is(n, "spm.relu"))
    spm_verify_eltwise(v, op, "spm.relu", 1, false);
  else if (spm_name_is(n, "spm.scale"))
    spm_verify_eltwise(v, op, "spm.scale", 1, false);
  else if (spm_name_is(n, "spm.bias_add"))
    spm_verify_eltwise(v, op, "spm.bias_add", 2, true);
  else if (spm_name_is(n, "spm.view"))
    spm_verify_view(v, op);
  else if (spm_name_is(n, "spm.fill"))
    spm_verify_fill(v, op);
  else if (spm_name_is(n, "spm.eltwise"))
    spm_verify_eltwise_kernel(v, op);
  return MlirWalkResultAdvance;
}

// Finds the nearest op at or above `op` carrying `spm.target`.
static MlirOperation spm_find_target_holder(MlirOperation op) {
  while (!mlirOperationIsNull(op)) {
    if (!mlirAttributeIsNull(spm_op_attr(op, SPM_TARGET_ATTR_NAME)))
      return op;
    op = mlirOperationGetParentOperation(op);
  }
  return op;
}

// The per-block rules of every block of op: buffers allocated together
// apart, and the order of ops (spm_verifier_order.c), in one walk.
static MlirWalkResult spm_verify_blocks_visit(MlirOperation op, void *user) {
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b)) {
      spm_verify_block_lifetimes(user, b);
      spm_verify_block_order(user, b);
    }
  return MlirWalkResultAdvance;
}

spm_status_t spm_verify_op(MlirOperation root) {
  spm_verifier_t v = {0};
  MlirOperation holder = spm_find_target_holder(root);
  if (!mlirOperationIsNull(holder)) {
    spm_status_t s = spm_target_from_attribute(
        spm_op_attr(holder, SPM_TARGET_ATTR_NAME), &v.target);
    if (spm_status_is_ok(s))
      v.have_target = true;
    else {
      SPM_VERIFY_ERROR(&v, holder, "invalid 'spm.target': %s",
                       spm_status_message(s));
      v.target_error_reported = true;
      spm_status_free(s);
    }
  }
  mlirOperationWalk(root, spm_verify_visit, &v, MlirWalkPreOrder);
  mlirOperationWalk(root, spm_verify_blocks_visit, &v, MlirWalkPreOrder);
  spm_buf_type_cache_free(&v.types);
  if (v.errors)
    return spm_status_make(SPM_STATUS_FAILED, "%zu spm verifier error%s",
                           v.errors, v.errors == 1 ? "" : "s");
  return SPM_OK;
}
