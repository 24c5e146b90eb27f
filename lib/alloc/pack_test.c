// Unit tests of lib/alloc: packing (spm_pack), lower bound, validator.
//
// The core check is against brute force (pack_test_oracle.h: exact, and
// sharing no code with the packers) on every instance of a generator of up
// to 7 buffers. How the exact phase schedules its searches (capacity
// ladder, anytime minimisation, resuming) is tested in pack_phase_test.c.
//
//   spm-unit-pack [--quick]      (--quick: fewer instances, for valgrind)
#include <inttypes.h>
#include <math.h>
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

static void dump(const spm_pack_buffer_t *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    fprintf(stderr,
            "  id %" PRId64 " [%" PRId64 ", %" PRId64 ") size %" PRId64
            " align %" PRId64 " offset %" PRId64 "\n",
            b[i].id, b[i].start, b[i].end, b[i].size, b[i].align, b[i].offset);
}

static spm_pack_buffer_t buf(int64_t id, int64_t start, int64_t end,
                             int64_t size, int64_t align) {
  spm_pack_buffer_t b = {id, start, end, size, align, -1};
  return b;
}

static spm_pack_result_t run(spm_pack_buffer_t *b, size_t n,
                             spm_pack_algorithm_t alg, int64_t cap,
                             bool minimize) {
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = alg;
  o.capacity = cap;
  o.minimize_peak = minimize;
  o.time_limit = 0; // the small instances must be decided, not timed out
  spm_pack_result_t r;
  memset(&r, 0, sizeof r);
  spm_status_t s = spm_pack(b, n, &o, &r);
  SPM_EXPECT(spm_status_is_ok(s));
  if (!spm_status_is_ok(s)) {
    fprintf(stderr, "spm_pack: %s\n", spm_status_message(s));
    spm_status_free(s);
  }
  return r;
}

// The exact search on its own, with some pruning switched off, within
// node_limit nodes (0: none): its outcome, the packing found in out (if
// any and out is not NULL) and its node count in *nodes (if not NULL).
static spm_pack_outcome_t exact_run(const spm_pack_buffer_t *b, size_t n,
                                    unsigned flags, int64_t cap,
                                    uint64_t node_limit, spm_pack_buffer_t *out,
                                    uint64_t *nodes) {
  spm_pack_exact_t *x = NULL;
  spm_pack_outcome_t oc = SPM_PACK_LIMIT;
  int64_t off[64];
  SPM_EXPECT(n <= 64);
  SPM_EXPECT(spm_status_is_ok(spm_pack_exact_create(b, n, flags, &x)));
  SPM_EXPECT(spm_status_is_ok(
      spm_pack_exact_solve(x, cap, 0, node_limit, off, &oc)));
  if (nodes)
    *nodes = spm_pack_exact_nodes(x);
  spm_pack_exact_destroy(x);
  if (oc == SPM_PACK_FOUND && out) {
    memcpy(out, b, n * sizeof *b);
    for (size_t i = 0; i < n; ++i)
      out[i].offset = off[i];
  }
  return oc;
}

static spm_pack_outcome_t exact_with(const spm_pack_buffer_t *b, size_t n,
                                     unsigned flags, int64_t cap,
                                     spm_pack_buffer_t *out) {
  return exact_run(b, n, flags, cap, 0, out, NULL);
}

// Whether the exact search under each of the flag sets packs b within its
// optimum `opt` (a valid packing, left in w) and proves one byte below
// infeasible.
static bool exact_agrees(const spm_pack_buffer_t *b, size_t n,
                         const unsigned *flags, size_t nflags, int64_t opt,
                         spm_pack_buffer_t *w) {
  bool ok = true;
  for (size_t f = 0; f < nflags; ++f) {
    ok &= exact_with(b, n, flags[f], opt, w) == SPM_PACK_FOUND &&
          spm_pack_test_valid(w, n, opt);
    if (opt > 1)
      ok &= exact_with(b, n, flags[f], opt - 1, NULL) == SPM_PACK_INFEASIBLE;
  }
  return ok;
}

static const unsigned flag_sets[] = {
    0,
    SPM_PACK_NO_DOMINANCE,
    SPM_PACK_NO_SYMMETRY,
    SPM_PACK_NO_DECOMPOSE,
    SPM_PACK_NO_SECTIONS,
    SPM_PACK_ONE_ORDER,
    SPM_PACK_ONLY_CANONICAL,
    SPM_PACK_ONLY_BL,
    SPM_PACK_NO_BACKJUMP,
    SPM_PACK_NO_GLUE,
    SPM_PACK_NO_NOGOODS,
    SPM_PACK_NO_POOL,
    SPM_PACK_NO_WEIGHTS,
    SPM_PACK_NO_FLOAT,
    // The failure weights steering from the first node (these instances
    // never reach their warm-up), so that their branching is checked too.
    SPM_PACK_WEIGHTS_NOW,
    // The bottom-left search alone in one order, with and without
    // backjumping (so that its jumps decide the answer, not the portfolio).
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_WEIGHTS_NOW,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_BACKJUMP,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_NOGOODS,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_FLOAT,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_DECOMPOSE,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_SYMMETRY,
    SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_POOL,
    SPM_PACK_ONLY_BL | SPM_PACK_NO_SYMMETRY | SPM_PACK_NO_DECOMPOSE |
        SPM_PACK_NO_SECTIONS | SPM_PACK_NO_BACKJUMP,
    SPM_PACK_ONLY_CANONICAL | SPM_PACK_NO_DOMINANCE | SPM_PACK_NO_SYMMETRY |
        SPM_PACK_NO_DECOMPOSE | SPM_PACK_NO_SECTIONS | SPM_PACK_ONE_ORDER |
        SPM_PACK_NO_BACKJUMP,
};

