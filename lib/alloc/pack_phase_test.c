// Unit tests of how spm_pack's exact phase schedules its searches
// (lib/alloc/pack.c): the capacity ladder, anytime minimisation, and
// spm_pack_exact_solve resuming where a node limit stopped it.
//
//   spm-unit-pack-phase [--quick]   (--quick: fewer instances, for valgrind)
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack.h"
#include "alloc/pack_exact.h"
#include "alloc/pack_gen.h"
#include "alloc/pack_internal.h"
#include "alloc/pack_test_oracle.h"
#include "support/unit_test.h"

static bool quick;

// Whether one exact search (no ladder, no mirror) at cap stops at its limit
// of `nodes` without a packing or a proof.
static bool stops_alone(const spm_pack_buffer_t *b, size_t n, int64_t cap,
                        uint64_t nodes) {
  static int64_t off[300];
  spm_pack_exact_t *x = NULL;
  if (n > 300 || !spm_status_is_ok(spm_pack_exact_create(b, n, 0, &x)))
    return false;
  spm_pack_outcome_t out = SPM_PACK_FOUND;
  spm_status_t s = spm_pack_exact_solve(x, cap, 0, nodes, off, &out);
  spm_pack_exact_destroy(x);
  bool ok = spm_status_is_ok(s);
  spm_status_free(s);
  return ok && out == SPM_PACK_LIMIT;
}

// spm_pack options for the exact search at cap within `nodes` nodes.
static spm_pack_options_t exact_options(int64_t cap, uint64_t nodes) {
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_EXACT;
  o.capacity = cap;
  o.time_limit = 0;
  o.node_limit = nodes;
  return o;
}

// The capacity ladder (pack.c): at a capacity above the lower bound the
// exact phase also searches at the bound, where its pruning is strongest,
// since a packing within the bound fits any larger capacity. The instance:
// a balanced cut rectangle of 300 pieces (lower bound 1024 bytes) packed at
// 1032. The search at 1032 alone does not find a packing within 20,000
// nodes (checked first, so that the test keeps testing the ladder: should a
// change to the searches make it succeed, choose an instance where it still
// fails -- the rule that nothing floats did so for the 150 pieces of seed
// 5 at 1028 used before); with the ladder spm_pack does, within the same
// total.
SPM_TEST(capacity_ladder) {
  static spm_pack_buffer_t b[300];
  spm_pack_rng_t rng = spm_pack_rng(40);
  size_t n = spm_pack_gen_tight(&rng, 300, 300, 1024, 1, true, b);
  int64_t lb = spm_pack_lower_bound(b, n), cap = lb + 8;
  SPM_EXPECT(lb == 1024);
  SPM_EXPECT(stops_alone(b, n, cap, 20000));
  spm_pack_options_t o = exact_options(cap, 20000);
  spm_pack_result_t r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.feasible && !r.limit_reached && r.nodes <= 20000);
  SPM_EXPECT(r.peak == lb && r.optimal && spm_pack_test_valid(b, n, cap));
  // The node limit covers both searches of the ladder.
  o.node_limit = 3000;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(!r.feasible && r.limit_reached && r.nodes <= 3000);
  SPM_EXPECT(spm_pack_test_valid(b, n, 0));
  // Minimising from there: the bisection's searches stay within it too.
  o.minimize_peak = true;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.nodes <= 3000 && spm_pack_test_valid(b, n, 0));
}

// Minimisation is anytime (pack.c): on an instance whose lower bound the
// search neither meets nor refutes within the node limit, the searches at
// the midpoints between the bound and the incumbent still lower the peak
// below the heuristic's. Before, the whole limit went to the search at the
// lower bound, and the heuristic's packing came back: checked first, on
// the search at the bound alone with the same limit (should a change to
// the searches make it succeed, choose an instance where it still fails).
SPM_TEST(anytime_minimize) {
  static spm_pack_buffer_t b[100];
  spm_pack_rng_t rng = spm_pack_rng(116);
  size_t n = spm_pack_gen_holes(&rng, 100, 10, b);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_HEURISTIC;
  spm_pack_result_t h, r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &h)));
  spm_pack_exact_t *x = NULL;
  SPM_EXPECT(spm_status_is_ok(spm_pack_exact_create(b, n, 0, &x)));
  static int64_t off[100];
  spm_pack_outcome_t out = SPM_PACK_FOUND;
  SPM_EXPECT(spm_status_is_ok(
      spm_pack_exact_solve(x, h.lower_bound, 0, 20000, off, &out)));
  SPM_EXPECT(out == SPM_PACK_LIMIT);
  spm_pack_exact_destroy(x);

  o.algorithm = SPM_PACK_EXACT;
  o.minimize_peak = true;
  o.time_limit = 0;
  o.node_limit = 20000;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.limit_reached && !r.optimal && r.nodes <= 20000);
  SPM_EXPECT(r.peak < h.peak && r.peak >= r.lower_bound && spm_pack_test_valid(b, n, 0));
  printf("anytime: heuristic %.4f, exact within 20,000 nodes %.4f of the "
         "lower bound\n",
         (double)h.peak / (double)h.lower_bound,
         (double)r.peak / (double)r.lower_bound);
}

