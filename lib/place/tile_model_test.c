// Unit test of lib/place (spm-unit-tile): main, which runs every group in
// order, and the closed-form traffic model against the iteration-by-iteration
// simulation on random tilings. The other groups: tile_hand_test.c (hand-
// computed cases), tile_errors_test.c (error paths), tile_search_test.c (the
// search vs brute force, and on VGG-16 / ResNet-18 layers); shared helpers in
// tile_test_util.c.
//
//   spm-unit-tile [--quick]     (--quick: fewer cases, for valgrind)
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/tile_model.h"
#include "place/tile_test_util.h"
#include "support/unit_test.h"

// --- closed form == simulation ----------------------------------------------

SPM_TEST(evaluate_matches_exact_random) {
  int problems = tile_test_quick ? 150 : 3000, cases = 0, bad = 0;
  for (int it = 0; it < problems; ++it) {
    spm_tile_problem_t p;
    tile_test_random_problem(&p, false);
    spm_tile_options_t o = spm_tile_options_default();
    o.double_buffer = tile_test_rnd(0, 1);
    o.per_transfer_bytes = tile_test_rnd(0, 2) * 16;
    int order[SPM_TILE_MAX_DIMS];
    int64_t tile[SPM_TILE_MAX_DIMS];
    // A few random tilings in random orders...
    for (int r = 0; r < 4; ++r) {
      tile_test_random_order(p.ndims, order);
      tile_test_random_tile(&p, tile);
      cases++;
      bool good = tile_test_check_tiling(&p, &o, order, tile);
      SPM_EXPECT(good);
      if (!good && ++bad > 5)
        goto done;
    }
    // ...and one tiling in every order (small nests).
    if (p.ndims <= 5) {
      tile_test_random_tile(&p, tile);
      for (int i = 0; i < p.ndims; ++i)
        order[i] = i;
      do {
        cases++;
        bool good = tile_test_check_tiling(&p, &o, order, tile);
        SPM_EXPECT(good);
        if (!good && ++bad > 5)
          goto done;
      } while (tile_test_next_perm(order, p.ndims));
    }
  }
done:
  fprintf(stderr, "evaluate vs exact: %d problems, %d tilings, %d mismatches\n",
          problems, cases, bad);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--quick") == 0)
      tile_test_quick = true;
  if (getenv("SPM_UNIT_QUICK"))
    tile_test_quick = true;
  // The tests' order is that of the single-file test (the random draws of
  // one test depend on those of the tests before it).
  tile_test_run_hand(); // hand_matmul_every_order .. hand_padding
  tile_test_run_errors();
  tile_test_run_hand_scratch();
  SPM_RUN(evaluate_matches_exact_random);
  tile_test_run_search(); // search_vs_brute_force, search_layers
  // Every file's checks (each keeps its own counters) into this file's.
  tile_test_total_checks(&spm_test_passed, &spm_test_failed);
  return spm_test_finish();
}