SPM_TEST(brute_force_small) {
  spm_pack_rng_t rng = spm_pack_rng(20240604);
  int instances = 0, above_lb = 0, heuristic_opt = 0;
  int mismatches = 0;
  for (size_t n = 1; n <= 7; ++n) {
    int count = n <= 3 ? 300 : n <= 5 ? 500 : n == 6 ? 600 : 500;
    if (quick)
      count /= 20;
    for (int c = 0; c < count; ++c) {
      spm_pack_buffer_t b[8], w[8];
      // Every 4th instance repeats buffers, to exercise the symmetry rule.
      spm_pack_gen_small(&rng, n, 8, 8, b);
      if (c % 4 == 3 && n >= 2)
        for (size_t i = 1; i < n; i += 2)
          b[i] = b[i - 1], b[i].id = (int64_t)i;
      instances++;
      int64_t lb = spm_pack_lower_bound(b, n);
      int64_t opt = spm_pack_test_brute_force(b, n, lb);
      SPM_EXPECT(lb <= opt);
      above_lb += opt > lb;
      bool bad = false;

      memcpy(w, b, sizeof w);
      spm_pack_result_t r = run(w, n, SPM_PACK_EXACT, 0, true);
      bad |= !(r.peak == opt && r.optimal && r.feasible && spm_pack_test_valid(w, n, 0));
      memcpy(w, b, sizeof w);
      r = run(w, n, SPM_PACK_EXACT, opt, false);
      bad |= !(r.feasible && !r.proven_infeasible && spm_pack_test_valid(w, n, opt));
      if (opt > 1) {
        memcpy(w, b, sizeof w);
        r = run(w, n, SPM_PACK_EXACT, opt - 1, false);
        bad |= !(!r.feasible && r.proven_infeasible && !r.limit_reached &&
                 spm_pack_test_valid(w, n, 0));
      }
      memcpy(w, b, sizeof w);
      r = run(w, n, SPM_PACK_HEURISTIC, 0, false);
      bad |= !(r.peak >= opt && spm_pack_test_valid(w, n, 0) && r.nodes == 0);
      heuristic_opt += r.peak == opt;
      memcpy(w, b, sizeof w);
      r = run(w, n, SPM_PACK_AUTO, 0, true);
      bad |= !(r.peak == opt && r.optimal && spm_pack_test_valid(w, n, 0));
      memcpy(w, b, sizeof w);
      r = run(w, n, SPM_PACK_AUTO, opt, false);
      bad |= !(r.feasible && r.peak <= opt && spm_pack_test_valid(w, n, opt));
      // Each pruning rule alone off, and all off: the same answers.
      bad |= !exact_agrees(b, n, flag_sets,
                           sizeof flag_sets / sizeof *flag_sets, opt, w);
      SPM_EXPECT(!bad);
      if (bad && mismatches++ < 5) {
        fprintf(stderr,
                "mismatch: optimum %" PRId64 ", lower bound %" PRId64 "\n", opt,
                lb);
        dump(b, n);
      }
    }
  }
  printf("brute force: %d instances of 1..7 buffers, %d with optimum above "
         "the lower bound, heuristic optimal on %d\n",
         instances, above_lb, heuristic_opt);
}

// Whether some boundary between two sections that both hold exactly cap
// bytes has one buffer ending and one starting there -- the pair the exact
// search glues (pack_exact.c). Written independently of it, by brute force
// over times.
static bool has_glue(const spm_pack_buffer_t *b, size_t n, int64_t cap) {
  for (size_t i = 0; i < n; ++i) {
    int64_t t = b[i].end;
    int ends = 0, starts = 0;
    int64_t prev = INT64_MIN, next = INT64_MAX; // the neighbouring events
    for (size_t j = 0; j < n; ++j) {
      ends += b[j].end == t;
      starts += b[j].start == t;
      int64_t ev[2] = {b[j].start, b[j].end};
      for (int k = 0; k < 2; ++k) {
        if (ev[k] < t && ev[k] > prev)
          prev = ev[k];
        if (ev[k] > t && ev[k] < next)
          next = ev[k];
      }
    }
    if (ends != 1 || starts != 1 || prev == INT64_MIN || next == INT64_MAX)
      continue;
    int64_t left = 0, right = 0; // live in [prev, t) and in [t, next)
    for (size_t j = 0; j < n; ++j) {
      left += b[j].start <= prev && b[j].end >= t ? b[j].size : 0;
      right += b[j].start <= t && b[j].end >= next ? b[j].size : 0;
    }
    if (left == cap && right == cap)
      return true;
  }
  return false;
}

