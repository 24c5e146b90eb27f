// Unit tests of lib/poly: hand cases with known dependences, input
// validation, and a comparison of spm_poly_compute_deps and
// spm_poly_compat_check with a brute-force enumeration on random loop nests.
//
//   spm-unit-poly [cases [seed]]   (default: 250 cases, a fixed seed)
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/map.h>
#include <isl/point.h>
#include <isl/set.h>
#include <isl/val.h>

#include "poly/poly.h"
#include "poly/poly_bruteforce.h"
#include "support/unit_test.h"

// --- helpers -----------------------------------------------------------------

static int add_stmt(spm_poly_program_t *p, const char *dom, const char *sched,
                    int nloops, const int *ids) {
  isl_ctx *ctx = spm_poly_program_get_ctx(p);
  spm_status_t s;
  int r = spm_poly_program_add_statement(p, isl_set_read_from_str(ctx, dom),
                                         isl_map_read_from_str(ctx, sched),
                                         nloops, ids, NULL, &s);
  if (s) {
    fprintf(stderr, "add_stmt %s: %s\n", dom, spm_status_message(s));
    spm_status_free(s);
  }
  return r;
}

static int add_acc(spm_poly_program_t *p, int stmt, spm_poly_access_kind_t k,
                   const char *rel) {
  isl_ctx *ctx = spm_poly_program_get_ctx(p);
  spm_status_t s;
  int r = spm_poly_program_add_access(p, stmt, k,
                                      isl_map_read_from_str(ctx, rel), NULL,
                                      &s);
  if (s) {
    fprintf(stderr, "add_acc %s: %s\n", rel, spm_status_message(s));
    spm_status_free(s);
  }
  return r;
}

static spm_poly_deps_t *deps_of(spm_poly_program_t *p, unsigned flags) {
  spm_poly_deps_t *d = NULL;
  spm_status_t s = spm_poly_compute_deps(p, flags, &d);
  if (s) {
    fprintf(stderr, "compute_deps: %s\n", spm_status_message(s));
    spm_status_free(s);
  }
  return d;
}

static const spm_poly_dep_t *find_dep(const spm_poly_deps_t *d,
                                      spm_poly_dep_kind_t kind, int src,
                                      int dst, int depth) {
  for (size_t i = 0; i < spm_poly_deps_count(d); ++i) {
    const spm_poly_dep_t *x = spm_poly_deps_get(d, i);
    if (x->kind == kind && x->src_access == src && x->dst_access == dst &&
        x->depth == depth)
      return x;
  }
  return NULL;
}

static bool bound_is(const spm_poly_bound_t *b, int64_t lb, int64_t ub) {
  return !b->lb_infinite && !b->ub_infinite && b->lb == lb && b->ub == ub;
}

static bool rel_is(const spm_poly_dep_t *d, const char *str) {
  if (!d)
    return false;
  isl_map *m = isl_map_read_from_str(isl_map_get_ctx(d->relation), str);
  isl_bool eq = isl_map_is_equal(d->relation, m);
  isl_map_free(m);
  return eq == isl_bool_true;
}

static void dump_deps(const spm_poly_deps_t *d) {
  static const char *kinds[] = {"flow", "anti", "output"};
  for (size_t i = 0; i < spm_poly_deps_count(d); ++i) {
    const spm_poly_dep_t *x = spm_poly_deps_get(d, i);
    char *s = spm_poly_map_to_str(x->relation);
    fprintf(stderr, "    %s %d -> %d depth %d/%d%s:", kinds[x->kind],
            x->src_access, x->dst_access, x->depth, x->ncommon,
            x->may ? " may" : "");
    for (int k = 0; k < x->ncommon; ++k) {
      const spm_poly_bound_t *b = &x->distance[k];
      if (b->lb_infinite)
        fprintf(stderr, " [-inf,");
      else
        fprintf(stderr, " [%lld,", (long long)b->lb);
      if (b->ub_infinite)
        fprintf(stderr, "inf]");
      else
        fprintf(stderr, "%lld]", (long long)b->ub);
    }
    fprintf(stderr, " %s\n", s ? s : "?");
    free(s);
  }
}

// --- hand cases --------------------------------------------------------------

// for i in 1..7, j in 0..6: A[i][j] = A[i-1][j+1]
SPM_TEST(stencil_2d) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int ids[] = {0, 1};
  add_stmt(p, "{ S0[i, j] : 1 <= i < 8 and 0 <= j < 7 }",
           "{ S0[i, j] -> [0, i, 0, j, 0] }", 2, ids);
  int rd = add_acc(p, 0, SPM_POLY_READ, "{ S0[i, j] -> A[i - 1, j + 1] }");
  int wr = add_acc(p, 0, SPM_POLY_WRITE, "{ S0[i, j] -> A[i, j] }");
  SPM_EXPECT(rd == 0 && wr == 1);
  SPM_EXPECT(spm_poly_program_num_statements(p) == 1);
  SPM_EXPECT(spm_poly_program_num_accesses(p) == 2);
  SPM_EXPECT(spm_poly_access_statement(p, wr) == 0);
  SPM_EXPECT(spm_poly_access_kind(p, wr) == SPM_POLY_WRITE);
  SPM_EXPECT(spm_poly_common_loops(p, 0, 0) == 2);
  for (unsigned flags = 0; flags <= SPM_POLY_FLOW_MEMORY_BASED; ++flags) {
    spm_poly_deps_t *d = deps_of(p, flags);
    SPM_EXPECT(spm_poly_deps_count(d) == 1);
    const spm_poly_dep_t *f = find_dep(d, SPM_POLY_DEP_FLOW, wr, rd, 1);
    SPM_EXPECT(f && f->ncommon == 2 && !f->may);
    SPM_EXPECT(f && bound_is(&f->distance[0], 1, 1) &&
               bound_is(&f->distance[1], -1, -1));
    SPM_EXPECT(rel_is(f, "{ S0[i, j] -> S0[i + 1, j - 1] : 1 <= i < 7 and "
                         "1 <= j < 7 }"));
    if (f) {
      char *s = spm_poly_map_to_str(f->relation);
      SPM_EXPECT_STR_CONTAINS(s, "S0[i, j] -> S0[");
      free(s);
    }
    spm_poly_deps_free(d);
  }
  bool has;
  spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS];
  int n = -1;
  SPM_EXPECT(!spm_poly_compat_check(p, wr, rd, 1, false, &has, comp, &n));
  SPM_EXPECT(has && n == 2 && bound_is(&comp[0], 1, 1) &&
             bound_is(&comp[1], -1, -1));
  for (int depth = 1; depth <= 3; ++depth) {
    SPM_EXPECT(!spm_poly_compat_check(p, rd, wr, depth, false, &has, comp,
                                      &n));
    SPM_EXPECT(!has && n == 0);
  }
  SPM_EXPECT(!spm_poly_compat_check(p, wr, wr, 1, false, &has, comp, &n));
  SPM_EXPECT(!has);
  // Read/read pairs never depend.
  SPM_EXPECT(!spm_poly_compat_check(p, rd, rd, 1, false, &has, comp, &n));
  SPM_EXPECT(!has);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// for i: B[i] = ...;  for i: C[i] = B[i]
