// lib/poly extraction, part 1: small helpers and the alias table: views
// (subview, cast, expand/collapse_shape, reinterpret_cast) folded onto their
// root buffer as expressions of the view's coordinates.
#include <stdlib.h>
#include <string.h>

#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "poly/extract_internal.h"
#include "support/mlir_util.h"

void *spm_x_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    abort();
  return q;
}

char *spm_x_xstrdup(const char *s) {
  size_t n = strlen(s);
  char *d = spm_x_xrealloc(NULL, n + 1);
  memcpy(d, s, n + 1);
  return d;
}

bool spm_x_op_is(MlirOperation op, const char *name) {
  return spm_op_is(op, name);
}

MlirAttribute spm_x_attr(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

bool spm_x_value_is_memref(MlirValue v) {
  return mlirTypeIsAMemRef(mlirValueGetType(v));
}

// ---------------------------------------------------------------------------
// Buffers and aliases

int spm_x_alias_find(spm_poly_func_t *f, MlirValue v) {
  for (size_t i = 0; i < f->naliases; ++i)
    if (mlirValueEqual(f->aliases[i].value, v))
      return (int)i;
  return -1;
}

int spm_x_array_new(spm_poly_func_t *f, int alias) {
  f->array_alias =
      spm_x_xrealloc(f->array_alias, (f->narrays + 1) * sizeof *f->array_alias);
  f->array_alias[f->narrays] = alias;
  return (int)f->narrays++;
}

int spm_x_alias_push(spm_poly_func_t *f, spm_alias_t a) {
  f->aliases =
      spm_x_xrealloc(f->aliases, (f->naliases + 1) * sizeof *f->aliases);
  f->aliases[f->naliases] = a;
  return (int)f->naliases++;
}

// The alias entry of buffer `v`, creating a root for values we do not know
// (function arguments, allocations, results of unmodelled ops).
int spm_x_alias_of(spm_poly_func_t *f, MlirValue v) {
  int a = spm_x_alias_find(f, v);
  if (a >= 0)
    return a;
  spm_alias_t r = {.value = v, .parent = -1, .root = -1};
  r.rank = (int)mlirShapedTypeGetRank(mlirValueGetType(v));
  a = spm_x_alias_push(f, r);
  f->aliases[a].root = spm_x_array_new(f, a);
  return a;
}

// Registers view `view` of `src` whose parent coordinates are `exprs` over
// v0..v{rank-1} (taken), or a whole-buffer view when exprs == NULL.
static void spm_alias_view(spm_poly_func_t *f, MlirValue view, MlirValue src,
                           char **exprs, int nexprs, const char *why) {
  int parent = spm_x_alias_of(f, src);
  spm_alias_t a = {.value = view, .parent = parent,
                   .root = f->aliases[parent].root};
  a.rank = (int)mlirShapedTypeGetRank(mlirValueGetType(view));
  a.whole = f->aliases[parent].whole || exprs == NULL;
  a.why = exprs == NULL ? why : f->aliases[parent].why;
  a.exprs = exprs;
  a.nexprs = nexprs;
  spm_x_alias_push(f, a);
}

char **spm_x_exprs_new(int n) {
  return spm_x_xrealloc(NULL, (size_t)(n > 0 ? n : 1) * sizeof(char *));
}

// Static memref shape; false if any dimension is dynamic.
static bool spm_static_shape(MlirType t, int64_t *shape, int *rank) {
  *rank = (int)mlirShapedTypeGetRank(t);
  for (int i = 0; i < *rank; ++i) {
    if (mlirShapedTypeIsDynamicDim(t, i))
      return false;
    shape[i] = mlirShapedTypeGetDimSize(t, i);
  }
  return true;
}

static bool spm_read_static_array(MlirOperation op, const char *name,
                                  int64_t *out, int n) {
  return spm_op_static_i64_array(op, name, n, out);
}

// memref.subview: parent[k] = offset[k] + stride[k] * v[j] for kept dims,
// parent[k] = offset[k] for dims dropped by rank reduction (size 1).
static void spm_view_subview(spm_poly_func_t *f, MlirOperation op) {
  MlirValue src = mlirOperationGetOperand(op, 0);
  MlirValue view = mlirOperationGetResult(op, 0);
  int prank = (int)mlirShapedTypeGetRank(mlirValueGetType(src));
  int vrank = (int)mlirShapedTypeGetRank(mlirValueGetType(view));
  int64_t off[SPM_MAX_DEPTH], sz[SPM_MAX_DEPTH], st[SPM_MAX_DEPTH];
  if (prank > SPM_MAX_DEPTH ||
      !spm_read_static_array(op, "static_offsets", off, prank) ||
      !spm_read_static_array(op, "static_sizes", sz, prank) ||
      !spm_read_static_array(op, "static_strides", st, prank)) {
    spm_alias_view(f, view, src, NULL, 0,
                   "memref.subview with dynamic offsets, sizes or strides");
    return;
  }
  char **e = spm_x_exprs_new(prank);
  int dropped = prank - vrank, j = 0;
  for (int k = 0; k < prank; ++k) {
    spm_strbuf_t b = SPM_STRBUF_INIT;
    if (sz[k] == 1 && dropped > 0 && (prank - k) > (vrank - j)) {
      // a unit dimension dropped by rank reduction
      spm_strbuf_appendf(&b, "%lld", (long long)off[k]);
      --dropped;
    } else {
      spm_strbuf_appendf(&b, "%lld + %lld * v%d", (long long)off[k],
                         (long long)st[k], j++);
    }
    e[k] = b.data;
  }
  spm_alias_view(f, view, src, e, prank, NULL);
}

// Reassociation groups of expand/collapse_shape: group g covers dims
// [start[g], start[g] + len[g]) of the higher-rank side.
static bool spm_read_reassociation(MlirOperation op, int *start, int *len,
                                   int *ngroups) {
  MlirAttribute r = spm_x_attr(op, "reassociation");
  if (mlirAttributeIsNull(r) || !mlirAttributeIsAArray(r))
    return false;
  *ngroups = (int)mlirArrayAttrGetNumElements(r);
  int next = 0;
  for (int g = 0; g < *ngroups && g < SPM_MAX_DEPTH; ++g) {
    MlirAttribute grp = mlirArrayAttrGetElement(r, g);
    start[g] = next;
    len[g] = (int)mlirArrayAttrGetNumElements(grp);
    next += len[g];
  }
  return *ngroups <= SPM_MAX_DEPTH;
}

// collapse_shape: view dim g is the row-major linearisation of parent dims
// of group g; parent coordinates are recovered with floor/mod.
// expand_shape: parent dim g = row-major linearisation of view dims of g.
static void spm_view_reshape(spm_poly_func_t *f, MlirOperation op,
                             bool collapse) {
  MlirValue src = mlirOperationGetOperand(op, 0);
  MlirValue view = mlirOperationGetResult(op, 0);
  MlirType big = mlirValueGetType(collapse ? src : view);
  int64_t shape[SPM_MAX_DEPTH];
  int rank, start[SPM_MAX_DEPTH], len[SPM_MAX_DEPTH], ng;
  if (mlirShapedTypeGetRank(big) > SPM_MAX_DEPTH ||
      !spm_static_shape(big, shape, &rank) ||
      !spm_read_reassociation(op, start, len, &ng)) {
    spm_alias_view(f, view, src, NULL, 0,
                   "reshape with dynamic shape or unknown reassociation");
    return;
  }
  int prank = (int)mlirShapedTypeGetRank(mlirValueGetType(src));
  char **e = spm_x_exprs_new(prank);
  for (int g = 0; g < ng; ++g) {
    if (collapse) {
      // parent dim d in group g: floor(v_g / inner) mod size_d
      int64_t inner = 1;
      for (int d = start[g] + len[g] - 1; d >= start[g]; --d) {
        spm_strbuf_t b = SPM_STRBUF_INIT;
        spm_strbuf_appendf(&b, "floor(v%d / %lld) mod %lld", g,
                           (long long)inner, (long long)shape[d]);
        e[d] = b.data;
        inner *= shape[d];
      }
    } else {
      spm_strbuf_t b = SPM_STRBUF_INIT;
      int64_t inner = 1;
      for (int d = start[g] + len[g] - 1; d >= start[g]; --d) {
        spm_strbuf_appendf(&b, "%s%lld * v%d", b.len ? " + " : "",
                           (long long)inner, d);
        inner *= shape[d];
      }
      e[g] = b.data;
    }
  }
  spm_alias_view(f, view, src, e, prank, NULL);
}

// reinterpret_cast with static offset/strides: linear position
// offset + sum(stride_k * v_k) in the source, delinearised over the source's
// static row-major shape.
static void spm_view_reinterpret(spm_poly_func_t *f, MlirOperation op) {
  MlirValue src = mlirOperationGetOperand(op, 0);
  MlirValue view = mlirOperationGetResult(op, 0);
  int64_t pshape[SPM_MAX_DEPTH], off, st[SPM_MAX_DEPTH];
  int prank;
  int vrank = (int)mlirShapedTypeGetRank(mlirValueGetType(view));
  MlirType pt = mlirValueGetType(src);
  bool ok = mlirShapedTypeGetRank(pt) <= SPM_MAX_DEPTH &&
            vrank <= SPM_MAX_DEPTH && spm_static_shape(pt, pshape, &prank) &&
            spm_read_static_array(op, "static_offsets", &off, 1) &&
            spm_read_static_array(op, "static_strides", st, vrank);
  if (ok) {
    // the source must have the identity (row-major) layout
    ok = mlirAffineMapIsIdentity(mlirMemRefTypeGetAffineMap(pt));
  }
  if (!ok) {
    spm_alias_view(f, view, src, NULL, 0,
                   "memref.reinterpret_cast without a static layout");
    return;
  }
  spm_strbuf_t lin = SPM_STRBUF_INIT;
  spm_strbuf_appendf(&lin, "(%lld", (long long)off);
  for (int k = 0; k < vrank; ++k)
    spm_strbuf_appendf(&lin, " + %lld * v%d", (long long)st[k], k);
  spm_strbuf_append_str(&lin, ")");
  char **e = spm_x_exprs_new(prank);
  int64_t inner = 1;
  for (int d = prank - 1; d >= 0; --d) {
    spm_strbuf_t b = SPM_STRBUF_INIT;
    if (d == 0)
      spm_strbuf_appendf(&b, "floor(%s / %lld)", spm_strbuf_cstr(&lin),
                         (long long)inner);
    else
      spm_strbuf_appendf(&b, "floor(%s / %lld) mod %lld",
                         spm_strbuf_cstr(&lin), (long long)inner,
                         (long long)pshape[d]);
    e[d] = b.data;
    inner *= pshape[d];
  }
  spm_strbuf_free(&lin);
  spm_alias_view(f, view, src, e, prank, NULL);
}

// Handles view-like ops; returns true if `op` was one.
bool spm_x_handle_view(spm_poly_func_t *f, MlirOperation op) {
  if (mlirOperationGetNumResults(op) != 1 ||
      !spm_x_value_is_memref(mlirOperationGetResult(op, 0)) ||
      mlirOperationGetNumOperands(op) < 1 ||
      !spm_x_value_is_memref(mlirOperationGetOperand(op, 0)))
    return false;
  if (spm_x_op_is(op, "memref.subview"))
    spm_view_subview(f, op);
  else if (spm_x_op_is(op, "memref.collapse_shape"))
    spm_view_reshape(f, op, true);
  else if (spm_x_op_is(op, "memref.expand_shape"))
    spm_view_reshape(f, op, false);
  else if (spm_x_op_is(op, "memref.reinterpret_cast"))
    spm_view_reinterpret(f, op);
  else if (spm_x_op_is(op, "memref.cast") ||
           spm_x_op_is(op, "memref.memory_space_cast") ||
           spm_x_op_is(op, "memref.assume_alignment")) {
    int rank = (int)mlirShapedTypeGetRank(
        mlirValueGetType(mlirOperationGetResult(op, 0)));
    char **e = spm_x_exprs_new(rank);
    for (int k = 0; k < rank; ++k) {
      spm_strbuf_t b = SPM_STRBUF_INIT;
      spm_strbuf_appendf(&b, "v%d", k);
      e[k] = b.data;
    }
    spm_alias_view(f, mlirOperationGetResult(op, 0),
                   mlirOperationGetOperand(op, 0), e, rank, NULL);
  } else
    return false;
  return true;
}

