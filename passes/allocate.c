// spm-allocate: places the local buffers of every function in the
// scratchpad. deps -> liveness -> packing (lib/alloc/pack.h), then each
// packed memref.alloc becomes
//
//   %b = "spm.alloc"() {offset = N : i64} : () -> !spm.buf<array<i64: ...>, T>
//   %m = builtin.unrealized_conversion_cast %b : !spm.buf<...> to memref<...>
//   ... uses of %m (the compute keeps using a memref view of the buffer) ...
//   "spm.dealloc"(%b)            // after the last op of its live range
//
// with the spm.alloc placed before the first op of the live range, so that
// buffers sharing bytes are never allocated at the same time. A summary
// remark gives peak, lower bound, capacity and fragmentation; when nothing
// fits, an error at the op of maximum pressure names the buffers live there.
//
// Options (mlir-opt syntax): algorithm=auto|heuristic|exact|static,
// capacity=BYTES, alignment=BYTES (override the module's spm.target),
// time-limit=SECONDS (exact search, default 1), place=auto|never (run
// spm-place when the buffers do not fit), max-tiles=N (its tile limit).
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/options.h>

#include "alloc/liveness.h"
#include "alloc/pack.h"
#include "dialect/spm_dialect.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "passes/pass.h"
#include "passes/place.h"
#include "passes/target_of.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"
#include "target/target.h"

extern const spm_pass_info_t spm_pass_info_allocate;

typedef enum {
  SPM_ALLOC_AUTO,
  SPM_ALLOC_HEURISTIC,
  SPM_ALLOC_EXACT,
  SPM_ALLOC_STATIC,
} spm_alloc_strategy_t;

typedef struct {
  spm_alloc_strategy_t strategy;
  int64_t capacity;  // 0: from the target
  int64_t alignment; // 0: from the target
  double time_limit;
  bool place;        // run spm-place when the buffers do not fit
  int64_t max_tiles; // spm-place's max-tiles when it runs
} spm_allocate_options_t;

static alignas(8) const char spm_allocate_pass_id;

static void spm_allocate_construct(void *user) {}
static void spm_allocate_destruct(void *user) { free(user); }
static void *spm_allocate_clone(void *user) {
  spm_allocate_options_t *c = malloc(sizeof *c);
  if (!c)
    abort();
  *c = *(spm_allocate_options_t *)user;
  return c;
}

// Rewrites buffer `b` (placed at `offset`) into spm.alloc + cast + dealloc.
static void spm_rewrite_buffer(const spm_liveness_t *l,
                               const spm_live_buffer_t *b, int64_t offset) {
  MlirContext ctx = mlirOperationGetContext(b->alloc);
  MlirLocation loc = mlirOperationGetLocation(b->alloc);
  MlirType mt = mlirValueGetType(b->value);
  int64_t shape[SPM_MAX_RANK];
  intptr_t rank = mlirShapedTypeGetRank(mt);
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(mt, i);
  MlirType bt =
      spm_buf_type_get(ctx, rank, shape, mlirShapedTypeGetElementType(mt));
  MlirNamedAttribute off = mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString("offset")),
      mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), offset));
  MlirOperation alloc = spm_op_build(loc, "spm.alloc", 0, NULL, 1, &bt, 1, &off);
  MlirValue buf = mlirOperationGetResult(alloc, 0);
  MlirOperation cast = spm_op_build(
      loc, "builtin.unrealized_conversion_cast", 1, &buf, 1, &mt, 0, NULL);
  MlirBlock body = mlirOperationGetBlock(l->ops[b->first]);
  mlirBlockInsertOwnedOperationBefore(body, l->ops[b->first], alloc);
  mlirBlockInsertOwnedOperationAfter(body, alloc, cast);
  MlirOperation dealloc =
      spm_op_build(loc, "spm.dealloc", 1, &buf, 0, NULL, 0, NULL);
  mlirBlockInsertOwnedOperationAfter(body, l->ops[b->last], dealloc);
  // The old buffer's memref.dealloc ops go; its other users move to the cast.
  MlirValue old = b->value;
  for (MlirOpOperand u = mlirValueGetFirstUse(old); !mlirOpOperandIsNull(u);) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    u = mlirOpOperandGetNextUse(u);
    if (spm_op_is(user, "memref.dealloc")) {
      // skip further uses by the same op before destroying it
      while (!mlirOpOperandIsNull(u) &&
             mlirOperationEqual(mlirOpOperandGetOwner(u), user))
        u = mlirOpOperandGetNextUse(u);
      mlirOperationDestroy(user);
    }
  }
  mlirValueReplaceAllUsesOfWith(old, mlirOperationGetResult(cast, 0));
  mlirOperationDestroy(b->alloc);
}

