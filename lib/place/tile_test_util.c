// Helpers shared by the tile-model unit test's files (spm-unit-tile): the one
// random state and the random problems / tilings drawn from it, status checks,
// dumps, the evaluate-vs-simulation check, the check counters' totals.
#include "place/tile_test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "support/unit_test.h"

bool tile_test_quick;

// Checks handed over by the test files (tile_test_add_checks).
static int total_passed, total_failed;

void tile_test_add_checks(int passed, int failed) {
  total_passed += passed;
  total_failed += failed;
}

void tile_test_total_checks(int *passed, int *failed) {
  *passed += total_passed + spm_test_passed;
  *failed += total_failed + spm_test_failed;
}

// The one random state every test draws from, through tile_test_rnd.
static uint64_t rng_state = 0x5eed1234abcdULL;
int64_t tile_test_rnd(int64_t lo, int64_t hi) { // inclusive
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (int64_t)((rng_state >> 33) % (uint64_t)(hi - lo + 1));
}

bool tile_test_ok(spm_status_t s) {
  if (spm_status_is_ok(s))
    return true;
  fprintf(stderr, "unexpected status: %s\n", spm_status_message(s));
  spm_status_free(s);
  return false;
}

// Expects status `code` whose message contains `sub`; consumes it.
void tile_test_expect_status(spm_status_t s, spm_status_code_t code,
                             const char *sub) {
  SPM_EXPECT(spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), sub);
  spm_status_free(s);
}

void tile_test_dump_problem(const spm_tile_problem_t *p) {
  fprintf(stderr, "  dims:");
  for (int j = 0; j < p->ndims; ++j)
    fprintf(stderr, " %s=%" PRId64 "%s", p->dim[j].name, p->dim[j].extent,
            p->dim[j].kind == SPM_TILE_REDUCTION ? "(red)" : "");
  fprintf(stderr, "\n");
  for (int x = 0; x < p->noperands; ++x) {
    const spm_tile_operand_t *o = &p->operand[x];
    fprintf(stderr, "  %s %s%s%s elem %" PRId64 " shape [", o->name,
            o->role == SPM_TILE_READ ? "read" : "output",
            o->resident ? " resident" : "",
            o->needs_initial_read ? " init" : o->scratch ? " scratch" : "",
            o->elem_bytes);
    for (int d = 0; d < o->rank; ++d) {
      fprintf(stderr, "%s%" PRId64 ":", d ? ", " : "", o->shape[d]);
      for (int j = 0; j < p->ndims; ++j)
        if (o->coef[d][j])
          fprintf(stderr, " %" PRId64 "*%s", o->coef[d][j], p->dim[j].name);
      fprintf(stderr, " %+" PRId64, o->offset[d]);
    }
    fprintf(stderr, "]\n");
  }
}

void tile_test_dump_tiling(const spm_tile_problem_t *p, const int *order,
                           const int64_t *tile) {
  fprintf(stderr, "  order:");
  for (int i = 0; i < p->ndims; ++i)
    fprintf(stderr, " %s", p->dim[order[i]].name);
  fprintf(stderr, "  tile:");
  for (int j = 0; j < p->ndims; ++j)
    fprintf(stderr, " %" PRId64, tile[j]);
  fprintf(stderr, "\n");
}

bool tile_test_same_traffic(const spm_tile_plan_t *a,
                            const spm_tile_plan_t *b) {
  if (a->bytes_read != b->bytes_read || a->bytes_written != b->bytes_written ||
      a->transfers != b->transfers || a->space_bytes != b->space_bytes ||
      a->cost != b->cost || a->traffic_bytes != b->traffic_bytes ||
      a->fits != b->fits)
    return false;
  for (int x = 0; x < a->noperands; ++x) {
    const spm_tile_operand_traffic_t *s = &a->operand[x], *t = &b->operand[x];
    if (s->bytes_read != t->bytes_read || s->bytes_written != t->bytes_written ||
        s->reads != t->reads || s->writes != t->writes ||
        s->max_footprint != t->max_footprint ||
        s->reuse_factor != t->reuse_factor)
      return false;
  }
  return true;
}

