// The spm-place pass: options, and the summary remark (the placement itself
// is passes/place.c).
//
// Options (mlir-opt syntax): strategy=reuse|static, capacity=BYTES,
// reserve=FRACTION, double-buffer=true|false, fuse=true|false,
// chain=true|false, residency=cost|reuse-distance,
// report=summary|ops|reuse|none, max-tiles=N.
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "passes/place.h"
#include "passes/target_of.h"
#include "support/diag.h"
#include "support/strbuf.h"

extern const spm_pass_info_t spm_pass_info_place;

static alignas(8) const char spm_place_pass_id;

static void spm_place_construct(void *user) { (void)user; }
static void spm_place_destruct(void *user) { free(user); }
static void *spm_place_clone(void *user) {
  spm_place_options_t *c = malloc(sizeof *c);
  if (!c)
    abort();
  *c = *(spm_place_options_t *)user;
  return c;
}

// The summary remark of one placed function.
void spm_place_report_summary(MlirOperation func, const spm_place_stats_t *s,
                              const spm_pass_target_t *t,
                              const spm_place_options_t *o) {
  int64_t moved = s->read + s->written;
  spm_diag_emit(
      mlirOperationGetLocation(func), SPM_DIAG_REMARK,
      "spm-place: %lld op%s (%lld tiled, %lld tile%s, %lld fused pair%s, "
      "%lld chain%s), strategy %s, %s capacity %lld bytes; DRAM read %lld "
      "bytes, written %lld bytes, total %.3fx the compulsory %lld bytes "
      "(traffic model: read %lld, written %lld); %lld intermediate%s on "
      "chip, %lld in global memory; %lld DMA transfer%s",
      (long long)s->ops, spm_plural(s->ops), (long long)s->tiled_ops,
      (long long)s->tiles, spm_plural(s->tiles), (long long)s->fused,
      spm_plural(s->fused), (long long)s->chained, spm_plural(s->chained),
      o->strategy == SPM_PLACE_STATIC ? "static" : "reuse", t->what,
      (long long)t->t.capacity, (long long)s->read, (long long)s->written,
      s->compulsory ? (double)moved / (double)s->compulsory : 0.0,
      (long long)s->compulsory, (long long)s->predicted_read,
      (long long)s->predicted_written, (long long)s->resident,
      spm_plural(s->resident), (long long)s->spilled, (long long)s->transfers,
      spm_plural(s->transfers));
}

static spm_status_t spm_place_one(MlirOperation func, void *user) {
  const spm_place_options_t *o = user;
  spm_pass_target_t t;
  SPM_RETURN_IF_ERROR(spm_pass_target_of(func, o->capacity, 0, &t));
  spm_place_stats_t st;
  SPM_RETURN_IF_ERROR(spm_place_func(func, &t.t, o, &st));
  spm_pass_target_write_back(&t);
  if (o->report != SPM_PLACE_REPORT_NONE)
    spm_place_report_summary(func, &st, &t, o);
  return SPM_OK;
}

static void spm_place_run(MlirOperation op, MlirExternalPass pass,
                          void *user) {
  spm_status_t s = spm_pass_for_each_func(op, spm_place_one, user);
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) != SPM_STATUS_FAILED) // FAILED: already reported
      spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                    "spm-place: %s", spm_status_message(s));
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
}

static spm_status_t spm_place_bool(const char *key, const char *v, bool *out) {
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
    *out = true;
    return SPM_OK;
  }
  if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) {
    *out = false;
    return SPM_OK;
  }
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "'spm-place' option %s must be true or false, got "
                         "'%s'",
                         key, v);
}

spm_status_t spm_place_parse_max_tiles(const char *pass, const char *value,
                                       int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(value, &end, 10);
  if (end == value || *end || errno == ERANGE || v < 1)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'%s' option max-tiles needs a positive number "
                           "of tiles, got '%s'",
                           pass, value);
  *out = (int64_t)v;
  return SPM_OK;
}

static spm_status_t spm_place_set_strategy(const char *value, void *options) {
  static const char *const names[] = {"reuse", "static"};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-place", "strategy", value, names, 2, &i));
  ((spm_place_options_t *)options)->strategy =
      i == 0 ? SPM_PLACE_REUSE : SPM_PLACE_STATIC;
  return SPM_OK;
}

// Read as the target's field (K/M/G suffixes, --spm-target's checks).
static spm_status_t spm_place_set_capacity(const char *value, void *options) {
  spm_place_options_t *o = options;
  return spm_pass_parse_target_size("capacity", value, &o->capacity);
}

