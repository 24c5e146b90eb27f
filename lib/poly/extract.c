// Builds the spm_poly model of an MLIR function (see extract.h), part 3: the
// walk over the IR (statements, accesses, linalg ops, fallbacks) and the isl
// program. Views are in extract_views.c, affine expressions in
// extract_affine.c, loops and conditions in extract_control.c.
//
// Strings in isl notation are assembled per statement while walking the IR
// and parsed at the end, when the full parameter list is known.
#include "poly/extract.h"
#include "poly/extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include <isl/map.h>
#include <isl/set.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Linalg.h"
#include "support/diag.h"
#include "support/strbuf.h"

// ---------------------------------------------------------------------------
// Scopes and statements

void spm_x_scope_copy(spm_scope_t *dst, const spm_scope_t *src) {
  *dst = *src;
  dst->constraints = (spm_strbuf_t)SPM_STRBUF_INIT;
  dst->sched = (spm_strbuf_t)SPM_STRBUF_INIT;
  spm_strbuf_append_str(&dst->constraints, spm_strbuf_cstr(&src->constraints));
  spm_strbuf_append_str(&dst->sched, spm_strbuf_cstr(&src->sched));
}

void spm_x_scope_free(spm_scope_t *s) {
  spm_strbuf_free(&s->constraints);
  spm_strbuf_free(&s->sched);
}

void spm_x_scope_add_constraint(spm_scope_t *s, const char *c) {
  if (s->constraints.len)
    spm_strbuf_append_str(&s->constraints, " and ");
  spm_strbuf_appendf(&s->constraints, "(%s)", c);
}

void spm_x_scope_sched(spm_scope_t *s, const char *elem) {
  spm_strbuf_appendf(&s->sched, "%s%s", s->sched.len ? ", " : "", elem);
  s->sched_len++;
}

void spm_x_scope_sched_int(spm_scope_t *s, long long v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", v);
  spm_x_scope_sched(s, b);
}

static int spm_stmt_new(spm_poly_func_t *f, const spm_scope_t *s,
                        MlirOperation op, int extra_loops,
                        const int *extra_ids) {
  f->stmts = spm_x_xrealloc(f->stmts, (f->nstmts + 1) * sizeof *f->stmts);
  spm_stmt_t *st = &f->stmts[f->nstmts];
  memset(st, 0, sizeof *st);
  st->op = op;
  st->nloops = s->nloops + extra_loops;
  spm_strbuf_t ivs = SPM_STRBUF_INIT;
  for (int l = 0; l < s->nloops; ++l) {
    st->loop_ids[l] = s->loop_ids[l];
    spm_strbuf_appendf(&ivs, "%si%d", l ? ", " : "", s->loop_ids[l]);
  }
  for (int l = 0; l < extra_loops; ++l) {
    st->loop_ids[s->nloops + l] = extra_ids[l];
    spm_strbuf_appendf(&ivs, "%si%d", s->nloops + l ? ", " : "", extra_ids[l]);
  }
  st->ivs = ivs.data ? ivs.data : spm_x_xstrdup("");
  st->constraints = spm_x_xstrdup(spm_strbuf_cstr(&s->constraints));
  st->sched = spm_x_xstrdup(spm_strbuf_cstr(&s->sched));
  st->sched_len = s->sched_len;
  st->path_len = s->path_len;
  memcpy(st->path_block, s->path_block, sizeof s->path_block);
  memcpy(st->path_pos, s->path_pos, sizeof s->path_pos);
  return (int)f->nstmts++;
}

static void spm_access_new(spm_poly_func_t *f, int stmt, int array,
                           spm_poly_access_kind_t kind, char *rel,
                           MlirOperation op) {
  f->accesses =
      spm_x_xrealloc(f->accesses, (f->naccesses + 1) * sizeof *f->accesses);
  f->accesses[f->naccesses++] = (spm_access_t){stmt, array, kind, rel, op};
}

