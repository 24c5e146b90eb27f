#include "dialect/spm_dialect.h"

#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/IRDL.h"
#include "mlir-c/RegisterEverything.h"
#include "support/strbuf.h"

extern const char spm_irdl_text[]; // generated: spm_irdl_text.c

const char *spm_dialect_irdl_source(void) { return spm_irdl_text; }

spm_status_t spm_dialect_load(MlirContext ctx) {
  if (mlirContextIsRegisteredOperation(ctx, mlirStringRefCreateFromCString("spm.alloc")))
    return SPM_OK;
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(spm_irdl_text));
  if (mlirModuleIsNull(m))
    return spm_status_make(SPM_STATUS_INTERNAL,
                           "cannot parse the embedded spm IRDL definition");
  MlirLogicalResult r = mlirLoadIRDLDialects(m);
  mlirModuleDestroy(m);
  if (mlirLogicalResultIsFailure(r))
    return spm_status_make(SPM_STATUS_INTERNAL,
                           "cannot load the spm IRDL dialect");
  return SPM_OK;
}

spm_status_t spm_context_create(MlirContext *out) {
  MlirContext ctx = mlirContextCreateWithThreading(false);
  MlirDialectRegistry reg = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(reg);
  mlirContextAppendDialectRegistry(ctx, reg);
  mlirDialectRegistryDestroy(reg);
  mlirContextLoadAllAvailableDialects(ctx);
  mlirRegisterAllPasses();
  spm_status_t s = spm_dialect_load(ctx);
  if (!spm_status_is_ok(s)) {
    mlirContextDestroy(ctx);
    return s;
  }
  *out = ctx;
  return SPM_OK;
}

static bool spm_type_has_prefix(MlirType t, const char *prefix) {
  spm_strbuf_t s = SPM_STRBUF_INIT;
  mlirTypePrint(t, spm_strbuf_append_callback, &s);
  bool r = strncmp(spm_strbuf_cstr(&s), prefix, strlen(prefix)) == 0;
  spm_strbuf_free(&s);
  return r;
}

bool spm_type_is_buf(MlirType t) {
  MlirDialect d = mlirTypeGetDialect(t);
  MlirStringRef ns = mlirDialectGetNamespace(d);
  return ns.length == 3 && memcmp(ns.data, "spm", 3) == 0 &&
         spm_type_has_prefix(t, "!spm.buf<");
}

bool spm_type_is_token(MlirType t) {
  MlirDialect d = mlirTypeGetDialect(t);
  MlirStringRef ns = mlirDialectGetNamespace(d);
  return ns.length == 3 && memcmp(ns.data, "spm", 3) == 0 &&
         spm_type_has_prefix(t, "!spm.token");
}

// Swallows the diagnostics of a speculative parse: IRDL's `irdl.any` lets
// the element parameter be any attribute ("5 : i64", "\"foo\""), which does
// not re-parse as a type; that is reported as a verifier error on the op, not
// as a stray parser error located in the parsed string.
static MlirLogicalResult spm_swallow_diagnostic(MlirDiagnostic d, void *user) {
  (void)d;
  (void)user;
  return mlirLogicalResultSuccess();
}

// The C API cannot read the parameters of an IRDL-defined type, so the type
// is decoded from its printed form "!spm.buf<array<i64: 4, 8>, f32>": the
// two parameters are re-parsed as an attribute and a type.
spm_status_t spm_buf_type_decode(MlirType t, spm_buf_type_t *out) {
  spm_strbuf_t s = SPM_STRBUF_INIT;
  mlirTypePrint(t, spm_strbuf_append_callback, &s);
  const char *txt = spm_strbuf_cstr(&s);
  spm_status_t st = SPM_OK;
  const char *prefix = "!spm.buf<";
  size_t pl = strlen(prefix);
  if (strncmp(txt, prefix, pl) != 0 || txt[s.len - 1] != '>') {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "not an !spm.buf type");
    goto done;
  }
  // Split "<shape>, <elem>" at the first comma at bracket depth 0.
  const char *b = txt + pl, *e = txt + s.len - 1, *comma = NULL;
  int depth = 0;
  for (const char *p = b; p < e && !comma; ++p) {
    if (*p == '<' || *p == '[' || *p == '(' || *p == '{')
      ++depth;
    else if (*p == '>' || *p == ']' || *p == ')' || *p == '}')
      --depth;
    else if (*p == ',' && depth == 0)
      comma = p;
  }
  if (!comma) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "!spm.buf expects <shape, element type>");
    goto done;
  }
  MlirContext ctx = mlirTypeGetContext(t);
  const char *es = comma + 1;
  while (*es == ' ')
    ++es;
  MlirDiagnosticHandlerID quiet = mlirContextAttachDiagnosticHandler(
      ctx, spm_swallow_diagnostic, NULL, NULL);
  MlirAttribute shape =
      mlirAttributeParseGet(ctx, mlirStringRefCreate(b, (size_t)(comma - b)));
  MlirType elem = mlirTypeParseGet(ctx, mlirStringRefCreate(es, (size_t)(e - es)));
  mlirContextDetachDiagnosticHandler(ctx, quiet);
  if (mlirAttributeIsNull(shape) || !mlirAttributeIsADenseI64Array(shape)) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "!spm.buf shape must be array<i64: ...>");
    goto done;
  }
  intptr_t rank = mlirDenseArrayGetNumElements(shape);
  if (rank < 1 || rank > SPM_MAX_RANK) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "!spm.buf rank must be 1 to %d, got %ld", SPM_MAX_RANK,
                         (long)rank);
    goto done;
  }
  out->rank = rank;
  for (intptr_t i = 0; i < rank; ++i) {
    out->shape[i] = mlirDenseI64ArrayGetElement(shape, i);
    if (out->shape[i] <= 0) {
      st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "!spm.buf dimension %ld must be positive, got %lld",
                           (long)i, (long long)out->shape[i]);
      goto done;
    }
  }
  if (mlirTypeIsNull(elem) || spm_elem_type_bytes(elem) == 0) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "!spm.buf element type must be an integer or float");
    goto done;
  }
  out->elem = elem;
done:
  spm_strbuf_free(&s);
  return st;
}

int64_t spm_elem_type_bytes(MlirType elem) {
  if (mlirTypeIsAInteger(elem))
    return ((int64_t)mlirIntegerTypeGetWidth(elem) + 7) / 8;
  if (mlirTypeIsAFloat(elem))
    return ((int64_t)mlirFloatTypeGetWidth(elem) + 7) / 8;
  return 0;
}

int64_t spm_buf_type_bytes(const spm_buf_type_t *b) {
  int64_t n = spm_elem_type_bytes(b->elem);
  if (n == 0)
    return -1;
  for (int64_t i = 0; i < b->rank; ++i) {
    if (b->shape[i] > INT64_MAX / n)
      return -1;
    n *= b->shape[i];
  }
  return n;
}

MlirType spm_buf_type_get(MlirContext ctx, int64_t rank, const int64_t *shape,
                          MlirType elem) {
  spm_strbuf_t s = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&s, "!spm.buf<array<i64: ");
  for (int64_t i = 0; i < rank; ++i)
    spm_strbuf_appendf(&s, "%s%lld", i ? ", " : "", (long long)shape[i]);
  spm_strbuf_append_str(&s, ">, ");
  mlirTypePrint(elem, spm_strbuf_append_callback, &s);
  spm_strbuf_append_str(&s, ">");
  MlirType t = mlirTypeParseGet(ctx, mlirStringRefCreate(s.data, s.len));
  spm_strbuf_free(&s);
  return t;
}