void tile_test_dump_plan(const char *what, const spm_tile_plan_t *pl) {
  fprintf(stderr, "  %s: read %" PRId64 " written %" PRId64 " transfers %" PRId64
                  " space %" PRId64 " cost %" PRId64 "\n",
          what, pl->bytes_read, pl->bytes_written, pl->transfers,
          pl->space_bytes, pl->cost);
  for (int x = 0; x < pl->noperands; ++x)
    fprintf(stderr,
            "    op %d: read %" PRId64 " (%" PRId64 ") written %" PRId64
            " (%" PRId64 ") max %" PRId64 " m %" PRId64 "\n",
            x, pl->operand[x].bytes_read, pl->operand[x].reads,
            pl->operand[x].bytes_written, pl->operand[x].writes,
            pl->operand[x].max_footprint, pl->operand[x].reuse_factor);
}

// evaluate == count_exact for one tiling; returns false (after dumping) on a
// mismatch.
bool tile_test_check_tiling(const spm_tile_problem_t *p,
                            const spm_tile_options_t *o, const int *order,
                            const int64_t *tile) {
  spm_tile_plan_t a, b;
  if (!tile_test_ok(spm_tile_evaluate(p, o, order, tile, &a)) ||
      !tile_test_ok(spm_tile_count_exact(p, o, order, tile, &b)))
    return false;
  if (tile_test_same_traffic(&a, &b))
    return true;
  fprintf(stderr, "evaluate != count_exact\n");
  tile_test_dump_problem(p);
  tile_test_dump_tiling(p, order, tile);
  tile_test_dump_plan("evaluate", &a);
  tile_test_dump_plan("exact", &b);
  return false;
}

void tile_test_random_order(int n, int *order) {
  for (int i = 0; i < n; ++i)
    order[i] = i;
  for (int i = n - 1; i > 0; --i) {
    int k = (int)tile_test_rnd(0, i);
    int t = order[i];
    order[i] = order[k];
    order[k] = t;
  }
}

void tile_test_random_tile(const spm_tile_problem_t *p, int64_t *tile) {
  for (int j = 0; j < p->ndims; ++j)
    tile[j] = tile_test_rnd(0, 3) == 0 ? p->dim[j].extent
                                       : tile_test_rnd(1, p->dim[j].extent);
}

// Next permutation in lexicographic order; false after the last.
bool tile_test_next_perm(int *a, int n) {
  int i = n - 2;
  while (i >= 0 && a[i] >= a[i + 1])
    --i;
  if (i < 0)
    return false;
  int j = n - 1;
  while (a[j] <= a[i])
    --j;
  int t = a[i];
  a[i] = a[j];
  a[j] = t;
  for (int l = i + 1, r = n - 1; l < r; ++l, --r) {
    t = a[l];
    a[l] = a[r];
    a[r] = t;
  }
  return true;
}

// Random residency / initial-read flags.
void tile_test_random_flags(spm_tile_problem_t *p) {
  for (int x = 0; x < p->noperands; ++x) {
    p->operand[x].resident = tile_test_rnd(0, 5) == 0;
    if (p->operand[x].role == SPM_TILE_OUTPUT) {
      p->operand[x].needs_initial_read = tile_test_rnd(0, 1);
      // a fused producer's output: no traffic, one visit per tile
      if (!p->operand[x].resident && tile_test_rnd(0, 3) == 0) {
        p->operand[x].scratch = true;
        p->operand[x].needs_initial_read = false;
      }
    }
  }
}