// Range part of an access to all of `array` ("A3[r0, r1] : 0 <= r0 < 4 ...").
static char *spm_whole_range(spm_poly_func_t *f, int array) {
  MlirValue v = f->aliases[f->array_alias[array]].value;
  MlirType t = mlirValueGetType(v);
  int rank = (int)mlirShapedTypeGetRank(t);
  spm_strbuf_t b = SPM_STRBUF_INIT, c = SPM_STRBUF_INIT;
  spm_strbuf_appendf(&b, "A%d[", array);
  for (int k = 0; k < rank; ++k) {
    spm_strbuf_appendf(&b, "%sr%d", k ? ", " : "", k);
    spm_strbuf_appendf(&c, "%s0 <= r%d", k ? " and " : "", k);
    if (!mlirShapedTypeIsDynamicDim(t, k))
      spm_strbuf_appendf(&c, " < %lld",
                         (long long)mlirShapedTypeGetDimSize(t, k));
  }
  spm_strbuf_append_str(&b, "]");
  if (c.len)
    spm_strbuf_appendf(&b, " : %s", spm_strbuf_cstr(&c));
  spm_strbuf_free(&c);
  return b.data;
}

// Range part of an access to buffer `alias` at coordinates `idx` (nidx
// expressions over the statement's ivs and params), folded to the root: each
// view substitutes its parent-coordinate expressions (over v0, v1, ...) with
// the coordinates so far, up to the root's.
static char *spm_access_range(spm_poly_func_t *f, int alias, char **idx,
                              int nidx) {
  int n = nidx;
  char **cur = spm_x_exprs_new(n);
  for (int k = 0; k < n; ++k)
    cur[k] = spm_x_xstrdup(idx[k]);
  for (int a = alias; f->aliases[a].parent >= 0; a = f->aliases[a].parent) {
    const spm_alias_t *v = &f->aliases[a];
    char **next = spm_x_exprs_new(v->nexprs);
    for (int k = 0; k < v->nexprs; ++k) {
      spm_strbuf_t b = SPM_STRBUF_INIT;
      for (const char *p = v->exprs[k]; *p;) {
        if (*p == 'v' && p[1] >= '0' && p[1] <= '9') {
          char *end;
          long j = strtol(p + 1, &end, 10);
          spm_strbuf_appendf(&b, "(%s)", j < n ? cur[j] : "0");
          p = end;
        } else
          spm_strbuf_append(&b, p++, 1);
      }
      next[k] = b.data ? b.data : spm_x_xstrdup("0");
    }
    for (int k = 0; k < n; ++k)
      free(cur[k]);
    free(cur);
    cur = next;
    n = v->nexprs;
  }
  spm_strbuf_t b = SPM_STRBUF_INIT;
  spm_strbuf_appendf(&b, "A%d[", f->aliases[alias].root);
  for (int k = 0; k < n; ++k) {
    spm_strbuf_appendf(&b, "%s%s", k ? ", " : "", cur[k]);
    free(cur[k]);
  }
  free(cur);
  spm_strbuf_append_str(&b, "]");
  return b.data;
}

static void spm_remark(spm_poly_func_t *f, MlirOperation op, const char *fmt,
                       const char *a, const char *b) {
  if (!(f->flags & SPM_POLY_EXTRACT_REMARKS))
    return;
  spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_REMARK, fmt, a, b);
}


// A statement that may read and may write all of every buffer in `bufs`.
static void spm_opaque_statement(spm_poly_func_t *f, const spm_scope_t *s,
                                 MlirOperation op, MlirValue *bufs, int n,
                                 const char *why) {
  if (f->flags & SPM_POLY_EXTRACT_COMPAT)
    return;
  int st = spm_stmt_new(f, s, op, 0, NULL);
  for (int i = 0; i < n; ++i) {
    int alias = spm_x_alias_of(f, bufs[i]); // may grow f->aliases
    int array = f->aliases[alias].root;
    bool dup = false;
    for (size_t a = 0; a < f->naccesses; ++a)
      if (f->accesses[a].stmt == st && f->accesses[a].array == array)
        dup = true;
    if (dup)
      continue;
    spm_access_new(f, st, array, SPM_POLY_READ, spm_whole_range(f, array), op);
    spm_access_new(f, st, array, SPM_POLY_MAY_WRITE, spm_whole_range(f, array),
                   op);
    char *name = spm_poly_func_value_name(f, bufs[i]);
    spm_remark(f, op, "%s: treated as reading and writing all of %s", why,
               name);
    free(name);
  }
}