// Gluing (a buffer ending and one starting between two full columns lie at
// the same offset) against brute force, on small cut rectangles -- full
// columns everywhere, so gluing applies often -- and on the same with one
// piece shrunk (columns with slack next to full ones).
SPM_TEST(brute_force_glue) {
  spm_pack_rng_t rng = spm_pack_rng(777);
  int count = quick ? 60 : 900, glued = 0, mismatches = 0;
  static const unsigned flags[] = {
      0, SPM_PACK_NO_GLUE, SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_POOL,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_WEIGHTS_NOW,
      SPM_PACK_ONLY_CANONICAL | SPM_PACK_ONE_ORDER};
  for (int c = 0; c < count; ++c) {
    spm_pack_buffer_t b[8], w[8];
    size_t n = 2 + (size_t)c % 6; // 2 .. 7
    int64_t granule = c % 3 == 2 ? 2 : 1;
    n = spm_pack_gen_tight(&rng, n, 8, 8, granule, c % 5 == 0, b);
    if (c % 4 == 3) { // shrink one piece: slack in its columns
      size_t k = (size_t)c / 4 % n;
      if (b[k].size > granule)
        b[k].size -= granule;
    }
    for (size_t i = 0; i < n; ++i)
      b[i].offset = -1;
    int64_t lb = spm_pack_lower_bound(b, n);
    int64_t opt = spm_pack_test_brute_force(b, n, lb);
    bool g = has_glue(b, n, opt);
    glued += g;
    bool bad = false;
    bad |= !exact_agrees(b, n, flags, sizeof flags / sizeof *flags, opt, w);
    memcpy(w, b, sizeof w);
    spm_pack_result_t r = run(w, n, SPM_PACK_EXACT, 0, true);
    bad |= !(r.peak == opt && r.optimal && spm_pack_test_valid(w, n, 0));
    SPM_EXPECT(!bad);
    if (bad && mismatches++ < 5) {
      fprintf(stderr, "glue mismatch: optimum %" PRId64 "\n", opt);
      dump(b, n);
    }
  }
  SPM_EXPECT(glued > count / 10); // the rule is exercised
  printf("glue: %d instances of 2..7 cut pieces, %d with a glued pair\n",
         count, glued);
}

// The bin packing behind the filler pools against brute force (every
// assignment of the items to the bins): up to 7 items, up to 4 bins.
SPM_TEST(pool_bin_pack) {
  spm_pack_rng_t rng = spm_pack_rng(4242);
  int count = quick ? 300 : 4000, yes = 0, no = 0;
  for (int c = 0; c < count; ++c) {
    size_t ni = 1 + (size_t)spm_pack_rng_range(&rng, 0, 6);
    size_t nb = 1 + (size_t)spm_pack_rng_range(&rng, 0, 3);
    int64_t item[7], bin[4], bin0[4], sum = 0;
    for (size_t j = 0; j < ni; ++j) {
      item[j] = spm_pack_rng_range(&rng, 1, 6);
      sum += item[j];
    }
    for (size_t j = 1; j < ni; ++j) // largest first
      for (size_t k = j; k > 0 && item[k - 1] < item[k]; --k) {
        int64_t t = item[k];
        item[k] = item[k - 1];
        item[k - 1] = t;
      }
    // Bins that add up to the items' sum (most of the time): random cuts.
    int64_t left = sum;
    for (size_t b = 0; b + 1 < nb; ++b) {
      bin[b] = spm_pack_rng_range(&rng, 0, left);
      left -= bin[b];
    }
    bin[nb - 1] = left + (c % 10 == 0 ? 1 : 0);
    memcpy(bin0, bin, sizeof bin);
    // Brute force: nb^ni assignments.
    bool exists = false;
    size_t total = 1;
    for (size_t j = 0; j < ni; ++j)
      total *= nb;
    for (size_t code = 0; code < total && !exists; ++code) {
      int64_t fill[4] = {0, 0, 0, 0};
      size_t x = code;
      for (size_t j = 0; j < ni; ++j, x /= nb)
        fill[x % nb] += item[j];
      exists = true;
      for (size_t b = 0; b < nb; ++b)
        exists &= fill[b] == bin0[b];
    }
    size_t where[7];
    uint64_t steps = 0;
    int r = spm_pack_pool_bin_pack(item, ni, bin, nb, where, 1u << 20, &steps);
    SPM_EXPECT(r == (exists ? 1 : 0));
    SPM_EXPECT(memcmp(bin, bin0, sizeof bin) == 0); // restored
    if (r == 1) {
      int64_t fill[4] = {0, 0, 0, 0};
      for (size_t j = 0; j < ni; ++j) {
        SPM_EXPECT(where[j] < nb);
        if (where[j] < nb)
          fill[where[j]] += item[j];
      }
      for (size_t b = 0; b < nb; ++b)
        SPM_EXPECT(fill[b] == bin0[b]);
    }
    yes += exists, no += !exists;
  }
  SPM_EXPECT(yes > count / 10 && no > count / 10); // both answers exercised
  printf("pool bin packing: %d cases agree with brute force (%d feasible, "
         "%d not)\n",
         count, yes, no);
}

// Whether some section of the instance holds at least two fillers (buffers
// live in that section only) with one alignment dividing their sizes: a
// filler pool of the bottom-left search.
static bool has_pool(const spm_pack_buffer_t *b, size_t n) {
  int64_t t[2 * 8];
  size_t m = 0;
  for (size_t i = 0; i < n; ++i)
    t[m++] = b[i].start, t[m++] = b[i].end;
  for (size_t i = 0; i < n; ++i) {
    // b[i] is a filler when no event time lies strictly inside its range.
    bool filler = true;
    for (size_t k = 0; k < m && filler; ++k)
      filler = !(t[k] > b[i].start && t[k] < b[i].end);
    if (!filler || b[i].size % b[i].align != 0)
      continue;
    for (size_t j = i + 1; j < n; ++j)
      if (b[j].start == b[i].start && b[j].end == b[i].end &&
          b[j].align == b[i].align && b[j].size % b[j].align == 0)
        return true;
  }
  return false;
}

