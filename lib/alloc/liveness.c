#include "alloc/liveness.h"

#include <stdlib.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "mlir-c/BuiltinTypes.h"
#include "support/strbuf.h"

static bool spm_op_named(MlirOperation op, const char *name) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  return n.length == strlen(name) && memcmp(n.data, name, n.length) == 0;
}

int64_t spm_liveness_position(const spm_liveness_t *l, MlirOperation op) {
  // climb to the ancestor directly in the function body
  while (!mlirOperationIsNull(op)) {
    MlirOperation parent = mlirOperationGetParentOperation(op);
    if (mlirOperationIsNull(parent))
      return -1;
    if (mlirOperationEqual(parent, l->func))
      break;
    op = parent;
  }
  for (size_t i = 0; i < l->nops; ++i)
    if (mlirOperationEqual(l->ops[i], op))
      return (int64_t)i;
  return -1;
}

// The byte size of a memref type, or -1 with *why saying why it has none.
static int64_t spm_memref_bytes(MlirType t, const char **why) {
  if (!mlirShapedTypeHasStaticShape(t)) {
    *why = "dynamic size";
    return -1;
  }
  int64_t n = spm_elem_type_bytes(mlirShapedTypeGetElementType(t));
  if (n <= 0) {
    *why = "element type without a fixed byte size";
    return -1;
  }
  for (intptr_t i = 0; i < mlirShapedTypeGetRank(t); ++i) {
    int64_t d = mlirShapedTypeGetDimSize(t, i);
    if (d > 0 && n > INT64_MAX / d) {
      *why = "size overflows 64 bits";
      return -1;
    }
    n *= d;
  }
  *why = NULL;
  return n;
}

static void spm_add_interval(spm_live_buffer_t *b, int64_t first,
                             int64_t last) {
  b->intervals =
      realloc(b->intervals, (b->nintervals + 1) * sizeof *b->intervals);
  if (!b->intervals)
    abort();
  b->intervals[b->nintervals++] = (spm_live_interval_t){first, last};
}

static int spm_cmp_interval(const void *x, const void *y) {
  const spm_live_interval_t *a = x, *b = y;
  return (a->first > b->first) - (a->first < b->first);
}

// Sorts and merges overlapping intervals (touching ones stay apart: a
// buffer dead between two ops can be reused there).
static void spm_merge_intervals(spm_live_buffer_t *b) {
  if (b->nintervals < 2)
    return;
  qsort(b->intervals, b->nintervals, sizeof *b->intervals, spm_cmp_interval);
  size_t k = 0;
  for (size_t i = 1; i < b->nintervals; ++i) {
    if (b->intervals[i].first <= b->intervals[k].last) {
      if (b->intervals[i].last > b->intervals[k].last)
        b->intervals[k].last = b->intervals[i].last;
    } else
      b->intervals[++k] = b->intervals[i];
  }
  b->nintervals = k + 1;
}

// Whether `t` is a memref, ranked or not.
static bool spm_is_memref(MlirType t) {
  return mlirTypeIsAMemRef(t) || mlirTypeIsAUnrankedMemRef(t);
}

// Whether a use of a memref by `user` lets its address flow where the
// analysis does not follow: returned, passed to a call, forwarded by a
// terminator (scf.yield, affine.yield, cf.br, ...: the parent's results or
// a successor's arguments alias it), bound to a memref argument of the
// user's regions (scf.for iter_args, ...), or turned into a pointer.
static bool spm_use_escapes(MlirOperation user) {
  static const char *const names[] = {
      "func.return", "func.call", "func.call_indirect",
      "memref.extract_aligned_pointer_as_index", "bufferization.to_tensor"};
  for (size_t i = 0; i < sizeof names / sizeof *names; ++i)
    if (spm_op_named(user, names[i]))
      return true;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(user));
  if (n.length > 5 && memcmp(n.data, "llvm.", 5) == 0)
    return true;
  // A cast to something other than a memref (a cast to a memref is a view).
  if (spm_op_named(user, "builtin.unrealized_conversion_cast"))
    for (intptr_t r = 0; r < mlirOperationGetNumResults(user); ++r)
      if (!spm_is_memref(mlirValueGetType(mlirOperationGetResult(user, r))))
        return true;
  // The last op of a block in a function body is its terminator.
  if (mlirOperationIsNull(mlirOperationGetNextInBlock(user)))
    return true;
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(user); ++r)
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(user, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
      for (intptr_t a = 0; a < mlirBlockGetNumArguments(b); ++a)
        if (spm_is_memref(mlirValueGetType(mlirBlockGetArgument(b, a))))
          return true;
  return false;
}

// Users of `v` (recursively through views and casts, ranked or not),
// widening the hull; sets escapes (spm_use_escapes). Deeper than 16 views,
// the buffer is taken to escape.
static void spm_scan_users(spm_liveness_t *l, spm_live_buffer_t *b,
                           MlirValue v, int depth) {
  for (MlirOpOperand u = mlirValueGetFirstUse(v); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u)) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    if (spm_op_named(user, "memref.dealloc"))
      continue;
    if (spm_use_escapes(user))
      b->escapes = true;
    int64_t pos = spm_liveness_position(l, user);
    if (pos >= 0) {
      if (pos < b->first)
        b->first = pos;
      if (pos > b->last)
        b->last = pos;
    }
    // views: their users are the buffer's users too
    for (intptr_t r = 0; r < mlirOperationGetNumResults(user); ++r) {
      MlirValue res = mlirOperationGetResult(user, r);
      if (!spm_is_memref(mlirValueGetType(res)))
        continue;
      if (depth >= 16)
        b->escapes = true;
      else
        spm_scan_users(l, b, res, depth + 1);
    }
  }
}