// Memref operands used by `op` or anything nested in it, defined outside.
typedef struct {
  MlirOperation outer;
  MlirValue *vals;
  int n;
} spm_bufs_t;

static void spm_bufs_add(spm_bufs_t *b, MlirValue v) {
  for (int i = 0; i < b->n; ++i)
    if (mlirValueEqual(b->vals[i], v))
      return;
  b->vals = spm_x_xrealloc(b->vals, (size_t)(b->n + 1) * sizeof *b->vals);
  b->vals[b->n++] = v;
}

static MlirWalkResult spm_collect_bufs(MlirOperation op, void *user) {
  spm_bufs_t *b = user;
  for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
    MlirValue v = mlirOperationGetOperand(op, i);
    if (spm_x_value_is_memref(v) && !spm_x_defined_inside(v, b->outer))
      spm_bufs_add(b, v);
  }
  return MlirWalkResultAdvance;
}

void spm_x_opaque_op(spm_poly_func_t *f, const spm_scope_t *s,
                          MlirOperation op, const char *why) {
  spm_bufs_t b = {op, NULL, 0};
  mlirOperationWalk(op, spm_collect_bufs, &b, MlirWalkPreOrder);
  if (b.n)
    spm_opaque_statement(f, s, op, b.vals, b.n, why);
  free(b.vals);
}

// affine.load / affine.store
static void spm_affine_access(spm_poly_func_t *f, const spm_scope_t *s,
                              MlirOperation op, bool store) {
  intptr_t first = store ? 2 : 1; // index operands start here
  MlirValue mem = mlirOperationGetOperand(op, first - 1);
  MlirAttribute ma = spm_x_attr(op, "map");
  intptr_t nops = mlirOperationGetNumOperands(op) - first;
  MlirValue *ops = spm_x_xrealloc(NULL, (size_t)(nops + 1) * sizeof *ops);
  for (intptr_t i = 0; i < nops; ++i)
    ops[i] = mlirOperationGetOperand(op, first + i);
  MlirAffineMap map = mlirAffineMapAttrGetValue(ma);
  char **names = spm_x_map_names(f, s, ops, nops, mlirAffineMapGetNumDims(map));
  free(ops);
  int alias;
  if (f->flags & SPM_POLY_EXTRACT_COMPAT) {
    // upstream compares memref SSA values: each value is its own array
    alias = spm_x_alias_find(f, mem);
    if (alias < 0) {
      spm_alias_t r = {.value = mem, .parent = -1};
      r.rank = (int)mlirShapedTypeGetRank(mlirValueGetType(mem));
      alias = spm_x_alias_push(f, r);
      f->aliases[alias].root = spm_x_array_new(f, alias);
    }
  } else
    alias = spm_x_alias_of(f, mem);
  if (!names || f->aliases[alias].whole) {
    MlirValue bufs[1] = {mem};
    spm_opaque_statement(
        f, s, op, bufs, 1,
        !names ? "affine access with an index that is not a valid affine "
                 "symbol"
               : f->aliases[alias].why);
    spm_x_map_names_free(names, nops);
    return;
  }
  intptr_t nres = mlirAffineMapGetNumResults(map);
  char **idx = spm_x_exprs_new((int)nres);
  bool exact = true;
  for (intptr_t r = 0; r < nres; ++r) {
    spm_strbuf_t b = SPM_STRBUF_INIT;
    exact = spm_x_expr_to_isl(mlirAffineMapGetResult(map, r), names, &b) && exact;
    idx[r] = b.data ? b.data : spm_x_xstrdup("0");
  }
  if (!exact) {
    for (intptr_t r = 0; r < nres; ++r)
      free(idx[r]);
    free(idx);
    spm_x_map_names_free(names, nops);
    MlirValue bufs[1] = {mem};
    spm_opaque_statement(f, s, op, bufs, 1,
                         "semi-affine access map (non-constant product or "
                         "divisor)");
    return;
  }
  int st = spm_stmt_new(f, s, op, 0, NULL);
  spm_access_new(f, st, f->aliases[alias].root,
                 store ? SPM_POLY_WRITE : SPM_POLY_READ,
                 spm_access_range(f, alias, idx, (int)nres), op);
  for (intptr_t r = 0; r < nres; ++r)
    free(idx[r]);
  free(idx);
  spm_x_map_names_free(names, nops);
}