// Instances full of fillers (rectangles cut at random, short horizons)
// against brute force, with and without pools: at the optimum a packing,
// one byte below a proof that none exists. Some pieces are shrunk (slack)
// and some cut in units of 2 with alignment 2.
SPM_TEST(brute_force_pool) {
  spm_pack_rng_t rng = spm_pack_rng(31337);
  int count = quick ? 80 : 1200, pooled = 0, mismatches = 0;
  static const unsigned flags[] = {
      0,
      SPM_PACK_NO_POOL,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_POOL,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_BACKJUMP,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_NOGOODS,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_SECTIONS,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_GLUE,
      SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_WEIGHTS_NOW,
  };
  for (int c = 0; c < count; ++c) {
    spm_pack_buffer_t b[8], w[8];
    size_t n = 3 + (size_t)c % 5; // 3 .. 7
    int64_t granule = c % 4 == 3 ? 2 : 1;
    int64_t horizon = 2 + c % 3, cap = 6 + 2 * (c % 4);
    n = spm_pack_gen_tight(&rng, n, horizon, cap, granule, false, b);
    for (size_t i = 0; i < n; ++i) {
      b[i].offset = -1;
      b[i].align = granule;
    }
    if (c % 3 == 2) { // shrink one piece: slack in its column(s)
      size_t k = (size_t)c / 3 % n;
      if (b[k].size > granule)
        b[k].size -= granule;
    }
    pooled += has_pool(b, n);
    int64_t lb = spm_pack_lower_bound(b, n);
    int64_t opt = spm_pack_test_brute_force(b, n, lb);
    bool bad = false;
    bad |= !exact_agrees(b, n, flags, sizeof flags / sizeof *flags, opt, w);
    SPM_EXPECT(!bad);
    if (bad && mismatches++ < 5) {
      fprintf(stderr, "pool mismatch: optimum %" PRId64 "\n", opt);
      dump(b, n);
    }
  }
  SPM_EXPECT(pooled > count / 4); // pools are exercised
  printf("pools: %d instances of 3..7 cut pieces, %d with a filler pool\n",
         count, pooled);
}

// Medium instances, beyond brute force: the exact optimum with every pruning
// rule equals the one of the plain canonical search, and each optimum is
// confirmed by an infeasibility proof one byte below.
SPM_TEST(pruning_agrees_medium) {
  spm_pack_rng_t rng = spm_pack_rng(7);
  int count = quick ? 5 : 60, agree = 0;
  for (int c = 0; c < count; ++c) {
    size_t n = 8 + (size_t)(c % 3);
    spm_pack_buffer_t b[16], w[16];
    spm_pack_gen_small(&rng, n, 10, 12, b);
    if (c % 3 == 0)
      for (size_t i = 2; i < n; i += 3)
        b[i] = b[i - 2], b[i].id = (int64_t)i;
    memcpy(w, b, sizeof w);
    spm_pack_result_t r = run(w, n, SPM_PACK_EXACT, 0, true);
    SPM_EXPECT(r.optimal && spm_pack_test_valid(w, n, 0));
    unsigned plain = SPM_PACK_NO_DOMINANCE | SPM_PACK_NO_SYMMETRY |
                     SPM_PACK_NO_DECOMPOSE | SPM_PACK_NO_SECTIONS |
                     SPM_PACK_ONE_ORDER | SPM_PACK_NO_BACKJUMP;
    unsigned canon = plain | SPM_PACK_ONLY_CANONICAL;
    unsigned bl = plain | SPM_PACK_ONLY_BL;
    // The bottom-left search in one order with all its rules and
    // backjumping: its answer alone must agree too.
    unsigned bl_jump = SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER;
    bool ok = exact_with(b, n, canon, r.peak, w) == SPM_PACK_FOUND &&
              spm_pack_test_valid(w, n, r.peak) &&
              exact_with(b, n, bl, r.peak, w) == SPM_PACK_FOUND &&
              spm_pack_test_valid(w, n, r.peak) &&
              exact_with(b, n, bl_jump, r.peak, w) == SPM_PACK_FOUND &&
              spm_pack_test_valid(w, n, r.peak);
    if (r.peak > 1)
      ok = ok &&
           exact_with(b, n, canon, r.peak - 1, NULL) == SPM_PACK_INFEASIBLE &&
           exact_with(b, n, bl, r.peak - 1, NULL) == SPM_PACK_INFEASIBLE &&
           exact_with(b, n, bl_jump, r.peak - 1, NULL) ==
               SPM_PACK_INFEASIBLE &&
           exact_with(b, n, 0, r.peak - 1, NULL) == SPM_PACK_INFEASIBLE;
    SPM_EXPECT(ok);
    agree += ok;
  }
  printf("pruning: %d of %d medium instances agree\n", agree, count);
}

// The exact search (10 s limit; `search`) packs b[0..n) within cap,
// validly.
static bool exact_packs_with(spm_pack_buffer_t *b, size_t n, int64_t cap,
                             spm_pack_search_t search) {
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_EXACT;
  o.capacity = cap;
  o.time_limit = 10;
  o.search = search;
  spm_pack_result_t r;
  spm_status_t s = spm_pack(b, n, &o, &r);
  SPM_EXPECT(spm_status_is_ok(s));
  spm_status_free(s);
  bool ok = r.feasible && r.peak == cap && spm_pack_test_valid(b, n, cap);
  SPM_EXPECT(ok);
  return ok;
}

