// spm-deps: polyhedral dependence analysis of every function (isl).
//
//   spm-opt --spm-deps                     remarks at the sink ops
//   spm-opt --spm-deps=json=deps.json      also the machine-readable report
//   spm-opt --spm-deps=format=mlir-compat  the remarks of upstream
//                                          `mlir-opt -test-memref-dependence-check`
// See docs/passes.md. The analysis itself is lib/poly (deps_graph.h), which
// later passes call directly.
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/options.h>

#include "passes/pass.h"
#include "poly/deps_graph.h"
#include "support/diag.h"
#include "support/file_io.h"
#include "support/strbuf.h"

extern const spm_pass_info_t spm_pass_info_deps;

typedef enum { SPM_DEPS_REMARKS, SPM_DEPS_COMPAT, SPM_DEPS_QUIET } spm_deps_format_t;

typedef struct {
  spm_deps_format_t format;
  char *json; // path or NULL
  bool memory_based_flow;
} spm_deps_options_t;

static alignas(8) const char spm_deps_pass_id;

static void spm_deps_construct(void *user) {}

static void spm_deps_destruct(void *user) {
  spm_deps_options_t *o = user;
  free(o->json);
  free(o);
}

static void *spm_deps_clone(void *user) {
  spm_deps_options_t *o = user, *c = malloc(sizeof *c);
  if (!c)
    abort();
  *c = *o;
  c->json = o->json ? strdup(o->json) : NULL;
  return c;
}


// Upstream's TestMemRefDependenceCheck, remark for remark.
static spm_status_t spm_deps_run_compat(isl_ctx *ctx, MlirOperation op) {
  spm_poly_func_t *f;
  SPM_RETURN_IF_ERROR(spm_poly_extract(ctx, op, SPM_POLY_EXTRACT_COMPAT, &f));
  const spm_poly_program_t *p = spm_poly_func_program(f);
  int n = (int)spm_poly_program_num_accesses(p);
  spm_status_t s = SPM_OK;
  for (int i = 0; i < n && spm_status_is_ok(s); ++i) {
    int si = spm_poly_access_statement(p, i);
    MlirLocation loc = mlirOperationGetLocation(spm_poly_func_access_op(f, i));
    for (int j = 0; j < n && spm_status_is_ok(s); ++j) {
      int sj = spm_poly_access_statement(p, j);
      int ncommon = spm_poly_common_loops(p, si, sj);
      bool before = spm_poly_func_statement_before(f, si, sj);
      for (int d = 1; d <= ncommon + 1; ++d) {
        bool dep = false;
        spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS];
        int ncomp = 0;
        s = spm_poly_compat_check(p, i, j, d, before, &dep, comp, &ncomp);
        if (!spm_status_is_ok(s))
          break;
        spm_strbuf_t b = SPM_STRBUF_INIT;
        spm_strbuf_appendf(&b, "dependence from %d to %d at depth %d = ", i, j,
                           d);
        if (!dep)
          spm_strbuf_append_str(&b, "false");
        else if (ncomp == 0 || d > ncommon)
          spm_strbuf_append_str(&b, "true");
        else
          for (int k = 0; k < ncomp; ++k)
            spm_deps_append_range(&b, &comp[k]);
        spm_diag_emit(loc, SPM_DIAG_REMARK, "%s", spm_strbuf_cstr(&b));
        spm_strbuf_free(&b);
      }
    }
  }
  spm_poly_func_free(f);
  return s;
}

static spm_status_t spm_deps_run_func(isl_ctx *ctx, MlirOperation func,
                                      const spm_deps_options_t *o,
                                      spm_strbuf_t *json) {
  spm_deps_graph_t *g;
  unsigned eflags = o->format == SPM_DEPS_REMARKS ? SPM_POLY_EXTRACT_REMARKS : 0;
  SPM_RETURN_IF_ERROR(spm_deps_graph_compute(
      ctx, func, eflags,
      o->memory_based_flow ? SPM_POLY_FLOW_MEMORY_BASED : 0, &g));
  if (o->format == SPM_DEPS_REMARKS)
    for (size_t i = 0; i < spm_poly_deps_count(g->deps); ++i) {
      const spm_poly_dep_t *d = spm_poly_deps_get(g->deps, i);
      spm_strbuf_t b = SPM_STRBUF_INIT;
      spm_deps_graph_describe(g, d, &b);
      spm_diag_emit(
          mlirOperationGetLocation(spm_poly_func_access_op(g->model,
                                                           d->dst_access)),
          SPM_DIAG_REMARK, "%s", spm_strbuf_cstr(&b));
      spm_strbuf_free(&b);
    }
  if (json) {
    if (json->len > 2)
      spm_strbuf_append_str(json, ",\n");
    spm_deps_graph_to_json(g, json);
  }
  spm_deps_graph_free(g);
  return SPM_OK;
}