// True if the payload of linalg op `op` uses block argument `i`.
static bool spm_linalg_uses_arg(MlirOperation op, intptr_t i) {
  if (mlirOperationGetNumRegions(op) < 1)
    return true;
  MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
  if (mlirBlockIsNull(b) || i >= mlirBlockGetNumArguments(b))
    return true;
  return !mlirOpOperandIsNull(mlirValueGetFirstUse(mlirBlockGetArgument(b, i)));
}

static int spm_linalg_num_outputs(MlirOperation op) {
  MlirAttribute seg = spm_x_attr(op, "operandSegmentSizes");
  if (!mlirAttributeIsNull(seg) && mlirAttributeIsADenseI32Array(seg) &&
      mlirDenseArrayGetNumElements(seg) >= 2)
    return mlirDenseI32ArrayGetElement(seg, 1);
  return 1;
}

static void spm_linalg(spm_poly_func_t *f, const spm_scope_t *s,
                       MlirOperation op, MlirAttribute maps) {
  intptr_t nmaps = mlirArrayAttrGetNumElements(maps);
  intptr_t nops = mlirOperationGetNumOperands(op);
  int nouts = spm_linalg_num_outputs(op);
  if (nmaps != nops || nmaps == 0) {
    spm_x_opaque_op(f, s, op, "linalg op with unexpected operands");
    return;
  }
  MlirAffineMap m0 = mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, 0));
  intptr_t nloops = mlirAffineMapGetNumDims(m0);
  if (s->nloops + nloops > SPM_POLY_MAX_LOOPS) {
    spm_x_opaque_op(f, s, op, "linalg op nested too deeply");
    return;
  }
  // Static loop ranges: loop d's size is the size of an operand dimension
  // indexed by exactly d.
  int64_t size[SPM_POLY_MAX_LOOPS];
  for (intptr_t d = 0; d < nloops; ++d) {
    size[d] = -1;
    for (intptr_t o = 0; o < nops && size[d] < 0; ++o) {
      MlirValue v = mlirOperationGetOperand(op, o);
      if (!spm_x_value_is_memref(v))
        continue;
      MlirType t = mlirValueGetType(v);
      MlirAffineMap m =
          mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, o));
      for (intptr_t r = 0; r < mlirAffineMapGetNumResults(m); ++r) {
        MlirAffineExpr e = mlirAffineMapGetResult(m, r);
        if (mlirAffineExprIsADim(e) && mlirAffineDimExprGetPosition(e) == d &&
            !mlirShapedTypeIsDynamicDim(t, r)) {
          size[d] = mlirShapedTypeGetDimSize(t, r);
          break;
        }
      }
    }
    if (size[d] < 0) {
      spm_x_opaque_op(f, s, op, "linalg op whose loop ranges are not static");
      return;
    }
  }
  spm_scope_t inner;
  spm_x_scope_copy(&inner, s);
  int ids[SPM_POLY_MAX_LOOPS];
  for (intptr_t d = 0; d < nloops; ++d) {
    ids[d] = f->next_loop_id++;
    char c[96];
    snprintf(c, sizeof c, "0 <= i%d < %lld", ids[d], (long long)size[d]);
    spm_x_scope_add_constraint(&inner, c);
  }
  int st = spm_stmt_new(f, &inner, op, (int)nloops, ids);
  // the linalg op's own loops extend its schedule
  spm_stmt_t *stmt = &f->stmts[st];
  spm_strbuf_t sched = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&sched, stmt->sched);
  for (intptr_t d = 0; d < nloops; ++d)
    spm_strbuf_appendf(&sched, "%si%d, 0", sched.len ? ", " : "", ids[d]);
  free(stmt->sched);
  stmt->sched = sched.data ? sched.data : spm_x_xstrdup("");
  stmt->sched_len += 2 * (int)nloops;
  spm_x_scope_free(&inner);

  char *loopnames[SPM_POLY_MAX_LOOPS + 1];
  loopnames[0] = (char *)(uintptr_t)nloops; // no symbols in indexing maps
  for (intptr_t d = 0; d < nloops; ++d) {
    char buf[32];
    snprintf(buf, sizeof buf, "i%d", ids[d]);
    loopnames[d + 1] = spm_x_xstrdup(buf);
  }
  // Reads of inputs and accumulated outputs first, then writes.
  for (int pass = 0; pass < 2; ++pass)
    for (intptr_t o = 0; o < nops; ++o) {
      MlirValue v = mlirOperationGetOperand(op, o);
      if (!spm_x_value_is_memref(v))
        continue;
      bool output = o >= nops - nouts;
      if (pass == 1 && !output)
        continue;
      if (pass == 0 && output && !spm_linalg_uses_arg(op, o))
        continue;
      int alias = spm_x_alias_of(f, v);
      spm_poly_access_kind_t kind =
          pass == 0 ? SPM_POLY_READ : SPM_POLY_WRITE;
      if (f->aliases[alias].whole) {
        int array = f->aliases[alias].root;
        spm_access_new(f, st, array,
                       pass == 0 ? SPM_POLY_READ : SPM_POLY_MAY_WRITE,
                       spm_whole_range(f, array), op);
        char *name = spm_poly_func_value_name(f, v);
        spm_remark(f, op, "%s: treated as accessing all of %s",
                   f->aliases[alias].why, name);
        free(name);
        continue;
      }
      MlirAffineMap m =
          mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, o));
      intptr_t nres = mlirAffineMapGetNumResults(m);
      char **idx = spm_x_exprs_new((int)nres);
      bool exact = true;
      for (intptr_t r = 0; r < nres; ++r) {
        spm_strbuf_t b = SPM_STRBUF_INIT;
        exact = spm_x_expr_to_isl(mlirAffineMapGetResult(m, r), loopnames + 1,
                                &b) && exact;
        idx[r] = b.data ? b.data : spm_x_xstrdup("0");
      }
      if (!exact) {
        int array = f->aliases[alias].root;
        spm_access_new(f, st, array,
                       pass == 0 ? SPM_POLY_READ : SPM_POLY_MAY_WRITE,
                       spm_whole_range(f, array), op);
        for (intptr_t r = 0; r < nres; ++r)
          free(idx[r]);
        free(idx);
        continue;
      }
      spm_access_new(f, st, f->aliases[alias].root, kind,
                     spm_access_range(f, alias, idx, (int)nres), op);
      for (intptr_t r = 0; r < nres; ++r)
        free(idx[r]);
      free(idx);
    }
  for (intptr_t d = 0; d < nloops; ++d)
    free(loopnames[d + 1]);
}

