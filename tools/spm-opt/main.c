// spm-opt: the spm driver, with mlir-opt's conventions.
//
//   spm-opt [options] [input|-]        see --help and docs/spm-opt.md
//
// Reads MLIR (every upstream dialect plus spm), optionally splits it at
// "// -----", sets the target, verifies the input (MLIR + spm verifier),
// runs the pass pipeline (spm and upstream passes), verifies the result, and
// prints it. Output to a file is written atomically and only on success.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "dialect/spm_verifier.h"
#include "mlir-c/Pass.h"
#include "options.h"
#include "passes/pipeline.h"
#include "split_input.h"
#include "support/diag.h"
#include "support/file_io.h"
#include "support/relocate.h"
#include "support/strbuf.h"
#include "target/target.h"
#include "verify_diagnostics.h"

#ifndef SPM_VERSION
#define SPM_VERSION "0.0.0"
#endif

static void spm_opt_error(const char *fmt, const char *msg) {
  fprintf(stderr, "spm-opt: error: ");
  fprintf(stderr, fmt, msg);
  fputc('\n', stderr);
}

// Builds the pass manager from --pass-pipeline or the pass flags.
static spm_status_t spm_opt_build_pm(MlirContext ctx,
                                     const spm_opt_options_t *o,
                                     MlirPassManager *out) {
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  spm_status_t s = SPM_OK;
  if (o->pass_pipeline)
    s = spm_pipeline_add_anchored(opm, "builtin.module", o->pass_pipeline);
  for (size_t i = 0; spm_status_is_ok(s) && i < o->npasses; ++i) {
    s = spm_pipeline_add_pass(opm, o->passes[i].name, o->passes[i].options);
    if (!spm_status_is_ok(s) &&
        strstr(spm_status_message(s), "does not refer to a registered")) {
      spm_status_free(s);
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                          "unknown command line argument '--%s'; try "
                          "'spm-opt --help'",
                          o->passes[i].name);
    }
  }
  if (!spm_status_is_ok(s)) {
    mlirPassManagerDestroy(pm);
    return s;
  }
  *out = pm;
  return SPM_OK;
}

typedef struct {
  MlirContext ctx;
  spm_diag_engine_t *diag;
  MlirPassManager pm;
  const spm_opt_options_t *opts;
  bool have_target;
  spm_target_t target;
  const char *file;
} spm_opt_run_t;

static void spm_opt_set_target(spm_opt_run_t *r, MlirOperation module) {
  if (!r->have_target)
    return;
  MlirAttribute a = spm_target_to_attribute(r->ctx, &r->target);
  mlirOperationSetAttributeByName(
      module, mlirStringRefCreateFromCString(SPM_TARGET_ATTR_NAME), a);
}

// Processes one chunk; appends its printed result to `out` on success.
// Returns true on success (for --verify-diagnostics: all matched).
static bool spm_opt_process_chunk(spm_opt_run_t *r, const char *text,
                                  spm_strbuf_t *out) {
  spm_expected_list_t expected = {0};
  if (r->opts->verify_diagnostics) {
    spm_status_t s = spm_expected_parse(r->file, text, &expected);
    if (!spm_status_is_ok(s)) {
      fprintf(stderr, "%s\n", spm_status_message(s));
      spm_status_free(s);
      return false;
    }
    spm_diag_engine_set_collect(r->diag, true);
  }
  spm_diag_engine_set_source(r->diag, r->file, text);
  bool ok = false;
  // mlirModuleCreateParse wraps top-level ops into an implicit module as
  // mlir-opt does; its buffer is named "-", renamed to the input's name.
  MlirModule module =
      mlirModuleCreateParse(r->ctx, mlirStringRefCreateFromCString(text));
  if (!mlirModuleIsNull(module)) {
    MlirOperation op = mlirModuleGetOperation(module);
    spm_relocate_file(op, "-", r->file);
    spm_opt_set_target(r, op);
    spm_status_t s = spm_verify_op(op);
    if (spm_status_is_ok(s) &&
        mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(r->pm, op)))
      s = spm_verify_op(op);
    else if (spm_status_is_ok(s))
      s = spm_status_make(SPM_STATUS_FAILED, "pass pipeline failed");
    ok = spm_status_is_ok(s);
    spm_status_free(s);
    if (ok) {
      MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
      if (r->opts->print_generic)
        mlirOpPrintingFlagsPrintGenericOpForm(flags);
      if (r->opts->print_debuginfo)
        mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
      mlirOperationPrintWithFlags(op, flags, spm_strbuf_append_callback, out);
      mlirOpPrintingFlagsDestroy(flags);
      spm_strbuf_append_str(out, "\n");
    }
    mlirModuleDestroy(module);
  }
  if (r->opts->verify_diagnostics) {
    ok = spm_expected_check(r->diag, r->file, &expected);
    spm_expected_free(&expected);
  }
  return ok;
}

