// MLIR C API helpers (see mlir_util.h).
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

bool spm_op_is(MlirOperation op, const char *name) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  return n.length == strlen(name) && memcmp(n.data, name, n.length) == 0;
}

bool spm_op_static_i64_array(MlirOperation op, const char *name, int n,
                             int64_t *out) {
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a) ||
      mlirDenseArrayGetNumElements(a) != n)
    return false;
  for (int i = 0; i < n; ++i) {
    out[i] = mlirDenseI64ArrayGetElement(a, i);
    if (out[i] == INT64_MIN) // ShapedType::kDynamic
      return false;
  }
  return true;
}

bool spm_int_attr_i64(MlirAttribute a, int64_t *out) {
  MlirType t = mlirAttributeGetType(a);
  bool is_int = mlirTypeIsAInteger(t);
  unsigned width = is_int ? mlirIntegerTypeGetWidth(t) : 64; // index: 64
  if (width > 64) {
    // No C API for wider values: read the printed form ("-16 : i128";
    // MLIR prints signless and signed values signed, unsigned ones not).
    spm_strbuf_t s = SPM_STRBUF_INIT;
    mlirAttributePrint(a, spm_strbuf_append_callback, &s);
    const char *txt = spm_strbuf_cstr(&s);
    char *end;
    errno = 0;
    long long v = strtoll(txt, &end, 10);
    bool ok = end != txt && errno != ERANGE;
    if (end == txt)
      v = 0;
    spm_strbuf_free(&s);
    *out = (int64_t)v;
    return ok;
  }
  if (is_int && mlirIntegerTypeIsUnsigned(t)) {
    uint64_t u = mlirIntegerAttrGetValueUInt(a);
    *out = u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
    return u <= (uint64_t)INT64_MAX;
  }
  *out = mlirIntegerAttrGetValueInt(a);
  return true;
}

MlirOperation spm_op_build(MlirLocation loc, const char *name, intptr_t nops,
                           const MlirValue *ops, intptr_t nres,
                           const MlirType *res, intptr_t nattrs,
                           const MlirNamedAttribute *attrs) {
  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  if (nops)
    mlirOperationStateAddOperands(&st, nops, ops);
  if (nres)
    mlirOperationStateAddResults(&st, nres, res);
  if (nattrs)
    mlirOperationStateAddAttributes(&st, nattrs, attrs);
  return mlirOperationCreate(&st);
}

MlirOperation spm_lookup_symbol(MlirOperation from, MlirStringRef name) {
  MlirOperation m = from;
  while (!mlirOperationIsNull(m) && !spm_op_is(m, "builtin.module"))
    m = mlirOperationGetParentOperation(m);
  if (mlirOperationIsNull(m))
    return m;
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(m, 0));
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    MlirAttribute a = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString("sym_name"));
    if (mlirAttributeIsAString(a) &&
        mlirStringRefEqual(mlirStringAttrGetValue(a), name))
      return op;
  }
  return (MlirOperation){NULL};
}