static bool spm_has_memref_operand(MlirOperation op) {
  for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i)
    if (spm_x_value_is_memref(mlirOperationGetOperand(op, i)))
      return true;
  return false;
}

static void spm_walk_op(spm_poly_func_t *f, MlirOperation op, spm_scope_t *s) {
  bool compat = f->flags & SPM_POLY_EXTRACT_COMPAT;
  if (spm_x_op_is(op, "affine.for")) {
    spm_x_affine_for(f, s, op);
    return;
  }
  if (spm_x_op_is(op, "affine.if")) {
    spm_x_affine_if(f, s, op);
    return;
  }
  if (spm_x_op_is(op, "affine.load")) {
    spm_affine_access(f, s, op, false);
    return;
  }
  if (spm_x_op_is(op, "affine.store")) {
    spm_affine_access(f, s, op, true);
    return;
  }
  if (compat) {
    // only affine accesses, but look inside any region (e.g. nested funcs)
    for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
      for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
           !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
        spm_x_walk_block(f, b, s);
    return;
  }
  if (spm_x_handle_view(f, op))
    return;
  MlirAttribute maps = mlirLinalgGetIndexingMapsAttribute(op);
  if (!mlirAttributeIsNull(maps) && mlirAttributeIsAArray(maps) &&
      spm_has_memref_operand(op)) {
    spm_linalg(f, s, op, maps);
    return;
  }
  if (spm_x_op_is(op, "memref.copy") && mlirOperationGetNumOperands(op) == 2) {
    int st = spm_stmt_new(f, s, op, 0, NULL);
    int src_alias = spm_x_alias_of(f, mlirOperationGetOperand(op, 0));
    int src = f->aliases[src_alias].root;
    int dst_alias = spm_x_alias_of(f, mlirOperationGetOperand(op, 1));
    int dst = f->aliases[dst_alias].root;
    spm_access_new(f, st, src, SPM_POLY_READ, spm_whole_range(f, src), op);
    // a copy into a view writes part of the root: a may-write
    spm_access_new(f, st, dst,
                   f->aliases[dst_alias].parent < 0 ? SPM_POLY_WRITE
                                                    : SPM_POLY_MAY_WRITE,
                   spm_whole_range(f, dst), op);
    return;
  }
  if (spm_x_op_is(op, "memref.alloc") || spm_x_op_is(op, "memref.alloca") ||
      spm_x_op_is(op, "memref.dealloc") || spm_x_op_is(op, "memref.get_global") ||
      spm_x_op_is(op, "memref.dim"))
    return;
  if (mlirOperationGetNumRegions(op) > 0) {
    spm_x_opaque_op(f, s, op, "op with regions the analysis does not model");
    return;
  }
  bool load = spm_x_op_is(op, "memref.load");
  if ((load || spm_x_op_is(op, "memref.store")) &&
      mlirOperationGetNumOperands(op) >= (load ? 1 : 2)) {
    // computed indices: a read (load) or may-write (store) of any element
    MlirValue buf = mlirOperationGetOperand(op, load ? 0 : 1);
    int alias = spm_x_alias_of(f, buf); // may grow f->aliases
    int array = f->aliases[alias].root;
    int st = spm_stmt_new(f, s, op, 0, NULL);
    spm_access_new(f, st, array, load ? SPM_POLY_READ : SPM_POLY_MAY_WRITE,
                   spm_whole_range(f, array), op);
    char *name = spm_poly_func_value_name(f, buf);
    spm_remark(f, op,
               load ? "non-affine load (computed indices): treated as "
                      "reading any element of %s%s"
                    : "non-affine store (computed indices): treated as "
                      "possibly writing any element of %s%s",
               name, "");
    free(name);
    return;
  }
  if (spm_x_op_is(op, "func.return") && spm_has_memref_operand(op)) {
    // returning a buffer hands its whole contents to the caller: a read
    int st = spm_stmt_new(f, s, op, 0, NULL);
    for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
      MlirValue v = mlirOperationGetOperand(op, i);
      if (!spm_x_value_is_memref(v))
        continue;
      int alias = spm_x_alias_of(f, v); // may grow f->aliases
      int array = f->aliases[alias].root;
      spm_access_new(f, st, array, SPM_POLY_READ, spm_whole_range(f, array),
                     op);
    }
    return;
  }
  if (spm_has_memref_operand(op))
    spm_x_opaque_op(f, s, op, "unknown op receiving a buffer");
}