int main(int argc, char **argv) {
  spm_opt_options_t opts;
  spm_status_t s = spm_opt_options_parse(argc, argv, &opts);
  if (!spm_status_is_ok(s)) {
    spm_opt_error("%s", spm_status_message(s));
    spm_status_free(s);
    spm_opt_options_free(&opts);
    return 1;
  }
  if (opts.help || opts.version || opts.list_passes) {
    if (opts.help)
      spm_opt_print_help(argv[0]);
    else if (opts.version)
      printf("spm-opt %s (MLIR 22 C API, isl)\n", SPM_VERSION);
    else
      spm_opt_print_passes();
    spm_opt_options_free(&opts);
    return 0;
  }

  spm_opt_run_t r = {.opts = &opts};
  int rc = 1;
  spm_strbuf_t input = SPM_STRBUF_INIT, output = SPM_STRBUF_INIT;
  spm_opt_chunk_t *chunks = NULL;
  size_t nchunks = 0;
  r.file = strcmp(opts.input, "-") == 0 ? "<stdin>" : opts.input;

  if (opts.target) {
    s = spm_target_parse_spec(opts.target, &r.target);
    if (!spm_status_is_ok(s))
      goto fail_status;
    r.have_target = true;
  }
  s = spm_context_create(&r.ctx);
  if (!spm_status_is_ok(s))
    goto fail_status;
  if (opts.allow_unregistered)
    mlirContextSetAllowUnregisteredDialects(r.ctx, true);
  r.diag = spm_diag_engine_create(r.ctx, stderr);
  spm_diag_engine_set_file_alias(r.diag, "-", r.file);
  s = spm_opt_build_pm(r.ctx, &opts, &r.pm);
  if (!spm_status_is_ok(s))
    goto fail_status;
  s = spm_file_read(opts.input, &input);
  if (!spm_status_is_ok(s))
    goto fail_status;

  chunks = spm_opt_split(spm_strbuf_cstr(&input), opts.split_input_file,
                         &nchunks);
  bool all_ok = true;
  for (size_t i = 0; i < nchunks; ++i) {
    size_t before = output.len;
    if (i > 0)
      spm_strbuf_append_str(&output, "// -----\n");
    if (!spm_opt_process_chunk(&r, chunks[i].text, &output)) {
      all_ok = false;
      if (!opts.split_input_file)
        break;
      // keep the output of the chunks that succeeded, as mlir-opt does
      if (opts.verify_diagnostics)
        output.len = before, spm_strbuf_append(&output, "", 0);
    }
  }
  // Diagnostics may point into chunk texts; stop showing sources now.
  if (all_ok || strcmp(opts.output, "-") == 0) {
    // With -o FILE a failure leaves no file; on stdout mlir-opt prints what
    // succeeded.
    s = spm_file_write_atomic(opts.output, spm_strbuf_cstr(&output),
                              output.len);
    if (!spm_status_is_ok(s))
      goto fail_status;
  }
  rc = all_ok ? 0 : 1;
  goto done;

fail_status:
  spm_opt_error("%s", spm_status_message(s));
  spm_status_free(s);
done:
  if (chunks)
    spm_opt_chunks_free(chunks, nchunks);
  if (!mlirPassManagerIsNull(r.pm))
    mlirPassManagerDestroy(r.pm);
  if (r.diag)
    spm_diag_engine_destroy(r.diag);
  if (!mlirContextIsNull(r.ctx))
    mlirContextDestroy(r.ctx);
  spm_strbuf_free(&input);
  spm_strbuf_free(&output);
  spm_opt_options_free(&opts);
  return rc;
}
