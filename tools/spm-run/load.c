// spm-run: loading a program in any of its three forms (spm_run_tool.h).
#include <string.h>

#include "dialect/spm_dialect.h"
#include "dialect/spm_verifier.h"
#include "lower/lower.h"
#include "run/encode.h"
#include "spm_run_tool.h"
#include "support/diag.h"
#include "support/file_io.h"
#include "support/strbuf.h"

static bool is_listing(const char *text) {
  // The first line that is neither blank nor a // comment.
  const char *p = text;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      p++;
    if (p[0] == '/' && p[1] == '/') {
      p = strchr(p, '\n');
      if (!p)
        return false;
      continue;
    }
    return strncmp(p, "spm_run ", 8) == 0;
  }
}

// MLIR: parse, pick the function, lower. Parser and lowering diagnostics
// are printed (file:line:col: error: ...) by the diagnostic engine.
static spm_status_t load_mlir(const char *path, const spm_strbuf_t *text,
                              const char *func, spm_run_program_t **out) {
  MlirContext ctx;
  SPM_RETURN_IF_ERROR(spm_context_create(&ctx));
  spm_diag_engine_t *diag = spm_diag_engine_create(ctx, stderr);
  const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  // The parser names its buffer "-": report locations in `name`.
  spm_diag_engine_set_file_alias(diag, "-", name);
  spm_diag_engine_set_source(diag, name, text->data ? text->data : "");
  spm_status_t st = SPM_OK;
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(text->data ? text->data : ""));
  if (mlirModuleIsNull(m)) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "%s: not a binary program, a listing or valid MLIR",
                         name);
  } else {
    MlirOperation f;
    st = spm_lower_find_function(m, func, &f);
    // The spm dialect's semantic rules on the function to run, as spm-opt
    // checks them: their errors are printed at their ops.
    if (spm_status_is_ok(st))
      st = spm_verify_op(f);
    if (spm_status_is_ok(st))
      st = spm_lower_function(f, NULL, out);
    mlirModuleDestroy(m);
  }
  spm_diag_engine_destroy(diag);
  mlirContextDestroy(ctx);
  return st;
}

spm_status_t spm_run_tool_load(const char *path, const char *func,
                               spm_run_program_t **out) {
  spm_strbuf_t text = SPM_STRBUF_INIT;
  spm_status_t st = spm_file_read(path, &text);
  if (spm_status_is_ok(st)) {
    if (text.len >= 8 && memcmp(text.data, SPM_RUN_MAGIC, 8) == 0)
      st = spm_run_decode(text.data, text.len, out);
    else if (text.len > 0 && is_listing(text.data))
      st = spm_run_listing_parse(text.data, out);
    else
      st = load_mlir(path, &text, func, out);
  }
  spm_strbuf_free(&text);
  return st;
}