SPM_TEST(producer_consumer) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int l0 = 0, l1 = 1;
  add_stmt(p, "{ S0[i] : 0 <= i < 8 }", "{ S0[i] -> [0, i, 0] }", 1, &l0);
  add_stmt(p, "{ S1[i] : 0 <= i < 8 }", "{ S1[i] -> [1, i, 0] }", 1, &l1);
  int w = add_acc(p, 0, SPM_POLY_WRITE, "{ S0[i] -> B[i] }");
  int r = add_acc(p, 1, SPM_POLY_READ, "{ S1[i] -> B[i] }");
  add_acc(p, 1, SPM_POLY_WRITE, "{ S1[i] -> C[i] }");
  SPM_EXPECT(spm_poly_common_loops(p, 0, 1) == 0);
  spm_poly_deps_t *d = deps_of(p, 0);
  SPM_EXPECT(spm_poly_deps_count(d) == 1);
  const spm_poly_dep_t *f = find_dep(d, SPM_POLY_DEP_FLOW, w, r, 1);
  SPM_EXPECT(f && f->ncommon == 0 && !f->may);
  SPM_EXPECT(rel_is(f, "{ S0[i] -> S1[i] : 0 <= i < 8 }"));
  spm_poly_deps_free(d);
  bool has;
  int n = -1;
  spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS];
  SPM_EXPECT(!spm_poly_compat_check(p, w, r, 1, true, &has, comp, &n));
  SPM_EXPECT(has && n == 0);
  SPM_EXPECT(!spm_poly_compat_check(p, w, r, 1, false, &has, comp, &n));
  SPM_EXPECT(!has);
  spm_status_t s = spm_poly_compat_check(p, w, r, 2, true, &has, comp, &n);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE);
  spm_status_free(s);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// S0: A[i] = ..; S1: A[i] = ..; S2: .. = A[i] (three loops). S1 kills S0.
SPM_TEST(killed_write) {
  isl_ctx *ctx = isl_ctx_alloc();
  for (int variant = 0; variant < 3; ++variant) {
    // 0: both must; 1: S1 may-writes; 2: S0 may-writes.
    spm_poly_program_t *p = spm_poly_program_create(ctx);
    int l[] = {0, 1, 2};
    add_stmt(p, "{ S0[i] : 0 <= i < 8 }", "{ S0[i] -> [0, i] }", 1, &l[0]);
    add_stmt(p, "{ S1[i] : 0 <= i < 8 }", "{ S1[i] -> [1, i] }", 1, &l[1]);
    add_stmt(p, "{ S2[i] : 0 <= i < 8 }", "{ S2[i] -> [2, i] }", 1, &l[2]);
    int w0 = add_acc(p, 0, variant == 2 ? SPM_POLY_MAY_WRITE : SPM_POLY_WRITE,
                     "{ S0[i] -> A[i] }");
    int w1 = add_acc(p, 1, variant == 1 ? SPM_POLY_MAY_WRITE : SPM_POLY_WRITE,
                     "{ S1[i] -> A[i] }");
    int r = add_acc(p, 2, SPM_POLY_READ, "{ S2[i] -> A[i] }");
    spm_poly_deps_t *d = deps_of(p, 0);
    const spm_poly_dep_t *f0 = find_dep(d, SPM_POLY_DEP_FLOW, w0, r, 1);
    const spm_poly_dep_t *f1 = find_dep(d, SPM_POLY_DEP_FLOW, w1, r, 1);
    const spm_poly_dep_t *o = find_dep(d, SPM_POLY_DEP_OUTPUT, w0, w1, 1);
    SPM_EXPECT(spm_poly_deps_count(d) == (variant == 1 ? 3u : 2u));
    SPM_EXPECT(o && rel_is(o, "{ S0[i] -> S1[i] : 0 <= i < 8 }"));
    SPM_EXPECT(o && o->may == (variant != 0));
    SPM_EXPECT(f1 && rel_is(f1, "{ S1[i] -> S2[i] : 0 <= i < 8 }"));
    if (variant == 1) {
      // A may-write does not kill: S0's value may still be read, and so may
      // S1's.
      SPM_EXPECT(f0 && f0->may && f1 && f1->may);
      SPM_EXPECT(rel_is(f0, "{ S0[i] -> S2[i] : 0 <= i < 8 }"));
    } else {
      SPM_EXPECT(!f0 && f1 && !f1->may);
    }
    spm_poly_deps_free(d);
    // Memory-based flow: every earlier write.
    d = deps_of(p, SPM_POLY_FLOW_MEMORY_BASED);
    SPM_EXPECT(spm_poly_deps_count(d) == 3);
    f0 = find_dep(d, SPM_POLY_DEP_FLOW, w0, r, 1);
    SPM_EXPECT(f0 && rel_is(f0, "{ S0[i] -> S2[i] : 0 <= i < 8 }"));
    SPM_EXPECT(f0 && f0->may == (variant == 2));
    spm_poly_deps_free(d);
    spm_poly_program_free(p);
  }
  isl_ctx_free(ctx);
}