// spm_pack_exact_solve resumes after a stop at the node limit (the ladder
// and anytime minimisation call it so): one search object, two capacities
// (the optimum and one byte below) alternating with node limits that grow
// by doubling steps from one node, as those callers do, must reach the
// brute-force answers: a valid packing at the optimum, a proof below it.
SPM_TEST(resume_brute_force) {
  spm_pack_rng_t rng = spm_pack_rng(77);
  int count = quick ? 30 : 400, resumed = 0;
  for (int c = 0; c < count; ++c) {
    size_t n = 3 + (size_t)(c % 5);
    spm_pack_buffer_t b[8], w[8];
    spm_pack_gen_small(&rng, n, 8, 8, b);
    int64_t lb = spm_pack_lower_bound(b, n);
    int64_t opt = spm_pack_test_brute_force(b, n, lb);
    spm_pack_exact_t *x = NULL;
    SPM_EXPECT(spm_status_is_ok(spm_pack_exact_create(b, n, 0, &x)));
    int64_t off[8];
    int64_t caps[2] = {opt, opt - 1};
    bool done[2] = {false, opt - 1 < 1};
    spm_pack_outcome_t got[2] = {SPM_PACK_LIMIT, SPM_PACK_INFEASIBLE};
    int calls = 0;
    for (int round = 0; round < 40 && !(done[0] && done[1]); ++round)
      for (int k = 0; k < 2; ++k) {
        if (done[k])
          continue;
        uint64_t stop = spm_pack_exact_nodes(x) + ((uint64_t)1 << round);
        SPM_EXPECT(spm_status_is_ok(
            spm_pack_exact_solve(x, caps[k], 0, stop, off, &got[k])));
        calls++;
        done[k] = got[k] != SPM_PACK_LIMIT;
        if (got[k] == SPM_PACK_FOUND) {
          memcpy(w, b, n * sizeof *b);
          for (size_t i = 0; i < n; ++i)
            w[i].offset = off[i];
          SPM_EXPECT(spm_pack_test_valid(w, n, caps[k]));
        }
      }
    resumed += calls > 2;
    spm_pack_exact_destroy(x);
    SPM_EXPECT(got[0] == SPM_PACK_FOUND);
    SPM_EXPECT(got[1] == SPM_PACK_INFEASIBLE);
  }
  printf("resume: %d instances, %d needed more than one call per capacity\n",
         count, resumed);
  SPM_EXPECT(resumed > count / 2);
}

