// Hand-computed cases of the tile model (spm-unit-tile): matmul traffic in
// every loop order, whole and partial tiles, partial sums, residency,
// alignment, nesting rules, conv padding, fused-epilogue scratch outputs.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "place/tile_model.h"
#include "place/tile_test_util.h"
#include "support/unit_test.h"

// matmul 4x4x4 fp32, tiles 2: every tile of A, B, C is 2x2x4 = 16 B, 4 tile
// identities each (F = 64 B, C = 4). Each operand has exactly one dim it
// does not depend on (A: n, B: m, C: k); its reuse factor is 2 unless that
// dim is the innermost loop. C stores m*64 B and reloads (m-1)*64 B.
SPM_TEST(hand_matmul_every_order) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  int n = 0;
  do {
    int inner = order[2]; // 0 = m, 1 = n, 2 = k
    int64_t mA = inner == 1 ? 1 : 2, mB = inner == 0 ? 1 : 2,
            mC = inner == 2 ? 1 : 2;
    spm_tile_plan_t pl;
    SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
    SPM_EXPECT(pl.operand[0].bytes_read == 64 * mA);
    SPM_EXPECT(pl.operand[0].reads == 4 * mA);
    SPM_EXPECT(pl.operand[1].bytes_read == 64 * mB);
    SPM_EXPECT(pl.operand[2].bytes_written == 64 * mC);
    SPM_EXPECT(pl.operand[2].bytes_read == 64 * (mC - 1));
    SPM_EXPECT(pl.operand[2].writes == 4 * mC);
    SPM_EXPECT(pl.traffic_bytes == (inner == 2 ? 320 : 384));
    SPM_EXPECT(pl.transfers == (inner == 2 ? 20 : 24));
    SPM_EXPECT(pl.space_bytes == 48);
    SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
    // The plan's own arrays may be passed back in.
    spm_tile_plan_t again = pl;
    SPM_EXPECT(tile_test_ok(
        spm_tile_evaluate(&p, NULL, again.order, again.tile, &again)));
    SPM_EXPECT(tile_test_same_traffic(&pl, &again));
    n++;
  } while (tile_test_next_perm(order, 3));
  SPM_EXPECT(n == 6);
}

// Tiles as large as the arrays: compulsory traffic, one transfer each.
SPM_TEST(hand_whole_operands_move_once) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 6, 5, 4, 4, 4, false, &p)));
  int64_t tile[3] = {4, 6, 5};
  int order[3] = {2, 0, 1};
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].bytes_read == 4 * 5 * 4 && pl.operand[0].reads == 1);
  SPM_EXPECT(pl.operand[1].bytes_read == 5 * 6 * 4 && pl.operand[1].reads == 1);
  SPM_EXPECT(pl.operand[2].bytes_written == 4 * 6 * 4);
  SPM_EXPECT(pl.operand[2].writes == 1 && pl.operand[2].reads == 0);
  SPM_EXPECT(pl.transfers == 3);
  SPM_EXPECT(pl.traffic_bytes == (20 + 30 + 24) * 4);
  p.operand[2].needs_initial_read = true;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].bytes_read == 96 && pl.transfers == 4);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
}

// The reduction loop k outermost: C's 4 tiles come back for the second k
// tile, as partial sums.
SPM_TEST(hand_partial_sum_reloads) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {2, 0, 1}; // k m n
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].reuse_factor == 2);
  SPM_EXPECT(pl.operand[2].bytes_written == 128 && pl.operand[2].writes == 8);
  SPM_EXPECT(pl.operand[2].bytes_read == 64 && pl.operand[2].reads == 4);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
  p.operand[2].needs_initial_read = true;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[2].bytes_read == 128 && pl.operand[2].reads == 8);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
  // A is reused across the inner n loop: loaded once per (k, m) tile.
  SPM_EXPECT(pl.operand[0].bytes_read == 64 && pl.operand[0].reads == 4);
  // B depends on n (innermost) and k, not m (outer to n): reloaded per m.
  SPM_EXPECT(pl.operand[1].bytes_read == 128 && pl.operand[1].reads == 8);
}

// Partial tiles: 5x5x5 with tiles 2 (sizes 2, 2, 1). A's identities cover
// A exactly once: 25 elements = 100 B; reloaded for each of the 3 n tiles.
SPM_TEST(hand_partial_tiles) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(5, 5, 5, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.trips[0] == 3 && pl.trips[1] == 3 && pl.trips[2] == 3);
  SPM_EXPECT(pl.operand[0].bytes_read == 300 && pl.operand[0].reads == 27);
  SPM_EXPECT(pl.operand[2].bytes_written == 100 && pl.operand[2].writes == 9);
  SPM_EXPECT(pl.operand[0].max_footprint == 16);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
}

// Resident operands move nothing and take no space.
SPM_TEST(hand_resident) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  p.operand[1].resident = true;
  int64_t tile[3] = {2, 2, 2};
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.operand[1].bytes_read == 0 && pl.operand[1].reads == 0);
  SPM_EXPECT(pl.operand[1].max_footprint == 0);
  SPM_EXPECT(pl.space_bytes == 2 * (16 + 16));
  SPM_EXPECT(pl.traffic_bytes == 128 + 64);
  SPM_EXPECT(tile_test_check_tiling(&p, &o, order, tile));
}