spm_status_t spm_liveness_compute(spm_deps_graph_t *g, spm_liveness_t **out) {
  spm_liveness_t *l = calloc(1, sizeof *l);
  if (!l)
    abort();
  l->func = g->func;
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(g->func, 0));
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op))
    l->nops++;
  l->ops = calloc(l->nops + 1, sizeof *l->ops);
  if (!l->ops)
    abort();
  size_t i = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op))
    l->ops[i++] = op;

  // One buffer per memref.alloc / alloca in the body.
  for (i = 0; i < l->nops; ++i) {
    MlirOperation op = l->ops[i];
    if (!spm_op_named(op, "memref.alloc") && !spm_op_named(op, "memref.alloca"))
      continue;
    l->buffers = realloc(l->buffers, (l->nbuffers + 1) * sizeof *l->buffers);
    if (!l->buffers)
      abort();
    spm_live_buffer_t *b = &l->buffers[l->nbuffers++];
    memset(b, 0, sizeof *b);
    b->alloc = op;
    b->value = mlirOperationGetResult(op, 0);
    b->name = spm_poly_func_value_name(g->model, b->value);
    b->bytes = spm_memref_bytes(mlirValueGetType(b->value), &b->size_problem);
    b->first = INT64_MAX;
    b->last = -1;
  }

  // Intervals from the dependence graph.
  const spm_poly_program_t *p = spm_poly_func_program(g->model);
  size_t narrays = spm_poly_func_num_arrays(g->model);
  int *array_buffer = malloc((narrays + 1) * sizeof *array_buffer);
  if (!array_buffer)
    abort();
  for (size_t a = 0; a < narrays; ++a) {
    array_buffer[a] = -1;
    MlirValue v = spm_poly_func_array_value(g->model, a);
    for (size_t k = 0; k < l->nbuffers; ++k)
      if (mlirValueEqual(l->buffers[k].value, v))
        array_buffer[a] = (int)k;
  }
  size_t nacc = spm_poly_program_num_accesses(p);
  bool *has_flow_in = calloc(nacc + 1, sizeof *has_flow_in);
  bool *has_flow_out = calloc(nacc + 1, sizeof *has_flow_out);
  if (!has_flow_in || !has_flow_out)
    abort();
  for (size_t d = 0; d < spm_poly_deps_count(g->deps); ++d) {
    const spm_poly_dep_t *dep = spm_poly_deps_get(g->deps, d);
    if (dep->kind != SPM_POLY_DEP_FLOW)
      continue;
    int bi = array_buffer[spm_poly_func_access_array(g->model, dep->src_access)];
    has_flow_out[dep->src_access] = has_flow_in[dep->dst_access] = true;
    if (bi < 0)
      continue;
    int64_t s = spm_liveness_position(
        l, spm_poly_func_access_op(g->model, dep->src_access));
    int64_t e = spm_liveness_position(
        l, spm_poly_func_access_op(g->model, dep->dst_access));
    if (s >= 0 && e >= 0)
      spm_add_interval(&l->buffers[bi], s < e ? s : e, s < e ? e : s);
  }
  // Writes never read and reads of data never written occupy their op.
  for (size_t a = 0; a < nacc; ++a) {
    int bi = array_buffer[spm_poly_func_access_array(g->model, (int)a)];
    bool write = spm_poly_access_kind(p, (int)a) != SPM_POLY_READ;
    if (bi < 0 || (write ? has_flow_out[a] : has_flow_in[a]))
      continue;
    int64_t pos =
        spm_liveness_position(l, spm_poly_func_access_op(g->model, (int)a));
    if (pos >= 0)
      spm_add_interval(&l->buffers[bi], pos, pos);
  }
  free(has_flow_in);
  free(has_flow_out);
  free(array_buffer);
  for (size_t k = 0; k < l->nbuffers; ++k) {
    spm_live_buffer_t *b = &l->buffers[k];
    spm_merge_intervals(b);
    for (size_t j = 0; j < b->nintervals; ++j) {
      if (b->intervals[j].first < b->first)
        b->first = b->intervals[j].first;
      if (b->intervals[j].last > b->last)
        b->last = b->intervals[j].last;
    }
    spm_scan_users(l, b, b->value, 0);
  }
  *out = l;
  return SPM_OK;
}

void spm_liveness_free(spm_liveness_t *l) {
  if (!l)
    return;
  for (size_t k = 0; k < l->nbuffers; ++k) {
    free(l->buffers[k].name);
    free(l->buffers[k].intervals);
  }
  free(l->buffers);
  free(l->ops);
  free(l);
}

// Appends the live-range description of `b`.
void spm_liveness_describe(const spm_liveness_t *l, const spm_live_buffer_t *b,
                           spm_strbuf_t *out) {
  spm_strbuf_appendf(out, "%s: ", b->name);
  if (b->bytes < 0) {
    spm_strbuf_append_str(out, b->size_problem);
    return;
  }
  spm_strbuf_appendf(out, "%lld bytes, ", (long long)b->bytes);
  if (b->nintervals == 0) {
    spm_strbuf_append_str(out, "never accessed");
    return;
  }
  spm_strbuf_append_str(out, "live");
  for (size_t i = 0; i < b->nintervals; ++i)
    spm_strbuf_appendf(out, " [%lld, %lld]", (long long)b->intervals[i].first,
                       (long long)b->intervals[i].last);
  spm_strbuf_append_str(out, " (from ");
  spm_deps_append_op_ref(out, l->ops[b->intervals[0].first]);
  spm_strbuf_append_str(out, " to ");
  spm_deps_append_op_ref(out, l->ops[b->intervals[b->nintervals - 1].last]);
  spm_strbuf_append_str(out, ")");
  if (b->escapes)
    spm_strbuf_append_str(out, ", escapes the function");
}