// The mirrored search (pack.c, spm_pack_exact_pair): at capacity = lower
// bound a second search on the buffers mirrored in time runs on a second
// thread, with half of the node limit each. The instance: holes 300, seed
// 34 of spm-bench-pack, which the search alone does not pack within
// 200,000 nodes (checked first, as in capacity_ladder: should a change to
// the search pack it, choose another seed where only the mirror does).
// With the mirror, 100,000 nodes each pack it (below; over seeds 1-40 the
// two pack about as many as the search alone with the same total: the
// gain is the second thread's time, docs/benchmarks.md). The mirror's offsets are
// taken, and spm_pack's validator checks them against the original
// buffers. Two runs give the same packing and node count: the rounds meet,
// and which thread is faster does not decide (spm_pack_race); the same
// search on one thread (SPM_PACK_SERIAL) gives them too.
SPM_TEST(mirrored_search) {
  static spm_pack_buffer_t b[300], c[300];
  spm_pack_rng_t rng = spm_pack_rng(34u * 1000003u + 300u);
  size_t n = spm_pack_gen_holes(&rng, 300, 5, b);
  int64_t cap = spm_pack_lower_bound(b, n);
  SPM_EXPECT(stops_alone(b, n, cap, 200000));
  spm_pack_options_t o = exact_options(cap, 200000);
  spm_pack_result_t r, r2;
  memcpy(c, b, n * sizeof *b);
  SPM_EXPECT(spm_status_is_ok(spm_pack_with_flags(b, n, &o, 0, &r)));
  SPM_EXPECT(r.feasible && r.optimal && !r.limit_reached);
  SPM_EXPECT(r.nodes <= 200000 && spm_pack_test_valid(b, n, cap));
  SPM_EXPECT(spm_status_is_ok(spm_pack_with_flags(c, n, &o, 0, &r2)));
  SPM_EXPECT(r2.feasible && r2.nodes == r.nodes);
  bool same = true;
  for (size_t i = 0; i < n; ++i)
    same &= b[i].offset == c[i].offset;
  SPM_EXPECT(same);
  SPM_EXPECT(
      spm_status_is_ok(spm_pack_with_flags(c, n, &o, SPM_PACK_SERIAL, &r2)));
  SPM_EXPECT(r2.feasible && r2.nodes == r.nodes);
  same = true;
  for (size_t i = 0; i < n; ++i)
    same &= b[i].offset == c[i].offset;
  SPM_EXPECT(same);
  printf("mirrored search: %llu nodes\n", (unsigned long long)r.nodes);
  // The search that loses the last round is cut off where the mirror
  // ended it: 34,110 nodes in all. Before the rounds were races (b3d397f)
  // both ran their whole step, 43,679.
  SPM_EXPECT(r.nodes < 43679);
  // Without the mirror, the search alone has the whole limit, and stops.
  SPM_EXPECT(spm_status_is_ok(
      spm_pack_with_flags(c, n, &o, SPM_PACK_NO_MIRROR, &r2)));
  SPM_EXPECT(!r2.feasible && r2.limit_reached && r2.nodes <= 200000);
  // A limit below the first step: the search alone, within it.
  o.node_limit = 1000;
  SPM_EXPECT(spm_status_is_ok(spm_pack_with_flags(c, n, &o, 0, &r2)));
  SPM_EXPECT(!r2.feasible && r2.limit_reached && r2.nodes <= 1000);
}

// spm_pack_exact_set_cutoff, which the mirrored pair's races use to stop
// the search that loses: a call stops (LIMIT) once it has entered *cutoff
// nodes since it began, also inside the glued instance that a tight
// instance is solved as; a new value holds from the next call on, and
// NULL removes the cutoff. (Lowering it from another thread mid-search is
// what race_serial_equals_threaded exercises.)
SPM_TEST(search_cutoff) {
  static spm_pack_buffer_t b[300];
  static int64_t off[300];
  for (int k = 0; k < 2; ++k) {
    // k = 0: holes 300 seed 34 (above), not glued; k = 1: tight 300 seed 6
    // of spm-bench-pack, solved as a glued instance.
    spm_pack_rng_t rng = spm_pack_rng(k == 0 ? 34u * 1000003u + 300u
                                             : 6u * 1000003u + 300u);
    size_t n = k == 0 ? spm_pack_gen_holes(&rng, 300, 5, b)
                      : spm_pack_gen_tight(&rng, 300, 300, 1 << 20, 1024,
                                           true, b);
    int64_t cap = spm_pack_lower_bound(b, n);
    SPM_EXPECT(stops_alone(b, n, cap, 3000));
    spm_pack_exact_t *x = NULL;
    SPM_EXPECT(spm_status_is_ok(
        spm_pack_exact_create(b, n, k == 0 ? SPM_PACK_NO_GLUE : 0, &x)));
    _Atomic uint64_t cutoff = 1000;
    spm_pack_exact_set_cutoff(x, &cutoff);
    spm_pack_outcome_t out = SPM_PACK_FOUND;
    SPM_EXPECT(spm_status_is_ok(spm_pack_exact_solve(x, cap, 0, 0, off, &out)));
    SPM_EXPECT(out == SPM_PACK_LIMIT && spm_pack_exact_nodes(x) == 1000);
    SPM_EXPECT((k == 1) == (x->glued != NULL));
    // Counted from each call's start.
    SPM_EXPECT(spm_status_is_ok(spm_pack_exact_solve(x, cap, 0, 0, off, &out)));
    SPM_EXPECT(out == SPM_PACK_LIMIT && spm_pack_exact_nodes(x) == 2000);
    atomic_store(&cutoff, 0);
    SPM_EXPECT(spm_status_is_ok(spm_pack_exact_solve(x, cap, 0, 0, off, &out)));
    SPM_EXPECT(out == SPM_PACK_LIMIT && spm_pack_exact_nodes(x) == 2000);
    // Without it, the node limit alone.
    spm_pack_exact_set_cutoff(x, NULL);
    SPM_EXPECT(
        spm_status_is_ok(spm_pack_exact_solve(x, cap, 0, 2500, off, &out)));
    SPM_EXPECT(out == SPM_PACK_LIMIT && spm_pack_exact_nodes(x) == 2500);
    spm_pack_exact_destroy(x);
  }
}

