#include "target/target.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "support/mlir_util.h"
#include "support/parse_size.h"
#include "support/strbuf.h"

// Presets: figures from shared/TARGETS.md; docs/target.md gives each source
// and marks which values are assumptions (e.g. DMA latency where the source
// does not publish one).
static const spm_target_t spm_target_presets[] = {
    // Gemmini default config: 256 KiB scratchpad, 4 banks of 16 B rows,
    // 16x16 int8 array, 128-bit DMA bus at an assumed 1 GHz.
    {"gemmini", 262144, 16, 4, 16.0, 100, 256, 1000, 160.0, 6.6, 0.23},
    // TPU v1: 24 MiB unified buffer, 256x256 int8 MACs at 700 MHz,
    // 34 GB/s DDR3 = 48.6 B/cycle.
    {"tpuv1", 25165824, 256, 1, 48.57, 100, 65536, 700, 160.0, 12.5, 0.23},
    // NVDLA nv_small: 128 KiB CBUF, 64 int8 MACs, 64-bit bus, latency 50.
    {"nvdla-small", 131072, 8, 1, 8.0, 50, 64, 1000, 160.0, 4.8, 0.23},
    // NVDLA nv_large: 512 KiB CBUF, 2048 int8 MACs, 256-bit bus, latency 1024.
    {"nvdla-large", 524288, 32, 1, 32.0, 1024, 2048, 1000, 160.0, 9.1, 0.23},
    // Eyeriss v1: 108 KB global buffer, 168 16-bit PEs, 64-bit bus, 200 MHz.
    {"eyeriss", 110592, 8, 1, 8.0, 100, 168, 200, 160.0, 4.4, 1.5},
};

#define SPM_NPRESETS (sizeof spm_target_presets / sizeof spm_target_presets[0])

size_t spm_target_preset_count(void) { return SPM_NPRESETS; }

const char *spm_target_preset_name(size_t i) {
  return i < SPM_NPRESETS ? spm_target_presets[i].name : NULL;
}

spm_status_t spm_target_get_preset(const char *name, spm_target_t *out) {
  for (size_t i = 0; i < SPM_NPRESETS; ++i)
    if (strcmp(spm_target_presets[i].name, name) == 0) {
      *out = spm_target_presets[i];
      return SPM_OK;
    }
  spm_strbuf_t names = SPM_STRBUF_INIT;
  for (size_t i = 0; i < SPM_NPRESETS; ++i)
    spm_strbuf_appendf(&names, "%s%s", i ? ", " : "",
                       spm_target_presets[i].name);
  spm_status_t s = spm_status_make(SPM_STATUS_NOT_FOUND,
                                   "unknown target '%s' (known: %s)", name,
                                   spm_strbuf_cstr(&names));
  spm_strbuf_free(&names);
  return s;
}

typedef enum { SPM_FIELD_STR, SPM_FIELD_INT, SPM_FIELD_FLOAT } spm_field_kind_t;

typedef struct {
  const char *key;
  spm_field_kind_t kind;
  size_t offset;
  int64_t min; // integer fields: the least value (spm_target_validate's)
} spm_target_field_t;

#define F(k, kind, m) {k, kind, offsetof(spm_target_t, m), 1}
#define F0(k, kind, m) {k, kind, offsetof(spm_target_t, m), 0}
static const spm_target_field_t spm_target_fields[] = {
    F("name", SPM_FIELD_STR, name),
    F("capacity", SPM_FIELD_INT, capacity),
    F("alignment", SPM_FIELD_INT, alignment),
    F("banks", SPM_FIELD_INT, banks),
    F("dma_bandwidth", SPM_FIELD_FLOAT, dma_bandwidth),
    F0("dma_latency", SPM_FIELD_INT, dma_latency),
    F("macs_per_cycle", SPM_FIELD_INT, macs_per_cycle),
    F("clock_mhz", SPM_FIELD_INT, clock_mhz),
    F("dram_pj_per_byte", SPM_FIELD_FLOAT, dram_pj_per_byte),
    F("spm_pj_per_byte", SPM_FIELD_FLOAT, spm_pj_per_byte),
    F("mac_pj", SPM_FIELD_FLOAT, mac_pj),
};
#undef F
#undef F0
#define SPM_NFIELDS (sizeof spm_target_fields / sizeof spm_target_fields[0])

