#define _POSIX_C_SOURCE 200809L
// spm-lower: lowers placed and allocated functions to the accelerator
// program (lib/lower, docs/lowering.md): rewrites the IR into its spm form
// (linalg compute -> spm.fill / matmul / conv2d / pool / eltwise on buffers
// and spm.view windows, element-wise bodies as {spm.kernel} functions) and
// writes the program as the target backend's binary or listing
// (docs/isa.md). A remark at each function summarises its program:
//   spm-lower: 57 instructions (9 DMA, 6 compute), 4 tensors, 12 buffers
// Options:
//   rewrite=true|false        rewrite the IR (default true); false leaves it
//                             unchanged (only the program is produced)
//   output=FILE               write the program (atomically); without it the
//                             pass only checks that the function lowers
//   format=binary|listing     (default binary)
//   func=NAME                 the function (required with output= when the
//                             module has several)
// Errors (an op the lowering cannot express, ...) are diagnostics at the op;
// the pass then fails and writes nothing.
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"

#include "lower/lower.h"
#include "passes/pass.h"
#include "run/encode.h"
#include "support/diag.h"
#include "support/file_io.h"
#include "support/strbuf.h"

extern const spm_pass_info_t spm_pass_info_lower;

static alignas(8) const char spm_lower_pass_id;

typedef struct {
  char *output, *func;
  bool listing, keep_ir;
} spm_lower_options_t;

static void spm_lower_construct(void *user) {}

static void spm_lower_destruct(void *user) {
  spm_lower_options_t *o = user;
  free(o->output);
  free(o->func);
  free(o);
}

static void *spm_lower_clone(void *user) {
  const spm_lower_options_t *o = user;
  spm_lower_options_t *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->listing = o->listing;
  c->keep_ir = o->keep_ir;
  c->output = o->output ? strdup(o->output) : NULL;
  c->func = o->func ? strdup(o->func) : NULL;
  return c;
}

static bool func_named(MlirOperation f, const char *name) {
  MlirAttribute a = mlirOperationGetAttributeByName(
      f, mlirStringRefCreateFromCString("sym_name"));
  MlirStringRef n = mlirStringAttrGetValue(a);
  return strlen(name) == n.length && memcmp(name, n.data, n.length) == 0;
}

typedef struct {
  const spm_lower_options_t *o;
  int lowered;
  spm_strbuf_t out; // the encoded program (output= only)
} spm_lower_run_t;

static spm_status_t spm_lower_visit(MlirOperation func, void *user) {
  spm_lower_run_t *r = user;
  if (r->o->func && !func_named(func, r->o->func))
    return SPM_OK;
  if (!r->o->keep_ir)
    SPM_RETURN_IF_ERROR(spm_lower_rewrite_function(func, NULL));
  spm_run_program_t *p;
  SPM_RETURN_IF_ERROR(spm_lower_function(func, NULL, &p));
  size_t dma = 0, compute = 0;
  for (size_t i = 0; i < p->ninstrs; ++i) {
    spm_run_opcode_t op = p->instrs[i].op;
    dma += op == SPM_RUN_OP_DMA_LOAD || op == SPM_RUN_OP_DMA_STORE;
    compute += op >= SPM_RUN_OP_MATMUL;
  }
  spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_REMARK,
                "spm-lower: %zu instruction%s (%zu DMA, %zu compute), %zu "
                "tensor%s, %zu buffer%s",
                p->ninstrs, spm_plural(p->ninstrs), dma, compute, p->ntensors,
                spm_plural(p->ntensors), p->nbuffers, spm_plural(p->nbuffers));
  spm_status_t st = SPM_OK;
  if (r->o->output) {
    if (r->lowered)
      st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "several functions to write to '%s': choose one "
                           "with func=NAME",
                           r->o->output);
    else if (r->o->listing)
      spm_run_listing_write(p, &r->out);
    else
      st = spm_run_encode(p, &r->out);
  }
  r->lowered++;
  spm_run_program_free(p);
  return st;
}

static void spm_lower_run(MlirOperation op, MlirExternalPass pass,
                          void *user) {
  spm_lower_run_t r = {.o = user, .out = SPM_STRBUF_INIT};
  spm_status_t s = spm_pass_for_each_func(op, spm_lower_visit, &r);
  if (spm_status_is_ok(s) && r.o->func && !r.lowered)
    s = spm_status_make(SPM_STATUS_NOT_FOUND, "no function named '%s'",
                        r.o->func);
  else if (spm_status_is_ok(s) && r.o->output && !r.lowered)
    s = spm_status_make(SPM_STATUS_NOT_FOUND,
                        "no function with a body to write to '%s'",
                        r.o->output);
  if (spm_status_is_ok(s) && r.o->output && r.lowered)
    s = spm_file_write_atomic(r.o->output, r.out.data ? r.out.data : "",
                              r.out.len);
  if (!spm_status_is_ok(s)) {
    // Lowering errors were reported at their ops; say why the pass failed.
    spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                  "spm-lower: %s", spm_status_message(s));
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
  spm_strbuf_free(&r.out);
}

static spm_status_t spm_lower_set_output(const char *value, void *options) {
  spm_lower_options_t *o = options;
  if (!*value)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-lower' option output needs a file name");
  free(o->output);
  o->output = strdup(value);
  return SPM_OK;
}

static spm_status_t spm_lower_set_func(const char *value, void *options) {
  spm_lower_options_t *o = options;
  if (!*value)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-lower' option func needs a function name");
  free(o->func);
  o->func = strdup(value);
  return SPM_OK;
}

static spm_status_t spm_lower_set_format(const char *value, void *options) {
  spm_lower_options_t *o = options;
  if (strcmp(value, "binary") != 0 && strcmp(value, "listing") != 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-lower' option format: expected binary or "
                           "listing, got '%s'",
                           value);
  o->listing = strcmp(value, "listing") == 0;
  return SPM_OK;
}

static spm_status_t spm_lower_set_rewrite(const char *value, void *options) {
  spm_lower_options_t *o = options;
  if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-lower' option rewrite: expected true or "
                           "false, got '%s'",
                           value);
  o->keep_ir = strcmp(value, "false") == 0;
  return SPM_OK;
}

static const spm_pass_option_t spm_lower_options[] = {
    {"output", false, spm_lower_set_output},
    {"format", false, spm_lower_set_format},
    {"func", false, spm_lower_set_func},
    {"rewrite", true, spm_lower_set_rewrite}};

static spm_status_t spm_lower_create(const char *options, MlirPass *out) {
  spm_lower_options_t *o = calloc(1, sizeof *o);
  if (!o)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  spm_status_t s = spm_pass_parse_options(
      "spm-lower", options, spm_lower_options,
      sizeof spm_lower_options / sizeof *spm_lower_options, o);
  if (!spm_status_is_ok(s)) {
    spm_lower_destruct(o);
    return s;
  }
  MlirExternalPassCallbacks cb = {
      .construct = spm_lower_construct,
      .destruct = spm_lower_destruct,
      .initialize = NULL,
      .clone = spm_lower_clone,
      .run = spm_lower_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_lower, &spm_lower_pass_id,
                                  "SpmLower", cb, o);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_lower = {
    .argument = "spm-lower",
    .description = "Lower placed and allocated functions to the accelerator "
                   "program: spm compute ops on scratchpad views in the IR, "
                   "and the binary or listing for spm-run",
    .options = "output=FILE: write the program there (atomically)\n"
               "format=binary|listing: the form written (default binary)\n"
               "func=NAME: the function to lower\n"
               "rewrite=true|false: rewrite the IR (default true)",
    .create = spm_lower_create,
};