// Why a packing above `capacity` is all there is, for the overflow
// diagnostics: " (...)", or "" when the lower bound (which they print)
// says it.
static const char *spm_alloc_why(const spm_pack_result_t *r, int64_t capacity) {
  if (r->lower_bound > capacity)
    return "";
  if (r->proven_infeasible)
    return " (the exact search proved that nothing fits)";
  if (r->too_large)
    return " (only the heuristic ran: too many buffers, or pairs of buffers "
           "live at the same time, for the exact search)";
  if (r->limit_reached)
    return " (the exact search stopped at its time limit; raise time-limit)";
  return "";
}

// The over-capacity diagnostic: at the op of maximum pressure, the buffers
// live there.
static void spm_report_overflow(const spm_liveness_t *l,
                                const spm_live_buffer_t **cand,
                                const spm_pack_buffer_t *pb, size_t n,
                                const spm_pack_result_t *r,
                                const spm_pass_target_t *lim) {
  int64_t time;
  size_t *live = calloc(n + 1, sizeof *live);
  if (!live)
    abort();
  size_t nlive = spm_pack_peak_live(pb, n, &time, live, n);
  spm_strbuf_t m = SPM_STRBUF_INIT;
  if (r->lower_bound > lim->t.capacity)
    spm_strbuf_appendf(&m,
                       "scratchpad overflow: the %zu buffer%s live here "
                       "need%s %lld bytes but the capacity is %lld (%s):",
                       nlive, spm_plural(nlive), spm_verb_s(nlive),
                       (long long)r->lower_bound, (long long)lim->t.capacity,
                       lim->what);
  else
    spm_strbuf_appendf(&m,
                       "scratchpad overflow: no packing within %lld bytes "
                       "(%s) was found%s (best peak %lld, lower bound %lld); "
                       "the %zu buffer%s live at the point of maximum "
                       "pressure:",
                       (long long)lim->t.capacity, lim->what,
                       spm_alloc_why(r, lim->t.capacity), (long long)r->peak,
                       (long long)r->lower_bound, nlive, spm_plural(nlive));
  for (size_t i = 0; i < nlive && i < n; ++i)
    spm_strbuf_appendf(&m, "%s %s (%lld bytes)", i ? "," : "",
                       cand[live[i]]->name, (long long)pb[live[i]].size);
  MlirOperation at = time >= 0 && (size_t)time < l->nops ? l->ops[time]
                                                         : l->func;
  spm_diag_emit(mlirOperationGetLocation(at), SPM_DIAG_ERROR, "%s",
                spm_strbuf_cstr(&m));
  spm_strbuf_free(&m);
  free(live);
}

static int64_t spm_alloc_offset_of(MlirOperation op) {
  MlirAttribute a = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("offset"));
  return !mlirAttributeIsNull(a) && mlirAttributeIsAInteger(a)
             ? mlirIntegerAttrGetValueInt(a)
             : 0;
}

static bool spm_alloc_is_unplaced(MlirOperation op) {
  return spm_op_is(op, "spm.alloc") && spm_alloc_offset_of(op) == -1;
}

// What spm_alloc_has_unplaced's walk finds: whether the function's top
// level has an unplaced spm.alloc, and the first one nested in a region.
typedef struct {
  MlirOperation func, nested;
  bool top;
} spm_alloc_unplaced_scan_t;

