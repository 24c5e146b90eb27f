// Instance generators for the packing tests and benchmark (not part of the
// spm_alloc library proper: linked into spm-unit-pack and spm-bench-pack).
// Deterministic for a given seed on every platform.
#ifndef SPM_ALLOC_PACK_GEN_H
#define SPM_ALLOC_PACK_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/pack.h"

typedef struct spm_pack_rng_s {
  uint64_t state;
} spm_pack_rng_t;

spm_pack_rng_t spm_pack_rng(uint64_t seed);
uint64_t spm_pack_rng_next(spm_pack_rng_t *r);
// Uniform in [lo, hi] (lo <= hi).
int64_t spm_pack_rng_range(spm_pack_rng_t *r, int64_t lo, int64_t hi);

// Small random instances: start in [0, horizon - 1), end in (start, horizon],
// size in [1, max_size], alignment 1, 2 or 4. ids 0..n-1.
void spm_pack_gen_small(spm_pack_rng_t *r, size_t n, int64_t horizon,
                        int64_t max_size, spm_pack_buffer_t *out);

// A DNN-like schedule: about two buffers per step; activations live until
// their consumers (mostly the next op, some branches, a few long skip
// connections), one-step workspaces, weights fetched a few steps early.
// Sizes log-uniform in [256 B, 1 MiB], multiples of 64, aligned to 64.
void spm_pack_gen_dnn(spm_pack_rng_t *r, size_t n, spm_pack_buffer_t *out);

// A tight instance: the rectangle [0, horizon) x [0, capacity) cut by random
// guillotine cuts (offsets at multiples of granule) into n pieces, so a
// packing with peak = capacity = lower bound exists; out[i].offset holds it.
// Balanced: always cut the largest piece across its longer side (relative
// to the whole rectangle) between 20% and 80% -- pieces of similar area, like
// a busy schedule. Otherwise: cut a random piece in a random direction at a
// uniform position -- many slivers (1-step lives, few-byte sizes), which
// makes the instances much harder.
// Alignment = granule. Returns the number of pieces: n unless the rectangle
// cannot be cut that fine. ids are a random permutation of 0..count-1 and
// the buffers are shuffled.
size_t spm_pack_gen_tight(spm_pack_rng_t *r, size_t n, int64_t horizon,
                          int64_t capacity, int64_t granule, bool balanced,
                          spm_pack_buffer_t *out);

// A tight instance with holes, like a busy schedule with some slack: the
// balanced tight instance of n pieces (horizon n steps, capacity 1 MiB in
// 1 KiB units), then each piece not live at the middle step (horizon / 2)
// removed with probability drop_percent / 100. The middle column stays
// full, so the lower bound stays = capacity, and the remaining pieces keep
// their offsets (out[i].offset): a packing at capacity = lower bound
// exists. Returns the number of pieces kept (ids unique, not contiguous).
size_t spm_pack_gen_holes(spm_pack_rng_t *r, size_t n, int drop_percent,
                          spm_pack_buffer_t *out);

#endif