// Two writes of one instance happen in access order: the later one is the
// value read afterwards, and it overwrites the earlier one (distance 0).
SPM_TEST(writes_in_access_order) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int l0 = 0;
  add_stmt(p, "{ S0[i] : 0 <= i < 8 }", "{ S0[i] -> [0, i, 0] }", 1, &l0);
  int w0 = add_acc(p, 0, SPM_POLY_MAY_WRITE, "{ S0[i] -> A[i] }");
  int w1 = add_acc(p, 0, SPM_POLY_WRITE, "{ S0[i] -> A[i] }");
  add_stmt(p, "{ S1[i] : 0 <= i < 8 }", "{ S1[i] -> [0, i, 1] }", 1, &l0);
  int r = add_acc(p, 1, SPM_POLY_READ, "{ S1[i] -> A[i] }");
  spm_poly_deps_t *d = deps_of(p, 0);
  SPM_EXPECT(spm_poly_deps_count(d) == 2);
  const spm_poly_dep_t *o = find_dep(d, SPM_POLY_DEP_OUTPUT, w0, w1, 2);
  SPM_EXPECT(o && o->may && bound_is(&o->distance[0], 0, 0));
  const spm_poly_dep_t *f = find_dep(d, SPM_POLY_DEP_FLOW, w1, r, 2);
  SPM_EXPECT(f && !f->may && f->ncommon == 1);
  spm_poly_deps_free(d);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// Symbolic bounds: [N] -> { S0[i] : 0 <= i < N }.
SPM_TEST(symbolic_bounds) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int l0 = 7;
  add_stmt(p, "[N] -> { S0[i] : 0 <= i < N }", "[N] -> { S0[i] -> [0, i, 0] }",
           1, &l0);
  int r2 = add_acc(p, 0, SPM_POLY_READ, "[N] -> { S0[i] -> A[i - 2] }");
  int r0 = add_acc(p, 0, SPM_POLY_READ, "{ S0[i] -> A[0] }");
  int rn = add_acc(p, 0, SPM_POLY_READ, "[N] -> { S0[i] -> A[N - 1 - i] }");
  int w = add_acc(p, 0, SPM_POLY_WRITE, "{ S0[i] -> A[i] }");
  spm_poly_deps_t *d = deps_of(p, 0);
  // A[i] = A[i - 2]: distance exactly 2 whatever N.
  const spm_poly_dep_t *f = find_dep(d, SPM_POLY_DEP_FLOW, w, r2, 1);
  SPM_EXPECT(f && bound_is(&f->distance[0], 2, 2));
  // A[0], written at i = 0: distance 1 .. N - 1, unbounded above.
  f = find_dep(d, SPM_POLY_DEP_FLOW, w, r0, 1);
  SPM_EXPECT(f && !f->distance[0].lb_infinite && f->distance[0].lb == 1 &&
             f->distance[0].ub_infinite);
  SPM_EXPECT(rel_is(f, "[N] -> { S0[0] -> S0[i] : 0 < i < N }"));
  // The read of A[0] at i = 0 precedes the write in the same instance.
  const spm_poly_dep_t *a = find_dep(d, SPM_POLY_DEP_ANTI, r0, w, 2);
  SPM_EXPECT(a && bound_is(&a->distance[0], 0, 0));
  SPM_EXPECT(rel_is(a, "[N] -> { S0[0] -> S0[0] : N > 0 }"));
  // A[N - 1 - i]: distance N - 1 - 2i >= 1 for all N (1 or 2 depending on
  // N's parity as a function of N); bounds are over all values of N.
  f = find_dep(d, SPM_POLY_DEP_FLOW, w, rn, 1);
  SPM_EXPECT(f && !f->distance[0].lb_infinite && f->distance[0].lb == 1 &&
             f->distance[0].ub_infinite);
  const spm_poly_dep_t *an = find_dep(d, SPM_POLY_DEP_ANTI, rn, w, 1);
  SPM_EXPECT(an && !an->distance[0].lb_infinite && an->distance[0].lb == 1 &&
             an->distance[0].ub_infinite);
  SPM_EXPECT(!find_dep(d, SPM_POLY_DEP_ANTI, r2, w, 1));
  spm_poly_deps_free(d);
  bool has;
  int n;
  spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS];
  SPM_EXPECT(!spm_poly_compat_check(p, w, r2, 1, false, &has, comp, &n));
  SPM_EXPECT(has && n == 1 && bound_is(&comp[0], 2, 2));
  // Memory-based, A[0] is written at i = 0 only: same as value-based.
  SPM_EXPECT(!spm_poly_compat_check(p, w, r0, 1, false, &has, comp, &n));
  SPM_EXPECT(has && comp[0].lb == 1 && comp[0].ub_infinite);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// Statements with different parameters, a 0-d statement and a 0-d array.
