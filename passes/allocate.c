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
// time-limit=SECONDS (exact search, default 1).
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
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
#include "support/diag.h"
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

// The capacity and alignment to use: the module's spm.target, with the
// options overriding its fields (the pass then writes the overridden values
// back into spm.target so that the output verifies against what was used).
typedef struct {
  int64_t capacity, alignment;
  char target[64];
  MlirOperation holder; // op carrying spm.target
  spm_target_t t;
  bool overridden;
} spm_alloc_limits_t;

static spm_status_t spm_alloc_limits(MlirOperation func,
                                     const spm_allocate_options_t *o,
                                     spm_alloc_limits_t *lim) {
  memset(lim, 0, sizeof *lim);
  for (MlirOperation op = func; !mlirOperationIsNull(op);
       op = mlirOperationGetParentOperation(op)) {
    MlirAttribute a = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString(SPM_TARGET_ATTR_NAME));
    if (mlirAttributeIsNull(a))
      continue;
    SPM_RETURN_IF_ERROR(spm_target_from_attribute(a, &lim->t));
    lim->holder = op;
    break;
  }
  if (mlirOperationIsNull(lim->holder))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "needs a scratchpad: add a 'spm.target' module "
                           "attribute or use --spm-target=NAME (the options "
                           "capacity= and alignment= override its fields)");
  if (o->capacity > 0 && o->capacity != lim->t.capacity) {
    lim->t.capacity = o->capacity;
    lim->overridden = true;
  }
  if (o->alignment > 0 && o->alignment != lim->t.alignment) {
    lim->t.alignment = o->alignment;
    lim->overridden = true;
  }
  SPM_RETURN_IF_ERROR(spm_target_validate(&lim->t));
  lim->capacity = lim->t.capacity;
  lim->alignment = lim->t.alignment;
  snprintf(lim->target, sizeof lim->target, "target '%s'%s", lim->t.name,
           lim->overridden ? " with overrides" : "");
  return SPM_OK;
}