static bool exact_packs_at(spm_pack_buffer_t *b, size_t n, int64_t cap) {
  return exact_packs_with(b, n, cap, SPM_PACK_SEARCH_PORTFOLIO);
}

// Tight instances (a packing at capacity = lower bound exists by
// construction): the exact search finds one.
SPM_TEST(tight_instances) {
  spm_pack_rng_t rng = spm_pack_rng(11);
  int count = quick ? 2 : 12, solved = 0;
  static spm_pack_buffer_t b[400];
  for (int c = 0; c < count; ++c) {
    size_t n = 40 + (size_t)c * 10; // 40 .. 150
    int64_t cap = 4096;
    n = spm_pack_gen_tight(&rng, n, 64, cap, c % 2 ? 1 : 16, c % 3 == 0, b);
    SPM_EXPECT(spm_pack_test_valid(b, n, cap)); // the generator's witness
    SPM_EXPECT(spm_pack_lower_bound(b, n) == cap);
    solved += exact_packs_at(b, n, cap);
    // Each search alone (options.search) is exact too.
    if (c < 4) {
      SPM_EXPECT(exact_packs_with(b, n, cap, SPM_PACK_SEARCH_SKYLINE));
      SPM_EXPECT(exact_packs_with(b, n, cap, SPM_PACK_SEARCH_BOTTOM_LEFT));
    }
  }
  printf("tight: %d of %d solved at capacity = lower bound\n", solved, count);
}

// Tight instances with holes (some pieces removed away from the middle
// step): the generator's witness fits, the middle column keeps the lower
// bound at the capacity, and the exact search packs them there.
SPM_TEST(holes_instances) {
  spm_pack_rng_t rng = spm_pack_rng(23);
  int count = quick ? 2 : 8, solved = 0;
  static spm_pack_buffer_t b[200];
  int64_t cap = 1 << 20;
  for (int c = 0; c < count; ++c) {
    size_t n = 40 + (size_t)c * 10; // 40 .. 110
    size_t m = spm_pack_gen_holes(&rng, n, 5 + 5 * (c % 3), b);
    SPM_EXPECT(m <= n && m > 0);
    SPM_EXPECT(spm_pack_test_valid(b, m, cap)); // the generator's witness
    SPM_EXPECT(spm_pack_lower_bound(b, m) == cap);
    solved += exact_packs_at(b, m, cap);
  }
  printf("holes: %d of %d solved at capacity = lower bound\n", solved, count);
}

// The failure weights (pack_exact_bl.c) steer the bottom-left search to
// where it failed before. A holes instance of 200 pieces (spm-bench-pack's
// seed 7: 136,281 nodes without the weights, 43,415 with them) that the
// search with them packs within a node limit and the same search without
// them does not: the numbers are printed, so a change to the search that
// moves them shows here.
SPM_TEST(failure_weights) {
  static spm_pack_buffer_t b[200];
  spm_pack_rng_t rng = spm_pack_rng(7 * 1000003u + 200);
  size_t m = spm_pack_gen_holes(&rng, 200, 5, b);
  int64_t cap = spm_pack_lower_bound(b, m);
  SPM_EXPECT(cap == 1 << 20);
  const uint64_t limit = 60000;
  spm_pack_outcome_t oc[2];
  uint64_t nodes[2];
  int64_t *off = malloc(m * sizeof *off);
  for (int w = 0; w < 2; ++w) {
    spm_pack_exact_t *x = NULL;
    SPM_EXPECT(spm_status_is_ok(spm_pack_exact_create(
        b, m, w ? 0 : SPM_PACK_NO_WEIGHTS, &x)));
    SPM_EXPECT(spm_status_is_ok(
        spm_pack_exact_solve(x, cap, 0, limit, off, &oc[w])));
    nodes[w] = spm_pack_exact_nodes(x);
    if (oc[w] == SPM_PACK_FOUND) {
      for (size_t i = 0; i < m; ++i)
        b[i].offset = off[i];
      SPM_EXPECT(spm_pack_test_valid(b, m, cap));
    }
    spm_pack_exact_destroy(x);
  }
  free(off);
  printf("failure weights: without %s in %llu nodes, with %s in %llu "
         "(limit %llu)\n",
         oc[0] == SPM_PACK_FOUND ? "packed" : "not packed",
         (unsigned long long)nodes[0],
         oc[1] == SPM_PACK_FOUND ? "packed" : "not packed",
         (unsigned long long)nodes[1], (unsigned long long)limit);
  SPM_EXPECT(oc[0] == SPM_PACK_LIMIT);
  SPM_EXPECT(oc[1] == SPM_PACK_FOUND);
}

// One complete bottom-left run (one order, no restarts, weights or
// nogoods, whose learning would make the runs differ for other reasons) at
// capacity cap, within a million nodes: its outcome, its nodes in *nodes.
static spm_pack_outcome_t proof_run(const spm_pack_buffer_t *b, size_t n,
                                    int64_t cap, unsigned flags,
                                    uint64_t *nodes) {
  flags |= SPM_PACK_ONLY_BL | SPM_PACK_ONE_ORDER | SPM_PACK_NO_WEIGHTS |
           SPM_PACK_NO_NOGOODS;
  return exact_run(b, n, flags, cap, 1000000, NULL, nodes);
}

