/* spm_lit_parse.h - reads the lit directives (RUN:, REQUIRES:, UNSUPPORTED:,
 * XFAIL:, ALLOW_RETRIES:, END.) out of one test file. */
#ifndef SPM_LIT_PARSE_H
#define SPM_LIT_PARSE_H

#include "spm_lit_util.h"

typedef struct {
  /* "%dbg(RUN: at line N) <command>", with '\' continuations joined, as lit
   * keeps it before substitution. */
  char *command;
  size_t first_line;
  size_t last_line;
} spm_lit_run_line;

typedef struct {
  spm_lit_run_line *runs;
  size_t nruns;
  spm_lit_strvec xfails;      /* feature expressions, or "*" */
  spm_lit_strvec requires;
  spm_lit_strvec unsupported;
  int allowed_retries;        /* 0 unless ALLOW_RETRIES: was given */
} spm_lit_directives;

/* Parses the test file at path into d (zero-initialised by the caller).
 * Returns 0, or -1 with lit's message for an UNRESOLVED test in err. */
int spm_lit_parse_directives(const char *path, spm_lit_directives *d,
                             spm_lit_buf *err);
void spm_lit_directives_free(spm_lit_directives *d);

#endif /* SPM_LIT_PARSE_H */