SPM_TEST(params_and_scalars) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int l0 = 0, l1 = 1;
  add_stmt(p, "{ S0[] }", "{ S0[] -> [0, 0, 0] }", 0, NULL);
  add_stmt(p, "[N] -> { S1[i] : 0 <= i < N }", "{ S1[i] -> [1, i, 0] }", 1,
           &l0);
  add_stmt(p, "[M] -> { S2[i] : 0 <= i < M }", "{ S2[i] -> [2, i, 0] }", 1,
           &l1);
  int wx = add_acc(p, 0, SPM_POLY_WRITE, "{ S0[] -> X[] }");
  int rx = add_acc(p, 1, SPM_POLY_READ, "{ S1[i] -> X[] }");
  int wa = add_acc(p, 1, SPM_POLY_WRITE, "{ S1[i] -> A[i] }");
  int ra = add_acc(p, 2, SPM_POLY_READ, "{ S2[i] -> A[i] }");
  spm_poly_deps_t *d = deps_of(p, 0);
  SPM_EXPECT(spm_poly_deps_count(d) == 2);
  const spm_poly_dep_t *f = find_dep(d, SPM_POLY_DEP_FLOW, wx, rx, 1);
  SPM_EXPECT(f && f->ncommon == 0 && !f->may);
  SPM_EXPECT(rel_is(f, "[N] -> { S0[] -> S1[i] : 0 <= i < N }"));
  f = find_dep(d, SPM_POLY_DEP_FLOW, wa, ra, 1);
  SPM_EXPECT(rel_is(f, "[N, M] -> { S1[i] -> S2[i] : 0 <= i < N and i < M }"));
  spm_poly_deps_free(d);
  d = deps_of(p, SPM_POLY_FLOW_MEMORY_BASED);
  SPM_EXPECT(spm_poly_deps_count(d) == 2);
  f = find_dep(d, SPM_POLY_DEP_FLOW, wa, ra, 1);
  SPM_EXPECT(rel_is(f, "[N, M] -> { S1[i] -> S2[i] : 0 <= i < N and i < M }"));
  spm_poly_deps_free(d);
  bool has;
  int n = -1;
  SPM_EXPECT(!spm_poly_compat_check(p, wa, ra, 1, true, &has, NULL, &n));
  SPM_EXPECT(has && n == 0);
  SPM_EXPECT(!spm_poly_compat_check(p, rx, wx, 1, false, &has, NULL, &n));
  SPM_EXPECT(!has && n == 0);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// A linalg.matmul-like statement: C[i,j] += A[i,k] * B[k,j], with the reads
// of an instance before its write.
SPM_TEST(linalg_reduction) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int ids[] = {0, 1, 2};
  int u = 42;
  spm_status_t s;
  int st = spm_poly_program_add_statement(
      p,
      isl_set_read_from_str(
          ctx, "{ S0[i, j, k] : 0 <= i < 4 and 0 <= j < 4 and 0 <= k < 5 }"),
      isl_map_read_from_str(ctx, "{ S0[i, j, k] -> [0, i, 0, j, 0, k, 0] }"),
      3, ids, &u, &s);
  SPM_EXPECT(st == 0 && !s);
  SPM_EXPECT(spm_poly_statement_user(p, 0) == &u);
  add_acc(p, 0, SPM_POLY_READ, "{ S0[i, j, k] -> A[i, k] }");
  add_acc(p, 0, SPM_POLY_READ, "{ S0[i, j, k] -> B[k, j] }");
  int rc = add_acc(p, 0, SPM_POLY_READ, "{ S0[i, j, k] -> C[i, j] }");
  int wc = spm_poly_program_add_access(
      p, 0, SPM_POLY_WRITE,
      isl_map_read_from_str(ctx, "{ S0[i, j, k] -> C[i, j] }"), &u, &s);
  SPM_EXPECT(wc == 3 && !s && spm_poly_access_user(p, wc) == &u);
  spm_poly_deps_t *d = deps_of(p, 0);
  SPM_EXPECT(spm_poly_deps_count(d) == 4);
  const spm_poly_dep_t *x = spm_poly_deps_get(d, 0);
  SPM_EXPECT(x && x->kind == SPM_POLY_DEP_ANTI && x->src_access == rc &&
             x->dst_access == wc && x->depth == 3 &&
             bound_is(&x->distance[0], 0, 0) &&
             bound_is(&x->distance[1], 0, 0) &&
             bound_is(&x->distance[2], 1, 4));
  x = spm_poly_deps_get(d, 1);
  SPM_EXPECT(x && x->kind == SPM_POLY_DEP_ANTI && x->src_access == rc &&
             x->dst_access == wc && x->depth == 4 &&
             bound_is(&x->distance[2], 0, 0));
  SPM_EXPECT(x && rel_is(x, "{ S0[i, j, k] -> S0[i, j, k] : 0 <= i < 4 and "
                            "0 <= j < 4 and 0 <= k < 5 }"));
  x = spm_poly_deps_get(d, 2);
  SPM_EXPECT(x && x->kind == SPM_POLY_DEP_FLOW && x->src_access == wc &&
             x->dst_access == rc && x->depth == 3 && !x->may &&
             bound_is(&x->distance[2], 1, 1));
  x = spm_poly_deps_get(d, 3);
  SPM_EXPECT(x && x->kind == SPM_POLY_DEP_OUTPUT && x->src_access == wc &&
             x->dst_access == wc && x->depth == 3 &&
             bound_is(&x->distance[2], 1, 4));
  spm_poly_deps_free(d);
  d = deps_of(p, SPM_POLY_FLOW_MEMORY_BASED);
  x = find_dep(d, SPM_POLY_DEP_FLOW, wc, rc, 3);
  SPM_EXPECT(x && bound_is(&x->distance[2], 1, 4));
  SPM_EXPECT(spm_poly_deps_count(d) == 4);
  spm_poly_deps_free(d);
  // MLIR's view: no loop-independent dependence within one statement.
  bool has;
  int n;
  spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS];
  SPM_EXPECT(!spm_poly_compat_check(p, rc, wc, 4, false, &has, comp, &n));
  SPM_EXPECT(!has);
  SPM_EXPECT(!spm_poly_compat_check(p, rc, wc, 3, false, &has, comp, &n));
  SPM_EXPECT(has && n == 3 && bound_is(&comp[2], 1, 4));
  SPM_EXPECT(!spm_poly_compat_check(p, rc, wc, 2, false, &has, comp, &n));
  SPM_EXPECT(!has);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