// A random small problem of one of five kinds. `small`: few dims and tiny
// extents, for brute force over every order.
void tile_test_random_problem(spm_tile_problem_t *p, bool small) {
  int kind = (int)tile_test_rnd(0, 4);
  if (kind == 0) {
    spm_tile_conv2d_t c = {0};
    c.n = small ? 1 : tile_test_rnd(1, 2);
    c.k = tile_test_rnd(1, small ? 2 : 3);
    c.c = tile_test_rnd(1, small ? 2 : 3);
    c.p = tile_test_rnd(1, small ? 3 : 4);
    c.q = small ? 1 : tile_test_rnd(1, 4);
    c.r = tile_test_rnd(1, 3);
    c.s = small ? 1 : tile_test_rnd(1, 3);
    c.stride_h = tile_test_rnd(1, 2), c.stride_w = tile_test_rnd(1, 2);
    c.dil_h = tile_test_rnd(1, 2), c.dil_w = tile_test_rnd(1, 2);
    c.pad_h = tile_test_rnd(0, 1), c.pad_w = tile_test_rnd(0, 1);
    c.in_bytes = tile_test_rnd(1, 4);
    c.weight_bytes = tile_test_rnd(1, 4);
    c.out_bytes = tile_test_rnd(1, 4);
    c.out_needs_initial_read = tile_test_rnd(0, 1);
    spm_status_t s = spm_tile_problem_conv2d(&c, p);
    if (!spm_status_is_ok(s)) { // padding larger than the input: retry
      spm_status_free(s);
      tile_test_random_problem(p, small);
      return;
    }
  } else if (kind == 1) {
    int64_t hi = small ? 5 : 7;
    (void)tile_test_ok(spm_tile_problem_matmul(
        tile_test_rnd(1, hi), tile_test_rnd(1, hi), tile_test_rnd(1, hi),
        tile_test_rnd(1, 4), tile_test_rnd(1, 4), tile_test_rnd(1, 4),
        tile_test_rnd(0, 1), p));
  } else if (kind == 2) {
    int64_t shape[3], in[3];
    int rank = (int)tile_test_rnd(1, 3), nin = (int)tile_test_rnd(1, 3);
    for (int d = 0; d < rank; ++d)
      shape[d] = tile_test_rnd(1, small ? 4 : 6);
    for (int x = 0; x < nin; ++x)
      in[x] = tile_test_rnd(1, 4);
    (void)tile_test_ok(spm_tile_problem_elementwise(rank, shape, nin, in,
                                                    tile_test_rnd(1, 4), p));
  } else if (kind == 3) {
    (void)tile_test_ok(spm_tile_problem_pooling(
        1, tile_test_rnd(1, 2), tile_test_rnd(1, small ? 3 : 4),
        small ? 1 : tile_test_rnd(1, 3), tile_test_rnd(1, 3),
        small ? 1 : tile_test_rnd(1, 2), tile_test_rnd(1, 2),
        tile_test_rnd(1, 2), tile_test_rnd(1, 4), tile_test_rnd(1, 4), p));
  } else {
    // Random maps: coefficients 0..2, offsets -2..1, shapes that may clip.
    memset(p, 0, sizeof(*p));
    p->ndims = (int)tile_test_rnd(1, small ? 3 : 4);
    for (int j = 0; j < p->ndims; ++j) {
      p->dim[j].extent = tile_test_rnd(1, small ? 4 : 5);
      p->dim[j].kind =
          tile_test_rnd(0, 1) ? SPM_TILE_PARALLEL : SPM_TILE_REDUCTION;
      snprintf(p->dim[j].name, sizeof(p->dim[j].name), "i%d", j & 7);
    }
    p->noperands = (int)tile_test_rnd(1, small ? 3 : 4);
    for (int x = 0; x < p->noperands; ++x) {
      spm_tile_operand_t *o = &p->operand[x];
      snprintf(o->name, sizeof(o->name), "X%d", x);
      o->role = tile_test_rnd(0, 2) ? SPM_TILE_READ : SPM_TILE_OUTPUT;
      o->rank = (int)tile_test_rnd(0, 3);
      o->elem_bytes = tile_test_rnd(1, 4);
      for (int d = 0; d < o->rank; ++d) {
        int64_t hi = 0;
        for (int j = 0; j < p->ndims; ++j)
          if (tile_test_rnd(0, 2) == 0) {
            o->coef[d][j] = tile_test_rnd(1, 2);
            hi += o->coef[d][j] * (p->dim[j].extent - 1);
          }
        o->offset[d] = tile_test_rnd(0, 3) ? 0 : tile_test_rnd(-2, 1);
        int64_t s = o->offset[d] + hi + 1 +
                    (tile_test_rnd(0, 2) ? 0 : tile_test_rnd(-2, 1));
        o->shape[d] = s < 1 ? 1 : s;
      }
    }
  }
  tile_test_random_flags(p);
}
