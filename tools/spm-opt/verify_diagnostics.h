// --verify-diagnostics: matches emitted diagnostics against comments in the
// input, as mlir-opt does:
//
//   // expected-error @+1 {{substring of the message}}
//   // expected-warning@below {{...}}   expected-remark@-2 {{...}}
//   // expected-note@above {{...}}      expected-error@7 {{...}} (absolute)
//
// An expectation matches a diagnostic of the same severity on its line
// whose message contains the text. Every error/warning/remark must be
// expected; unexpected notes are ignored (MLIR attaches "see current
// operation" notes that the C API cannot switch off).
#ifndef SPM_OPT_VERIFY_DIAGNOSTICS_H
#define SPM_OPT_VERIFY_DIAGNOSTICS_H

#include <stdbool.h>
#include <stdio.h>

#include "support/diag.h"
#include "support/status.h"

typedef struct spm_expected_diag_s {
  spm_diag_severity_t severity;
  unsigned line;      // line the diagnostic must be on
  unsigned decl_line; // where the comment is
  unsigned decl_col;
  char *text; // owned
  bool matched;
} spm_expected_diag_t;

typedef struct spm_expected_list_s {
  spm_expected_diag_t *items; // owned
  size_t n;
} spm_expected_list_t;

// Parses the expectations in `text` (line numbers as in `text`). A
// malformed expectation is an error naming file:line:col.
spm_status_t spm_expected_parse(const char *file, const char *text,
                                spm_expected_list_t *out);
void spm_expected_free(spm_expected_list_t *l);

// Checks the diagnostics collected by `e` against `l`; prints every
// mismatch through `e` as an error. Returns true if everything matched.
bool spm_expected_check(spm_diag_engine_t *e, const char *file,
                        spm_expected_list_t *l);

#endif
