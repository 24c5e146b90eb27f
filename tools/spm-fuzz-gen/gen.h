// spm-fuzz-gen: a random program for the end-to-end reference check
// (docs/refcheck.md, "Random programs").
//
// spm_fuzz_gen(seed, out) writes one MLIR module: a function of linalg ops
// on static-shape memrefs (f32, i8, i32; identity layouts; no results)
// made only of what spm-place, spm-allocate and spm-lower take, plus a
// comment line `// spm-opt: OPTIONS` with the random target and pass options
// to compile it with. The same seed always gives the same text.
#ifndef SPM_FUZZ_GEN_H
#define SPM_FUZZ_GEN_H

#include <stdint.h>
#include <stdio.h>

void spm_fuzz_gen(uint64_t seed, FILE *out);

#endif