static void expect_stmt_error(spm_poly_program_t *p, const char *dom,
                              const char *sched, int nloops,
                              spm_status_code_t code, const char *msg) {
  isl_ctx *ctx = spm_poly_program_get_ctx(p);
  int ids[SPM_POLY_MAX_LOOPS + 1] = {0};
  spm_status_t s;
  int r = spm_poly_program_add_statement(p, isl_set_read_from_str(ctx, dom),
                                         isl_map_read_from_str(ctx, sched),
                                         nloops, ids, NULL, &s);
  SPM_EXPECT(r == -1 && spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), msg);
  spm_status_free(s);
}

static void expect_acc_error(spm_poly_program_t *p, int stmt, const char *rel,
                             spm_status_code_t code, const char *msg) {
  isl_ctx *ctx = spm_poly_program_get_ctx(p);
  spm_status_t s;
  int r = spm_poly_program_add_access(p, stmt, SPM_POLY_READ,
                                      isl_map_read_from_str(ctx, rel), NULL,
                                      &s);
  SPM_EXPECT(r == -1 && spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), msg);
  spm_status_free(s);
}

SPM_TEST(invalid_input) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  int ids[] = {0, 1};
  SPM_EXPECT(add_stmt(p, "{ S0[i, j] : 0 <= i, j < 4 }",
                      "{ S0[i, j] -> [0, i, 0, j, 0] }", 2, ids) == 0);
  SPM_EXPECT(add_acc(p, 0, SPM_POLY_WRITE, "{ S0[i, j] -> A[i, j] }") == 0);
  expect_stmt_error(p, "{ S1[i, j] : 0 <= i, j < 4 }",
                    "{ S1[i, j] -> [0, i, 0, j, 1] }", 1,
                    SPM_STATUS_INVALID_ARGUMENT, "2 dimensions but 1 loops");
  expect_stmt_error(p, "{ S1[i] : 0 <= i < 4 }", "{ S1[i] -> [1, i, 0, 0, 0] }",
                    SPM_POLY_MAX_LOOPS + 1, SPM_STATUS_OUT_OF_RANGE,
                    "at most 16");
  expect_stmt_error(p, "{ S1[i] : 0 <= i < 4 }", "{ S2[i] -> [1, i, 0, 0, 0] }",
                    1, SPM_STATUS_INVALID_ARGUMENT, "schedule's domain");
  expect_stmt_error(p, "{ S1[i] : 0 <= i < 4 }", "{ S1[i] -> [1, i, 0] }", 1,
                    SPM_STATUS_INVALID_ARGUMENT, "differs from the first");
  expect_stmt_error(p, "{ S0[i] : 0 <= i < 4 }", "{ S0[i] -> [1, i, 0, 0, 0] }",
                    1, SPM_STATUS_INVALID_ARGUMENT, "already used");
  expect_stmt_error(p, "{ [i] : 0 <= i < 4 }", "{ [i] -> [1, i, 0, 0, 0] }", 1,
                    SPM_STATUS_INVALID_ARGUMENT, "no tuple name");
  expect_stmt_error(p, "{ S1[i] : 0 <= i < 4 }",
                    "{ S1[i] -> [1, i, 0, 0, 0] : i < 2 }", 1,
                    SPM_STATUS_INVALID_ARGUMENT, "whole domain");
  expect_stmt_error(p, "{ S1[i] : 0 <= i < 4 }",
                    "{ S1[i] -> [1, j, 0, 0, 0] : 0 <= j < 2 }", 1,
                    SPM_STATUS_INVALID_ARGUMENT, "single-valued");
  expect_acc_error(p, 0, "{ S1[i, j] -> A[i, j] }",
                   SPM_STATUS_INVALID_ARGUMENT, "statement's space");
  expect_acc_error(p, 0, "{ S0[i] -> A[i, i] }", SPM_STATUS_INVALID_ARGUMENT,
                   "statement's space");
  expect_acc_error(p, 0, "{ S0[i, j] -> [i, j] }",
                   SPM_STATUS_INVALID_ARGUMENT, "no name");
  expect_acc_error(p, 0, "{ S0[i, j] -> A[i] }", SPM_STATUS_INVALID_ARGUMENT,
                   "1 subscripts");
  expect_acc_error(p, 3, "{ S0[i, j] -> A[i, j] }", SPM_STATUS_OUT_OF_RANGE,
                   "no statement 3");
  // Errors leave the program usable.
  SPM_EXPECT(spm_poly_program_num_statements(p) == 1);
  SPM_EXPECT(spm_poly_program_num_accesses(p) == 1);
  SPM_EXPECT(spm_poly_access_statement(p, 5) == -1);
  SPM_EXPECT(spm_poly_common_loops(p, 0, 9) == 0);
  spm_poly_deps_t *d = NULL;
  spm_status_t s = spm_poly_compute_deps(p, 0x10, &d);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT && !d);
  spm_status_free(s);
  bool has;
  int n;
  s = spm_poly_compat_check(p, 0, 1, 1, false, &has, NULL, &n);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE);
  spm_status_free(s);
  s = spm_poly_compat_check(p, 0, 0, 0, false, &has, NULL, &n);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE);
  spm_status_free(s);
  // A schedule that runs a common loop backwards contradicts the loop ids;
  // the value-based flow computation detects it (the memory-based one
  // relies on the documented precondition).
  spm_poly_program_t *q = spm_poly_program_create(ctx);
  int l = 0;
  add_stmt(q, "{ S0[i] : 0 <= i < 4 }", "{ S0[i] -> [-i] }", 1, &l);
  add_acc(q, 0, SPM_POLY_READ, "{ S0[i] -> A[0] }");
  add_acc(q, 0, SPM_POLY_WRITE, "{ S0[i] -> A[0] }");
  s = spm_poly_compute_deps(q, 0, &d);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT && !d);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "not ordered");
  spm_status_free(s);
  spm_poly_program_free(q);
  SPM_EXPECT(spm_poly_map_to_str(NULL) == NULL);
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// --- brute force -------------------------------------------------------------