static MlirOperation spm_create_op(MlirLocation loc, const char *name,
                                   intptr_t nops, MlirValue *ops,
                                   intptr_t nres, MlirType *res,
                                   intptr_t nattrs, MlirNamedAttribute *attrs) {
  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  if (nops)
    mlirOperationStateAddOperands(&st, nops, ops);
  if (nres)
    mlirOperationStateAddResults(&st, nres, res);
  if (nattrs)
    mlirOperationStateAddAttributes(&st, nattrs, attrs);
  return mlirOperationCreate(&st);
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
  MlirOperation alloc = spm_create_op(loc, "spm.alloc", 0, NULL, 1, &bt, 1, &off);
  MlirValue buf = mlirOperationGetResult(alloc, 0);
  MlirOperation cast = spm_create_op(
      loc, "builtin.unrealized_conversion_cast", 1, &buf, 1, &mt, 0, NULL);
  MlirBlock body = mlirOperationGetBlock(l->ops[b->first]);
  mlirBlockInsertOwnedOperationBefore(body, l->ops[b->first], alloc);
  mlirBlockInsertOwnedOperationAfter(body, alloc, cast);
  MlirOperation dealloc =
      spm_create_op(loc, "spm.dealloc", 1, &buf, 0, NULL, 0, NULL);
  mlirBlockInsertOwnedOperationAfter(body, l->ops[b->last], dealloc);
  // The old buffer's memref.dealloc ops go; its other users move to the cast.
  MlirValue old = b->value;
  for (MlirOpOperand u = mlirValueGetFirstUse(old); !mlirOpOperandIsNull(u);) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    u = mlirOpOperandGetNextUse(u);
    MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(user));
    if (n.length == 14 && memcmp(n.data, "memref.dealloc", 14) == 0) {
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

// The over-capacity diagnostic: at the op of maximum pressure, the buffers
// live there.
static void spm_report_overflow(const spm_liveness_t *l,
                                const spm_live_buffer_t **cand,
                                const spm_pack_buffer_t *pb, size_t n,
                                const spm_pack_result_t *r,
                                const spm_alloc_limits_t *lim) {
  int64_t time;
  size_t *live = calloc(n + 1, sizeof *live);
  if (!live)
    abort();
  size_t nlive = spm_pack_peak_live(pb, n, &time, live, n);
  spm_strbuf_t m = SPM_STRBUF_INIT;
  int64_t total = 0;
  for (size_t i = 0; i < nlive && i < n; ++i)
    total += pb[live[i]].size;
  if (r->lower_bound > lim->capacity)
    spm_strbuf_appendf(&m,
                       "scratchpad overflow: the %zu buffers live here need "
                       "%lld bytes but the capacity is %lld (%s):",
                       nlive, (long long)r->lower_bound,
                       (long long)lim->capacity, lim->target);
  else
    spm_strbuf_appendf(&m,
                       "scratchpad overflow: no packing within %lld bytes "
                       "(%s) was found%s (best peak %lld, lower bound %lld); "
                       "the %zu buffers live at the point of maximum "
                       "pressure:",
                       (long long)lim->capacity, lim->target,
                       r->limit_reached ? " before the search limit" : "",
                       (long long)r->peak, (long long)r->lower_bound, nlive);
  for (size_t i = 0; i < nlive && i < n; ++i)
    spm_strbuf_appendf(&m, "%s %s (%lld bytes)", i ? "," : "",
                       cand[live[i]]->name, (long long)pb[live[i]].size);
  (void)total;
  MlirOperation at = time >= 0 && (size_t)time < l->nops ? l->ops[time]
                                                         : l->func;
  spm_diag_emit(mlirOperationGetLocation(at), SPM_DIAG_ERROR, "%s",
                spm_strbuf_cstr(&m));
  spm_strbuf_free(&m);
  free(live);
}

static spm_status_t spm_allocate_func(MlirOperation func, void *user) {
  const spm_allocate_options_t *o = ((void **)user)[0];
  isl_ctx *ctx = ((void **)user)[1];
  spm_alloc_limits_t lim;
  spm_status_t s = spm_alloc_limits(func, o, &lim);
  if (!spm_status_is_ok(s))
    return s;
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
  for (size_t i = 0; i < l->nbuffers; ++i) {
    const spm_live_buffer_t *b = &l->buffers[i];
    const char *why = b->bytes < 0          ? "its size is dynamic"
                      : b->escapes          ? "it escapes the function"
                      : b->first > b->last  ? "it is never used"
                      : b->bytes == 0       ? "it is empty"
                                            : NULL;
    if (why) {
      spm_diag_emit(mlirOperationGetLocation(b->alloc), SPM_DIAG_REMARK,
                    "spm-allocate: %s stays in global memory: %s", b->name,
                    why);
      continue;
    }
    cand[n] = b;
    pb[n] = (spm_pack_buffer_t){(int64_t)i, b->first, b->last + 1, b->bytes,
                                lim.alignment, -1};
    ++n;
  }
  spm_pack_result_t r;
  memset(&r, 0, sizeof r);
  if (o->strategy == SPM_ALLOC_STATIC) {
    // Fixed partitions: every buffer its own slot for the whole function.
    int64_t next = 0;
    for (size_t i = 0; i < n; ++i) {
      pb[i].offset = (next + lim.alignment - 1) / lim.alignment * lim.alignment;
      next = pb[i].offset + pb[i].size;
    }
    r.peak = next;
    r.lower_bound = spm_pack_lower_bound(pb, n);
    r.feasible = next <= lim.capacity;
    r.algorithm = "static";
  } else {
    spm_pack_options_t po = spm_pack_options_default();
    po.algorithm = o->strategy == SPM_ALLOC_HEURISTIC ? SPM_PACK_HEURISTIC
                   : o->strategy == SPM_ALLOC_EXACT   ? SPM_PACK_EXACT
                                                      : SPM_PACK_AUTO;
    po.capacity = lim.capacity;
    po.time_limit = o->time_limit;
    s = spm_pack(pb, n, &po, &r);
  }
  if (spm_status_is_ok(s) && !r.feasible) {
    if (o->strategy == SPM_ALLOC_STATIC)
      spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_ERROR,
                    "scratchpad overflow: static allocation (fixed "
                    "partitions, no reuse) of %zu buffers needs %lld bytes "
                    "but the capacity is %lld (%s); packing by live ranges "
                    "needs at least %lld",
                    n, (long long)r.peak, (long long)lim.capacity, lim.target,
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
    double frag = r.peak > 0 ? 100.0 * (double)(r.peak - r.lower_bound) /
                                   (double)r.peak
                             : 0.0;
    spm_diag_emit(mlirOperationGetLocation(func), SPM_DIAG_REMARK,
                  "spm-allocate: %zu buffers, peak %lld bytes, lower bound "
                  "%lld bytes, capacity %lld bytes (%s), fragmentation "
                  "%.1f%%, algorithm %s",
                  n, (long long)r.peak, (long long)r.lower_bound,
                  (long long)lim.capacity, lim.target, frag,
                  o->strategy == SPM_ALLOC_STATIC ? "static" : r.algorithm);
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

static spm_status_t spm_allocate_option(const char *key, const char *value,
                                        void *user) {
  spm_allocate_options_t *o = user;
  if (strcmp(key, "algorithm") == 0) {
    static const char *names[] = {"auto", "heuristic", "exact", "static"};
    for (int i = 0; i < 4; ++i)
      if (strcmp(value, names[i]) == 0) {
        o->strategy = (spm_alloc_strategy_t)i;
        return SPM_OK;
      }
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'spm-allocate' option algorithm must be auto, "
                           "heuristic, exact or static, got '%s'",
                           value);
  }
  if (strcmp(key, "capacity") == 0 || strcmp(key, "alignment") == 0) {
    spm_target_t t;
    memset(&t, 0, sizeof t);
    SPM_RETURN_IF_ERROR(spm_target_set_field(&t, key, value));
    if (key[0] == 'c')
      o->capacity = t.capacity;
    else if (t.alignment & (t.alignment - 1))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "'spm-allocate' alignment %lld is not a power "
                             "of two",
                             (long long)t.alignment);
    else
      o->alignment = t.alignment;
    return SPM_OK;
  }
  if (strcmp(key, "time-limit") == 0) {
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end || !(v > 0))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "'spm-allocate' option time-limit needs a "
                             "positive number of seconds, got '%s'",
                             value);
    o->time_limit = v;
    return SPM_OK;
  }
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "'spm-allocate' has no option '%s' (options: "
                         "algorithm, capacity, alignment, time-limit)",
                         key);
}

static spm_status_t spm_allocate_create(const char *options, MlirPass *out) {
  spm_allocate_options_t *o = calloc(1, sizeof *o);
  if (!o)
    abort();
  o->time_limit = 1.0;
  spm_status_t s =
      spm_pass_parse_options("spm-allocate", options, spm_allocate_option, o);
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
               "limit (default 1)\n",
    .create = spm_allocate_create,
};
