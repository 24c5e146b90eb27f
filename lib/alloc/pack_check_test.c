// Unit tests of the checks around packing and of the heuristic sweeps' gap
// structure (spm-unit-pack-check; test/unit/pack-check.test): the validator
// on hand cases, against every pair of buffers on random instances, and on
// instances where all buffers are live at once (its segment-tree sweep);
// pack_gaps.c against a scan of the live intervals sorted by offset;
// spm_pack_conflict_pairs against every pair.
// --quick runs fewer random instances.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack.h"
#include "alloc/pack_gen.h"
#include "alloc/pack_internal.h"
#include "support/unit_test.h"

static bool quick;

static spm_pack_buffer_t buf(int64_t id, int64_t start, int64_t end,
                             int64_t size, int64_t align) {
  spm_pack_buffer_t b = {id, start, end, size, align, -1};
  return b;
}

// The heuristic's packing of b (valid: spm_pack validates it), no capacity.
static spm_pack_result_t heuristic(spm_pack_buffer_t *b, size_t n) {
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = SPM_PACK_HEURISTIC;
  spm_pack_result_t r;
  memset(&r, 0, sizeof r);
  spm_status_t s = spm_pack(b, n, &o, &r);
  SPM_EXPECT(spm_status_is_ok(s));
  spm_status_free(s);
  return r;
}

static void expect_violation(spm_pack_buffer_t *b, size_t n, int64_t cap,
                             const char *msg) {
  spm_status_t s = spm_pack_validate(b, n, cap);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_FAILED);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), msg);
  spm_status_free(s);
}

SPM_TEST(validator) {
  spm_pack_buffer_t b[3] = {buf(5, 0, 4, 8, 4), buf(6, 2, 6, 8, 4),
                            buf(9, 5, 7, 4, 1)};
  b[0].offset = 0, b[1].offset = 8, b[2].offset = 0;
  SPM_EXPECT(spm_status_is_ok(spm_pack_validate(b, 3, 16)));
  expect_violation(b, 3, 15, "buffer 6: [8, 16) exceeds the capacity 15");
  b[1].offset = 4;
  expect_violation(b, 3, 0,
                   "buffers 5 and 6 overlap: both live in [2, 4) "
                   "and both use bytes [4, 8)");
  b[1].offset = 6;
  expect_violation(b, 3, 0,
                   "buffer 6: offset 6 is not a multiple of its "
                   "alignment 4");
  b[1].offset = -1;
  expect_violation(b, 3, 0, "buffer 6: no offset");
  b[1].offset = 8, b[2].offset = 10;
  expect_violation(b, 3, 0, "buffers 6 and 9 overlap");
  // The structured form names buffers by index, the detail without ids.
  spm_pack_violation_t v;
  spm_status_t s = spm_pack_validate_ex(b, 3, 0, &v);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_FAILED);
  SPM_EXPECT(v.first == 1 && v.second == 2);
  SPM_EXPECT(strcmp(v.detail, "both live in [5, 6) and both use bytes "
                              "[10, 14)") == 0);
  spm_status_free(s);
  b[2].offset = 16;
  s = spm_pack_validate_ex(b, 3, 19, &v);
  SPM_EXPECT(v.first == 2 && v.second == SIZE_MAX);
  SPM_EXPECT_STR_CONTAINS(v.detail, "[16, 20) exceeds the capacity 19");
  spm_status_free(s);
  b[0].offset = -3;
  expect_violation(b, 3, 0, "buffer 5: negative offset -3");
}