// The mirrored pair's races decide by node counts alone: on holes
// instances of 200 buffers, which mostly go past the pair's first step
// (4,096 nodes of the search alone) and are packed in a race, spm_pack on
// two threads and on one (SPM_PACK_SERIAL) give the same outcome, node
// count and offsets, instance by instance.
SPM_TEST(race_serial_equals_threaded) {
  static spm_pack_buffer_t b[200], c[200];
  int count = quick ? 2 : 12, raced = 0, packed = 0;
  for (int seed = 1; seed <= count; ++seed) {
    spm_pack_rng_t rng = spm_pack_rng((uint64_t)seed * 1000003u + 200u);
    size_t n = spm_pack_gen_holes(&rng, 200, 5, b);
    int64_t cap = spm_pack_lower_bound(b, n);
    memcpy(c, b, n * sizeof *b);
    spm_pack_options_t o = exact_options(cap, quick ? 20000 : 100000);
    spm_pack_result_t r, r2;
    SPM_EXPECT(spm_status_is_ok(spm_pack_with_flags(b, n, &o, 0, &r)));
    SPM_EXPECT(
        spm_status_is_ok(spm_pack_with_flags(c, n, &o, SPM_PACK_SERIAL, &r2)));
    SPM_EXPECT(r.feasible == r2.feasible && r.nodes == r2.nodes &&
               r.limit_reached == r2.limit_reached);
    bool same = true;
    for (size_t i = 0; i < n; ++i)
      same &= b[i].offset == c[i].offset;
    SPM_EXPECT(same);
    raced += r.nodes > 4096;
    packed += r.feasible;
  }
  printf("races: %d instances, %d packed, %d past the first step\n", count,
         packed, raced);
  SPM_EXPECT(raced >= count / 2);
}

// Minimisation's first search at the lower bound is the mirrored pair too
// (spm_pack_exact_minimize). The instances: small random ones (as in
// pack_test.c's nothing_floats, slack everywhere) that the search alone
// neither packs nor refutes at the lower bound within 6,000 nodes, so
// that the pair's race decides (with SPM_PACK_PAIR_EARLY, the pair starts
// after 4,096 nodes instead of 65,536 here, as at a capacity equal to the
// lower bound); most have their optimum above the bound, and on several
// the mirror proves that first, after which the search at the bound goes
// on afresh one byte higher. On two threads and on one (SPM_PACK_SERIAL)
// the results are the same: offsets, peak, node count; and the peak is the
// optimum that the search without the mirror proves.
SPM_TEST(minimize_mirrored) {
  spm_pack_rng_t rng = spm_pack_rng(20261207);
  int count = quick ? 120 : 400, hard = 0, above = 0;
  for (int c = 0; c < count; ++c) {
    spm_pack_buffer_t b[10], t[10], u[10];
    size_t n = 10;
    spm_pack_gen_small(&rng, n, 8, 8, b);
    for (size_t i = 0; i < n; ++i)
      b[i].align = 1 + (b[i].align == 4);
    int64_t lb = spm_pack_lower_bound(b, n);
    if (!stops_alone(b, n, lb, 6000))
      continue; // packed or refuted at the bound within 6,000 nodes
    hard++;
    spm_pack_options_t o = exact_options(0, 2000000); // no capacity: minimise
    spm_pack_result_t r1, r2, r3;
    memcpy(t, b, sizeof b);
    memcpy(u, b, sizeof b);
    unsigned early = SPM_PACK_PAIR_EARLY;
    SPM_EXPECT(spm_status_is_ok(spm_pack_with_flags(b, n, &o, early, &r1)));
    SPM_EXPECT(spm_status_is_ok(
        spm_pack_with_flags(t, n, &o, early | SPM_PACK_SERIAL, &r2)));
    SPM_EXPECT(spm_status_is_ok(
        spm_pack_with_flags(u, n, &o, SPM_PACK_NO_MIRROR, &r3)));
    SPM_EXPECT(r1.optimal && r3.optimal && r1.peak == r3.peak);
    SPM_EXPECT(r1.peak == r2.peak && r1.nodes == r2.nodes);
    above += r1.peak > lb;
    bool same = true;
    for (size_t i = 0; i < n; ++i)
      same &= b[i].offset == t[i].offset;
    SPM_EXPECT(same && spm_pack_test_valid(b, n, r1.peak));
  }
  printf("minimize with the mirror: %d of %d instances past 6,000 nodes at "
         "the bound, %d of them with the optimum above it\n",
         hard, count, above);
  SPM_EXPECT(above >= (quick ? 3 : 10));
}

