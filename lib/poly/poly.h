// spm_poly: exact dependence analysis of a polyhedral program with isl.
//
// Plain C + isl, no MLIR: the MLIR side (lib/poly/extract.c) describes a
// function as statements (iteration domain + schedule) and accesses (access
// relation to an array), and this module computes
//   - value-based flow dependences (RAW): for every read, the last write of
//     the same element before it (must-writes kill earlier writes; may-writes
//     do not), through isl_union_access_info_compute_flow;
//   - memory-based anti (WAR) and output (WAW) dependences: every pair of a
//     read/write (write/write) of the same element, source before sink;
//   - optionally memory-based flow (all writes before a read, no kills);
// each split by MLIR's depth convention, with per-common-loop distance bounds.
//
// Conventions (the same as MLIR's affine dependence analysis, so results can
// be compared with `mlir-opt -test-memref-dependence-check`):
//   - A statement's loops are its enclosing loops, outermost first; the first
//     `ncommon` loops of two statements are common when they share loop ids
//     (see spm_poly_program_add_statement).
//   - A dependence from instance s of S to instance t of T is *carried at
//     depth d* (1 <= d <= ncommon) when s and t agree on common loops
//     1..d-1 and s_d < t_d; it is *loop-independent*, depth ncommon + 1, when
//     they agree on all common loops (S then precedes T textually).
//   - Distance component k (k < ncommon) is t_k - s_k.
//
// Ownership follows isl: __isl_take arguments are consumed, __isl_give
// results are owned by the caller, __isl_keep are borrowed. spm_poly objects
// are owned by whoever created them and released with their _free function.
#ifndef SPM_POLY_POLY_H
#define SPM_POLY_POLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <isl/ctx.h>
#include <isl/map.h>
#include <isl/set.h>

#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SPM_POLY_MAX_LOOPS 16

typedef struct spm_poly_program_s spm_poly_program_t;

typedef enum spm_poly_access_kind_e {
  SPM_POLY_READ,      // the accessed elements are read (exactly these)
  SPM_POLY_WRITE,     // must-write: exactly these elements are written (kills)
  SPM_POLY_MAY_WRITE, // may-write: some subset is written (never kills)
} spm_poly_access_kind_t;

// Creates an empty program on `ctx` (borrowed; must outlive the program).
spm_poly_program_t *spm_poly_program_create(isl_ctx *ctx);
void spm_poly_program_free(spm_poly_program_t *p);
isl_ctx *spm_poly_program_get_ctx(const spm_poly_program_t *p);

// Adds a statement; returns its index (0, 1, ...).
//   domain:   iteration domain, a set whose tuple name is unique among the
//             statements, e.g. "[N] -> { S2[i, j] : 0 <= i < N and 0 <= j < 8 }".
//             Its dimensions are the statement's loops, outermost first
//             (a statement outside any loop has a 0-d domain "{ S5[] }").
//   schedule: map from the domain to one schedule space shared by all
//             statements (same dimension for all, e.g. the 2d+1 form
//             "{ S2[i, j] -> [0, i, 1, j, 0] }"); execution order is the
//             lexicographic order of schedule points. Precondition: the
//             schedule orders the instances of two statements by their
//             common loops first, outermost first (true of 2d+1
//             schedules); dependences are computed depth by depth on it.
//   loop_ids: `nloops` (= domain dimension) ids of the enclosing loops,
//             outermost first; two statements' common loops are the longest
//             common prefix of their loop_ids (copied).
//   user:     opaque pointer kept for the caller (e.g. the MlirOperation).
// Returns -1 and sets *status on invalid input (dimension mismatch, ...).
int spm_poly_program_add_statement(spm_poly_program_t *p,
                                   __isl_take isl_set *domain,
                                   __isl_take isl_map *schedule, int nloops,
                                   const int *loop_ids, void *user,
                                   spm_status_t *status);

