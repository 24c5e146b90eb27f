// Instance generators (see pack_gen.h).
#include "alloc/pack_gen.h"

#include <math.h>
#include <stdbool.h>

spm_pack_rng_t spm_pack_rng(uint64_t seed) {
  spm_pack_rng_t r = {seed * 0x9E3779B97F4A7C15ull + 1};
  return r;
}

// splitmix64
uint64_t spm_pack_rng_next(spm_pack_rng_t *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t spm_pack_rng_range(spm_pack_rng_t *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)(hi - lo) + 1;
  return lo + (int64_t)(span ? spm_pack_rng_next(r) % span : 0);
}

static double spm_pack_rng_unit(spm_pack_rng_t *r) {
  return (double)(spm_pack_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

void spm_pack_gen_small(spm_pack_rng_t *r, size_t n, int64_t horizon,
                        int64_t max_size, spm_pack_buffer_t *out) {
  static const int64_t aligns[3] = {1, 2, 4};
  for (size_t i = 0; i < n; ++i) {
    spm_pack_buffer_t *b = &out[i];
    b->id = (int64_t)i;
    b->start = spm_pack_rng_range(r, 0, horizon - 2);
    b->end = spm_pack_rng_range(r, b->start + 1, horizon);
    b->size = spm_pack_rng_range(r, 1, max_size);
    b->align = aligns[spm_pack_rng_range(r, 0, 2)];
    b->offset = -1;
  }
}

void spm_pack_gen_dnn(spm_pack_rng_t *r, size_t n, spm_pack_buffer_t *out) {
  for (size_t i = 0; i < n; ++i) {
    spm_pack_buffer_t *b = &out[i];
    int64_t t = (int64_t)(i / 2);
    int64_t kind = spm_pack_rng_range(r, 0, 99);
    b->id = (int64_t)i;
    if (kind < 50) { // activation: until its last consumer
      int64_t u = spm_pack_rng_range(r, 0, 99), life = 1;
      if (u >= 70 && u < 92)
        life = spm_pack_rng_range(r, 2, 4); // branches
      else if (u >= 92)
        life = spm_pack_rng_range(r, 5, 40); // skip connections
      b->start = t;
      b->end = t + 1 + life;
    } else if (kind < 80) { // workspace of one op
      b->start = t;
      b->end = t + 1;
    } else { // weights, prefetched a few steps ahead of their op
      b->start = t - spm_pack_rng_range(r, 0, 6);
      if (b->start < 0)
        b->start = 0;
      b->end = t + 1;
    }
    double lg = 8.0 + 12.0 * spm_pack_rng_unit(r); // 2^8 .. 2^20
    int64_t size = (int64_t)pow(2.0, lg);
    b->size = (size + 63) / 64 * 64;
    b->align = 64;
    b->offset = -1;
  }
}

typedef struct {
  int64_t t0, t1, o0, o1;
} spm_pack_rect_t;

// The rectangle to cut next: the largest (normalised area w/T * h/C) in
// "balanced" mode, any at random otherwise.
static size_t spm_pack_pick(spm_pack_rng_t *r, const spm_pack_buffer_t *out,
                            size_t k, bool balanced) {
  if (!balanced)
    return (size_t)spm_pack_rng_range(r, 0, (int64_t)k - 1);
  size_t best = 0;
  double ba = -1;
  for (size_t j = 0; j < k; ++j) {
    double a = (double)(out[j].end - out[j].start) * (double)out[j].size;
    if (a > ba) {
      ba = a;
      best = j;
    }
  }
  return best;
}

size_t spm_pack_gen_tight(spm_pack_rng_t *r, size_t n, int64_t horizon,
                          int64_t capacity, int64_t granule, bool balanced,
                          spm_pack_buffer_t *out) {
  // Rectangles are stored in out[] as they are cut (start/end/offset/size).
  size_t k = 1;
  out[0] = (spm_pack_buffer_t){0, 0, horizon, capacity, granule, 0};
  size_t stuck = 0;
  while (k < n && stuck < 64 * n + 1000) {
    size_t j = spm_pack_pick(r, out, k, balanced);
    spm_pack_buffer_t *b = &out[j];
    bool can_t = b->end - b->start >= 2;
    bool can_o = b->size >= 2 * granule;
    if (!can_t && !can_o) {
      stuck++;
      if (balanced)
        break;
      continue;
    }
    bool cut_time;
    if (!can_t || !can_o)
      cut_time = can_t;
    else if (balanced) // the longer side, relative to the whole rectangle
      cut_time = (double)(b->end - b->start) / (double)horizon >=
                 (double)b->size / (double)capacity;
    else
      cut_time = spm_pack_rng_range(r, 0, 1) == 0;
    spm_pack_buffer_t c = *b;
    if (cut_time) {
      int64_t w = b->end - b->start;
      int64_t lo = 1, hi = w - 1;
      if (balanced && w >= 5)
        lo = w / 5, hi = w - w / 5;
      int64_t t = b->start + spm_pack_rng_range(r, lo, hi);
      b->end = t;
      c.start = t;
    } else {
      int64_t units = b->size / granule;
      int64_t lo = 1, hi = units - 1;
      if (balanced && units >= 5)
        lo = units / 5, hi = units - units / 5;
      int64_t u = spm_pack_rng_range(r, lo, hi);
      b->size = u * granule;
      c.offset = b->offset + b->size;
      c.size = (units - u) * granule;
    }
    out[k++] = c;
  }
  // Shuffle (Fisher-Yates) and give ids as a random permutation.
  for (size_t i = k; i > 1; --i) {
    size_t j = (size_t)spm_pack_rng_range(r, 0, (int64_t)i - 1);
    spm_pack_buffer_t tmp = out[i - 1];
    out[i - 1] = out[j];
    out[j] = tmp;
  }
  for (size_t i = 0; i < k; ++i)
    out[i].id = (int64_t)i;
  for (size_t i = k; i > 1; --i) {
    size_t j = (size_t)spm_pack_rng_range(r, 0, (int64_t)i - 1);
    int64_t tmp = out[i - 1].id;
    out[i - 1].id = out[j].id;
    out[j].id = tmp;
  }
  return k;
}

size_t spm_pack_gen_holes(spm_pack_rng_t *r, size_t n, int drop_percent,
                          spm_pack_buffer_t *out) {
  int64_t horizon = (int64_t)n;
  size_t m = spm_pack_gen_tight(r, n, horizon, 1 << 20, 1024, true, out);
  int64_t mid = horizon / 2;
  size_t k = 0;
  for (size_t i = 0; i < m; ++i) {
    bool at_mid = out[i].start <= mid && mid < out[i].end;
    if (!at_mid && spm_pack_rng_range(r, 0, 99) < drop_percent)
      continue;
    out[k++] = out[i];
  }
  return k;
}
