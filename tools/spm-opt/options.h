// spm-opt's command line, parsed with mlir-opt's conventions.
#ifndef SPM_OPT_OPTIONS_H
#define SPM_OPT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "support/status.h"

// A pass given as a flag (--NAME or --NAME=OPTIONS), in command-line order.
typedef struct spm_opt_pass_flag_s {
  const char *name;    // borrowed from argv or owned (see owned_names)
  const char *options; // NULL when no '='
} spm_opt_pass_flag_t;

typedef struct spm_opt_options_s {
  const char *input;          // "-" = stdin
  const char *output;         // "-" = stdout
  const char *pass_pipeline;  // --pass-pipeline, or NULL
  const char *target;         // --spm-target, or NULL
  bool split_input_file;
  bool verify_diagnostics;
  bool print_generic;         // --mlir-print-op-generic
  bool print_debuginfo;       // --mlir-print-debuginfo
  bool allow_unregistered;    // --allow-unregistered-dialect
  bool help, version, list_passes;
  spm_opt_pass_flag_t *passes; // owned array
  size_t npasses;
  char **owned; // strings split out of argv (NAME of --NAME=OPTS)
  size_t nowned;
} spm_opt_options_t;

// Parses argv. Unknown --flags are kept as pass flags and resolved when the
// pipeline is built. On error returns INVALID_ARGUMENT; either way the
// caller releases with spm_opt_options_free().
spm_status_t spm_opt_options_parse(int argc, char **argv,
                                   spm_opt_options_t *out);
void spm_opt_options_free(spm_opt_options_t *o);

// Prints --help text (including every registered spm pass).
void spm_opt_print_help(const char *argv0);
// Prints --list-passes.
void spm_opt_print_passes(void);

#endif
