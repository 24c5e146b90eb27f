// Unit tests of lib/place: the closed-form traffic model against the
// iteration-by-iteration simulation, hand-computed cases, the search against
// brute force (every tile size 1..E and every loop order), error paths, and
// the search's speed on VGG-16 / ResNet-18 layers.
//
//   spm-unit-tile [--quick]     (--quick: fewer cases, for valgrind)
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/tile_model.h"
#include "support/unit_test.h"

static bool quick;

// --- helpers ---------------------------------------------------------------------

static uint64_t rng_state = 0x5eed1234abcdULL;
static int64_t rnd(int64_t lo, int64_t hi) { // inclusive
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (int64_t)((rng_state >> 33) % (uint64_t)(hi - lo + 1));
}

static bool ok(spm_status_t s) {
  if (spm_status_is_ok(s))
    return true;
  fprintf(stderr, "unexpected status: %s\n", spm_status_message(s));
  spm_status_free(s);
  return false;
}

// Expects status `code` whose message contains `sub`; consumes it.
static void expect_status(spm_status_t s, spm_status_code_t code,
                          const char *sub) {
  SPM_EXPECT(spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), sub);
  spm_status_free(s);
}

static void dump_problem(const spm_tile_problem_t *p) {
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

static void dump_tiling(const spm_tile_problem_t *p, const int *order,
                        const int64_t *tile) {
  fprintf(stderr, "  order:");
  for (int i = 0; i < p->ndims; ++i)
    fprintf(stderr, " %s", p->dim[order[i]].name);
  fprintf(stderr, "  tile:");
  for (int j = 0; j < p->ndims; ++j)
    fprintf(stderr, " %" PRId64, tile[j]);
  fprintf(stderr, "\n");
}

static bool same_traffic(const spm_tile_plan_t *a, const spm_tile_plan_t *b) {
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

static void dump_plan(const char *what, const spm_tile_plan_t *pl) {
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
static bool check_tiling(const spm_tile_problem_t *p,
                         const spm_tile_options_t *o, const int *order,
                         const int64_t *tile) {
  spm_tile_plan_t a, b;
  if (!ok(spm_tile_evaluate(p, o, order, tile, &a)) ||
      !ok(spm_tile_count_exact(p, o, order, tile, &b)))
    return false;
  if (same_traffic(&a, &b))
    return true;
  fprintf(stderr, "evaluate != count_exact\n");
  dump_problem(p);
  dump_tiling(p, order, tile);
  dump_plan("evaluate", &a);
  dump_plan("exact", &b);
  return false;
}

static void random_order(int n, int *order) {
  for (int i = 0; i < n; ++i)
    order[i] = i;
  for (int i = n - 1; i > 0; --i) {
    int k = (int)rnd(0, i);
    int t = order[i];
    order[i] = order[k];
    order[k] = t;
  }
}

static void random_tile(const spm_tile_problem_t *p, int64_t *tile) {
  for (int j = 0; j < p->ndims; ++j)
    tile[j] = rnd(0, 3) == 0 ? p->dim[j].extent : rnd(1, p->dim[j].extent);
}

// Next permutation in lexicographic order; false after the last.
static bool next_perm(int *a, int n) {
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
static void random_flags(spm_tile_problem_t *p) {
  for (int x = 0; x < p->noperands; ++x) {
    p->operand[x].resident = rnd(0, 5) == 0;
    if (p->operand[x].role == SPM_TILE_OUTPUT) {
      p->operand[x].needs_initial_read = rnd(0, 1);
      // a fused producer's output: no traffic, one visit per tile
      if (!p->operand[x].resident && rnd(0, 3) == 0) {
        p->operand[x].scratch = true;
        p->operand[x].needs_initial_read = false;
      }
    }
  }
}

// A random small problem of one of five kinds. `small`: few dims and tiny
// extents, for brute force over every order.
static void random_problem(spm_tile_problem_t *p, bool small) {
  int kind = (int)rnd(0, 4);
  if (kind == 0) {
    spm_tile_conv2d_t c = {0};
    c.n = small ? 1 : rnd(1, 2), c.k = rnd(1, small ? 2 : 3);
    c.c = rnd(1, small ? 2 : 3), c.p = rnd(1, small ? 3 : 4);
    c.q = small ? 1 : rnd(1, 4), c.r = rnd(1, 3), c.s = small ? 1 : rnd(1, 3);
    c.stride_h = rnd(1, 2), c.stride_w = rnd(1, 2);
    c.dil_h = rnd(1, 2), c.dil_w = rnd(1, 2);
    c.pad_h = rnd(0, 1), c.pad_w = rnd(0, 1);
    c.in_bytes = rnd(1, 4), c.weight_bytes = rnd(1, 4), c.out_bytes = rnd(1, 4);
    c.out_needs_initial_read = rnd(0, 1);
    spm_status_t s = spm_tile_problem_conv2d(&c, p);
    if (!spm_status_is_ok(s)) { // padding larger than the input: retry
      spm_status_free(s);
      random_problem(p, small);
      return;
    }
  } else if (kind == 1) {
    int64_t hi = small ? 5 : 7;
    (void)ok(spm_tile_problem_matmul(rnd(1, hi), rnd(1, hi), rnd(1, hi),
                                     rnd(1, 4), rnd(1, 4), rnd(1, 4),
                                     rnd(0, 1), p));
  } else if (kind == 2) {
    int64_t shape[3], in[3];
    int rank = (int)rnd(1, 3), nin = (int)rnd(1, 3);
    for (int d = 0; d < rank; ++d)
      shape[d] = rnd(1, small ? 4 : 6);
    for (int x = 0; x < nin; ++x)
      in[x] = rnd(1, 4);
    (void)ok(spm_tile_problem_elementwise(rank, shape, nin, in, rnd(1, 4), p));
  } else if (kind == 3) {
    (void)ok(spm_tile_problem_pooling(1, rnd(1, 2), rnd(1, small ? 3 : 4),
                                      small ? 1 : rnd(1, 3), rnd(1, 3),
                                      small ? 1 : rnd(1, 2), rnd(1, 2),
                                      rnd(1, 2), rnd(1, 4), rnd(1, 4), p));
  } else {
    // Random maps: coefficients 0..2, offsets -2..1, shapes that may clip.
    memset(p, 0, sizeof(*p));
    p->ndims = (int)rnd(1, small ? 3 : 4);
    for (int j = 0; j < p->ndims; ++j) {
      p->dim[j].extent = rnd(1, small ? 4 : 5);
      p->dim[j].kind = rnd(0, 1) ? SPM_TILE_PARALLEL : SPM_TILE_REDUCTION;
      snprintf(p->dim[j].name, sizeof(p->dim[j].name), "i%d", j & 7);
    }
    p->noperands = (int)rnd(1, small ? 3 : 4);
    for (int x = 0; x < p->noperands; ++x) {
      spm_tile_operand_t *o = &p->operand[x];
      snprintf(o->name, sizeof(o->name), "X%d", x);
      o->role = rnd(0, 2) ? SPM_TILE_READ : SPM_TILE_OUTPUT;
      o->rank = (int)rnd(0, 3);
      o->elem_bytes = rnd(1, 4);
      for (int d = 0; d < o->rank; ++d) {
        int64_t hi = 0;
        for (int j = 0; j < p->ndims; ++j)
          if (rnd(0, 2) == 0) {
            o->coef[d][j] = rnd(1, 2);
            hi += o->coef[d][j] * (p->dim[j].extent - 1);
          }
        o->offset[d] = rnd(0, 3) ? 0 : rnd(-2, 1);
        int64_t s = o->offset[d] + hi + 1 + (rnd(0, 2) ? 0 : rnd(-2, 1));
        o->shape[d] = s < 1 ? 1 : s;
      }
    }
  }
  random_flags(p);
}

// --- (1) closed form == simulation -----------------------------------------------

SPM_TEST(evaluate_matches_exact_random) {
  int problems = quick ? 150 : 3000, cases = 0, bad = 0;
  for (int it = 0; it < problems; ++it) {
    spm_tile_problem_t p;
    random_problem(&p, false);
    spm_tile_options_t o = spm_tile_options_default();
    o.double_buffer = rnd(0, 1);
    o.per_transfer_bytes = rnd(0, 2) * 16;
    int order[SPM_TILE_MAX_DIMS];
    int64_t tile[SPM_TILE_MAX_DIMS];
    // A few random tilings in random orders...
    for (int r = 0; r < 4; ++r) {
      random_order(p.ndims, order);
      random_tile(&p, tile);
      cases++;
      bool good = check_tiling(&p, &o, order, tile);
      SPM_EXPECT(good);
      if (!good && ++bad > 5)
        goto done;
    }
    // ...and one tiling in every order (small nests).
    if (p.ndims <= 5) {
      random_tile(&p, tile);
      for (int i = 0; i < p.ndims; ++i)
        order[i] = i;
      do {
        cases++;
        bool good = check_tiling(&p, &o, order, tile);
        SPM_EXPECT(good);
        if (!good && ++bad > 5)
          goto done;
      } while (next_perm(order, p.ndims));
    }
  }
done:
  fprintf(stderr, "evaluate vs exact: %d problems, %d tilings, %d mismatches\n",
          problems, cases, bad);
}

// --- (2) hand-computed cases ------------------------------------------------------

// matmul 4x4x4 fp32, tiles 2: every tile of A, B, C is 2x2x4 = 16 B, 4 tile
// identities each (F = 64 B, C = 4). Each operand has exactly one dim it
// does not depend on (A: n, B: m, C: k); its reuse factor is 2 unless that
// dim is the innermost loop. C stores m*64 B and reloads (m-1)*64 B.
SPM_TEST(hand_matmul_every_order) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  int n = 0;
  do {
    int inner = order[2]; // 0 = m, 1 = n, 2 = k
    int64_t mA = inner == 1 ? 1 : 2, mB = inner == 0 ? 1 : 2,
            mC = inner == 2 ? 1 : 2;
    spm_tile_plan_t pl;
    SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
    SPM_EXPECT(pl.operand[0].bytes_read == 64 * mA);
    SPM_EXPECT(pl.operand[0].reads == 4 * mA);
    SPM_EXPECT(pl.operand[1].bytes_read == 64 * mB);
    SPM_EXPECT(pl.operand[2].bytes_written == 64 * mC);
    SPM_EXPECT(pl.operand[2].bytes_read == 64 * (mC - 1));
    SPM_EXPECT(pl.operand[2].writes == 4 * mC);
    SPM_EXPECT(pl.traffic_bytes == (inner == 2 ? 320 : 384));
    SPM_EXPECT(pl.transfers == (inner == 2 ? 20 : 24));
    SPM_EXPECT(pl.space_bytes == 48);
    SPM_EXPECT(check_tiling(&p, NULL, order, tile));
    // The plan's own arrays may be passed back in.
    spm_tile_plan_t again = pl;
    SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, again.order, again.tile,
                                    &again)));
    SPM_EXPECT(same_traffic(&pl, &again));
    n++;
  } while (next_perm(order, 3));
  SPM_EXPECT(n == 6);
}

