// Error paths of the tile model and search (spm-unit-tile): budgets and
// max_tiles too small, bad options, tilings and problems, the simulation's
// iteration limit; each status code and message.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "place/tile_model.h"
#include "place/tile_test_util.h"
#include "support/unit_test.h"

SPM_TEST(errors) {
  spm_tile_problem_t p;
  SPM_EXPECT(
      tile_test_ok(spm_tile_problem_matmul(4, 4, 4, 4, 4, 4, false, &p)));
  int order[3] = {0, 1, 2};
  int64_t tile[3] = {2, 2, 2};
  spm_tile_plan_t pl;
  // Budget too small for the smallest tiling: 3 operands x 4 B x 2.
  spm_tile_options_t o = spm_tile_options_default();
  o.double_buffer = true;
  o.budget_bytes = 23;
  tile_test_expect_status(spm_tile_search(&p, &o, &pl), SPM_STATUS_OUT_OF_RANGE,
                          "smallest tiling (every tile size 1) needs 24 bytes");
  o.budget_bytes = 24;
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)));
  SPM_EXPECT(pl.space_bytes == 24 && pl.fits);
  for (int j = 0; j < 3; ++j)
    SPM_EXPECT(pl.tile[j] == 1);
  SPM_EXPECT(pl.tiles == 64);
  // That is the only tiling within 24 bytes: with max_tiles below its 64
  // tile iterations none is legal, and the plan says how many it needs.
  o.max_tiles = 64;
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)) && pl.tiles == 64 &&
             pl.fits);
  o.max_tiles = 63;
  tile_test_expect_status(
      spm_tile_search(&p, &o, &pl), SPM_STATUS_OUT_OF_RANGE,
      "every tiling within the budget of 24 bytes has more than 63 "
      "tile iterations (the fewest: 64)");
  SPM_EXPECT(pl.tiles == 64);
  SPM_EXPECT(tile_test_ok(spm_tile_evaluate(&p, &o, order, tile, &pl)) &&
             pl.tiles == 8 && !pl.fits); // 2x2x2: 48 bytes
  o.budget_bytes = 48;
  SPM_EXPECT(tile_test_ok(spm_tile_search(&p, &o, &pl)) && pl.tiles <= 63 &&
             pl.fits);
  o.max_tiles = -1;
  tile_test_expect_status(spm_tile_search(&p, &o, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "max_tiles = -1");
  o.max_tiles = 0;
  // Bad options.
  o.budget_bytes = -1;
  tile_test_expect_status(spm_tile_search(&p, &o, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "budget_bytes = -1");
  o = spm_tile_options_default();
  o.per_transfer_bytes = -5;
  tile_test_expect_status(spm_tile_evaluate(&p, &o, order, tile, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "per_transfer_bytes");
  // Bad tilings.
  int64_t big[3] = {2, 5, 2};
  tile_test_expect_status(spm_tile_evaluate(&p, NULL, order, big, &pl),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "tile[1] (n) = 5, must be in 1..4");
  int64_t zero[3] = {0, 1, 1};
  tile_test_expect_status(spm_tile_count_exact(&p, NULL, order, zero, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "tile[0] (m) = 0");
  int dup[3] = {0, 1, 1};
  tile_test_expect_status(spm_tile_evaluate(&p, NULL, dup, tile, &pl),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "order[2] = 1 is repeated");
  int range[3] = {0, 3, 1};
  tile_test_expect_status(spm_tile_evaluate(&p, NULL, range, tile, &pl),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "order[1] = 3 is out of range");
  tile_test_expect_status(spm_tile_evaluate(&p, NULL, NULL, tile, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "NULL");
  // Bad problems.
  spm_tile_problem_t q = p;
  q.dim[2].extent = 0;
  tile_test_expect_status(spm_tile_evaluate(&q, NULL, order, tile, &pl),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "dim 2 (k) has extent 0");
  tile_test_expect_status(spm_tile_search(&q, NULL, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "extent 0");
  q = p;
  q.ndims = 9;
  tile_test_expect_status(spm_tile_search(&q, NULL, &pl),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "ndims = 9, must be in 1..8");
  q = p;
  q.noperands = 0;
  tile_test_expect_status(spm_tile_problem_validate(&q),
                          SPM_STATUS_INVALID_ARGUMENT, "noperands = 0");
  q = p;
  q.operand[1].coef[0][2] = -1;
  tile_test_expect_status(spm_tile_problem_validate(&q),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "operand 1 (B) has coef[0][2] = -1");
  q = p;
  q.operand[0].shape[1] = 0;
  tile_test_expect_status(spm_tile_problem_validate(&q),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "operand 0 (A) has shape[1] = 0");
  q = p;
  q.operand[2].rank = 9;
  tile_test_expect_status(spm_tile_problem_validate(&q),
                          SPM_STATUS_INVALID_ARGUMENT, "rank 9");
  q = p;
  q.operand[0].elem_bytes = 0;
  tile_test_expect_status(spm_tile_problem_validate(&q),
                          SPM_STATUS_INVALID_ARGUMENT, "elem_bytes 0");
  tile_test_expect_status(spm_tile_search(NULL, NULL, &pl),
                          SPM_STATUS_INVALID_ARGUMENT, "problem is NULL");
  tile_test_expect_status(spm_tile_problem_matmul(0, 4, 4, 4, 4, 4, false, &q),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "dim 0 (m) has extent 0");
  spm_tile_conv2d_t c = {.n = 1, .k = 1, .c = 1, .p = 1, .q = 1, .r = 1,
                         .s = 1, .pad_h = 1, .in_bytes = 1,
                         .weight_bytes = 1, .out_bytes = 1};
  tile_test_expect_status(spm_tile_problem_conv2d(&c, &q),
                          SPM_STATUS_INVALID_ARGUMENT,
                          "operand 0 (input) has shape[2] = -1");
  // The simulation's iteration limit.
  o = spm_tile_options_default();
  o.exact_iteration_limit = 7;
  tile_test_expect_status(spm_tile_count_exact(&p, &o, order, tile, &pl),
                          SPM_STATUS_OUT_OF_RANGE,
                          "more than 7 tile iterations");
}

void tile_test_run_errors(void) {
  SPM_RUN(errors);
  TILE_TEST_HAND_OVER_CHECKS();
}