static const spm_target_field_t *spm_target_find_field(const char *key,
                                                       size_t len) {
  for (size_t i = 0; i < SPM_NFIELDS; ++i)
    if (strlen(spm_target_fields[i].key) == len &&
        strncmp(spm_target_fields[i].key, key, len) == 0)
      return &spm_target_fields[i];
  return NULL;
}

static spm_status_t spm_unknown_field(const char *key, size_t len) {
  spm_strbuf_t names = SPM_STRBUF_INIT;
  for (size_t i = 0; i < SPM_NFIELDS; ++i)
    spm_strbuf_appendf(&names, "%s%s", i ? ", " : "", spm_target_fields[i].key);
  spm_status_t s = spm_status_make(
      SPM_STATUS_INVALID_ARGUMENT, "unknown target field '%.*s' (fields: %s)",
      (int)len, key, spm_strbuf_cstr(&names));
  spm_strbuf_free(&names);
  return s;
}

// [A-Za-z0-9_.-]{1,31}: the name is written into listings and binaries
// (docs/isa.md), so it must be a plain token.
static bool spm_target_name_ok(const char *s, size_t n) {
  return n < sizeof ((spm_target_t *)0)->name && spm_str_is_token(s, n);
}

static spm_status_t spm_target_bad_name(void) {
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "target name must be 1 to %zu characters of "
                         "[A-Za-z0-9_.-]",
                         sizeof ((spm_target_t *)0)->name - 1);
}

spm_status_t spm_target_set_field(spm_target_t *t, const char *key,
                                  const char *value) {
  const spm_target_field_t *f = spm_target_find_field(key, strlen(key));
  if (!f)
    return spm_unknown_field(key, strlen(key));
  char *base = (char *)t + f->offset;
  if (f->kind == SPM_FIELD_STR) {
    size_t n = strlen(value);
    if (!spm_target_name_ok(value, n))
      return spm_target_bad_name();
    memcpy(base, value, n + 1);
    return SPM_OK;
  }
  if (f->kind == SPM_FIELD_INT) {
    int64_t v = 0;
    spm_parse_size_result_t r = spm_parse_size(value, &v);
    if (r == SPM_PARSE_SIZE_OUT_OF_RANGE)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "target field '%s' is out of range: '%s' "
                             "(at most %lld)",
                             key, value, (long long)INT64_MAX);
    if (r != SPM_PARSE_SIZE_OK || v < f->min)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "target field '%s' needs a %s integer, got '%s'",
                             key, f->min > 0 ? "positive" : "non-negative",
                             value);
    *(int64_t *)(void *)base = v;
    return SPM_OK;
  }
  errno = 0;
  char *end;
  double v = strtod(value, &end);
  if (end == value || *end || errno || !(v >= 0) || isinf(v))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "target field '%s' needs a non-negative number, "
                           "got '%s'",
                           key, value);
  *(double *)(void *)base = v;
  return SPM_OK;
}

