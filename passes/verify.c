// spm-verify: runs the spm dialect's semantic verifier (dialect/
// spm_verifier.h) on the operation it is scheduled on. A generic op pass:
// `builtin.module(spm-verify)` or nested under any op.
#include <stdalign.h>
#include <stdlib.h>

#include "dialect/spm_verifier.h"
#include "passes/pass.h"

extern const spm_pass_info_t spm_pass_info_verify;

static alignas(8) const char spm_verify_pass_id;

static void spm_verify_construct(void *user) {}
static void spm_verify_destruct(void *user) {}
static void *spm_verify_clone(void *user) { return user; }

static void spm_verify_run(MlirOperation op, MlirExternalPass pass,
                           void *user) {
  spm_status_t s = spm_verify_op(op);
  if (!spm_status_is_ok(s)) {
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
}

static spm_status_t spm_verify_create(const char *options, MlirPass *out) {
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_options("spm-verify", options, NULL, 0, NULL));
  MlirExternalPassCallbacks cb = {
      .construct = spm_verify_construct,
      .destruct = spm_verify_destruct,
      .initialize = NULL,
      .clone = spm_verify_clone,
      .run = spm_verify_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_verify, &spm_verify_pass_id,
                                  "SpmVerify", cb, NULL);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_verify = {
    .argument = "spm-verify",
    .description = "Check the spm dialect's semantic rules (shapes, offsets "
                   "within capacity, alignment)",
    .options = "",
    .create = spm_verify_create,
};