// Tiles as large as the arrays: compulsory traffic, one transfer each.
SPM_TEST(hand_whole_operands_move_once) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 6, 5, 4, 4, 4, false, &p)));
  int64_t tile[3] = {4, 6, 5};
  int order[3] = {2, 0, 1};
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].bytes_read == 4 * 5 * 4 && pl.operand[0].reads == 1);
  SPM_EXPECT(pl.operand[1].bytes_read == 5 * 6 * 4 && pl.operand[1].reads == 1);
  SPM_EXPECT(pl.operand[2].bytes_written == 4 * 6 * 4);
  SPM_EXPECT(pl.operand[2].writes == 1 && pl.operand[2].reads == 0);
  SPM_EXPECT(pl.transfers == 3);
  SPM_EXPECT(pl.traffic_bytes == (20 + 30 + 24) * 4);
  p.operand[2].needs_initial_read = true;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].bytes_read == 96 && pl.transfers == 4);
  SPM_EXPECT(check_tiling(&p, NULL, order, tile));
}

// The reduction loop k outermost: C's 4 tiles come back for the second k
// tile, as partial sums.
SPM_TEST(hand_partial_sum_reloads) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {2, 0, 1}; // k m n
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].reuse_factor == 2);
  SPM_EXPECT(pl.operand[2].bytes_written == 128 && pl.operand[2].writes == 8);
  SPM_EXPECT(pl.operand[2].bytes_read == 64 && pl.operand[2].reads == 4);
  SPM_EXPECT(check_tiling(&p, NULL, order, tile));
  p.operand[2].needs_initial_read = true;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].bytes_read == 128 && pl.operand[2].reads == 8);
  SPM_EXPECT(check_tiling(&p, NULL, order, tile));
  // A is reused across the inner n loop: loaded once per (k, m) tile.
  SPM_EXPECT(pl.operand[0].bytes_read == 64 && pl.operand[0].reads == 4);
  // B depends on n (innermost) and k, not m (outer to n): reloaded per m.
  SPM_EXPECT(pl.operand[1].bytes_read == 128 && pl.operand[1].reads == 8);
}

