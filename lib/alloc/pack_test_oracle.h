// Oracles of the packing unit tests (spm-unit-pack, spm-unit-pack-phase),
// written independently of the packers.
//
// Brute force: the optimum peak is the minimum over ALL orders of "place
// each buffer at the lowest aligned offset that overlaps no placed
// conflicting buffer" (first fit). That is exact: sort an optimal packing by
// offset and place in that order; by induction each buffer's optimal offset
// is still free (every earlier conflicting buffer ends at or below it, and
// sits no higher than in the optimal packing), so first fit puts it at or
// below that offset and the peak is at most optimal.
#ifndef SPM_ALLOC_PACK_TEST_ORACLE_H
#define SPM_ALLOC_PACK_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/pack.h"

// spm_pack_validate(b[0..n), cap) is OK; otherwise prints its message to
// standard error and returns false. Every packing a test produces goes
// through here.
bool spm_pack_test_valid(const spm_pack_buffer_t *b, size_t n, int64_t cap);

// The optimum peak of b[0..n) (n <= 8), stopping early once it meets lb.
int64_t spm_pack_test_brute_force(const spm_pack_buffer_t *b, size_t n,
                                  int64_t lb);

#endif
