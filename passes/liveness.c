// spm-liveness: reports the live range of every local buffer (memref.alloc /
// alloca) of every function, computed from spm-deps' dependence graph
// (lib/alloc/liveness.h). Remarks at the allocation:
//   %alloc: 4096 bytes, live [1, 3] (from linalg.fill@12:3 to linalg.generic@14:3)
//   %alloc_0: 4096 bytes, live [2, 2] [4, 5] (...)   (overwritten in between)
// Positions are indices of the function body's top-level ops.
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/options.h>

#include "alloc/liveness.h"
#include "passes/pass.h"
#include "support/diag.h"

extern const spm_pass_info_t spm_pass_info_liveness;

static alignas(8) const char spm_liveness_pass_id;

static void spm_liveness_construct(void *user) {}
static void spm_liveness_destruct(void *user) {}
static void *spm_liveness_clone(void *user) { return user; }

static spm_status_t spm_liveness_run_func(isl_ctx *ctx, MlirOperation func) {
  spm_deps_graph_t *g;
  SPM_RETURN_IF_ERROR(spm_deps_graph_compute(ctx, func, 0, 0, &g));
  spm_liveness_t *l;
  spm_status_t s = spm_liveness_compute(g, &l);
  if (spm_status_is_ok(s)) {
    for (size_t i = 0; i < l->nbuffers; ++i) {
      spm_strbuf_t b = SPM_STRBUF_INIT;
      spm_liveness_describe(l, &l->buffers[i], &b);
      spm_diag_emit(mlirOperationGetLocation(l->buffers[i].alloc),
                    SPM_DIAG_REMARK, "%s", spm_strbuf_cstr(&b));
      spm_strbuf_free(&b);
    }
    spm_liveness_free(l);
  }
  spm_deps_graph_free(g);
  return s;
}

static spm_status_t spm_liveness_visit(MlirOperation func, void *user) {
  return spm_liveness_run_func((isl_ctx *)user, func);
}

static void spm_liveness_run(MlirOperation op, MlirExternalPass pass,
                             void *user) {
  isl_ctx *ctx = isl_ctx_alloc();
  isl_options_set_on_error(ctx, ISL_ON_ERROR_CONTINUE);
  spm_status_t s = spm_pass_for_each_func(op, spm_liveness_visit, ctx);
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) != SPM_STATUS_FAILED) // FAILED: already reported
      spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                  "spm-liveness: %s", spm_status_message(s));
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
  isl_ctx_free(ctx);
}

static spm_status_t spm_liveness_create(const char *options, MlirPass *out) {
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_options("spm-liveness", options, NULL, 0, NULL));
  MlirExternalPassCallbacks cb = {
      .construct = spm_liveness_construct,
      .destruct = spm_liveness_destruct,
      .initialize = NULL,
      .clone = spm_liveness_clone,
      .run = spm_liveness_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_liveness,
                                  &spm_liveness_pass_id, "SpmLiveness", cb,
                                  NULL);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_liveness = {
    .argument = "spm-liveness",
    .description = "Report the live range of every local buffer, from the "
                   "dependence graph of spm-deps",
    .options = "",
    .create = spm_liveness_create,
};