static int bf_cases = 250;
static uint64_t bf_seed = 0x5eed5eed1234567ULL;
static size_t bf_pairs_compared, bf_deps_checked, bf_compat_queries,
    bf_compat_deps, bf_rejected, bf_may_cases;
static int bf_failures_printed;

typedef struct collect_s {
  const spm_poly_dep_t *dep;
  int nin, nout;
  bf_pairs_t *pairs;
  bool bad_depth;
  int dmin[SPM_POLY_MAX_LOOPS], dmax[SPM_POLY_MAX_LOOPS];
  size_t n;
} collect_t;

static isl_stat collect_point(__isl_take isl_point *pnt, void *user) {
  collect_t *c = user;
  bf_pair_t p;
  memset(&p, 0, sizeof(p));
  p.src = c->dep->src_access;
  p.dst = c->dep->dst_access;
  for (int k = 0; k < c->nin + c->nout; ++k) {
    isl_val *v = isl_point_get_coordinate_val(pnt, isl_dim_set, k);
    int x = (int)isl_val_get_num_si(v);
    isl_val_free(v);
    if (k < c->nin)
      p.s[k] = x;
    else
      p.t[k - c->nin] = x;
  }
  isl_point_free(pnt);
  int nc = c->dep->ncommon, depth = nc + 1;
  for (int k = 0; k < nc; ++k) {
    if (p.s[k] != p.t[k]) {
      depth = k + 1;
      if (p.s[k] > p.t[k])
        c->bad_depth = true;
      break;
    }
  }
  if (depth != c->dep->depth)
    c->bad_depth = true;
  for (int k = 0; k < nc; ++k) {
    int dist = p.t[k] - p.s[k];
    if (!c->n || dist < c->dmin[k])
      c->dmin[k] = dist;
    if (!c->n || dist > c->dmax[k])
      c->dmax[k] = dist;
  }
  c->n++;
  bf_pairs_push(c->pairs, &p);
  return isl_stat_ok;
}

static void case_failure(int index, const bf_program_t *prog,
                         const spm_poly_deps_t *d, const char *what) {
  if (bf_failures_printed++ >= 5)
    return;
  fprintf(stderr, "brute-force case %d: %s\n", index, what);
  bf_print(prog, stderr);
  if (d)
    dump_deps(d);
}

static bool pairs_equal(const bf_pairs_t *a, const bf_pairs_t *b) {
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; ++i)
    if (bf_pair_cmp(&a->v[i], &b->v[i]))
      return false;
  return true;
}

static void print_pair(const char *what, const bf_pair_t *p) {
  fprintf(stderr, "    %s: %d (%d,%d,%d) -> %d (%d,%d,%d)%s\n", what, p->src,
          p->s[0], p->s[1], p->s[2], p->dst, p->t[0], p->t[1], p->t[2],
          p->must ? " must" : "");
}

// Prints up to 10 pairs in one list but not in the other.
static void print_diff(const bf_pairs_t *got, const bf_pairs_t *want) {
  size_t i = 0, j = 0;
  int printed = 0;
  while ((i < got->n || j < want->n) && printed < 10) {
    int c = i == got->n    ? 1
            : j == want->n ? -1
                           : bf_pair_cmp(&got->v[i], &want->v[j]);
    if (c < 0) {
      print_pair("extra", &got->v[i++]);
      printed++;
    } else if (c > 0) {
      print_pair("missing", &want->v[j++]);
      printed++;
    } else {
      i++;
      j++;
    }
  }
}