void spm_x_walk_block(spm_poly_func_t *f, MlirBlock block,
                           spm_scope_t *s) {
  int pos = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op), ++pos) {
    spm_scope_t inner;
    spm_x_scope_copy(&inner, s);
    if (inner.path_len < SPM_MAX_DEPTH) {
      inner.path_block[inner.path_len] = block;
      inner.path_pos[inner.path_len] = pos;
      inner.path_len++;
    }
    spm_x_scope_sched_int(&inner, pos);
    spm_walk_op(f, op, &inner);
    spm_x_scope_free(&inner);
  }
}

// ---------------------------------------------------------------------------
// Building the isl model

static void spm_params_str(const spm_poly_func_t *f, spm_strbuf_t *b) {
  spm_strbuf_append_str(b, "[");
  for (size_t i = 0; i < f->nparams; ++i)
    spm_strbuf_appendf(b, "%sp%zu", i ? ", " : "", i);
  spm_strbuf_append_str(b, "] -> ");
}

static spm_status_t spm_build_program(spm_poly_func_t *f) {
  int maxlen = 0;
  for (size_t i = 0; i < f->nstmts; ++i)
    if (f->stmts[i].sched_len > maxlen)
      maxlen = f->stmts[i].sched_len;
  f->program = spm_poly_program_create(f->ctx);
  spm_strbuf_t params = SPM_STRBUF_INIT;
  spm_params_str(f, &params);
  for (size_t i = 0; i < f->nstmts; ++i) {
    spm_stmt_t *st = &f->stmts[i];
    spm_strbuf_t d = SPM_STRBUF_INIT, m = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&d, "%s{ S%zu[%s]%s%s }", spm_strbuf_cstr(&params), i,
                       st->ivs, *st->constraints ? " : " : "",
                       st->constraints);
    spm_strbuf_appendf(&m, "%s{ S%zu[%s] -> [%s", spm_strbuf_cstr(&params), i,
                       st->ivs, st->sched);
    for (int k = st->sched_len; k < maxlen; ++k)
      spm_strbuf_appendf(&m, "%s0", k ? ", " : "");
    spm_strbuf_append_str(&m, "] }");
    isl_set *dom = isl_set_read_from_str(f->ctx, spm_strbuf_cstr(&d));
    isl_map *sched = isl_map_read_from_str(f->ctx, spm_strbuf_cstr(&m));
    spm_status_t s = SPM_OK;
    if (!dom || !sched) {
      s = spm_status_make(SPM_STATUS_INTERNAL,
                          "cannot build the isl model of statement %zu: %s / "
                          "%s",
                          i, spm_strbuf_cstr(&d), spm_strbuf_cstr(&m));
      isl_set_free(dom);
      isl_map_free(sched);
    } else {
      spm_poly_program_add_statement(f->program, dom, sched, st->nloops,
                                     st->loop_ids, NULL, &s);
    }
    spm_strbuf_free(&d);
    spm_strbuf_free(&m);
    if (!spm_status_is_ok(s)) {
      spm_strbuf_free(&params);
      return s;
    }
  }
  for (size_t i = 0; i < f->naccesses; ++i) {
    spm_access_t *a = &f->accesses[i];
    spm_strbuf_t r = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&r, "%s{ S%d[%s] -> %s }", spm_strbuf_cstr(&params),
                       a->stmt, f->stmts[a->stmt].ivs, a->rel);
    isl_map *rel = isl_map_read_from_str(f->ctx, spm_strbuf_cstr(&r));
    spm_status_t s = SPM_OK;
    if (!rel)
      s = spm_status_make(SPM_STATUS_INTERNAL,
                          "cannot build the isl access relation %s",
                          spm_strbuf_cstr(&r));
    else
      spm_poly_program_add_access(f->program, a->stmt, a->kind, rel, NULL, &s);
    spm_strbuf_free(&r);
    if (!spm_status_is_ok(s)) {
      spm_strbuf_free(&params);
      return s;
    }
  }
  spm_strbuf_free(&params);
  return SPM_OK;
}