static MlirWalkResult spm_alloc_unplaced_visit(MlirOperation op, void *user) {
  spm_alloc_unplaced_scan_t *u = user;
  if (!spm_alloc_is_unplaced(op))
    return MlirWalkResultAdvance;
  if (mlirOperationEqual(mlirOperationGetParentOperation(op), u->func)) {
    u->top = true;
    return MlirWalkResultAdvance;
  }
  u->nested = op;
  return MlirWalkResultInterrupt;
}

// Whether the body has spm.alloc ops still to place (offset = -1: the
// output of spm-place). Those are packed by their positions in the body, so
// one nested in a region (which spm-place never emits) is an error, reported
// here (FAILED).
static spm_status_t spm_alloc_has_unplaced(MlirOperation func, bool *has) {
  spm_alloc_unplaced_scan_t u = {func, {NULL}, false};
  mlirOperationWalk(func, spm_alloc_unplaced_visit, &u, MlirWalkPreOrder);
  *has = u.top;
  if (mlirOperationIsNull(u.nested))
    return SPM_OK;
  spm_diag_emit(mlirOperationGetLocation(u.nested), SPM_DIAG_ERROR,
                "spm-allocate: an spm.alloc to place (offset = -1) inside a "
                "region: only those at the function's top level are packed");
  return spm_status_make(SPM_STATUS_FAILED, "nested spm.alloc");
}

// Packs the unplaced spm.alloc ops of a straight-line body: each buffer is
// live from its spm.alloc to its spm.dealloc (or the end of the body).
// On success sets their offsets; *r describes the packing.
static spm_status_t spm_alloc_positional(MlirOperation func,
                                         const spm_allocate_options_t *o,
                                         const spm_pass_target_t *lim,
                                         spm_pack_result_t *r,
                                         size_t *nbuffers) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  size_t n = 0, cap = 0, nops = 0;
  spm_pack_buffer_t *pb = NULL;
  MlirOperation *allocs = NULL;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op), ++nops) {
    if (spm_op_is(op, "spm.alloc") && spm_alloc_offset_of(op) == -1) {
      spm_buf_type_t bt;
      spm_status_t st = spm_buf_type_decode(
          mlirValueGetType(mlirOperationGetResult(op, 0)), &bt);
      if (!spm_status_is_ok(st)) {
        free(pb);
        free(allocs);
        return st;
      }
      if (n == cap) {
        cap = cap ? 2 * cap : 256;
        pb = realloc(pb, cap * sizeof *pb);
        allocs = realloc(allocs, cap * sizeof *allocs);
        if (!pb || !allocs)
          abort();
      }
      allocs[n] = op;
      pb[n] = (spm_pack_buffer_t){(int64_t)n, (int64_t)nops, -1,
                                  spm_buf_type_bytes(&bt), lim->t.alignment,
                                  -1};
      ++n;
      continue;
    }
    if (spm_op_is(op, "spm.dealloc") &&
        mlirOperationGetNumOperands(op) == 1) {
      MlirValue b = mlirOperationGetOperand(op, 0);
      if (!mlirValueIsAOpResult(b))
        continue;
      MlirOperation def = mlirOpResultGetOwner(b);
      for (size_t i = n; i-- > 0;)
        if (mlirOperationEqual(allocs[i], def)) {
          pb[i].end = (int64_t)nops + 1;
          break;
        }
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (pb[i].end < 0)
      pb[i].end = (int64_t)nops + 1;
  *nbuffers = n;
  spm_pack_options_t po = spm_pack_options_default();
  po.algorithm = o->strategy == SPM_ALLOC_EXACT ? SPM_PACK_EXACT
                 : o->strategy == SPM_ALLOC_HEURISTIC ? SPM_PACK_HEURISTIC
                                                      : SPM_PACK_AUTO;
  po.capacity = lim->t.capacity;
  po.time_limit = o->time_limit;
  spm_status_t s = spm_pack(pb, n, &po, r);
  if (spm_status_is_ok(s) && r->feasible) {
    MlirContext ctx = mlirOperationGetContext(func);
    for (size_t i = 0; i < n; ++i)
      mlirOperationSetAttributeByName(
          allocs[i], mlirStringRefCreateFromCString("offset"),
          mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), pb[i].offset));
  }
  free(pb);
  free(allocs);
  return s;
}