// Adds an access of statement `stmt`; returns its index (0, 1, ...). The
// relation maps the statement's domain to an array whose tuple name
// identifies the array (e.g. "{ S2[i, j] -> A[i, j + 1] }"); its domain is
// intersected with the statement's domain. Within one statement instance
// all reads happen before all writes (a linalg op reads its operands, then
// writes its outputs), and writes happen in the order their accesses were
// added. Accesses are numbered in the order they are added.
int spm_poly_program_add_access(spm_poly_program_t *p, int stmt,
                                spm_poly_access_kind_t kind,
                                __isl_take isl_map *relation, void *user,
                                spm_status_t *status);

size_t spm_poly_program_num_statements(const spm_poly_program_t *p);
size_t spm_poly_program_num_accesses(const spm_poly_program_t *p);
int spm_poly_access_statement(const spm_poly_program_t *p, int access);
spm_poly_access_kind_t spm_poly_access_kind(const spm_poly_program_t *p,
                                            int access);
void *spm_poly_access_user(const spm_poly_program_t *p, int access);
void *spm_poly_statement_user(const spm_poly_program_t *p, int stmt);
// Number of common loops of two statements.
int spm_poly_common_loops(const spm_poly_program_t *p, int stmt_a,
                          int stmt_b);

typedef enum spm_poly_dep_kind_e {
  SPM_POLY_DEP_FLOW,   // RAW
  SPM_POLY_DEP_ANTI,   // WAR
  SPM_POLY_DEP_OUTPUT, // WAW
} spm_poly_dep_kind_t;

// A bound on a distance component; `infinite` means unbounded on that side.
typedef struct spm_poly_bound_s {
  int64_t lb, ub;
  bool lb_infinite, ub_infinite;
} spm_poly_bound_t;

// One dependence between two accesses, at one depth.
typedef struct spm_poly_dep_s {
  spm_poly_dep_kind_t kind;
  int src_access, dst_access;
  int depth;   // 1..ncommon carried, ncommon + 1 loop-independent
  int ncommon; // common loops of the two statements
  spm_poly_bound_t distance[SPM_POLY_MAX_LOOPS]; // ncommon entries
  bool may;    // involves a may-write (not certain to happen)
  isl_map *relation; // owned by the spm_poly_deps_t: src instance -> dst
                     // instance, restricted to this depth
} spm_poly_dep_t;

typedef struct spm_poly_deps_s spm_poly_deps_t;

typedef enum spm_poly_flags_e {
  SPM_POLY_FLOW_MEMORY_BASED = 1, // flow without kills (every earlier write)
} spm_poly_flags_t;

// Computes all dependences of `p` (borrowed). The result lists deps sorted by
// (src_access, dst_access, depth, kind). Caller frees with
// spm_poly_deps_free().
spm_status_t spm_poly_compute_deps(const spm_poly_program_t *p, unsigned flags,
                                   spm_poly_deps_t **out);
size_t spm_poly_deps_count(const spm_poly_deps_t *d);
const spm_poly_dep_t *spm_poly_deps_get(const spm_poly_deps_t *d, size_t i);
void spm_poly_deps_free(spm_poly_deps_t *d);

// MLIR compatibility (`mlir-opt -test-memref-dependence-check`): is there a
// memory-based dependence (no kills; at least one side writes; same array)
// from access `src` to access `dst` at `depth` (1..ncommon+1)? For depth
// ncommon + 1 the caller states whether src's statement appears textually
// before dst's in their common block (`src_before_dst`; false for src == dst
// statement), as MLIR requires. On a dependence, fills `components` with the
// ncommon distance bounds (dst - src) over the dependence polyhedron at that
// depth and sets *ncomponents.
spm_status_t spm_poly_compat_check(const spm_poly_program_t *p, int src,
                                   int dst, int depth, bool src_before_dst,
                                   bool *has_dep,
                                   spm_poly_bound_t *components,
                                   int *ncomponents);

// Prints a dependence relation in isl notation into a malloc'ed string the
// caller frees.
char *spm_poly_map_to_str(__isl_keep isl_map *map);

#ifdef __cplusplus
}
#endif
#endif