// Alignment: each buffer's bytes round up to a multiple of it, once per
// buffer (double buffering counts the padded size twice).
SPM_TEST(hand_alignment) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int64_t tile[3] = {2, 2, 2}; // 2x2 f32 footprints: 16 bytes each
  int order[3] = {0, 1, 2};
  spm_tile_plan_t pl;
  spm_tile_options_t o = spm_tile_options_default();
  o.alignment = 64;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].max_footprint == 16);
  SPM_EXPECT(pl.space_bytes == 3 * 64);
  o.double_buffer = true;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
  SPM_EXPECT(pl.space_bytes == 2 * 3 * 64);
  o.alignment = 16; // already multiples: no padding
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, tile, &pl)));
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
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)));
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
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, t12, &pl)) &&
             pl.fits);
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, t24, &pl)) &&
             pl.fits);
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, t22, &pl)) &&
             !pl.fits);
  // 8 bytes: (1, 2) fits, (2, 2) would be legal by space but is not.
  o.budget_bytes = 8;
  o.candidates = SPM_TILE_CANDIDATES_ALL;
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)));
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
  SPM_EXPECT(tile_test_ok(spm_tile_problem_matmul(3, 5, 7, 4, 4, 4, true, &p)));
  for (int x = 0; x < 3; ++x)
    p.operand[x].resident = true;
  spm_tile_options_t o = spm_tile_options_default();
  o.budget_bytes = 0;
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)));
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
  SPM_EXPECT(tile_test_ok(spm_tile_problem_conv2d(&c, &p)));
  SPM_EXPECT(p.operand[0].shape[2] == 2 && p.operand[0].shape[3] == 2);
  int64_t tile[7] = {1, 1, 1, 1, 1, 1, 1};
  int order[7] = {0, 1, 2, 3, 4, 5, 6};
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, tile, &pl)));
  SPM_EXPECT(pl.operand[0].reads == 16 && pl.operand[0].bytes_read == 64);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, tile));
  // Tiles of 2 in p and r: boxes 3 wide at -1 and 1 (p) x (r 0..1, 2):
  // clipped by position, the box [-1, 1] keeps 2 rows.
  int64_t t2[7] = {1, 1, 2, 2, 1, 2, 2};
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, NULL, order, t2, &pl)));
  SPM_EXPECT(pl.operand[0].max_footprint == 2 * 2 * 4);
  SPM_EXPECT(tile_test_check_tiling(&p, NULL, order, t2));
}

// A fused epilogue: the accumulator is scratch. It moves nothing, takes one
// buffer even when double buffering, and a tiling that leaves one of its
// tiles and comes back (a reduction loop outer to an output loop) is not
// legal.
SPM_TEST(hand_scratch) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 1, 1, 4, false, &p)));
  p.operand[2].scratch = true;
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  int inner_k[3] = {0, 1, 2}, outer_k[3] = {2, 0, 1};
  int64_t t[3] = {2, 2, 2};
  spm_tile_plan_t pl;
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, inner_k, t, &pl)));
  SPM_EXPECT(pl.fits && pl.operand[2].bytes_read == 0 &&
             pl.operand[2].bytes_written == 0 && pl.operand[2].writes == 0);
  // A 2x2 tile of each: A and B double-buffered, C once.
  SPM_EXPECT(pl.space_bytes == 2 * 4 + 2 * 4 + 4 * 4);
  SPM_EXPECT(tile_test_check_tiling(&p, &o, inner_k, t));
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, outer_k, t, &pl)));
  SPM_EXPECT(!pl.fits && pl.operand[2].reuse_factor == 2);
  SPM_EXPECT(tile_test_check_tiling(&p, &o, outer_k, t));
  // k untiled: any order visits each C tile once.
  int64_t t2[3] = {2, 2, 4};
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, outer_k, t2, &pl)));
  SPM_EXPECT(pl.fits);
  // The search never returns an order that revisits a scratch tile.
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.fits && pl.operand[2].reuse_factor == 1);
  // A scratch operand must be an output without an initial read.
  p.operand[2].needs_initial_read = true;
  tile_test_expect_status(spm_tile_search(&p, &o, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "scratch");
  p.operand[2].needs_initial_read = false;
  p.operand[0].scratch = true;
  tile_test_expect_status(spm_tile_search(&p, &o, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "scratch");
}

void tile_test_run_hand(void) {
  SPM_RUN(hand_matmul_every_order);
  SPM_RUN(hand_whole_operands_move_once);
  SPM_RUN(hand_partial_sum_reloads);
  SPM_RUN(hand_partial_tiles);
  SPM_RUN(hand_resident);
  SPM_RUN(hand_all_resident);
  SPM_RUN(hand_alignment);
  SPM_RUN(hand_nesting);
  SPM_RUN(hand_padding);
  TILE_TEST_HAND_OVER_CHECKS();
}

void tile_test_run_hand_scratch(void) {
  SPM_RUN(hand_scratch);
  TILE_TEST_HAND_OVER_CHECKS();
}