spm_status_t spm_target_validate(const spm_target_t *t) {
  const char *nul = memchr(t->name, '\0', sizeof t->name);
  if (!nul || !spm_target_name_ok(t->name, (size_t)(nul - t->name)))
    return spm_target_bad_name();
  if (t->capacity <= 0)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target capacity must be positive");
  if (t->capacity > SPM_TARGET_MAX_CAPACITY)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target capacity %lld is more than 2^40 bytes",
                           (long long)t->capacity);
  if (t->alignment <= 0 || (t->alignment & (t->alignment - 1)))
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target alignment %lld is not a power of two",
                           (long long)t->alignment);
  if (t->capacity % t->alignment)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target capacity %lld is not a multiple of the "
                           "alignment %lld",
                           (long long)t->capacity, (long long)t->alignment);
  const struct {
    const char *name;
    int64_t v;
    int64_t min;
  } ints[] = {{"banks", t->banks, 1},
              {"dma_latency", t->dma_latency, 0},
              {"macs_per_cycle", t->macs_per_cycle, 1},
              {"clock_mhz", t->clock_mhz, 1}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; ++i)
    if (ints[i].v < ints[i].min)
      return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                             "target %s must be >= %lld, got %lld",
                             ints[i].name, (long long)ints[i].min,
                             (long long)ints[i].v);
  if (t->dma_latency > SPM_TARGET_MAX_DMA_LATENCY)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target dma_latency %lld is more than 2^40 cycles",
                           (long long)t->dma_latency);
  if (!(t->dma_bandwidth > 0) || isinf(t->dma_bandwidth))
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "target dma_bandwidth must be positive");
  const struct {
    const char *name;
    double v;
  } energies[] = {{"dram_pj_per_byte", t->dram_pj_per_byte},
                  {"spm_pj_per_byte", t->spm_pj_per_byte},
                  {"mac_pj", t->mac_pj}};
  for (size_t i = 0; i < sizeof energies / sizeof energies[0]; ++i)
    if (!(energies[i].v >= 0) || isinf(energies[i].v))
      return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                             "target %s must be a non-negative number",
                             energies[i].name);
  return SPM_OK;
}

spm_status_t spm_target_parse_spec(const char *spec, spm_target_t *out) {
  const char *brace = strchr(spec, '{');
  size_t nlen = brace ? (size_t)(brace - spec) : strlen(spec);
  char name[64];
  if (nlen == 0 || nlen >= sizeof name)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "expected a target name in '%s'", spec);
  memcpy(name, spec, nlen);
  name[nlen] = '\0';
  SPM_RETURN_IF_ERROR(spm_target_get_preset(name, out));
  if (!brace)
    return spm_target_validate(out);
  const char *p = brace + 1;
  const char *close = strrchr(p, '}');
  if (!close || close[1] != '\0')
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "expected '}' at the end of '%s'", spec);
  while (p < close) {
    while (p < close && (*p == ' ' || *p == ','))
      ++p;
    if (p == close)
      break;
    const char *eq = p;
    while (eq < close && *eq != '=' && *eq != ' ' && *eq != ',')
      ++eq;
    if (eq == close || *eq != '=')
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "expected 'field=value' in '%s'", spec);
    const char *v = eq + 1, *ve = v;
    while (ve < close && *ve != ' ' && *ve != ',')
      ++ve;
    char key[64], val[64];
    if ((size_t)(eq - p) >= sizeof key || (size_t)(ve - v) >= sizeof val)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "target option too long in '%s'", spec);
    memcpy(key, p, (size_t)(eq - p));
    key[eq - p] = '\0';
    memcpy(val, v, (size_t)(ve - v));
    val[ve - v] = '\0';
    SPM_RETURN_IF_ERROR(spm_target_set_field(out, key, val));
    p = ve;
  }
  return spm_target_validate(out);
}

MlirAttribute spm_target_to_attribute(MlirContext ctx, const spm_target_t *t) {
  spm_strbuf_t s = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&s, "#spm.target<{");
  for (size_t i = 0; i < SPM_NFIELDS; ++i) {
    const spm_target_field_t *f = &spm_target_fields[i];
    const char *base = (const char *)t + f->offset;
    spm_strbuf_appendf(&s, "%s%s = ", i ? ", " : "", f->key);
    if (f->kind == SPM_FIELD_STR) {
      // An MLIR string literal: '"', '\\' and non-printable bytes escaped as
      // \XX (a name from --spm-target may hold any of them).
      spm_strbuf_append_str(&s, "\"");
      for (const unsigned char *c = (const unsigned char *)base; *c; ++c)
        if (*c == '"' || *c == '\\' || *c < 0x20 || *c >= 0x7f)
          spm_strbuf_appendf(&s, "\\%02X", (unsigned)*c);
        else
          spm_strbuf_append(&s, (const char *)c, 1);
      spm_strbuf_append_str(&s, "\"");
    } else if (f->kind == SPM_FIELD_INT)
      spm_strbuf_appendf(&s, "%lld : i64",
                         (long long)*(const int64_t *)(const void *)base);
    else {
      // MLIR float literals need a '.' before any exponent ("32.0", not
      // "32"; "1.0e+22", not "1e+22", which lexes as the integer 1).
      char num[40];
      snprintf(num, sizeof num, "%.17g", *(const double *)(const void *)base);
      char *e = strpbrk(num, "eE");
      if (!strchr(num, '.'))
        spm_strbuf_appendf(&s, "%.*s.0%s : f64",
                           (int)(e ? e - num : (ptrdiff_t)strlen(num)), num,
                           e ? e : "");
      else
        spm_strbuf_appendf(&s, "%s : f64", num);
    }
  }
  spm_strbuf_append_str(&s, "}>");
  MlirAttribute a = mlirAttributeParseGet(
      ctx, mlirStringRefCreate(s.data, s.len));
  spm_strbuf_free(&s);
  return a;
}