// The first op (pre-order) with a region of more than one block, and that
// region's block count.
typedef struct {
  MlirOperation op;
  size_t nblocks;
} spm_unstructured_t;

static MlirWalkResult spm_find_unstructured(MlirOperation op, void *user) {
  spm_unstructured_t *u = user;
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r) {
    size_t n = 0;
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
      n++;
    if (n > 1) {
      *u = (spm_unstructured_t){op, n};
      return MlirWalkResultInterrupt;
    }
  }
  return MlirWalkResultAdvance;
}

spm_status_t spm_poly_extract(isl_ctx *ctx, MlirOperation root, unsigned flags,
                              spm_poly_func_t **out) {
  // The model orders statements by their position in nested regions of one
  // block each: blocks joined by branches have no such order.
  spm_unstructured_t cf = {{NULL}, 0};
  mlirOperationWalk(root, spm_find_unstructured, &cf, MlirWalkPreOrder);
  if (!mlirOperationIsNull(cf.op)) {
    MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(cf.op));
    spm_diag_emit(mlirOperationGetLocation(cf.op), SPM_DIAG_ERROR,
                  "unstructured control flow: this %.*s has a region of %zu "
                  "blocks; the dependence analysis needs structured control "
                  "flow (scf, affine): lift it first, e.g. with mlir-opt "
                  "--lift-cf-to-scf",
                  (int)name.length, name.data, cf.nblocks);
    return spm_status_make(SPM_STATUS_FAILED, "unstructured control flow");
  }
  spm_poly_func_t *f = calloc(1, sizeof *f);
  if (!f)
    abort();
  f->ctx = ctx;
  f->flags = flags;
  f->root = root;
  spm_scope_t s;
  memset(&s, 0, sizeof s);
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(root); ++r)
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(root, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
      spm_x_walk_block(f, b, &s);
  spm_x_scope_free(&s);
  spm_status_t st = spm_build_program(f);
  if (!spm_status_is_ok(st)) {
    spm_poly_func_free(f);
    return st;
  }
  *out = f;
  return SPM_OK;
}