static void spm_alloc_summary(MlirOperation func, size_t n,
                              const spm_pack_result_t *r,
                              const spm_pass_target_t *lim,
                              const char *algorithm, const char *extra) {
  double frag = r->peak > 0 ? 100.0 * (double)(r->peak - r->lower_bound) /
                                  (double)r->peak
                            : 0.0;
  spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_REMARK,
                "spm-allocate: %zu buffer%s, peak %lld bytes, lower bound "
                "%lld bytes, capacity %lld bytes (%s), fragmentation "
                "%.1f%%, algorithm %s%s",
                n, spm_plural(n), (long long)r->peak, (long long)r->lower_bound,
                (long long)lim->t.capacity, lim->what, frag, algorithm, extra);
}

// Places a copy of `func` with spm-place and packs it; on success the
// placed body replaces func's. The reserve (capacity kept free for packing
// slack) grows until the packing fits.
static spm_status_t spm_alloc_place(MlirOperation func,
                                    const spm_allocate_options_t *o,
                                    const spm_pass_target_t *lim) {
  static const double reserves[] = {0.1, 0.2, 0.35, 0.5};
  spm_status_t last = SPM_OK;
  for (size_t k = 0; k < sizeof reserves / sizeof *reserves; ++k) {
    MlirOperation copy = mlirOperationClone(func);
    spm_place_options_t po = spm_place_options_default();
    po.reserve = reserves[k];
    po.max_tiles = o->max_tiles;
    spm_place_stats_t st;
    spm_status_t s = spm_place_func(copy, &lim->t, &po, &st);
    if (!spm_status_is_ok(s)) {
      mlirOperationDestroy(copy);
      return s; // a placement error is not cured by more reserve
    }
    spm_pack_result_t r;
    memset(&r, 0, sizeof r);
    size_t n = 0;
    s = spm_alloc_positional(copy, o, lim, &r, &n);
    if (spm_status_is_ok(s) && r.feasible) {
      mlirRegionTakeBody(mlirOperationGetRegion(func, 0),
                         mlirOperationGetRegion(copy, 0));
      mlirOperationDestroy(copy);
      spm_place_report_summary(func, &st, lim, &po);
      char extra[96];
      snprintf(extra, sizeof extra, " (after spm-place, reserve %.0f%%)",
               100.0 * reserves[k]);
      spm_alloc_summary(func, n, &r, lim, r.algorithm, extra);
      return SPM_OK;
    }
    mlirOperationDestroy(copy);
    spm_status_free(last);
    last = spm_status_is_ok(s)
               ? spm_status_make(SPM_STATUS_FAILED,
                                 "the placed program needs %lld bytes",
                                 (long long)r.peak)
               : s;
  }
  spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                "spm-allocate: no placement packs within %lld bytes (%s): "
                "%s",
                (long long)lim->t.capacity, lim->what,
                spm_status_message(last));
  spm_status_free(last);
  return spm_status_make(SPM_STATUS_FAILED, "placement failed");
}

