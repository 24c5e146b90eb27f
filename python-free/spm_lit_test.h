/* spm_lit_test.h - one test: its result codes, its preparation (directives,
 * feature checks, substitutions, the bash script lit would write) and the
 * recording of a finished run as lit's result text. */
#ifndef SPM_LIT_TEST_H
#define SPM_LIT_TEST_H

#include "spm_lit_config.h"
#include "spm_lit_util.h"

/* lit's result codes, in lit's order (ResultCode.all_codes()). */
typedef enum {
  SPM_LIT_PENDING = 0,
  SPM_LIT_UNSUPPORTED,
  SPM_LIT_PASS,
  SPM_LIT_FLAKYPASS,
  SPM_LIT_XFAIL,
  SPM_LIT_UNRESOLVED,
  SPM_LIT_TIMEOUT,
  SPM_LIT_FAIL,
  SPM_LIT_XPASS,
  SPM_LIT_NCODES
} spm_lit_code;

const char *spm_lit_code_name(spm_lit_code code);   /* "PASS" */
const char *spm_lit_code_label(spm_lit_code code);  /* "Passed" */
int spm_lit_code_is_failure(spm_lit_code code);

typedef struct {
  char *name;          /* path relative to the root, '/'-separated */
  char *source;        /* absolute path of the test file */
  spm_lit_code code;   /* SPM_LIT_PENDING until the result is known */
  spm_lit_buf output;  /* lit's result output (shown for failures) */
  /* Set by spm_lit_test_prepare when the test has to run: */
  char *exec_dir;      /* the working directory: OUTPUT/<dir of name> */
  char *script_path;   /* OUTPUT/<dir of name>/Output/<base>.script */
  char *script;        /* its contents */
  int expect_fail;     /* an XFAIL: expression matched */
  int max_attempts;    /* 1 + ALLOW_RETRIES: */
  int attempts;        /* runs started so far */
} spm_lit_test;

/* Parses the test, applies REQUIRES:/UNSUPPORTED:, expands substitutions and
 * writes the script. Returns 1 when the script must be run, 0 when the
 * result (UNSUPPORTED or UNRESOLVED) is already set. */
int spm_lit_test_prepare(spm_lit_test *t, const spm_lit_config *cfg);

/* Records one finished run (exit_code < 0: killed by signal -exit_code).
 * Returns 1 when the test should run again (ALLOW_RETRIES:), else 0 with
 * the final code and output set. */
int spm_lit_test_record_run(spm_lit_test *t, int exit_code, int timed_out,
                            unsigned timeout_secs, const spm_lit_buf *out,
                            const spm_lit_buf *err);

void spm_lit_test_free(spm_lit_test *t);

#endif /* SPM_LIT_TEST_H */
