// spm-refcheck: the two halves of the reference check of spm-run against
// upstream MLIR (docs/refcheck.md).
//
//   wrap     the unmodified input function + seeded argument data as
//            constants + an entry `spm_ref_main` that copies them into
//            fresh memrefs, calls the function and prints every argument
//            with the runner utilities -- a module for mlir-opt's
//            linalg -> loops -> LLVM pipeline and mlir-runner. The same
//            data is written as raw files for `spm-run --input`.
//   compare  the reference's printed memrefs against `spm-run
//            --print-outputs`: integers exactly, f32 within a tolerance.
//
// Ownership: every function borrows its arguments; statuses follow
// support/status.h (the caller frees a non-OK status).
#ifndef SPM_TOOLS_REFCHECK_H
#define SPM_TOOLS_REFCHECK_H

#include <stdint.h>

#include "support/status.h"

typedef struct spm_refcheck_wrap_options_s {
  const char *input;    // .mlir file with the function under test
  const char *func;     // function name, or NULL: the only one with a body
  uint64_t seed;        // the seed of spm-run's generator
  const char *data_dir; // existing directory for arg<i>.bin and args.txt
  const char *output;   // the wrapped module ("-" = stdout)
} spm_refcheck_wrap_options_t;

// Writes the wrapped module and, in data_dir, arg<i>.bin (raw little-endian
// bytes of argument i) and args.txt (the matching `--input arg<i>=PATH`
// options for spm-run, one line). Diagnostics of the parser go to stderr.
spm_status_t spm_refcheck_wrap(const spm_refcheck_wrap_options_t *o);

typedef struct spm_refcheck_compare_options_s {
  const char *reference; // mlir-runner's output
  const char *run;       // spm-run --print-outputs
  double rtol;           // f32: |got - ref| <= rtol * |ref| + atol
  double atol_scale;     //   where atol = atol_scale * max |ref| of the tensor
} spm_refcheck_compare_options_t;

// Compares; prints a summary line to stdout and up to 10 mismatches. FAILED
// when a value differs beyond the tolerance or the shapes differ.
spm_status_t spm_refcheck_compare(const spm_refcheck_compare_options_t *o);

#endif