// The exact phase runs only where it can change the answer: "exact" at a
// capacity the heuristic's packing fits searches nothing (it used to search
// anyway, for up to the time limit).
SPM_TEST(exact_skips_when_heuristic_fits) {
  static spm_pack_buffer_t b[300];
  spm_pack_rng_t rng = spm_pack_rng(41);
  size_t n = spm_pack_gen_tight(&rng, 300, 300, 1024, 1, true, b);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_HEURISTIC;
  spm_pack_result_t h, r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &h)));
  SPM_EXPECT(h.peak > h.lower_bound); // the heuristic misses the bound here
  o = exact_options(h.peak, 0);
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.feasible && r.nodes == 0 && r.peak == h.peak &&
             strcmp(r.algorithm, "heuristic") == 0 && !r.limit_reached);
  o = exact_options(h.peak - 1, 200000); // below it the search runs
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.nodes > 0 && strcmp(r.algorithm, "exact") == 0 &&
             spm_pack_test_valid(b, n, h.peak - 1));
}

// Instances beyond the exact search's size caps (pack.h): the heuristic's
// packing, with too_large and limit_reached, at once even without any time
// or node limit (the exact phase's loops used to spin until the deadline,
// and without one, forever).
SPM_TEST(too_large_for_exact) {
  // 10,001 buffers: a balanced tight instance of 10,000 pieces (the
  // heuristic misses its bound) and one more.
  size_t cap_n = SPM_PACK_EXACT_MAX_BUFFERS + 1;
  spm_pack_buffer_t *b = calloc(cap_n, sizeof *b);
  spm_pack_rng_t rng = spm_pack_rng(42);
  size_t n = spm_pack_gen_tight(&rng, cap_n - 1, cap_n - 1, 1024, 1, true, b);
  SPM_EXPECT(n == cap_n - 1);
  b[n] = (spm_pack_buffer_t){(int64_t)n, 0, 1, 1, 1, -1};
  n++;
  spm_pack_options_t o = exact_options(spm_pack_lower_bound(b, n), 0);
  spm_pack_result_t r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.too_large && r.limit_reached && !r.feasible && r.nodes == 0 &&
             !r.proven_infeasible && spm_pack_test_valid(b, n, 0));
  // 300 tight pieces under 4,200 buffers live throughout: 4,500 buffers but
  // more than 2^23 pairs live at the same time.
  n = spm_pack_gen_tight(&rng, 300, 300, 1024, 1, true, b);
  for (size_t i = 0; i < 4200; ++i)
    b[n + i] = (spm_pack_buffer_t){(int64_t)(n + i), 0, 300, 1, 1, -1};
  n += 4200;
  SPM_EXPECT(spm_pack_conflict_pairs(b, n) > SPM_PACK_EXACT_MAX_CONFLICTS);
  o = exact_options(spm_pack_lower_bound(b, n), 0);
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.too_large && r.limit_reached && !r.feasible && r.nodes == 0 &&
             spm_pack_test_valid(b, n, 0));
  // Where the heuristic fits, the cap does not matter: nothing to search.
  o = exact_options(r.peak, 0);
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.feasible && !r.too_large && !r.limit_reached);
  free(b);
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  SPM_RUN(capacity_ladder);
  SPM_RUN(anytime_minimize);
  SPM_RUN(resume_brute_force);
  SPM_RUN(mirrored_search);
  SPM_RUN(search_cutoff);
  SPM_RUN(race_serial_equals_threaded);
  SPM_RUN(minimize_mirrored);
  SPM_RUN(exact_skips_when_heuristic_fits);
  SPM_RUN(too_large_for_exact);
  return spm_test_finish();
}