void spm_poly_func_free(spm_poly_func_t *f) {
  if (!f)
    return;
  spm_poly_program_free(f->program);
  if (f->has_asm_state) {
    mlirAsmStateDestroy(f->asm_state);
    mlirOpPrintingFlagsDestroy(f->asm_flags);
  }
  for (size_t i = 0; i < f->naliases; ++i) {
    for (int k = 0; k < f->aliases[i].nexprs; ++k)
      free(f->aliases[i].exprs[k]);
    free(f->aliases[i].exprs);
  }
  free(f->aliases);
  free(f->array_alias);
  free(f->params);
  for (size_t i = 0; i < f->nstmts; ++i) {
    free(f->stmts[i].ivs);
    free(f->stmts[i].constraints);
    free(f->stmts[i].sched);
  }
  free(f->stmts);
  for (size_t i = 0; i < f->naccesses; ++i)
    free(f->accesses[i].rel);
  free(f->accesses);
  free(f);
}

const spm_poly_program_t *spm_poly_func_program(const spm_poly_func_t *f) {
  return f->program;
}

MlirOperation spm_poly_func_statement_op(const spm_poly_func_t *f, int stmt) {
  return f->stmts[stmt].op;
}

MlirOperation spm_poly_func_access_op(const spm_poly_func_t *f, int access) {
  return f->accesses[access].op;
}

size_t spm_poly_func_num_arrays(const spm_poly_func_t *f) { return f->narrays; }

MlirValue spm_poly_func_array_value(const spm_poly_func_t *f, size_t i) {
  return f->aliases[f->array_alias[i]].value;
}

int spm_poly_func_access_array(const spm_poly_func_t *f, int access) {
  return f->accesses[access].array;
}

bool spm_poly_func_statement_before(const spm_poly_func_t *f, int a, int b) {
  const spm_stmt_t *x = &f->stmts[a], *y = &f->stmts[b];
  int n = x->path_len < y->path_len ? x->path_len : y->path_len;
  for (int k = 0; k < n; ++k) {
    if (!mlirBlockEqual(x->path_block[k], y->path_block[k]))
      return false;
    if (x->path_pos[k] != y->path_pos[k])
      return x->path_pos[k] < y->path_pos[k];
  }
  return false;
}


char *spm_poly_func_value_name(spm_poly_func_t *f, MlirValue v) {
  // Creating an AsmState numbers every value under the op, so it is made
  // once per model and reused (one per value would be quadratic).
  if (!f->has_asm_state) {
    f->asm_flags = mlirOpPrintingFlagsCreate();
    f->asm_state = mlirAsmStateCreateForOperation(f->root, f->asm_flags);
    f->has_asm_state = true;
  }
  spm_strbuf_t b = SPM_STRBUF_INIT;
  mlirValuePrintAsOperand(v, f->asm_state, spm_strbuf_append_callback, &b);
  return b.data ? b.data : spm_x_xstrdup("?");
}