spm_status_t spm_target_from_attribute(MlirAttribute attr, spm_target_t *out) {
  // The C API has no accessor for the parameters of an IRDL-defined
  // attribute, so read them back through the printed form: the single
  // parameter is a builtin dictionary.
  spm_strbuf_t s = SPM_STRBUF_INIT;
  mlirAttributePrint(attr, spm_strbuf_append_callback, &s);
  const char *txt = spm_strbuf_cstr(&s);
  const char *prefix = "#spm.target<";
  size_t pl = strlen(prefix);
  if (strncmp(txt, prefix, pl) != 0 || s.len < pl + 1 || txt[s.len - 1] != '>') {
    spm_status_t st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                                      "'spm.target' must be a #spm.target<{...}> "
                                      "attribute, got %s", txt);
    spm_strbuf_free(&s);
    return st;
  }
  MlirContext ctx = mlirAttributeGetContext(attr);
  MlirAttribute dict = mlirAttributeParseGet(
      ctx, mlirStringRefCreate(txt + pl, s.len - pl - 1));
  spm_strbuf_free(&s);
  if (mlirAttributeIsNull(dict) || !mlirAttributeIsADictionary(dict))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "#spm.target expects a dictionary of fields");
  memset(out, 0, sizeof *out);
  unsigned seen = 0;
  intptr_t n = mlirDictionaryAttrGetNumElements(dict);
  for (intptr_t i = 0; i < n; ++i) {
    MlirNamedAttribute na = mlirDictionaryAttrGetElement(dict, i);
    MlirStringRef key = mlirIdentifierStr(na.name);
    const spm_target_field_t *f = spm_target_find_field(key.data, key.length);
    if (!f)
      return spm_unknown_field(key.data, key.length);
    seen |= 1u << (f - spm_target_fields);
    char *base = (char *)out + f->offset;
    MlirAttribute v = na.attribute;
    if (f->kind == SPM_FIELD_STR) {
      if (!mlirAttributeIsAString(v))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "target field '%s' must be a string", f->key);
      MlirStringRef sv = mlirStringAttrGetValue(v);
      if (!spm_target_name_ok(sv.data, sv.length))
        return spm_target_bad_name();
      memcpy(base, sv.data, sv.length);
      base[sv.length] = '\0';
    } else if (f->kind == SPM_FIELD_INT) {
      if (!mlirAttributeIsAInteger(v))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "target field '%s' must be an integer", f->key);
      if (!spm_int_attr_i64(v, (int64_t *)(void *)base))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "target field '%s' is out of range (at most "
                               "%lld)",
                               f->key, (long long)INT64_MAX);
    } else {
      int64_t iv;
      if (mlirAttributeIsAFloat(v))
        *(double *)(void *)base = mlirFloatAttrGetValueDouble(v);
      else if (mlirAttributeIsAInteger(v) && spm_int_attr_i64(v, &iv))
        *(double *)(void *)base = (double)iv;
      else if (mlirAttributeIsAInteger(v))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "target field '%s' is out of range (at most "
                               "%lld)",
                               f->key, (long long)INT64_MAX);
      else
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "target field '%s' must be a number", f->key);
    }
  }
  for (size_t i = 0; i < SPM_NFIELDS; ++i)
    if (!(seen & (1u << i)))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "target field '%s' is missing",
                             spm_target_fields[i].key);
  return spm_target_validate(out);
}