// The validator's segment-tree sweep (taken when the pairwise sweep would
// compare more than 32 n + 2^20 pairs): 2,000 buffers that are all live at
// once, packed by the heuristic (valid), then one offset moved onto
// another buffer's bytes (an overlap with that buffer at least). The
// verdict and the pair must be those of the pairwise check.
SPM_TEST(validator_many_live) {
  enum { N = 2000 };
  spm_pack_rng_t rng = spm_pack_rng(11);
  spm_pack_buffer_t *b = malloc(N * sizeof *b);
  SPM_EXPECT(b != NULL);
  if (!b)
    return;
  int bad = 0;
  for (int c = 0; c < 6; ++c) {
    for (size_t i = 0; i < N; ++i)
      b[i] = buf((int64_t)i, spm_pack_rng_range(&rng, 0, 5),
                 spm_pack_rng_range(&rng, 10, 15), spm_pack_rng_range(&rng, 1, 9),
                 1);
    spm_pack_result_t r = heuristic(b, N);
    bad += !r.feasible;
    spm_status_t st = spm_pack_validate(b, N, 0);
    bad += !spm_status_is_ok(st);
    spm_status_free(st);
    size_t i = (size_t)spm_pack_rng_range(&rng, 0, N - 1);
    size_t j = (size_t)spm_pack_rng_range(&rng, 0, N - 1);
    if (c % 2 && i != j)
      b[i].offset = b[j].offset; // all are live at time 5..10: an overlap
    bool any = false;
    for (size_t x = 0; x < N && !any; ++x)
      for (size_t y = x + 1; y < N && !any; ++y)
        any = b[x].start < b[y].end && b[y].start < b[x].end &&
              b[x].offset < b[y].offset + b[y].size &&
              b[y].offset < b[x].offset + b[x].size;
    spm_pack_violation_t v;
    st = spm_pack_validate_ex(b, N, 0, &v);
    bool found = spm_status_code(st) == SPM_STATUS_FAILED;
    if (found != any)
      bad++;
    if (found) {
      const spm_pack_buffer_t *x = &b[v.first], *y = &b[v.second];
      bad += !(v.second < N && x->start < y->end && y->start < x->end &&
               x->offset < y->offset + y->size &&
               y->offset < x->offset + x->size);
    }
    spm_status_free(st);
  }
  free(b);
  SPM_EXPECT(bad == 0);
}

// The sweeps' gap structure (pack_gaps.c) against a scan of the live
// intervals sorted by offset, the sweeps' former method: random sequences
// of expiries, fits (first and best, with alignments) and insertions of
// the fitted offset. Every fit must agree.
typedef struct {
  int64_t lo, hi, until;
} naive_iv_t;

static int64_t naive_fit(const naive_iv_t *v, size_t k, int64_t size,
                         int64_t align, bool best_fit) {
  // v sorted by lo, disjoint
  int64_t reach = 0, best = -1, best_gap = 0;
  for (size_t j = 0; j < k; ++j) {
    if (v[j].lo > reach) {
      int64_t cand = (reach + align - 1) / align * align;
      if (cand + size <= v[j].lo) {
        if (!best_fit)
          return cand;
        if (best < 0 || v[j].lo - reach < best_gap) {
          best = cand;
          best_gap = v[j].lo - reach;
        }
      }
    }
    if (v[j].hi > reach)
      reach = v[j].hi;
  }
  return best >= 0 ? best : (reach + align - 1) / align * align;
}

SPM_TEST(gaps_vs_scan) {
  spm_pack_rng_t rng = spm_pack_rng(7);
  enum { CAP = 64 };
  spm_pack_gaps_t *g = spm_pack_gaps_create(CAP);
  SPM_EXPECT(g != NULL);
  if (!g)
    return;
  int bad = 0, fits = 0;
  for (int c = 0; c < (quick ? 20 : 200); ++c) {
    spm_pack_gaps_reset(g);
    naive_iv_t v[CAP];
    size_t k = 0;
    int64_t now = 0;
    for (int step = 0; step < 300; ++step) {
      now += spm_pack_rng_range(&rng, 0, 2);
      spm_pack_gaps_expire(g, now);
      size_t keep = 0;
      for (size_t j = 0; j < k; ++j)
        if (v[j].until > now)
          v[keep++] = v[j];
      k = keep;
      if (k == CAP)
        continue;
      int64_t size = spm_pack_rng_range(&rng, 1, 40);
      int64_t align = (int64_t)1 << spm_pack_rng_range(&rng, 0, 4);
      bool best = spm_pack_rng_range(&rng, 0, 1);
      int64_t o = spm_pack_gaps_fit(g, size, align, best);
      fits++;
      if (o != naive_fit(v, k, size, align, best)) {
        bad++;
        break;
      }
      int64_t until = now + spm_pack_rng_range(&rng, 1, 12);
      spm_pack_gaps_insert(g, o, o + size, until);
      size_t at = k;
      while (at > 0 && v[at - 1].lo > o) {
        v[at] = v[at - 1];
        at--;
      }
      v[at] = (naive_iv_t){o, o + size, until};
      k++;
    }
  }
  spm_pack_gaps_destroy(g);
  SPM_EXPECT(bad == 0);
  printf("gaps vs scan: %d fits, %d disagreements\n", fits, bad);
}