// The rule that nothing floats (pack_exact_bl.c) cuts the bottom-left
// search: small instances with slack whose optimum is above the lower
// bound, proved infeasible one byte below the optimum with and without the
// rule (brute_force_small checks that the rule keeps the search exact).
SPM_TEST(nothing_floats) {
  spm_pack_rng_t rng = spm_pack_rng(20261207);
  int count = quick ? 150 : 400, proofs = 0, fewer = 0, more = 0;
  uint64_t with = 0, without = 0;
  for (int c = 0; c < count; ++c) {
    spm_pack_buffer_t b[10];
    size_t n = 10;
    spm_pack_gen_small(&rng, n, 8, 8, b);
    for (size_t i = 0; i < n; ++i)
      b[i].align = 1 + (b[i].align == 4); // 1 or 2: slack everywhere
    int64_t lb = spm_pack_lower_bound(b, n), opt = lb;
    uint64_t n1, n2;
    spm_pack_outcome_t oc;
    while ((oc = proof_run(b, n, opt, 0, &n1)) == SPM_PACK_INFEASIBLE)
      opt++;
    if (opt == lb || oc != SPM_PACK_FOUND)
      continue; // at the bound, or too long a proof for a unit test
    spm_pack_outcome_t o1 = proof_run(b, n, opt - 1, 0, &n1);
    spm_pack_outcome_t o2 = proof_run(b, n, opt - 1, SPM_PACK_NO_FLOAT, &n2);
    SPM_EXPECT(o1 == SPM_PACK_INFEASIBLE);
    SPM_EXPECT(o2 == SPM_PACK_INFEASIBLE || o2 == SPM_PACK_LIMIT);
    if (o2 != SPM_PACK_INFEASIBLE)
      continue;
    proofs++;
    with += n1;
    without += n2;
    fewer += n1 < n2;
    more += n1 > n2;
  }
  printf("nothing floats: %d proofs of infeasibility, %llu nodes with the "
         "rule, %llu without (fewer on %d, more on %d)\n",
         proofs, (unsigned long long)with, (unsigned long long)without, fewer,
         more);
  SPM_EXPECT(proofs >= 5);
  SPM_EXPECT(with < without && fewer > more);
}

SPM_TEST(lower_bound_hand_cases) {
  // Two buffers of 3 bytes aligned to 4, live together: [0,3) and [4,7).
  spm_pack_buffer_t b[3] = {buf(1, 0, 2, 3, 4), buf(2, 0, 2, 3, 4)};
  SPM_EXPECT(spm_pack_lower_bound(b, 2) == 7);
  spm_pack_result_t r = run(b, 2, SPM_PACK_AUTO, 0, true);
  SPM_EXPECT(r.peak == 7 && r.optimal && spm_pack_test_valid(b, 2, 0));
  // Aligned sizes: the plain sum; the alignment class above adds nothing.
  b[0] = buf(1, 0, 4, 8, 8);
  b[1] = buf(2, 2, 6, 4, 4);
  b[2] = buf(3, 3, 5, 2, 1);
  SPM_EXPECT(spm_pack_lower_bound(b, 3) == 14);
  int64_t t = -1;
  SPM_EXPECT(spm_pack_lower_bound_at(b, 3, &t) == 14 && t == 3);
  // Unaligned sizes: the sum is 7, and so is 4 + 3 for the align-4 pair.
  b[0] = buf(1, 0, 1, 3, 4);
  b[1] = buf(2, 0, 1, 3, 4);
  b[2] = buf(3, 0, 1, 1, 1);
  SPM_EXPECT(spm_pack_lower_bound(b, 3) == 7);
  r = run(b, 3, SPM_PACK_EXACT, 0, true);
  SPM_EXPECT(r.peak == 7 && r.optimal && spm_pack_test_valid(b, 3, 0));
  SPM_EXPECT(spm_pack_lower_bound(b, 0) == 0);
}

SPM_TEST(disjoint_lifetimes_share_offset_zero) {
  spm_pack_buffer_t b[3] = {buf(10, 0, 2, 8, 1), buf(11, 2, 4, 8, 1),
                            buf(12, 4, 9, 8, 8)};
  for (int alg = 0; alg < 3; ++alg) {
    for (int i = 0; i < 3; ++i)
      b[i].offset = -1;
    spm_pack_result_t r = run(b, 3, (spm_pack_algorithm_t)alg, 8, false);
    SPM_EXPECT(r.feasible && r.peak == 8 && r.lower_bound == 8);
    SPM_EXPECT(b[0].offset == 0 && b[1].offset == 0 && b[2].offset == 0);
    SPM_EXPECT(spm_pack_test_valid(b, 3, 8));
  }
  // Touching ends do not conflict: [0,2) and [2,4) may share bytes.
  b[1].offset = 0;
  SPM_EXPECT(spm_status_is_ok(spm_pack_validate(b, 3, 8)));
}

SPM_TEST(peak_live) {
  spm_pack_buffer_t b[4] = {buf(1, 0, 3, 4, 1), buf(2, 1, 5, 4, 1),
                            buf(3, 2, 4, 8, 1), buf(4, 4, 6, 1, 1)};
  int64_t t = -1;
  size_t live[4] = {99, 99, 99, 99};
  size_t k = spm_pack_peak_live(b, 4, &t, live, 4);
  SPM_EXPECT(t == 2 && k == 3);
  SPM_EXPECT(live[0] == 0 && live[1] == 1 && live[2] == 2);
  // Fewer slots than live buffers: the count is still complete.
  live[0] = live[1] = 99;
  SPM_EXPECT(spm_pack_peak_live(b, 4, &t, live, 1) == 3 && live[0] == 0 &&
             live[1] == 99);
  SPM_EXPECT(spm_pack_peak_live(b, 0, &t, live, 4) == 0 && t == 0);
}