// Partial tiles: 5x5x5 with tiles 2 (sizes 2, 2, 1). A's identities cover
// A exactly once: 25 elements = 100 B; reloaded for each of the 3 n tiles.
SPM_TEST(hand_partial_tiles) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(5, 5, 5, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.trips[0] == 3 && pl.trips[1] == 3 && pl.trips[2] == 3);
  SPM_EXPECT(pl.operand[0].bytes_read == 300 && pl.operand[0].reads == 27);
  SPM_EXPECT(pl.operand[2].bytes_written == 100 && pl.operand[2].writes == 9);
  SPM_EXPECT(pl.operand[0].max_footprint == 16);
  SPM_EXPECT(check_tiling(&p, NULL, order, tile));
}

// Resident operands move nothing and take no space.
SPM_TEST(hand_resident) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  p.operand[1].resident = true;
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.operand[1].bytes_read == 0 && pl.operand[1].reads == 0);
  SPM_EXPECT(pl.operand[1].max_footprint == 0);
  SPM_EXPECT(pl.space_bytes == 2 * (16 + 16));
  SPM_EXPECT(pl.traffic_bytes == 128 + 64);
  SPM_EXPECT(check_tiling(&p, &o, order, tile));
}

// Alignment: each buffer's bytes round up to a multiple of it, once per
// buffer (double buffering counts the padded size twice).
SPM_TEST(hand_alignment) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2}; // 2x2 f32 footprints: 16 bytes each
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  spm_tile_options_t o = spm_tile_options_default();
  o.alignment = 64;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].max_footprint == 16);
  SPM_EXPECT(pl.space_bytes == 3 * 64);
  o.double_buffer = true;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.space_bytes == 2 * 3 * 64);
  o.alignment = 16; // already multiples: no padding
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.space_bytes == 2 * 3 * 16);
  // The search: 3 x 64 bytes fit a budget of 192 only single-buffered, and
  // with every tile size 1 (4-byte footprints) 3 x 64 is still the least.
  o.double_buffer = false;
  o.alignment = 64;
  o.budget_bytes = 191;
  spm_status_t st = spm_tile_search(&p, &o, &pl);
  SPM_EXPECT(spm_status_code(st) == SPM_STATUS_OUT_OF_RANGE);
  SPM_EXPECT(strstr(spm_status_message(st), "needs 192 bytes") != NULL);
  SPM_EXPECT(strstr(spm_status_message(st), "rounded up to the alignment"));
  spm_status_free(st);
  o.budget_bytes = 192;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.fits && pl.space_bytes == 192);
  SPM_EXPECT(pl.tile[0] * pl.tile[2] * 4 <= 64); // each footprint <= 64
  o.alignment = 0;
  st = spm_tile_evaluate(&p, &o, order, tile, &pl);
  SPM_EXPECT(spm_status_code(st) == SPM_STATUS_INVALID_ARGUMENT);
  spm_status_free(st);
}

