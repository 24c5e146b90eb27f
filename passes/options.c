// Pass construction shared by all passes: options in mlir-opt's syntax
// ("key=value key2='a b'") and the external-pass wrapper.
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "support/strbuf.h"
#include "target/target.h"

// The entry of `known` named `key`, or NULL.
static const spm_pass_option_t *
spm_pass_option_find(const spm_pass_option_t *known, size_t nknown,
                     const char *key) {
  for (size_t i = 0; i < nknown; ++i)
    if (strcmp(known[i].name, key) == 0)
      return &known[i];
  return NULL;
}

// "'PASS' has no option 'KEY'", with the list of options when there are any.
static spm_status_t spm_pass_option_unknown(const char *pass,
                                            const spm_pass_option_t *known,
                                            size_t nknown, const char *key) {
  spm_strbuf_t list = SPM_STRBUF_INIT;
  for (size_t i = 0; i < nknown; ++i) {
    spm_strbuf_append_str(&list, i ? ", " : " (options: ");
    spm_strbuf_append_str(&list, known[i].name);
  }
  if (nknown)
    spm_strbuf_append_str(&list, ")");
  spm_status_t s =
      spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "'%s' has no option '%s'%s",
                      pass, key, nknown ? spm_strbuf_cstr(&list) : "");
  spm_strbuf_free(&list);
  return s;
}

spm_status_t spm_pass_parse_options(const char *pass, const char *options,
                                    const spm_pass_option_t *known,
                                    size_t nknown, void *user) {
  if (!options)
    return SPM_OK;
  const char *p = options;
  spm_status_t st = SPM_OK;
  spm_strbuf_t key = SPM_STRBUF_INIT, val = SPM_STRBUF_INIT;
  while (*p && spm_status_is_ok(st)) {
    while (*p == ' ' || *p == ',')
      ++p;
    if (!*p)
      break;
    spm_strbuf_clear(&key);
    spm_strbuf_clear(&val);
    while (*p && *p != '=' && *p != ' ' && *p != ',')
      spm_strbuf_append(&key, p++, 1);
    bool has_value = *p == '=';
    if (*p == '=') {
      ++p;
      if (*p == '"' || *p == '\'') {
        char q = *p++;
        while (*p && *p != q)
          spm_strbuf_append(&val, p++, 1);
        if (*p != q) {
          st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "unterminated quote in options of '%s'", pass);
          break;
        }
        ++p;
      } else {
        int depth = 0; // values may hold {...} or [...]
        while (*p && (depth > 0 || (*p != ' ' && *p != ','))) {
          if (*p == '{' || *p == '[')
            ++depth;
          else if (*p == '}' || *p == ']')
            --depth;
          spm_strbuf_append(&val, p++, 1);
        }
      }
    }
    if (key.len == 0) {
      st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "expected 'key=value' in options of '%s'", pass);
      break;
    }
    const spm_pass_option_t *opt =
        spm_pass_option_find(known, nknown, spm_strbuf_cstr(&key));
    if (!opt) {
      st = spm_pass_option_unknown(pass, known, nknown, spm_strbuf_cstr(&key));
      break;
    }
    if (!has_value) {
      if (!opt->flag) {
        st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "'%s' option %s needs a value (%s=...)", pass,
                             opt->name, opt->name);
        break;
      }
      spm_strbuf_append_str(&val, "true"); // a bare flag, as in mlir-opt
    }
    st = opt->set(spm_strbuf_cstr(&val), user);
  }
  spm_strbuf_free(&key);
  spm_strbuf_free(&val);
  return st;
}

MlirPass spm_pass_create_external(const spm_pass_info_t *info,
                                  const void *type_id, const char *class_name,
                                  MlirExternalPassCallbacks callbacks,
                                  void *user) {
  return mlirCreateExternalPass(
      mlirTypeIDCreate(type_id), mlirStringRefCreateFromCString(class_name),
      mlirStringRefCreateFromCString(info->argument),
      mlirStringRefCreateFromCString(info->description),
      mlirStringRefCreateFromCString(""), 0, NULL, callbacks, user);
}

spm_status_t spm_pass_for_each_func(MlirOperation op,
                                    spm_status_t (*fn)(MlirOperation, void *),
                                    void *user) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  if (n.length == 9 && memcmp(n.data, "func.func", 9) == 0)
    return fn(op, user);
  spm_status_t s = SPM_OK;
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
      for (MlirOperation f = mlirBlockGetFirstOperation(b);
           !mlirOperationIsNull(f) && spm_status_is_ok(s);
           f = mlirOperationGetNextInBlock(f)) {
        MlirStringRef fn_name = mlirIdentifierStr(mlirOperationGetName(f));
        if (fn_name.length == 14 &&
            memcmp(fn_name.data, "builtin.module", 14) == 0) {
          s = spm_pass_for_each_func(f, fn, user); // a nested module
          continue;
        }
        if (fn_name.length == 9 && memcmp(fn_name.data, "func.func", 9) == 0 &&
            mlirAttributeIsNull(mlirOperationGetAttributeByName(
                f, mlirStringRefCreateFromCString("spm.kernel"))) &&
            mlirOperationGetNumRegions(f) > 0 &&
            !mlirBlockIsNull(
                mlirRegionGetFirstBlock(mlirOperationGetRegion(f, 0))))
          s = fn(f, user);
      }
  return s;
}

spm_status_t spm_pass_parse_target_size(const char *field, const char *value,
                                        int64_t *out) {
  spm_target_t t;
  memset(&t, 0, sizeof t);
  SPM_RETURN_IF_ERROR(spm_target_set_field(&t, field, value));
  *out = strcmp(field, "alignment") == 0 ? t.alignment : t.capacity;
  return SPM_OK;
}

spm_status_t spm_pass_parse_choice(const char *pass, const char *option,
                                   const char *value, const char *const *names,
                                   int n, int *out) {
  for (int i = 0; i < n; ++i)
    if (strcmp(value, names[i]) == 0) {
      *out = i;
      return SPM_OK;
    }
  spm_strbuf_t list = SPM_STRBUF_INIT;
  for (int i = 0; i < n; ++i) {
    spm_strbuf_append_str(&list, i == 0 ? "" : i == n - 1 ? " or " : ", ");
    spm_strbuf_append_str(&list, names[i]);
  }
  spm_status_t s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                                   "'%s' option %s must be %s, got '%s'", pass,
                                   option, spm_strbuf_cstr(&list), value);
  spm_strbuf_free(&list);
  return s;
}