static spm_status_t spm_allocate_func(MlirOperation func, void *user) {
  const spm_allocate_options_t *o = ((void **)user)[0];
  isl_ctx *ctx = ((void **)user)[1];
  spm_pass_target_t lim;
  spm_status_t s = spm_pass_target_of(func, o->capacity, o->alignment, &lim);
  if (!spm_status_is_ok(s))
    return s;
  bool unplaced;
  SPM_RETURN_IF_ERROR(spm_alloc_has_unplaced(func, &unplaced));
  if (unplaced) {
    // a placed program (spm-place output): pack by alloc/dealloc positions
    spm_pack_result_t r;
    memset(&r, 0, sizeof r);
    size_t n = 0;
    SPM_RETURN_IF_ERROR(spm_alloc_positional(func, o, &lim, &r, &n));
    if (!r.feasible) {
      spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                    "scratchpad overflow: the %zu buffer%s of the placed "
                    "program need%s %lld bytes (lower bound %lld) but the "
                    "capacity is %lld (%s)%s; place with a larger reserve "
                    "(spm-place{reserve=...})",
                    n, spm_plural(n), spm_verb_s(n), (long long)r.peak,
                    (long long)r.lower_bound, (long long)lim.t.capacity,
                    lim.what, spm_alloc_why(&r, lim.t.capacity));
      return spm_status_make(SPM_STATUS_FAILED, "scratchpad overflow");
    }
    spm_pass_target_write_back(&lim);
    spm_alloc_summary(func, n, &r, &lim, r.algorithm, "");
    return SPM_OK;
  }
  spm_deps_graph_t *g;
  SPM_RETURN_IF_ERROR(spm_deps_graph_compute(ctx, func, 0, 0, &g));
  spm_liveness_t *l;
  s = spm_liveness_compute(g, &l);
  if (!spm_status_is_ok(s)) {
    spm_deps_graph_free(g);
    return s;
  }
  // Candidates: used buffers of static size that do not escape.
  const spm_live_buffer_t **cand = calloc(l->nbuffers + 1, sizeof *cand);
  spm_pack_buffer_t *pb = calloc(l->nbuffers + 1, sizeof *pb);
  if (!cand || !pb)
    abort();
  size_t n = 0;
  int64_t total = 0; // sizes and alignments, up to SPM_PACK_MAX_TOTAL
  for (size_t i = 0; i < l->nbuffers; ++i) {
    const spm_live_buffer_t *b = &l->buffers[i];
    intptr_t rank = mlirShapedTypeGetRank(mlirValueGetType(b->value));
    char rank_why[64] = "";
    if (rank < 1 || rank > SPM_MAX_RANK)
      snprintf(rank_why, sizeof rank_why,
               "its rank %ld is not 1 to %d (!spm.buf)", (long)rank,
               SPM_MAX_RANK);
    const char *why = b->bytes < 0         ? b->size_problem
                      : b->escapes         ? "it escapes the function"
                      : b->first > b->last ? "it is never used"
                      : b->bytes == 0      ? "it is empty"
                      : rank_why[0]        ? rank_why
                                           : NULL;
    if (why) {
      spm_diag_emit(mlirOperationGetLocation(b->alloc), SPM_DIAG_REMARK,
                    "spm-allocate: %s stays in global memory: %s", b->name,
                    why);
      continue;
    }
    if (b->bytes > SPM_PACK_MAX_TOTAL - total ||
        lim.t.alignment > SPM_PACK_MAX_TOTAL - total - b->bytes) {
      spm_diag_emit(mlirOperationGetLocation(b->alloc), SPM_DIAG_ERROR,
                    "spm-allocate: %s (%lld bytes) brings the local "
                    "buffers' sizes and alignments to more than %lld bytes, "
                    "the most a packing can handle",
                    b->name, (long long)b->bytes,
                    (long long)SPM_PACK_MAX_TOTAL);
      free(cand);
      free(pb);
      spm_liveness_free(l);
      spm_deps_graph_free(g);
      return spm_status_make(SPM_STATUS_FAILED, "buffers too large");
    }
    total += b->bytes + lim.t.alignment;
    cand[n] = b;
    pb[n] = (spm_pack_buffer_t){(int64_t)i, b->first, b->last + 1, b->bytes,
                                lim.t.alignment, -1};
    ++n;
  }
  spm_pack_result_t r;
  memset(&r, 0, sizeof r);
  if (o->strategy == SPM_ALLOC_STATIC) {
    // Fixed partitions: every buffer its own slot for the whole function.
    int64_t next = 0;
    for (size_t i = 0; i < n; ++i) {
      pb[i].offset = (next + lim.t.alignment - 1) / lim.t.alignment * lim.t.alignment;
      next = pb[i].offset + pb[i].size;
    }
    r.peak = next;
    r.lower_bound = spm_pack_lower_bound(pb, n);
    r.feasible = next <= lim.t.capacity;
    r.algorithm = "static";
  } else {
    spm_pack_options_t po = spm_pack_options_default();
    po.algorithm = o->strategy == SPM_ALLOC_HEURISTIC ? SPM_PACK_HEURISTIC
                   : o->strategy == SPM_ALLOC_EXACT   ? SPM_PACK_EXACT
                                                      : SPM_PACK_AUTO;
    po.capacity = lim.t.capacity;
    po.time_limit = o->time_limit;
    s = spm_pack(pb, n, &po, &r);
  }
  if (spm_status_is_ok(s) && !r.feasible && o->place &&
      o->strategy != SPM_ALLOC_STATIC) {
    // Does not fit: decide what stays on chip and tile (spm-place), then
    // pack the placed program.
    free(cand);
    free(pb);
    spm_liveness_free(l);
    spm_deps_graph_free(g);
    s = spm_alloc_place(func, o, &lim);
    if (spm_status_is_ok(s))
      spm_pass_target_write_back(&lim);
    return s;
  }
  if (spm_status_is_ok(s) && !r.feasible) {
    if (o->strategy == SPM_ALLOC_STATIC)
      spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                    "scratchpad overflow: static allocation (fixed "
                    "partitions, no reuse) of %zu buffer%s needs %lld bytes "
                    "but the capacity is %lld (%s); packing by live ranges "
                    "needs at least %lld",
                    n, spm_plural(n), (long long)r.peak,
                    (long long)lim.t.capacity, lim.what,
                    (long long)r.lower_bound);
    else
      spm_report_overflow(l, cand, pb, n, &r, &lim);
    s = spm_status_make(SPM_STATUS_FAILED, "scratchpad overflow");
  }
  if (spm_status_is_ok(s)) {
    if (lim.overridden)
      mlirOperationSetAttributeByName(
          lim.holder, mlirStringRefCreateFromCString(SPM_TARGET_ATTR_NAME),
          spm_target_to_attribute(mlirOperationGetContext(func), &lim.t));
    for (size_t i = 0; i < n; ++i)
      spm_rewrite_buffer(l, cand[i], pb[i].offset);
    spm_alloc_summary(func, n, &r, &lim,
                      o->strategy == SPM_ALLOC_STATIC ? "static" : r.algorithm,
                      "");
  }
  free(cand);
  free(pb);
  spm_liveness_free(l);
  spm_deps_graph_free(g);
  return s;
}