// Nesting: a flattened output dim d0 * 4 + d1 (E = 3, 4) keeps its tiles'
// boxes apart only with tiles (1, any) or (any, 4).
SPM_TEST(hand_nesting) {
  spm_tile_problem_t p;
  memset(&p, 0, sizeof p);
  p.ndims = 2;
  p.dim[0] = (spm_tile_dim_t){.extent = 3, .kind = SPM_TILE_PARALLEL,
                              .whole_if_tiled = 1u << 1, .name = "a"};
  p.dim[1] = (spm_tile_dim_t){.extent = 4, .kind = SPM_TILE_PARALLEL,
                              .name = "b"};
  p.noperands = 1;
  p.operand[0] = (spm_tile_operand_t){.role = SPM_TILE_OUTPUT, .rank = 1,
                                      .elem_bytes = 4, .name = "out"};
  p.operand[0].shape[0] = 12;
  p.operand[0].coef[0][0] = 4;
  p.operand[0].coef[0][1] = 1;
  int order[2] = {0, 1};
  spm_tile_options_t o = spm_tile_options_default();
  spm_tile_plan_t pl;
  int64_t t12[2] = {1, 2}, t24[2] = {2, 4}, t22[2] = {2, 2};
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, t12, &pl)) && pl.fits);
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, t24, &pl)) && pl.fits);
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, t22, &pl)) && !pl.fits);
  // 8 bytes: (1, 2) fits, (2, 2) would be legal by space but is not.
  o.budget_bytes = 8;
  o.candidates = SPM_TILE_CANDIDATES_ALL;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.tile[0] == 1 && pl.tile[1] == 2);
  // 4 bytes with loop b whole: nothing; the message names the rules.
  p.dim[1].whole = true;
  o.budget_bytes = 4;
  spm_status_t st = spm_tile_search(&p, &o, &pl);
  SPM_EXPECT(spm_status_code(st) == SPM_STATUS_OUT_OF_RANGE);
  SPM_EXPECT(strstr(spm_status_message(st),
                    "apart (d1 whole; d1 whole if d0 is tiled)") != NULL);
  spm_status_free(st);
  p.dim[1].whole = false;
  p.dim[1].whole_if_tiled = 1u << 1; // itself: invalid
  st = spm_tile_evaluate(&p, &o, order, t12, &pl);
  SPM_EXPECT(spm_status_code(st) == SPM_STATUS_INVALID_ARGUMENT);
  spm_status_free(st);
}

// Nothing to move: every operand resident. The search returns whole tiles.
SPM_TEST(hand_all_resident) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(3, 5, 7, 4, 4, 4, true, &p)));
  for (int x = 0; x < 3; ++x)
    p.operand[x].resident = true;
  spm_tile_options_t o = spm_tile_options_default();
  o.budget_bytes = 0;
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.cost == 0 && pl.space_bytes == 0 && pl.fits);
  SPM_EXPECT(pl.tile[0] == 3 && pl.tile[1] == 5 && pl.tile[2] == 7);
}

// Padding: conv 1x1x1, P=Q=2, R=S=3, pad 1, so H = W = 2 and the input
// index p + r - 1 is in bounds for 4 of the 6 (p, r) pairs; with every tile
// size 1, 16 of the 36 input tiles are non-empty (one 4-byte element each);
// the other 20 lie wholly in the padding and move nothing.
SPM_TEST(hand_padding) {
  spm_tile_conv2d_t c = {.n = 1, .k = 1, .c = 1, .p = 2, .q = 2, .r = 3,
                         .s = 3, .pad_h = 1, .pad_w = 1, .in_bytes = 4,
                         .weight_bytes = 4, .out_bytes = 4};
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_conv2d(&c, &p)));
  SPM_EXPECT(p.operand[0].shape[2] == 2 && p.operand[0].shape[3] == 2);
  int64_t tile[7] = {1, 1, 1, 1, 1, 1, 1};
  int order[7] = {0, 1, 2, 3, 4, 5, 6};
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].reads == 16 && pl.operand[0].bytes_read == 64);
  SPM_EXPECT(check_tiling(&p, NULL, order, tile));
  // Tiles of 2 in p and r: boxes 3 wide at -1 and 1 (p) x (r 0..1, 2):
  // clipped by position, the box [-1, 1] keeps 2 rows.
  int64_t t2[7] = {1, 1, 2, 2, 1, 2, 2};
  SPM_EXPECT(ok(spm_tile_evaluate(&p, NULL, order, t2, &pl)));
  SPM_EXPECT(pl.operand[0].max_footprint == 2 * 2 * 4);
  SPM_EXPECT(check_tiling(&p, NULL, order, t2));
}

