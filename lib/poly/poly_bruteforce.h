// A brute-force reference for lib/poly, used by poly_test.c: random small
// loop nests (statements, affine accesses), their spm_poly model, and the
// dependences obtained by enumerating every statement instance in execution
// order.
#ifndef SPM_POLY_POLY_BRUTEFORCE_H
#define SPM_POLY_POLY_BRUTEFORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "poly/poly.h"

#define BF_MAX_LOOPS 3
#define BF_SCHED_DIM (2 * BF_MAX_LOOPS + 1)
#define BF_MAX_STMTS 4
#define BF_MAX_ACCS_PER_STMT 3
#define BF_MAX_ACCS (BF_MAX_STMTS * BF_MAX_ACCS_PER_STMT)
#define BF_MAX_ARRAYS 2
#define BF_MAX_ARRAY_DIMS 2

// c + sum_m k[m] * iv[m] over a statement's loop ivs (outermost first).
typedef struct bf_aff_s {
  int c;
  int k[BF_MAX_LOOPS];
} bf_aff_t;

typedef struct bf_loop_s {
  bf_aff_t lo, hi; // lo <= iv < hi, in the ivs of the enclosing loops
} bf_loop_t;

typedef struct bf_access_s {
  int stmt;
  spm_poly_access_kind_t kind;
  int array;
  bf_aff_t idx[BF_MAX_ARRAY_DIMS];
} bf_access_t;

typedef struct bf_stmt_s {
  int nloops;
  int loop_ids[BF_MAX_LOOPS];      // indices into bf_program_t.loops
  int pos[BF_MAX_LOOPS + 1];       // 2d+1 schedule: [pos0, i0, pos1, ...]
} bf_stmt_t;

typedef struct bf_program_s {
  int nloops;
  bf_loop_t loops[BF_MAX_STMTS * BF_MAX_LOOPS];
  int nstmts;
  bf_stmt_t stmts[BF_MAX_STMTS];
  int naccs;
  bf_access_t accs[BF_MAX_ACCS];
  int narrays;
  int array_dims[BF_MAX_ARRAYS];
} bf_program_t;

// One dependence pair: instance s of access src's statement -> instance t of
// access dst's statement.
typedef struct bf_pair_s {
  int src, dst;
  int s[BF_MAX_LOOPS], t[BF_MAX_LOOPS];
  bool must; // value-based flow only: certainly the value read
} bf_pair_t;

typedef struct bf_pairs_s {
  bf_pair_t *v;
  size_t n, cap;
} bf_pairs_t;

void bf_pairs_push(bf_pairs_t *ps, const bf_pair_t *p);
void bf_pairs_sort(bf_pairs_t *ps); // by (src, dst, s, t)
void bf_pairs_free(bf_pairs_t *ps);
int bf_pair_cmp(const bf_pair_t *a, const bf_pair_t *b); // ignores `must`

// Deterministic PRNG (xorshift64*).
uint64_t bf_rand(uint64_t *state);
int bf_rand_range(uint64_t *state, int lo, int hi); // lo..hi inclusive

// Generates a random program; `may_writes` allows may-write accesses.
void bf_generate(bf_program_t *prog, uint64_t *rng, bool may_writes);

// The spm_poly model of `prog` (isl text built by bf_*_str), or NULL.
spm_poly_program_t *bf_build(const bf_program_t *prog, isl_ctx *ctx,
                             spm_status_t *status);

int bf_common_loops(const bf_program_t *prog, int sa, int sb);
// Whether statement sa precedes sb textually in their innermost common block.
bool bf_before_in_common_block(const bf_program_t *prog, int sa, int sb);

// Dependences by enumeration (within an instance, reads before writes, and
// writes in access order; events at one time would be unordered). Returns false, with nothing to free,
// when the program is too big for the brute force: a loop with more than 8
// iterations or more than `max_pairs` dependence pairs in all.
typedef struct bf_deps_s {
  bf_pairs_t flow;     // value-based (must flag set)
  bf_pairs_t memflow;  // memory-based flow
  bf_pairs_t anti, output;
  size_t events; // access events executed
} bf_deps_t;

bool bf_compute(const bf_program_t *prog, size_t max_pairs, bf_deps_t *deps);
void bf_deps_free(bf_deps_t *deps);

// Brute-force spm_poly_compat_check.
void bf_compat(const bf_program_t *prog, int src, int dst, int depth,
               bool src_before_dst, bool *has_dep,
               spm_poly_bound_t components[BF_MAX_LOOPS]);

// Writes a readable description of the program (for failure reports).
void bf_print(const bf_program_t *prog, FILE *f);

#endif