typedef struct {
  isl_ctx *ctx;
  const spm_deps_options_t *o;
  spm_strbuf_t *json;
} spm_deps_visit_t;

static spm_status_t spm_deps_visit(MlirOperation func, void *user) {
  spm_deps_visit_t *v = user;
  return spm_deps_run_func(v->ctx, func, v->o, v->json);
}

static void spm_deps_run(MlirOperation op, MlirExternalPass pass, void *user) {
  const spm_deps_options_t *o = user;
  isl_ctx *ctx = isl_ctx_alloc();
  isl_options_set_on_error(ctx, ISL_ON_ERROR_CONTINUE);
  spm_status_t s = SPM_OK;
  spm_strbuf_t json = SPM_STRBUF_INIT;
  if (o->json)
    spm_strbuf_append_str(&json, "[\n");
  if (o->format == SPM_DEPS_COMPAT) {
    s = spm_deps_run_compat(ctx, op);
  } else {
    spm_deps_visit_t v = {ctx, o, o->json ? &json : NULL};
    s = spm_pass_for_each_func(op, spm_deps_visit, &v);
  }
  if (spm_status_is_ok(s) && o->json) {
    spm_strbuf_append_str(&json, "]\n");
    s = spm_file_write_atomic(o->json, json.data, json.len);
  }
  spm_strbuf_free(&json);
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) != SPM_STATUS_FAILED) // FAILED: already reported
      spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR, "spm-deps: %s",
                  spm_status_message(s));
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
  isl_ctx_free(ctx);
}

static spm_status_t spm_deps_set_format(const char *value, void *options) {
  static const char *const names[] = {"remarks", "mlir-compat", "none"};
  static const spm_deps_format_t formats[] = {SPM_DEPS_REMARKS, SPM_DEPS_COMPAT,
                                              SPM_DEPS_QUIET};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-deps", "format", value, names, 3, &i));
  ((spm_deps_options_t *)options)->format = formats[i];
  return SPM_OK;
}

static spm_status_t spm_deps_set_json(const char *value, void *options) {
  spm_deps_options_t *o = options;
  if (!*value)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-deps' option json needs a file name");
  free(o->json);
  o->json = strdup(value);
  return SPM_OK;
}

static spm_status_t spm_deps_set_flow(const char *value, void *options) {
  static const char *const names[] = {"value", "memory"};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-deps", "flow", value, names, 2, &i));
  ((spm_deps_options_t *)options)->memory_based_flow = i == 1;
  return SPM_OK;
}

static const spm_pass_option_t spm_deps_options[] = {
    {"format", false, spm_deps_set_format},
    {"json", false, spm_deps_set_json},
    {"flow", false, spm_deps_set_flow}};

static spm_status_t spm_deps_create(const char *options, MlirPass *out) {
  spm_deps_options_t *o = calloc(1, sizeof *o);
  if (!o)
    abort();
  spm_status_t s = spm_pass_parse_options(
      "spm-deps", options, spm_deps_options,
      sizeof spm_deps_options / sizeof *spm_deps_options, o);
  if (!spm_status_is_ok(s)) {
    spm_deps_destruct(o);
    return s;
  }
  MlirExternalPassCallbacks cb = {
      .construct = spm_deps_construct,
      .destruct = spm_deps_destruct,
      .initialize = NULL,
      .clone = spm_deps_clone,
      .run = spm_deps_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_deps, &spm_deps_pass_id,
                                  "SpmDeps", cb, o);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_deps = {
    .argument = "spm-deps",
    .description = "Polyhedral dependence analysis across all ops (isl): "
                   "flow, anti and output dependences with depth and "
                   "distance",
    .options = "      format=remarks|mlir-compat|none  report style "
               "(default remarks)\n"
               "      json=FILE                        also write the JSON "
               "report\n"
               "      flow=value|memory                value-based flow "
               "(kills, default) or memory-based\n",
    .create = spm_deps_create,
};