static void spm_allocate_run(MlirOperation op, MlirExternalPass pass,
                             void *user) {
  isl_ctx *ctx = isl_ctx_alloc();
  isl_options_set_on_error(ctx, ISL_ON_ERROR_CONTINUE);
  void *args[2] = {user, ctx};
  spm_status_t s = spm_pass_for_each_func(op, spm_allocate_func, args);
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) != SPM_STATUS_FAILED) // FAILED: already reported
      spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR,
                    "spm-allocate: %s", spm_status_message(s));
    spm_status_free(s);
    mlirExternalPassSignalFailure(pass);
  }
  isl_ctx_free(ctx);
}

static spm_status_t spm_allocate_set_algorithm(const char *value,
                                               void *options) {
  static const char *const names[] = {"auto", "heuristic", "exact", "static"};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-allocate", "algorithm", value, names, 4, &i));
  ((spm_allocate_options_t *)options)->strategy = (spm_alloc_strategy_t)i;
  return SPM_OK;
}

// capacity= and alignment= are read as the target's fields (K/M/G suffixes,
// the same checks and messages as --spm-target).
static spm_status_t spm_allocate_set_capacity(const char *value,
                                              void *options) {
  spm_allocate_options_t *o = options;
  return spm_pass_parse_target_size("capacity", value, &o->capacity);
}