static spm_status_t spm_place_set_reserve(const char *value, void *options) {
  spm_place_options_t *o = options;
  char *end;
  double v = strtod(value, &end);
  if (end == value || *end || !(v >= 0 && v < 1))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-place' option reserve needs a fraction in "
                           "[0, 1), got '%s'",
                           value);
  o->reserve = v;
  return SPM_OK;
}

static spm_status_t spm_place_set_double_buffer(const char *value,
                                                void *options) {
  spm_place_options_t *o = options;
  return spm_place_bool("double-buffer", value, &o->double_buffer);
}

static spm_status_t spm_place_set_fuse(const char *value, void *options) {
  spm_place_options_t *o = options;
  return spm_place_bool("fuse", value, &o->fuse);
}

static spm_status_t spm_place_set_chain(const char *value, void *options) {
  spm_place_options_t *o = options;
  return spm_place_bool("chain", value, &o->chain);
}

static spm_status_t spm_place_set_residency(const char *value, void *options) {
  static const char *const names[] = {"cost", "reuse-distance"};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-place", "residency", value, names, 2, &i));
  ((spm_place_options_t *)options)->residency =
      i == 0 ? SPM_PLACE_RESIDENCY_COST : SPM_PLACE_RESIDENCY_DISTANCE;
  return SPM_OK;
}

static spm_status_t spm_place_set_report(const char *value, void *options) {
  static const char *const names[] = {"summary", "ops", "reuse", "none"};
  static const spm_place_report_kind_t reports[] = {
      SPM_PLACE_REPORT_SUMMARY, SPM_PLACE_REPORT_OPS, SPM_PLACE_REPORT_REUSE,
      SPM_PLACE_REPORT_NONE};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-place", "report", value, names, 4, &i));
  ((spm_place_options_t *)options)->report = reports[i];
  return SPM_OK;
}

static spm_status_t spm_place_set_max_tiles(const char *value, void *options) {
  spm_place_options_t *o = options;
  return spm_place_parse_max_tiles("spm-place", value, &o->max_tiles);
}

static const spm_pass_option_t spm_place_options[] = {
    {"strategy", false, spm_place_set_strategy},
    {"capacity", false, spm_place_set_capacity},
    {"reserve", false, spm_place_set_reserve},
    {"double-buffer", true, spm_place_set_double_buffer},
    {"fuse", true, spm_place_set_fuse},
    {"chain", true, spm_place_set_chain},
    {"residency", false, spm_place_set_residency},
    {"report", false, spm_place_set_report},
    {"max-tiles", false, spm_place_set_max_tiles}};

static spm_status_t spm_place_create(const char *options, MlirPass *out) {
  spm_place_options_t *o = malloc(sizeof *o);
  if (!o)
    abort();
  *o = spm_place_options_default();
  spm_status_t s = spm_pass_parse_options(
      "spm-place", options, spm_place_options,
      sizeof spm_place_options / sizeof *spm_place_options, o);
  if (!spm_status_is_ok(s)) {
    free(o);
    return s;
  }
  MlirExternalPassCallbacks cb = {
      .construct = spm_place_construct,
      .destruct = spm_place_destruct,
      .initialize = NULL,
      .clone = spm_place_clone,
      .run = spm_place_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_place, &spm_place_pass_id,
                                  "SpmPlace", cb, o);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_place = {
    .argument = "spm-place",
    .description = "Decide what lives in the scratchpad: residency of "
                   "intermediates across ops, tiling under the capacity by a "
                   "DRAM-traffic model, DMA with double buffering; leaves "
                   "spm.alloc unplaced for spm-allocate",
    .options = "      strategy=reuse|static        reuse: residency across "
               "ops (default); static: every op from/to global memory\n"
               "      capacity=BYTES               override the target's "
               "capacity (K/M/G suffixes)\n"
               "      reserve=FRACTION             capacity kept free for "
               "packing slack (default 0.1)\n"
               "      double-buffer=true|false     prefetch the next tile "
               "(default true)\n"
               "      fuse=true|false              run an element-wise "
               "consumer in its producer's tiles (default true)\n"
               "      chain=true|false             run a producer whose output "
               "does not fit and its windowed consumer (a pool) as one tiled "
               "chain, recomputing halos (default true)\n"
               "      residency=cost|reuse-distance  keep an intermediate "
               "whole when its tiling costs no more (default), or when its "
               "reuse distance and size fit\n"
               "      report=summary|ops|reuse|none  remarks: per function "
               "(default), also per op, also per buffer's reuse distances, "
               "or none\n"
               "      max-tiles=N                  most tiles one op is "
               "unrolled into, and a function 8 times as many; an op that "
               "needs more is an error (default 32768)\n",
    .create = spm_place_create,
};