static void expect_invalid(spm_pack_buffer_t *b, size_t n,
                           const spm_pack_options_t *o, const char *msg) {
  spm_pack_result_t r;
  spm_status_t s = spm_pack(b, n, o, &r);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), msg);
  spm_status_free(s);
}

SPM_TEST(invalid_input) {
  spm_pack_buffer_t b[2] = {buf(1, 0, 2, 4, 1), buf(7, 3, 3, 4, 1)};
  expect_invalid(b, 2, NULL, "buffer 7: empty live range [3, 3)");
  b[1] = buf(7, 4, 3, 4, 1);
  expect_invalid(b, 2, NULL, "buffer 7: empty live range");
  b[1] = buf(7, 0, 3, 0, 1);
  expect_invalid(b, 2, NULL, "buffer 7: size 0 is not positive");
  b[1] = buf(7, 0, 3, -5, 1);
  expect_invalid(b, 2, NULL, "size -5");
  b[1] = buf(7, 0, 3, 4, 3);
  expect_invalid(b, 2, NULL, "buffer 7: alignment 3 is not a power of two");
  b[1] = buf(7, 0, 3, 4, 0);
  expect_invalid(b, 2, NULL, "alignment 0");
  b[1] = buf(7, 0, 3, INT64_MAX - 2, 1);
  expect_invalid(b, 2, NULL, "add up to more than");
  b[1] = buf(7, 0, 3, 4, 1);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = (spm_pack_algorithm_t)42;
  expect_invalid(b, 2, &o, "unknown packing algorithm 42");
  o = spm_pack_options_default();
  o.search = (spm_pack_search_t)42;
  expect_invalid(b, 2, &o, "unknown exact search 42");
  o = spm_pack_options_default();
  o.time_limit = NAN;
  expect_invalid(b, 2, &o, "time limit");
  spm_status_t s = spm_pack(b, 2, NULL, NULL);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT);
  spm_status_free(s);
  s = spm_pack(NULL, 3, NULL, NULL);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT);
  spm_status_free(s);
  // The validator rejects malformed buffers the same way.
  b[1] = buf(7, 0, 3, 4, 6);
  s = spm_pack_validate(b, 2, 0);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_INVALID_ARGUMENT);
  spm_status_free(s);
  // Nothing to pack is fine.
  spm_pack_result_t r = run(NULL, 0, SPM_PACK_EXACT, 16, true);
  SPM_EXPECT(r.feasible && r.peak == 0 && r.optimal);
}

// A node limit stops the exact search: not proven, and the heuristic's
// (over-capacity) packing comes back.
SPM_TEST(limits) {
  spm_pack_rng_t rng = spm_pack_rng(3);
  static spm_pack_buffer_t b[300];
  size_t n = spm_pack_gen_tight(&rng, 300, 100, 1000, 1, false, b);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_EXACT;
  o.capacity = 999; // below the lower bound: infeasible without search
  spm_pack_result_t r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(!r.feasible && r.proven_infeasible && !r.limit_reached &&
             r.nodes == 0 && spm_pack_test_valid(b, n, 0));
  o.capacity = 1000;
  o.node_limit = 1;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(r.limit_reached && !r.proven_infeasible && r.nodes <= 1);
  SPM_EXPECT(spm_pack_test_valid(b, n, r.feasible ? 1000 : 0));
}

// The heuristic on large DNN-like instances: valid, and reasonably fast.
SPM_TEST(heuristic_large) {
  size_t n = quick ? 1000 : 10000;
  spm_pack_buffer_t *b = malloc(n * sizeof *b);
  spm_pack_rng_t rng = spm_pack_rng(5);
  spm_pack_gen_dnn(&rng, n, b);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_HEURISTIC;
  spm_pack_result_t r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, n, &o, &r)));
  SPM_EXPECT(spm_pack_test_valid(b, n, 0) && r.peak >= r.lower_bound);
  printf("heuristic: %zu DNN-like buffers, peak/lower bound %.4f, %.1f ms\n", n,
         (double)r.peak / (double)r.lower_bound, r.seconds * 1e3);
  free(b);
}

// Dense instances (about 200 conflicts per buffer at 10,000 buffers): more
// conflict pairs than the heuristic's work budget, so only the time sweeps
// run; their packing must still be valid.
SPM_TEST(heuristic_dense) {
  size_t n = quick ? 3000 : 10000;
  spm_pack_buffer_t *b = malloc(2 * n * sizeof *b);
  spm_pack_rng_t rng = spm_pack_rng(7);
  size_t m = spm_pack_gen_tight(&rng, n, (int64_t)n, 1 << 20, 1024, true, b);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_HEURISTIC;
  spm_pack_result_t r;
  SPM_EXPECT(spm_status_is_ok(spm_pack(b, m, &o, &r)));
  SPM_EXPECT(spm_pack_test_valid(b, m, 0) && r.peak >= r.lower_bound);
  printf("heuristic: %zu dense buffers, peak/lower bound %.4f, %.1f ms\n", m,
         (double)r.peak / (double)r.lower_bound, r.seconds * 1e3);
  free(b);
}