static spm_status_t spm_allocate_set_alignment(const char *value,
                                               void *options) {
  spm_allocate_options_t *o = options;
  int64_t a;
  SPM_RETURN_IF_ERROR(spm_pass_parse_target_size("alignment", value, &a));
  if (a & (a - 1))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-allocate' alignment %lld is not a power "
                           "of two",
                           (long long)a);
  o->alignment = a;
  return SPM_OK;
}

static spm_status_t spm_allocate_set_place(const char *value, void *options) {
  static const char *const names[] = {"auto", "never"};
  int i;
  SPM_RETURN_IF_ERROR(
      spm_pass_parse_choice("spm-allocate", "place", value, names, 2, &i));
  ((spm_allocate_options_t *)options)->place = i == 0;
  return SPM_OK;
}

static spm_status_t spm_allocate_set_max_tiles(const char *value,
                                               void *options) {
  spm_allocate_options_t *o = options;
  return spm_place_parse_max_tiles("spm-allocate", value, &o->max_tiles);
}

static spm_status_t spm_allocate_set_time_limit(const char *value,
                                                void *options) {
  spm_allocate_options_t *o = options;
  // Finite, as spm-pack's --time-limit: spm_pack takes an infinite
  // limit as none, so 'inf' or '1e999' let the exact search run forever.
  char *end;
  errno = 0;
  double v = strtod(value, &end);
  if (end == value || *end || errno || !(v > 0) || !isfinite(v))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-allocate' option time-limit needs a "
                           "positive number of seconds, got '%s'",
                           value);
  o->time_limit = v;
  return SPM_OK;
}

static const spm_pass_option_t spm_allocate_options[] = {
    {"algorithm", false, spm_allocate_set_algorithm},
    {"capacity", false, spm_allocate_set_capacity},
    {"alignment", false, spm_allocate_set_alignment},
    {"time-limit", false, spm_allocate_set_time_limit},
    {"place", false, spm_allocate_set_place},
    {"max-tiles", false, spm_allocate_set_max_tiles}};

static spm_status_t spm_allocate_create(const char *options, MlirPass *out) {
  spm_allocate_options_t *o = calloc(1, sizeof *o);
  if (!o)
    abort();
  o->time_limit = 1.0;
  o->place = true;
  o->max_tiles = SPM_PLACE_MAX_TILES_DEFAULT;
  spm_status_t s = spm_pass_parse_options(
      "spm-allocate", options, spm_allocate_options,
      sizeof spm_allocate_options / sizeof *spm_allocate_options, o);
  if (!spm_status_is_ok(s)) {
    free(o);
    return s;
  }
  MlirExternalPassCallbacks cb = {
      .construct = spm_allocate_construct,
      .destruct = spm_allocate_destruct,
      .initialize = NULL,
      .clone = spm_allocate_clone,
      .run = spm_allocate_run,
  };
  *out = spm_pass_create_external(&spm_pass_info_allocate,
                                  &spm_allocate_pass_id, "SpmAllocate", cb, o);
  return SPM_OK;
}

const spm_pass_info_t spm_pass_info_allocate = {
    .argument = "spm-allocate",
    .description = "Place local buffers in the scratchpad: dependences -> "
                   "live ranges -> packing with reuse of dead space; rewrites "
                   "them into spm.alloc/spm.dealloc",
    .options = "      algorithm=auto|heuristic|exact|static  packing "
               "(static: fixed partitions, no reuse)\n"
               "      capacity=BYTES alignment=BYTES         override the "
               "module's spm.target fields (K/M/G suffixes)\n"
               "      time-limit=SECONDS                     exact search "
               "limit (default 1)\n"
               "      place=auto|never                       run spm-place "
               "when the buffers do not fit (default auto)\n"
               "      max-tiles=N                            spm-place's "
               "limit of tiles per op when it runs (default 32768)\n",
    .create = spm_allocate_create,
};