// A fused epilogue: the accumulator is scratch. It moves nothing, takes one
// buffer even when double buffering, and a tiling that leaves one of its
// tiles and comes back (a reduction loop outer to an output loop) is not
// legal.
SPM_TEST(hand_scratch) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 1, 1, 4, false, &p)));
  p.operand[2].scratch = true;
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  int inner_k[3] = {0, 1, 2}, outer_k[3] = {2, 0, 1};
  int64_t t[3] = {2, 2, 2};
  spm_tile_plan_t pl;
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, inner_k, t, &pl)));
  SPM_EXPECT(pl.fits && pl.operand[2].bytes_read == 0 &&
             pl.operand[2].bytes_written == 0 && pl.operand[2].writes == 0);
  // A 2x2 tile of each: A and B double-buffered, C once.
  SPM_EXPECT(pl.space_bytes == 2 * 4 + 2 * 4 + 4 * 4);
  SPM_EXPECT(check_tiling(&p, &o, inner_k, t));
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, outer_k, t, &pl)));
  SPM_EXPECT(!pl.fits && pl.operand[2].reuse_factor == 2);
  SPM_EXPECT(check_tiling(&p, &o, outer_k, t));
  // k untiled: any order visits each C tile once.
  int64_t t2[3] = {2, 2, 4};
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, outer_k, t2, &pl)));
  SPM_EXPECT(pl.fits);
  // The search never returns an order that revisits a scratch tile.
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.fits && pl.operand[2].reuse_factor == 1);
  // A scratch operand must be an output without an initial read.
  p.operand[2].needs_initial_read = true;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "scratch");
  p.operand[2].needs_initial_read = false;
  p.operand[0].scratch = true;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "scratch");
}

// --- (3) search vs brute force ------------------------------------------------------

static bool is_candidate(int64_t t, int64_t e) {
  return e % t == 0 || (t & (t - 1)) == 0;
}

typedef struct brute_s {
  bool found;
  int64_t cost, transfers, tile[SPM_TILE_MAX_DIMS];
  int order[SPM_TILE_MAX_DIMS];
  int64_t fewest_over; // fewest tiles of a tiling legal but for max_tiles
} brute_t;

// Every tile size 1..E (or only the search's candidates) and every order,
// through spm_tile_evaluate (itself checked against the simulation).
// Criterion: cost, transfers, then larger tiles in lower-numbered dims.
static void brute_force(const spm_tile_problem_t *p,
                        const spm_tile_options_t *o, bool candidates_only,
                        brute_t *b) {
  memset(b, 0, sizeof(*b));
  int64_t tile[SPM_TILE_MAX_DIMS];
  for (int j = 0; j < p->ndims; ++j)
    tile[j] = 1;
  for (;;) {
    bool cand = true;
    for (int j = 0; j < p->ndims; ++j)
      cand = cand && (!candidates_only || is_candidate(tile[j],
                                                       p->dim[j].extent));
    int order[SPM_TILE_MAX_DIMS];
    for (int i = 0; i < p->ndims; ++i)
      order[i] = i;
    spm_tile_options_t uncapped = *o;
    uncapped.max_tiles = 0;
    if (cand)
      do {
        spm_tile_plan_t pl;
        if (!ok(spm_tile_evaluate(p, &uncapped, order, tile, &pl)) ||
            !pl.fits)
          continue;
        if (o->max_tiles > 0 && pl.tiles > o->max_tiles) {
          if (b->fewest_over == 0 || pl.tiles < b->fewest_over)
            b->fewest_over = pl.tiles;
          continue;
        }
        bool better = !b->found || pl.cost < b->cost ||
                      (pl.cost == b->cost && pl.transfers < b->transfers);
        if (b->found && pl.cost == b->cost && pl.transfers == b->transfers)
          for (int j = 0; j < p->ndims; ++j)
            if (tile[j] != b->tile[j]) {
              better = tile[j] > b->tile[j];
              break;
            }
        if (better) {
          b->found = true;
          b->cost = pl.cost;
          b->transfers = pl.transfers;
          memcpy(b->tile, tile, sizeof(tile));
          memcpy(b->order, order, sizeof(order));
        }
      } while (next_perm(order, p->ndims));
    int j = p->ndims - 1;
    for (; j >= 0; --j) {
      if (++tile[j] <= p->dim[j].extent)
        break;
      tile[j] = 1;
    }
    if (j < 0)
      break;
  }
}

