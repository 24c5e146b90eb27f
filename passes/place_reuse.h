// spm-place, part 6: reuse distances (passes/place_reuse.c).
//
// For a buffer t used by ops i < j (consecutive uses in program order), its
// reuse distance at i is the number of distinct bytes of *other* buffers
// that the ops strictly between i and j touch: what a memory would have to
// hold besides t for t to survive from i to j. Counted exactly from the
// affine access relations of the placement model (place_model.h): each
// operand's footprint is the set of root elements its map reaches over the
// op's iteration space (per view dim, the distinct values of the dim's
// affine combination; dims whose loops are disjoint make a product, others
// fall back to the bounding box), and footprints of several ops are united
// element by element in a bitmap of the buffer. (isl, without barvinok,
// counts by enumerating points, which is no cheaper here.)
//
// Ownership: spm_place_reuse_create returns an object the caller frees with
// spm_place_reuse_free; it borrows the model, which must outlive it.
#ifndef SPM_PASSES_PLACE_REUSE_H
#define SPM_PASSES_PLACE_REUSE_H

#include <stdint.h>

#include "passes/place_model.h"

typedef struct spm_place_reuse_s spm_place_reuse_t;

// Reuse information for model `m` (borrowed). NULL when out of memory.
spm_place_reuse_t *spm_place_reuse_create(const spm_place_model_t *m);
void spm_place_reuse_free(spm_place_reuse_t *r);

// The next op after op `from` that uses tensor t, or -1.
int spm_place_reuse_next_use(const spm_place_reuse_t *r, int t, int from);

// Reuse distance of tensor t from its use at op `from` to its next use, in
// bytes; -1 when t is not used again. Computed on first request, then
// cached.
int64_t spm_place_reuse_distance(spm_place_reuse_t *r, int t, int from);

// The distinct elements of tensor t that model op `op` touches (0 when it
// does not use t).
int64_t spm_place_reuse_footprint(spm_place_reuse_t *r, int op, int t);

#endif
