// Helpers shared by the tile-model unit test's files (spm-unit-tile only):
// the one random state, status checks, dumps, evaluate-vs-simulation check,
// random orders / tilings / problems, and the check counters' totals.
#ifndef SPM_PLACE_TILE_TEST_UTIL_H
#define SPM_PLACE_TILE_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "place/tile_model.h"

// --quick (or SPM_UNIT_QUICK): fewer cases, for valgrind; set by main.
extern bool tile_test_quick;

// Next draw of the single random state shared by every test: lo..hi
// inclusive (the sequence is that of the seed, whatever file draws).
int64_t tile_test_rnd(int64_t lo, int64_t hi);

// True when `s` is ok; otherwise prints its message, frees it (consumes `s`).
bool tile_test_ok(spm_status_t s);

// Expects status `code` with `sub` in its message (two checks); consumes `s`.
void tile_test_expect_status(spm_status_t s, spm_status_code_t code,
                             const char *sub);

// Prints `p`'s dims and operands to stderr (`p` borrowed).
void tile_test_dump_problem(const spm_tile_problem_t *p);

// Prints a tiling to stderr (`order`, `tile`: p->ndims entries; borrowed).
void tile_test_dump_tiling(const spm_tile_problem_t *p, const int *order,
                           const int64_t *tile);

// Prints `pl`'s traffic to stderr, labelled `what` (both borrowed).
void tile_test_dump_plan(const char *what, const spm_tile_plan_t *pl);

// True when two plans (borrowed) agree on every traffic, space, cost figure.
bool tile_test_same_traffic(const spm_tile_plan_t *a, const spm_tile_plan_t *b);

// spm_tile_evaluate == spm_tile_count_exact for one tiling (`o` may be NULL;
// all borrowed); false, after dumping both, on a mismatch.
bool tile_test_check_tiling(const spm_tile_problem_t *p,
                            const spm_tile_options_t *o, const int *order,
                            const int64_t *tile);

// Fills order[0..n) (caller's array) with a random permutation of 0..n-1.
void tile_test_random_order(int n, int *order);

// Fills tile[0..p->ndims) (caller's): E one time in 4, else random 1..E.
void tile_test_random_tile(const spm_tile_problem_t *p, int64_t *tile);

// Next permutation of a[0..n) in lexicographic order; false after the last.
bool tile_test_next_perm(int *a, int n);

// Sets random residency / initial-read / scratch flags on `p`'s operands.
void tile_test_random_flags(spm_tile_problem_t *p);

// Overwrites `p` with a random small problem of one of five kinds. `small`:
// few dims and tiny extents, for brute force over every order.
void tile_test_random_problem(spm_tile_problem_t *p, bool small);

// Check counters: support/unit_test.h keeps spm_test_passed / _failed static
// in each file, so every test file hands its counts over before main prints
// the sum. Adds `passed` and `failed` to the executable's totals.
void tile_test_add_checks(int passed, int failed);

// Adds the totals handed over so far, and this module's own checks, to
// *passed and *failed (main's counters, just before spm_test_finish).
void tile_test_total_checks(int *passed, int *failed);

// Hands the calling file's counters over (tile_test_add_checks) and zeroes
// them; each test file's run function ends with it. Needs unit_test.h.
#define TILE_TEST_HAND_OVER_CHECKS()                                           \
  do {                                                                         \
    tile_test_add_checks(spm_test_passed, spm_test_failed);                    \
    spm_test_passed = spm_test_failed = 0;                                     \
  } while (0)

// Test groups, one per file, run by main in the original order.
void tile_test_run_hand(void);         // tile_hand_test.c: hand_* but scratch
void tile_test_run_errors(void);       // tile_errors_test.c: errors
void tile_test_run_hand_scratch(void); // tile_hand_test.c: hand_scratch
void tile_test_run_search(void);       // tile_search_test.c: brute force,
                                       // VGG / ResNet layers

#endif
