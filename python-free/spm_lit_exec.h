/* spm_lit_exec.h - runs test scripts as child processes: "/bin/bash SCRIPT"
 * in its own process group, stdin from /dev/null, stdout and stderr captured
 * separately, with a per-test timeout; waits for any of several jobs. */
#ifndef SPM_LIT_EXEC_H
#define SPM_LIT_EXEC_H

#include "spm_lit_util.h"

#include <signal.h>
#include <sys/types.h>
#include <time.h>

typedef struct {
  pid_t pid;               /* also the process group id */
  int fd[2];               /* read ends for stdout/stderr; -1 once at EOF */
  spm_lit_buf out[2];      /* captured stdout, stderr */
  struct timespec deadline;
  int has_deadline;
  int timed_out;           /* set when the job was killed for the timeout */
  int exit_code;           /* when finished; -N when killed by signal N */
  size_t test_index;       /* for the caller */
} spm_lit_job;

/* Starts /bin/bash SCRIPT in CWD with environment ENVP; timeout 0 means
 * none. Returns 0, or -1 with a message in err (nothing started). */
int spm_lit_job_start(spm_lit_job *job, const char *script, const char *cwd,
                      char *const envp[], unsigned timeout_secs,
                      spm_lit_buf *err);

/* Waits until one of the n jobs has finished (exited and both pipes at EOF,
 * or killed on timeout) and returns its index. Returns -1 as soon as
 * *stop is non-zero (set from a signal handler). */
long spm_lit_jobs_wait(spm_lit_job *const jobs[], size_t n,
                       volatile sig_atomic_t *stop);

/* Kills the job's process group and reaps it (used when interrupted). */
void spm_lit_job_abort(spm_lit_job *job);

/* Frees the captured output. */
void spm_lit_job_release(spm_lit_job *job);

#endif /* SPM_LIT_EXEC_H */