static bool check_search(const spm_tile_problem_t *p,
                         const spm_tile_options_t *o, const brute_t *b,
                         const char *what) {
  spm_tile_plan_t pl;
  spm_status_t s = spm_tile_search(p, o, &pl);
  if (!b->found) {
    // Infeasible: when only max_tiles excludes tilings, the plan says how
    // few tiles the legal ones need.
    bool good = spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE &&
                pl.tiles == b->fewest_over;
    spm_status_free(s);
    return good;
  }
  if (!ok(s))
    return false;
  int64_t tiles = 1;
  for (int j = 0; j < p->ndims; ++j)
    tiles *= pl.trips[j];
  bool good = pl.cost == b->cost && pl.transfers == b->transfers &&
              memcmp(pl.tile, b->tile, sizeof(int64_t) * (size_t)p->ndims) ==
                  0 &&
              pl.fits && pl.tiles == tiles &&
              (o->max_tiles == 0 || tiles <= o->max_tiles);
  // The plan must be what the simulation says of its tiling.
  good = good && check_tiling(p, o, pl.order, pl.tile);
  if (!good) {
    fprintf(stderr, "search (%s) != brute force: cost %" PRId64 " vs %" PRId64
                    ", transfers %" PRId64 " vs %" PRId64 "\n",
            what, pl.cost, b->cost, pl.transfers, b->transfers);
    dump_problem(p);
    dump_tiling(p, pl.order, pl.tile);
    dump_tiling(p, b->order, b->tile);
    fprintf(stderr, "  budget %" PRId64 " db %d per-transfer %" PRId64
                    " max-tiles %" PRId64 "\n",
            o->budget_bytes, o->double_buffer, o->per_transfer_bytes,
            o->max_tiles);
  }
  return good;
}

SPM_TEST(search_vs_brute_force) {
  int problems = quick ? 40 : 400, bad = 0, infeasible = 0;
  int gaps = 0, compared = 0, capped = 0, by_cap = 0;
  double worst = 1.0;
  for (int it = 0; it < problems && bad < 5; ++it) {
    spm_tile_problem_t p;
    random_problem(&p, true);
    int64_t prod = 1;
    for (int j = 0; j < p.ndims; ++j)
      prod *= p.dim[j].extent;
    if (prod > 400 || p.ndims > 5) { // keep brute force quick
      --it;
      continue;
    }
    spm_tile_options_t o = spm_tile_options_default();
    o.double_buffer = rnd(0, 1);
    o.per_transfer_bytes = rnd(0, 3) == 0 ? 0 : rnd(1, 64);
    // Every third problem with buffers aligned to 2..64 bytes (from the
    // index, not a random draw: the problems stay those of the seed), so
    // that the search's space bound and the evaluation agree on padding.
    o.alignment = it % 3 == 0 ? (int64_t)1 << (1 + it / 3 % 6) : 1;
    // Every fourth problem with a nesting rule (spm_tile_dim_t
    // .whole_if_tiled: the last loop whole when the first is tiled), every
    // eighth with a whole loop: the search must skip what evaluate refuses.
    if (it % 4 == 1 && p.ndims >= 2)
      p.dim[0].whole_if_tiled = 1u << (p.ndims - 1);
    if (it % 8 == 3)
      p.dim[p.ndims - 1].whole = true;
    // A budget between the smallest and the largest space.
    int order[SPM_TILE_MAX_DIMS];
    int64_t lo[SPM_TILE_MAX_DIMS], hi[SPM_TILE_MAX_DIMS];
    for (int j = 0; j < p.ndims; ++j)
      order[j] = j, lo[j] = 1, hi[j] = p.dim[j].extent;
    spm_tile_plan_t a, z;
    if (!ok(spm_tile_evaluate(&p, &o, order, lo, &a)) ||
        !ok(spm_tile_evaluate(&p, &o, order, hi, &z)))
      continue;
    int64_t top = z.space_bytes > a.space_bytes ? z.space_bytes : a.space_bytes;
    o.budget_bytes = rnd(0, 9) == 0 ? a.space_bytes - 1
                                    : rnd(a.space_bytes, top);
    if (o.budget_bytes < 0)
      o.budget_bytes = 0;
    brute_t all, cand;
    brute_force(&p, &o, false, &all);
    brute_force(&p, &o, true, &cand);
    infeasible += !all.found;
    o.candidates = SPM_TILE_CANDIDATES_ALL;
    bool good = check_search(&p, &o, &all, "all sizes");
    SPM_EXPECT(good);
    bad += !good;
    o.candidates = SPM_TILE_CANDIDATES_DIVISORS_POW2;
    good = check_search(&p, &o, &cand, "candidates");
    SPM_EXPECT(good);
    bad += !good;
    if (all.found && cand.found) {
      compared++;
      if (cand.cost > all.cost) {
        gaps++;
        double r = (double)cand.cost / (double)(all.cost ? all.cost : 1);
        if (r > worst)
          worst = r;
      }
    }
    // Again with max_tiles one below the tiles of the optimum (no random
    // draw, so the problems above stay those of the seed): the optimum
    // under the cap, or OUT_OF_RANGE with the fewest tiles of the tilings
    // it excludes.
    int64_t tiles = 1;
    for (int j = 0; all.found && j < p.ndims; ++j)
      tiles *= (p.dim[j].extent + all.tile[j] - 1) / all.tile[j];
    if (!all.found || tiles == 1)
      continue;
    o.max_tiles = tiles - 1;
    capped++;
    brute_force(&p, &o, false, &all);
    brute_force(&p, &o, true, &cand);
    by_cap += !all.found;
    o.candidates = SPM_TILE_CANDIDATES_ALL;
    good = check_search(&p, &o, &all, "all sizes, max_tiles");
    SPM_EXPECT(good);
    bad += !good;
    o.candidates = SPM_TILE_CANDIDATES_DIVISORS_POW2;
    good = check_search(&p, &o, &cand, "candidates, max_tiles");
    SPM_EXPECT(good);
    bad += !good;
  }
  fprintf(stderr,
          "search vs brute force: %d problems (%d infeasible), %d mismatches; "
          "candidate-set optimum worse than the all-sizes optimum in %d of %d "
          "(worst ratio %.3f); %d again with max_tiles one below the "
          "optimum's tiles (%d then infeasible)\n",
          problems, infeasible, bad, gaps, compared, worst, capped, by_cap);
}