static const bf_pair_t *find_pair(const bf_pairs_t *ps, const bf_pair_t *p) {
  size_t lo = 0, hi = ps->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = bf_pair_cmp(&ps->v[mid], p);
    if (!c)
      return &ps->v[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

// Compares spm_poly_compute_deps(flags) with the brute-force pairs.
static void compare_deps(int index, const bf_program_t *prog,
                         spm_poly_program_t *p, unsigned flags,
                         const bf_deps_t *bd) {
  spm_poly_deps_t *d = deps_of(p, flags);
  SPM_EXPECT(d != NULL);
  if (!d) {
    case_failure(index, prog, NULL, "compute_deps failed");
    return;
  }
  bf_pairs_t got[3] = {{0}};
  const bf_pairs_t *want[3] = {
      flags & SPM_POLY_FLOW_MEMORY_BASED ? &bd->memflow : &bd->flow,
      &bd->anti, &bd->output};
  bool ok = true;
  char bad[256] = "";
  for (size_t i = 0; i < spm_poly_deps_count(d); ++i) {
    const spm_poly_dep_t *x = spm_poly_deps_get(d, i);
    if (i > 0) {
      const spm_poly_dep_t *y = spm_poly_deps_get(d, i - 1);
      bool sorted =
          y->src_access < x->src_access ||
          (y->src_access == x->src_access &&
           (y->dst_access < x->dst_access ||
            (y->dst_access == x->dst_access &&
             (y->depth < x->depth ||
              (y->depth == x->depth && y->kind < x->kind)))));
      ok &= sorted;
    }
    const bf_access_t *sa = &prog->accs[x->src_access];
    const bf_access_t *da = &prog->accs[x->dst_access];
    int nc = bf_common_loops(prog, sa->stmt, da->stmt);
    ok &= x->ncommon == nc && x->depth >= 1 && x->depth <= nc + 1;
    spm_poly_dep_kind_t want_kind =
        sa->kind == SPM_POLY_READ   ? SPM_POLY_DEP_ANTI
        : da->kind == SPM_POLY_READ ? SPM_POLY_DEP_FLOW
                                    : SPM_POLY_DEP_OUTPUT;
    ok &= x->kind == want_kind;
    bf_pairs_t mine = {0};
    collect_t c = {x, prog->stmts[sa->stmt].nloops,
                   prog->stmts[da->stmt].nloops, &mine, false, {0}, {0}, 0};
    isl_set *w = isl_map_wrap(isl_map_copy(x->relation));
    ok &= isl_set_foreach_point(w, collect_point, &c) == isl_stat_ok;
    isl_set_free(w);
    ok &= c.n > 0 && !c.bad_depth;
    for (int k = 0; k < nc && c.n; ++k)
      ok &= bound_is(&x->distance[k], c.dmin[k], c.dmax[k]);
    // may: a may-write is involved, or (value-based flow) some pair is not
    // certain.
    bool may = sa->kind == SPM_POLY_MAY_WRITE || da->kind == SPM_POLY_MAY_WRITE;
    if (x->kind == SPM_POLY_DEP_FLOW && !(flags & SPM_POLY_FLOW_MEMORY_BASED))
      for (size_t j = 0; j < mine.n; ++j) {
        const bf_pair_t *bp = find_pair(&bd->flow, &mine.v[j]);
        if (bp && !bp->must)
          may = true;
      }
    ok &= x->may == may;
    if (!ok && !bad[0])
      snprintf(bad, sizeof(bad),
               "first bad dep: #%zu (%d -> %d depth %d, %zu points, depth "
               "%s, may %d want %d)",
               i, x->src_access, x->dst_access, x->depth, c.n,
               c.bad_depth ? "wrong" : "ok", x->may, may);
    for (size_t j = 0; j < mine.n; ++j)
      bf_pairs_push(&got[x->kind], &mine.v[j]);
    bf_pairs_free(&mine);
    bf_deps_checked++;
  }
  bool same[3];
  for (int k = 0; k < 3; ++k) {
    bf_pairs_sort(&got[k]);
    same[k] = pairs_equal(&got[k], want[k]);
    ok &= same[k];
    bf_pairs_compared += want[k]->n;
  }
  SPM_EXPECT(ok);
  if (!ok) {
    char what[512];
    snprintf(what, sizeof(what),
             "flags %u: deps differ from brute force (want flow %zu%s, anti "
             "%zu%s, output %zu%s pairs) %s",
             flags, want[0]->n, same[0] ? "" : " DIFF", want[1]->n,
             same[1] ? "" : " DIFF", want[2]->n, same[2] ? "" : " DIFF", bad);
    case_failure(index, prog, d, what);
    for (int k = 0; k < 3 && bf_failures_printed <= 5; ++k)
      print_diff(&got[k], want[k]);
  }
  for (int k = 0; k < 3; ++k)
    bf_pairs_free(&got[k]);
  spm_poly_deps_free(d);
}

static void compare_compat(int index, const bf_program_t *prog,
                           spm_poly_program_t *p) {
  bool ok = true;
  for (int a = 0; a < prog->naccs; ++a) {
    for (int b = 0; b < prog->naccs; ++b) {
      int sa = prog->accs[a].stmt, sb = prog->accs[b].stmt;
      int nc = bf_common_loops(prog, sa, sb);
      bool before = bf_before_in_common_block(prog, sa, sb);
      for (int depth = 1; depth <= nc + 1; ++depth) {
        bool has = false, want = false;
        int n = -1;
        spm_poly_bound_t comp[SPM_POLY_MAX_LOOPS], wcomp[BF_MAX_LOOPS];
        spm_status_t s =
            spm_poly_compat_check(p, a, b, depth, before, &has, comp, &n);
        bf_compat(prog, a, b, depth, before, &want, wcomp);
        bool good = !s && has == want && n == (has ? nc : 0);
        for (int k = 0; good && has && k < nc; ++k)
          good = bound_is(&comp[k], wcomp[k].lb, wcomp[k].ub);
        spm_status_free(s);
        if (!good && bf_failures_printed < 5)
          fprintf(stderr, "compat %d -> %d depth %d: has %d want %d\n", a, b,
                  depth, has, want);
        ok &= good;
        bf_compat_queries++;
        bf_compat_deps += want;
      }
    }
  }
  SPM_EXPECT(ok);
  if (!ok)
    case_failure(index, prog, NULL, "compat check differs from brute force");
}

SPM_TEST(brute_force) {
  uint64_t rng = bf_seed;
  isl_ctx *ctx = isl_ctx_alloc();
  int done = 0;
  for (int attempt = 0; done < bf_cases && attempt < 20 * bf_cases;
       ++attempt) {
    bf_program_t prog;
    bool may = attempt % 3 == 2;
    bf_generate(&prog, &rng, may);
    bf_deps_t bd;
    if (!bf_compute(&prog, 3000, &bd)) {
      bf_rejected++;
      continue;
    }
    spm_status_t s;
    spm_poly_program_t *p = bf_build(&prog, ctx, &s);
    SPM_EXPECT(p != NULL);
    if (!p) {
      fprintf(stderr, "case %d: %s\n", done, spm_status_message(s));
      spm_status_free(s);
      bf_deps_free(&bd);
      continue;
    }
    for (int i = 0; i < prog.naccs; ++i)
      if (prog.accs[i].kind == SPM_POLY_MAY_WRITE) {
        bf_may_cases++;
        break;
      }
    compare_deps(done, &prog, p, 0, &bd);
    compare_deps(done, &prog, p, SPM_POLY_FLOW_MEMORY_BASED, &bd);
    compare_compat(done, &prog, p);
    spm_poly_program_free(p);
    bf_deps_free(&bd);
    done++;
  }
  SPM_EXPECT(done == bf_cases);
  isl_ctx_free(ctx);
  printf("brute force: %d cases (%zu with may-writes, %zu too big skipped), "
         "%zu dependence pairs compared in %zu deps, %zu compat queries "
         "(%zu with a dependence)\n",
         done, bf_may_cases, bf_rejected, bf_pairs_compared, bf_deps_checked,
         bf_compat_queries, bf_compat_deps);
}

// Two isomorphic producer/consumer pairs on arrays A and B (the second pair
// at other positions and with other loop ids): the second array's deps come
// from the memo of the first and must equal those computed on a program
// holding only the second pair.
static void add_pair(spm_poly_program_t *p, const char *arr, int first,
                     int pos, int id0) {
  char dom[256], sch[256], acc[256];
  int ids[2] = {id0, id0 + 1};
  snprintf(dom, sizeof dom, "{ S%d[i, j] : 0 <= i < 6 and 0 <= j < 5 }", first);
  snprintf(sch, sizeof sch, "{ S%d[i, j] -> [%d, i, 0, j, 0] }", first, pos);
  add_stmt(p, dom, sch, 2, ids);
  snprintf(acc, sizeof acc, "{ S%d[i, j] -> %s[i, j] }", first, arr);
  add_acc(p, (int)spm_poly_program_num_statements(p) - 1, SPM_POLY_WRITE, acc);
  int ids2[2] = {id0 + 2, id0 + 3};
  snprintf(dom, sizeof dom, "{ S%d[i, j] : 0 <= i < 6 and 0 <= j < 4 }", first + 1);
  snprintf(sch, sizeof sch, "{ S%d[i, j] -> [%d, i, 0, j, 0] }", first + 1, pos + 1);
  add_stmt(p, dom, sch, 2, ids2);
  snprintf(acc, sizeof acc, "{ S%d[i, j] -> %s[i - 1, j + 1] }", first + 1, arr);
  add_acc(p, (int)spm_poly_program_num_statements(p) - 1, SPM_POLY_READ, acc);
  snprintf(acc, sizeof acc, "{ S%d[i, j] -> %s[i, j] }", first + 1, arr);
  add_acc(p, (int)spm_poly_program_num_statements(p) - 1, SPM_POLY_WRITE, acc);
}

SPM_TEST(memoised_isomorphic_arrays) {
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *both = spm_poly_program_create(ctx);
  add_pair(both, "A", 0, 0, 0);
  add_pair(both, "B", 2, 7, 10);
  spm_poly_program_t *only = spm_poly_program_create(ctx);
  add_pair(only, "B", 0, 7, 10);
  spm_poly_deps_t *db = NULL, *d1 = NULL;
  SPM_EXPECT(spm_status_is_ok(spm_poly_compute_deps(both, 0, &db)));
  SPM_EXPECT(spm_status_is_ok(spm_poly_compute_deps(only, 0, &d1)));
  if (db && d1) {
    // deps of the B pair in `both` are accesses 3.. (the A pair has 0..2)
    size_t nb = 0;
    for (size_t i = 0; i < spm_poly_deps_count(db); ++i) {
      const spm_poly_dep_t *x = spm_poly_deps_get(db, i);
      if (x->src_access < 3)
        continue;
      SPM_EXPECT(nb < spm_poly_deps_count(d1));
      if (nb >= spm_poly_deps_count(d1))
        break;
      const spm_poly_dep_t *y = spm_poly_deps_get(d1, nb++);
      SPM_EXPECT(x->kind == y->kind && x->depth == y->depth &&
                 x->ncommon == y->ncommon && x->may == y->may);
      SPM_EXPECT(x->src_access == y->src_access + 3 &&
                 x->dst_access == y->dst_access + 3);
      for (int k = 0; k < x->ncommon; ++k)
        SPM_EXPECT(x->distance[k].lb == y->distance[k].lb &&
                   x->distance[k].ub == y->distance[k].ub &&
                   x->distance[k].lb_infinite == y->distance[k].lb_infinite &&
                   x->distance[k].ub_infinite == y->distance[k].ub_infinite);
      // same relation once the statements are named alike
      isl_map *r = isl_map_copy(x->relation);
      r = isl_map_set_tuple_name(r, isl_dim_in,
                                 isl_map_get_tuple_name(y->relation, isl_dim_in));
      r = isl_map_set_tuple_name(
          r, isl_dim_out, isl_map_get_tuple_name(y->relation, isl_dim_out));
      SPM_EXPECT(isl_map_is_equal(r, y->relation) == isl_bool_true);
      isl_map_free(r);
    }
    SPM_EXPECT(nb == spm_poly_deps_count(d1) && nb > 0);
    // the replayed relations name the B statements
    for (size_t i = 0; i < spm_poly_deps_count(db); ++i) {
      const spm_poly_dep_t *x = spm_poly_deps_get(db, i);
      if (x->src_access >= 3) {
        SPM_EXPECT(strcmp(isl_map_get_tuple_name(x->relation, isl_dim_in),
                          x->src_access == 3 ? "S2" : "S3") == 0);
      }
    }
  }
  spm_poly_deps_free(db);
  spm_poly_deps_free(d1);
  spm_poly_program_free(both);
  spm_poly_program_free(only);
  isl_ctx_free(ctx);
}

int main(int argc, char **argv) {
  if (argc > 1)
    bf_cases = atoi(argv[1]);
  if (argc > 2 && strtoull(argv[2], NULL, 0))
    bf_seed = strtoull(argv[2], NULL, 0);
  SPM_RUN(stencil_2d);
  SPM_RUN(producer_consumer);
  SPM_RUN(killed_write);
  SPM_RUN(writes_in_access_order);
  SPM_RUN(symbolic_bounds);
  SPM_RUN(params_and_scalars);
  SPM_RUN(linalg_reduction);
  SPM_RUN(invalid_input);
  SPM_RUN(memoised_isomorphic_arrays);
  SPM_RUN(brute_force);
  return spm_test_finish();
}
