// Internals of lib/place shared by tile_model.c (evaluate) and tile_search.c.
// Not part of the API.
#ifndef SPM_PLACE_TILE_INTERNAL_H
#define SPM_PLACE_TILE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "place/tile_model.h"

// Checked and saturating int64 arithmetic (operands are >= 0 where
// saturation is used).
static inline bool spm_tile_mul_ov(int64_t a, int64_t b, int64_t *r) {
  return __builtin_mul_overflow(a, b, r);
}
static inline bool spm_tile_add_ov(int64_t a, int64_t b, int64_t *r) {
  return __builtin_add_overflow(a, b, r);
}
static inline int64_t spm_tile_sat_mul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}
static inline int64_t spm_tile_sat_add(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}
// `bytes` (>= 0) rounded up to a multiple of `align` (>= 1), saturating.
static inline int64_t spm_tile_align_up(int64_t bytes, int64_t align) {
  int64_t r = bytes % align;
  return r ? spm_tile_sat_add(bytes, align - r) : bytes;
}

// A connected component of an operand's map: array dims (rows) linked by the
// iteration dims they share. Footprint sums factorise over components.
typedef struct spm_tile_comp_s {
  uint32_t dims; // iteration dims used by the rows
  uint32_t rows; // array dims
  bool in_bounds; // every row's image of the whole domain lies in [0, S)
} spm_tile_comp_t;

typedef struct spm_tile_opinfo_s {
  uint32_t relevant; // R(X)
  int ncomp;
  spm_tile_comp_t comp[SPM_TILE_MAX_RANK];
} spm_tile_opinfo_t;

void spm_tile_analyze_operand(const spm_tile_problem_t *p, int x,
                              spm_tile_opinfo_t *info);

// Over the tile identities of one component (the tile indices of its dims):
// sum of the products of its rows' extents, how many are non-zero, and the
// largest. Only tile[j] for j in c->dims is read. Returns false on overflow.
typedef struct spm_tile_stats_s {
  int64_t sum, count, max;
} spm_tile_stats_t;
bool spm_tile_comp_stats(const spm_tile_problem_t *p, int x,
                         const spm_tile_comp_t *c, const int64_t *tile,
                         spm_tile_stats_t *out);

// Validates order (a permutation) and tile sizes; INVALID_ARGUMENT.
spm_status_t spm_tile_validate_tiling(const spm_tile_problem_t *p,
                                      const int *order, const int64_t *tile);
spm_status_t spm_tile_validate_options(const spm_tile_options_t *o);

static inline int64_t spm_tile_trips(int64_t extent, int64_t tile) {
  return (extent + tile - 1) / tile;
}

#endif