// --- (4) error paths --------------------------------------------------------------

SPM_TEST(errors) {
  spm_tile_problem_t p;
  SPM_EXPECT(ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int order[3] = {0, 1, 2};
  int64_t tile[3] = {2, 2, 2};
  spm_tile_plan_t pl;
  // Budget too small for the smallest tiling: 3 operands x 4 B x 2.
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  o.budget_bytes = 23;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_OUT_OF_RANGE,
                "smallest tiling (every tile size 1) needs 24 bytes");
  o.budget_bytes = 24;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.space_bytes == 24 && pl.fits);
  for (int j = 0; j < 3; ++j)
    SPM_EXPECT(pl.tile[j] == 1);
  SPM_EXPECT(pl.tiles == 64);
  // That is the only tiling within 24 bytes: with max_tiles below its 64
  // tile iterations none is legal, and the plan says how many it needs.
  o.max_tiles = 64;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)) && pl.tiles == 64 && pl.fits);
  o.max_tiles = 63;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_OUT_OF_RANGE,
                "every tiling within the budget of 24 bytes has more than 63 "
                "tile iterations (the fewest: 64)");
  SPM_EXPECT(pl.tiles == 64);
  SPM_EXPECT(ok(spm_tile_evaluate(&p, &o, order, tile, &pl)) &&
             pl.tiles == 8 && !pl.fits); // 2x2x2: 48 bytes
  o.budget_bytes = 48;
  SPM_EXPECT(ok(spm_tile_search(&p, &o, &pl)) && pl.tiles <= 63 && pl.fits);
  o.max_tiles = -1;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "max_tiles = -1");
  o.max_tiles = 0;
  // Bad options.
  o.budget_bytes = -1;
  expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "budget_bytes = -1");
  o = spm_tile_options_default();
  o.per_transfer_bytes = -5;
  expect_status(spm_tile_evaluate(&p, &o, order, tile, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "per_transfer_bytes");
  // Bad tilings.
  int64_t big[3] = {2, 5, 2};
  expect_status(spm_tile_evaluate(&p, NULL, order, big, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "tile[1] (n) = 5, must be in 1..4");
  int64_t zero[3] = {0, 1, 1};
  expect_status(spm_tile_count_exact(&p, NULL, order, zero, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "tile[0] (m) = 0");
  int dup[3] = {0, 1, 1};
  expect_status(spm_tile_evaluate(&p, NULL, dup, tile, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "order[2] = 1 is repeated");
  int range[3] = {0, 3, 1};
  expect_status(spm_tile_evaluate(&p, NULL, range, tile, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "order[1] = 3 is out of range");
  expect_status(spm_tile_evaluate(&p, NULL, NULL, tile, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "NULL");
  // Bad problems.
  spm_tile_problem_t q = p;
  q.dim[2].extent = 0;
  expect_status(spm_tile_evaluate(&q, NULL, order, tile, &pl),
                SPM_STATUS_INVALID_ARGUMENT, "dim 2 (k) has extent 0");
  expect_status(spm_tile_search(&q, NULL, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "extent 0");
  q = p;
  q.ndims = 9;
  expect_status(spm_tile_search(&q, NULL, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "ndims = 9, must be in 1..8");
  q = p;
  q.noperands = 0;
  expect_status(spm_tile_problem_validate(&q), SPM_STATUS_INVALID_ARGUMENT,
                "noperands = 0");
  q = p;
  q.operand[1].coef[0][2] = -1;
  expect_status(spm_tile_problem_validate(&q), SPM_STATUS_INVALID_ARGUMENT,
                "operand 1 (B) has coef[0][2] = -1");
  q = p;
  q.operand[0].shape[1] = 0;
  expect_status(spm_tile_problem_validate(&q), SPM_STATUS_INVALID_ARGUMENT,
                "operand 0 (A) has shape[1] = 0");
  q = p;
  q.operand[2].rank = 9;
  expect_status(spm_tile_problem_validate(&q), SPM_STATUS_INVALID_ARGUMENT,
                "rank 9");
  q = p;
  q.operand[0].elem_bytes = 0;
  expect_status(spm_tile_problem_validate(&q), SPM_STATUS_INVALID_ARGUMENT,
                "elem_bytes 0");
  expect_status(spm_tile_search(NULL, NULL, &pl), SPM_STATUS_INVALID_ARGUMENT,
                "problem is NULL");
  expect_status(spm_tile_problem_matmul(0, 4, 4, 4, 4, 4, false, &q),
                SPM_STATUS_INVALID_ARGUMENT, "dim 0 (m) has extent 0");
  spm_tile_conv2d_t c = {.n = 1, .k = 1, .c = 1, .p = 1, .q = 1, .r = 1,
                         .s = 1, .pad_h = 1, .in_bytes = 1,
                         .weight_bytes = 1, .out_bytes = 1};
  expect_status(spm_tile_problem_conv2d(&c, &q), SPM_STATUS_INVALID_ARGUMENT,
                "operand 0 (input) has shape[2] = -1");
  // The simulation's iteration limit.
  o = spm_tile_options_default();
  o.exact_iteration_limit = 7;
  expect_status(spm_tile_count_exact(&p, &o, order, tile, &pl),
                SPM_STATUS_OUT_OF_RANGE, "more than 7 tile iterations");
}

// --- search on real layers ------------------------------------------------------------

static void conv_layer(int64_t k, int64_t c, int64_t pq, int64_t rs,
                       int64_t stride, int64_t pad, spm_tile_problem_t *p) {
  spm_tile_conv2d_t cv = {.n = 1, .k = k, .c = c, .p = pq, .q = pq, .r = rs,
                          .s = rs, .stride_h = stride, .stride_w = stride,
                          .pad_h = pad, .pad_w = pad, .in_bytes = 4,
                          .weight_bytes = 4, .out_bytes = 4};
  (void)ok(spm_tile_problem_conv2d(&cv, p));
}

SPM_TEST(search_layers) {
  struct {
    const char *name;
    int64_t k, c, pq, rs, stride, pad;
  } layers[] = {
      {"vgg conv1_1 K64 C3 224", 64, 3, 224, 3, 1, 1},
      {"vgg conv1_2 K64 C64 224", 64, 64, 224, 3, 1, 1},
      {"vgg conv5 K512 C512 14", 512, 512, 14, 3, 1, 1},
      {"resnet conv1 K64 C3 112 7x7/2", 64, 3, 112, 7, 2, 3},
      {"resnet K128 C128 28", 128, 128, 28, 3, 1, 1},
      {"resnet K512 C512 7", 512, 512, 7, 3, 1, 1},
  };
  int64_t budgets[] = {256 << 10, 1 << 20, 24 << 20};
  double worst = 0;
  for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); ++l) {
    if (quick && l > 1)
      break;
    spm_tile_problem_t p;
    conv_layer(layers[l].k, layers[l].c, layers[l].pq, layers[l].rs,
               layers[l].stride, layers[l].pad, &p);
    for (size_t b = 0; b < 3; ++b) {
      spm_tile_options_t o = spm_tile_options_default();
      o.budget_bytes = budgets[b];
      o.double_buffer = true;
      o.per_transfer_bytes = 256;
      spm_tile_plan_t pl;
      if (!ok(spm_tile_search(&p, &o, &pl))) {
        SPM_EXPECT(false);
        continue;
      }
      SPM_EXPECT(pl.fits);
      if (pl.seconds > worst)
        worst = pl.seconds;
      fprintf(stderr,
              "  %-30s %5lld KiB: %7.2f ms, %6lld tilings x %lld orders; "
              "tile n%lld k%lld p%lld q%lld c%lld r%lld s%lld order ",
              layers[l].name, (long long)(budgets[b] >> 10),
              pl.seconds * 1e3, (long long)pl.tilings_evaluated,
              (long long)pl.order_classes, (long long)pl.tile[0],
              (long long)pl.tile[1], (long long)pl.tile[2],
              (long long)pl.tile[3], (long long)pl.tile[4],
              (long long)pl.tile[5], (long long)pl.tile[6]);
      for (int i = 0; i < p.ndims; ++i)
        fprintf(stderr, "%s", p.dim[pl.order[i]].name);
      fprintf(stderr, "; traffic %.2f MB in %lld transfers, space %lld\n",
              (double)pl.traffic_bytes / 1e6, (long long)pl.transfers,
              (long long)pl.space_bytes);
    }
  }
  // Generous against noise (valgrind, loaded machines); the target is 20 ms.
  SPM_EXPECT(worst < (quick ? 10.0 : 0.5));
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--quick") == 0)
      quick = true;
  if (getenv("SPM_UNIT_QUICK"))
    quick = true;
  SPM_RUN(hand_matmul_every_order);
  SPM_RUN(hand_whole_operands_move_once);
  SPM_RUN(hand_partial_sum_reloads);
  SPM_RUN(hand_partial_tiles);
  SPM_RUN(hand_resident);
  SPM_RUN(hand_all_resident);
  SPM_RUN(hand_alignment);
  SPM_RUN(hand_nesting);
  SPM_RUN(hand_padding);
  SPM_RUN(errors);
  SPM_RUN(hand_scratch);
  SPM_RUN(evaluate_matches_exact_random);
  SPM_RUN(search_vs_brute_force);
  SPM_RUN(search_layers);
  return spm_test_finish();
}
