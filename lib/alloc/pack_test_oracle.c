// Test oracles shared by the packing unit tests (pack_test_oracle.h):
// an independent validity check and a brute-force optimum. The brute force
// shares no code with the packers.
#include <stdio.h>

#include "alloc/pack_test_oracle.h"

bool spm_pack_test_valid(const spm_pack_buffer_t *b, size_t n, int64_t cap) {
  spm_status_t s = spm_pack_validate(b, n, cap);
  if (!spm_status_is_ok(s)) {
    fprintf(stderr, "invalid packing: %s\n", spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  return true;
}

static bool conflict(const spm_pack_buffer_t *a, const spm_pack_buffer_t *b) {
  return a->start < b->end && b->start < a->end;
}

// First fit in the given order; candidates are 0 and the aligned ends of
// placed conflicting buffers (the lowest free offset is always one of them).
static int64_t bf_place(const spm_pack_buffer_t *b, size_t n, const int *perm,
                        int64_t *off) {
  int64_t peak = 0;
  for (size_t k = 0; k < n; ++k) {
    const spm_pack_buffer_t *x = &b[perm[k]];
    int64_t best = -1;
    for (size_t c = 0; c <= k; ++c) {
      int64_t cand = 0;
      if (c > 0) {
        const spm_pack_buffer_t *y = &b[perm[c - 1]];
        if (!conflict(x, y))
          continue;
        int64_t e = off[perm[c - 1]] + y->size;
        cand = (e + x->align - 1) / x->align * x->align;
      }
      if (best >= 0 && cand >= best)
        continue;
      bool ok = true;
      for (size_t j = 0; j < k && ok; ++j) {
        const spm_pack_buffer_t *y = &b[perm[j]];
        if (conflict(x, y) && cand < off[perm[j]] + y->size &&
            off[perm[j]] < cand + x->size)
          ok = false;
      }
      if (ok)
        best = cand;
    }
    off[perm[k]] = best;
    if (best + x->size > peak)
      peak = best + x->size;
  }
  return peak;
}

static bool next_perm(int *p, size_t n) {
  if (n < 2)
    return false;
  size_t i = n - 1;
  while (i > 0 && p[i - 1] >= p[i])
    i--;
  if (i == 0)
    return false;
  size_t j = n - 1;
  while (p[j] <= p[i - 1])
    j--;
  int t = p[i - 1];
  p[i - 1] = p[j];
  p[j] = t;
  for (size_t a = i, z = n - 1; a < z; ++a, --z) {
    t = p[a];
    p[a] = p[z];
    p[z] = t;
  }
  return true;
}

int64_t spm_pack_test_brute_force(const spm_pack_buffer_t *b, size_t n,
                                   int64_t lb) {
  int perm[8];
  int64_t off[8];
  for (size_t i = 0; i < n; ++i)
    perm[i] = (int)i;
  int64_t best = INT64_MAX;
  do {
    int64_t p = bf_place(b, n, perm, off);
    if (p < best)
      best = p;
    if (best == lb)
      break;
  } while (next_perm(perm, n));
  return best;
}