// The validator against every pair: random offsets (about half of the
// instances overlap somewhere), and packings of the heuristic (valid), some
// with one offset moved. A violation is reported iff some pair of buffers
// live at the same time shares a byte, and the reported pair is one.
SPM_TEST(validator_vs_pairs) {
  spm_pack_rng_t rng = spm_pack_rng(20261207);
  int bad = 0, overlapping = 0;
  for (int c = 0; c < (quick ? 200 : 2000); ++c) {
    spm_pack_buffer_t b[12];
    size_t n = (size_t)spm_pack_rng_range(&rng, 1, 12);
    spm_pack_gen_small(&rng, n, 10, 8, b);
    if (c % 2 == 0) {
      for (size_t i = 0; i < n; ++i)
        b[i].offset = b[i].align * spm_pack_rng_range(&rng, 0, 24 / b[i].align);
    } else {
      spm_pack_result_t r = heuristic(b, n);
      (void)r;
      if (c % 4 == 1) {
        size_t i = (size_t)spm_pack_rng_range(&rng, 0, (int64_t)n - 1);
        b[i].offset = b[i].align * spm_pack_rng_range(&rng, 0, 8);
      }
    }
    bool any = false;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j)
        any |= b[i].start < b[j].end && b[j].start < b[i].end &&
               b[i].offset < b[j].offset + b[j].size &&
               b[j].offset < b[i].offset + b[i].size;
    overlapping += any;
    spm_pack_violation_t v;
    spm_status_t st = spm_pack_validate_ex(b, n, 0, &v);
    bool found = spm_status_code(st) == SPM_STATUS_FAILED;
    bool pair_ok = !found || (v.second != SIZE_MAX && v.first < n &&
                              v.second < n);
    if (found && pair_ok) {
      const spm_pack_buffer_t *x = &b[v.first], *y = &b[v.second];
      pair_ok = x->start < y->end && y->start < x->end &&
                x->offset < y->offset + y->size &&
                y->offset < x->offset + x->size;
    }
    if (found != any || !pair_ok)
      bad++;
    spm_status_free(st);
  }
  SPM_EXPECT(bad == 0);
  SPM_EXPECT(overlapping > 0);
  printf("validator vs pairs: %d instances, %d with an overlap, %d "
         "disagreements\n", quick ? 200 : 2000, overlapping, bad);
}

// spm_pack_conflict_pairs (a count by sorted starts and ends) against the
// pairs counted one by one, on random instances with many equal times.
SPM_TEST(conflict_pairs) {
  spm_pack_rng_t rng = spm_pack_rng(20261208);
  int bad = 0;
  uint64_t most = 0;
  for (int c = 0; c < (quick ? 100 : 1000); ++c) {
    spm_pack_buffer_t b[40];
    size_t n = (size_t)spm_pack_rng_range(&rng, 0, 40);
    spm_pack_gen_small(&rng, n, c % 2 ? 6 : 30, 8, b);
    uint64_t pairs = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j)
        pairs += b[i].start < b[j].end && b[j].start < b[i].end;
    bad += spm_pack_conflict_pairs(b, n) != pairs;
    most = pairs > most ? pairs : most;
  }
  SPM_EXPECT(bad == 0);
  SPM_EXPECT(most > 100);
  printf("conflict pairs: %d instances, %d disagreements\n", quick ? 100 : 1000,
         bad);
}

int main(int argc, char **argv) {
  quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  SPM_RUN(validator);
  SPM_RUN(validator_vs_pairs);
  SPM_RUN(validator_many_live);
  SPM_RUN(gaps_vs_scan);
  SPM_RUN(conflict_pairs);
  return spm_test_finish();
}