// Live ranges anywhere in int64: times beyond 2^53 (not all doubles) and at
// both ends of the range. The heuristic's sweeps sorted by start as a
// double, so two starts that round alike came in size order and a sweep
// missed a conflict (an invalid packing, 'spm_pack produced an invalid
// packing'); its reverse sweep negated INT64_MIN, and the mirrored search
// computed max(end) - start, which overflows for a negative start.
SPM_TEST(extreme_times) {
  // Starts 2^60 and 2^60 + 1 are one double; W ends between them.
  const int64_t p60 = (int64_t)1 << 60;
  spm_pack_buffer_t w[3] = {buf(1, 0, p60 + 1, 3, 1),
                            buf(2, p60 + 1, p60 + 2, 2, 1),
                            buf(3, p60, p60 + 5, 1, 1)};
  for (int alg = 0; alg < 3; ++alg) {
    spm_pack_result_t r = run(w, 3, (spm_pack_algorithm_t)alg, 100, false);
    SPM_EXPECT(r.feasible && r.peak == 4 && spm_pack_test_valid(w, 3, 100));
  }
  static const int64_t times[] = {INT64_MIN,
                                  INT64_MIN + 1,
                                  -((int64_t)1 << 62),
                                  -1,
                                  0,
                                  1,
                                  (int64_t)1 << 53,
                                  ((int64_t)1 << 53) + 1,
                                  (int64_t)1 << 62,
                                  INT64_MAX - 1,
                                  INT64_MAX};
  const int nt = (int)(sizeof times / sizeof *times);
  spm_pack_rng_t rng = spm_pack_rng(11);
  int bad = 0, cases = quick ? 60 : 300;
  for (int c = 0; c < cases; ++c) {
    size_t n = 1 + (size_t)spm_pack_rng_range(&rng, 0, 5);
    spm_pack_buffer_t b[6], w2[6];
    for (size_t i = 0; i < n; ++i) {
      int a = (int)spm_pack_rng_range(&rng, 0, nt - 2);
      int e = (int)spm_pack_rng_range(&rng, a + 1, nt - 1);
      b[i] = buf((int64_t)i, times[a], times[e], spm_pack_rng_range(&rng, 1, 9),
                 (int64_t)1 << spm_pack_rng_range(&rng, 0, 2));
    }
    int64_t opt = spm_pack_test_brute_force(b, n, 0);
    for (int alg = 0; alg < 3; ++alg)
      for (int search = 0; search < 3; ++search) {
        memcpy(w2, b, n * sizeof *b);
        spm_pack_options_t o = spm_pack_options_default();
        o.algorithm = (spm_pack_algorithm_t)alg;
        o.search = (spm_pack_search_t)search;
        o.minimize_peak = true;
        o.time_limit = 0;
        spm_pack_result_t r;
        spm_status_t s = spm_pack(w2, n, &o, &r);
        bool ok = spm_status_is_ok(s) && spm_pack_test_valid(w2, n, 0) &&
                  r.peak >= opt && (alg == 0 || (r.optimal && r.peak == opt));
        if (!ok && bad++ < 3) {
          fprintf(stderr, "extreme times: algorithm %d search %d: %s, peak "
                  "%" PRId64 ", optimum %" PRId64 "\n", alg, search,
                  spm_status_is_ok(s) ? "ok" : spm_status_message(s),
                  r.peak, opt);
          dump(w2, n);
        }
        spm_status_free(s);
      }
  }
  SPM_EXPECT(bad == 0);
  // The mirrored search (the second thread, after 4,096 nodes) on a holes
  // instance moved to straddle time 0, with one more byte at INT64_MAX.
  static spm_pack_buffer_t h[201];
  spm_pack_rng_t hr = spm_pack_rng(7 * 1000003u + 200);
  size_t m = spm_pack_gen_holes(&hr, 200, 5, h);
  int64_t mid = 0;
  for (size_t i = 0; i < m; ++i)
    mid = h[i].end / 2 > mid ? h[i].end / 2 : mid;
  for (size_t i = 0; i < m; ++i)
    h[i].start -= mid, h[i].end -= mid;
  h[m++] = buf(999, INT64_MAX - 1, INT64_MAX, 1, 1);
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_EXACT;
  o.capacity = spm_pack_lower_bound(h, m);
  o.time_limit = 0;
  o.node_limit = 20000;
  spm_pack_result_t r;
  spm_status_t s = spm_pack(h, m, &o, &r);
  SPM_EXPECT(spm_status_is_ok(s) && r.nodes > 4096 &&
             spm_pack_test_valid(h, m, r.feasible ? o.capacity : 0));
  if (!spm_status_is_ok(s))
    fprintf(stderr, "extreme times, holes: %s\n", spm_status_message(s));
  spm_status_free(s);
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  SPM_RUN(lower_bound_hand_cases);
  SPM_RUN(disjoint_lifetimes_share_offset_zero);
  SPM_RUN(peak_live);
  SPM_RUN(invalid_input);
  SPM_RUN(extreme_times);
  SPM_RUN(limits);
  SPM_RUN(brute_force_small);
  SPM_RUN(brute_force_glue);
  SPM_RUN(pool_bin_pack);
  SPM_RUN(brute_force_pool);
  SPM_RUN(pruning_agrees_medium);
  SPM_RUN(tight_instances);
  SPM_RUN(holes_instances);
  SPM_RUN(failure_weights);
  SPM_RUN(nothing_floats);
  SPM_RUN(heuristic_large);
  SPM_RUN(heuristic_dense);
  return spm_test_finish();
}
