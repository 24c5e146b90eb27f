// Private to lib/poly: the program and dependence-list representations and
// the helpers shared by poly.c (program building), poly_deps.c (dependence
// computation) and poly_split.c (depth splitting, distance bounds, compat).
#ifndef SPM_POLY_POLY_INTERNAL_H
#define SPM_POLY_POLY_INTERNAL_H

#include <isl/id.h>
#include <isl/space.h>

#include "poly/poly.h"

typedef struct spm_poly_stmt_s {
  isl_set *domain;   // iteration domain (named tuple, nloops dims)
  isl_map *schedule; // domain -> schedule space, restricted to the domain
  int nloops;
  int loop_ids[SPM_POLY_MAX_LOOPS];
  void *user;
} spm_poly_stmt_t;

typedef struct spm_poly_acc_s {
  int stmt;
  spm_poly_access_kind_t kind;
  isl_map *relation; // statement instance -> array element, within domain
  isl_id *tag;       // tag tuple of this access: [S[i] -> tag[]]
  void *user;
} spm_poly_acc_t;

struct spm_poly_program_s {
  isl_ctx *ctx;
  spm_poly_stmt_t *stmts;
  size_t nstmts, cap_stmts;
  spm_poly_acc_t *accs;
  size_t naccs, cap_accs;
};

struct spm_poly_deps_s {
  spm_poly_dep_t *v;
  size_t n, cap;
};

static inline bool spm_poly_acc_writes(spm_poly_access_kind_t k) {
  return k == SPM_POLY_WRITE || k == SPM_POLY_MAY_WRITE;
}

// A status for a failed isl call (isl returned NULL or isl_bool_error).
spm_status_t spm_poly_isl_error(isl_ctx *ctx, const char *what);

// Appends `dep` (its relation moves into `d`).
spm_status_t spm_poly_deps_push(spm_poly_deps_t *d, spm_poly_dep_t *dep);

// Sorts by (src_access, dst_access, depth, kind).
void spm_poly_deps_sort(spm_poly_deps_t *d);

// The schedule of access `a`'s statement extended by one trailing dimension:
// 0 for reads, 1 + a for writes. Within an instance, reads precede writes
// and writes happen in the order of their accesses. (Ordering the writes
// keeps the extended schedule injective: isl's dataflow analysis is not
// exact for a must-write and a may-write at the same schedule point, and
// the brute-force test found such cases.)
__isl_give isl_map *spm_poly_access_schedule(const spm_poly_program_t *p,
                                             int a);

// Whether accesses a and b name the same array.
bool spm_poly_same_array(const spm_poly_program_t *p, int a, int b);

// Restricts `rel` (src instance -> dst instance) to dependence depth `depth`
// given `ncommon` common loops: equal on loops < depth, and src < dst on loop
// `depth` when depth <= ncommon (all common loops equal otherwise).
__isl_give isl_map *spm_poly_restrict_depth(__isl_take isl_map *rel,
                                            int ncommon, int depth);

// Exact integer bounds of dst_k - src_k, k < ncommon, over `rel` (non-empty),
// parameters included as unknowns: a bound is finite iff it holds for every
// parameter value (then it is attained for some). The first `nequal` loops
// are known to be equated in `rel` (distance 0, no ILP needed).
spm_status_t spm_poly_distance_bounds(__isl_keep isl_map *rel, int ncommon,
                                      int nequal, spm_poly_bound_t *bounds);

// Appends one dependence piece at `depth` (the piece moves into `out`):
// computes its may flag (`may`, or not contained in `must` when given) and
// distance bounds.
spm_status_t spm_poly_push_piece(const spm_poly_program_t *p,
                                 spm_poly_dep_kind_t kind, int src, int dst,
                                 int depth, int ncommon,
                                 __isl_take isl_map *piece,
                                 __isl_keep isl_map *must, bool may,
                                 spm_poly_deps_t *out);

// Splits `rel` (src access's instances -> dst access's instances) by depth and
// appends the non-empty pieces as deps of `kind`. A piece is `may` when
// `may` is set or when it is not contained in `must` (NULL: no must part).
// Fails if part of `rel` is not ordered by the common loops (a schedule that
// contradicts the loop ids).
spm_status_t spm_poly_split_and_push(const spm_poly_program_t *p,
                                     spm_poly_dep_kind_t kind, int src,
                                     int dst, __isl_take isl_map *rel,
                                     __isl_keep isl_map *must, bool may,
                                     spm_poly_deps_t *out);

#endif
