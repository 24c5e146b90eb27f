/* spm_lit.c - spm-lit, a Python-free runner for the project's lit tests:
 * command line, test environment, the parallel scheduling loop and lit-style
 * reporting. See python-free/README.md.
 *
 *   spm-lit --config FILE [-v] [-j N] [--timeout SECS] PATH...
 */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_config.h"
#include "spm_lit_discover.h"
#include "spm_lit_exec.h"
#include "spm_lit_test.h"
#include "spm_lit_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPM_LIT_STARS "********************"

typedef struct {
  const char *config_file;
  int verbose;
  unsigned long jobs;
  unsigned long timeout;
  spm_lit_strvec paths; /* borrowed argv strings; not freed */
} spm_lit_options;

/* Variables lit passes through from its own environment (TestingConfig). */
static const char *const spm_lit_pass_vars[] = {
    "LIBRARY_PATH", "LD_LIBRARY_PATH", "SYSTEMROOT", "TERM", "CLANG",
    "CLANG_TOOLCHAIN_PROGRAM_TIMEOUT", "LLDB", "LD_PRELOAD",
    "LLVM_SYMBOLIZER_PATH", "LLVM_PROFILE_FILE", "ASAN_SYMBOLIZER_PATH",
    "HWASAN_SYMBOLIZER_PATH", "LSAN_SYMBOLIZER_PATH", "MSAN_SYMBOLIZER_PATH",
    "TSAN_SYMBOLIZER_PATH", "UBSAN_SYMBOLIZER_PATH", "ASAN_OPTIONS",
    "LSAN_OPTIONS", "HWASAN_OPTIONS", "MSAN_OPTIONS", "RTSAN_OPTIONS",
    "TSAN_OPTIONS", "UBSAN_OPTIONS", "ADB", "ADB_SERVER_SOCKET",
    "ANDROID_SERIAL", "SSH_AUTH_SOCK", "SANITIZER_IGNORE_CVE_2016_2143",
    "TMPDIR", "TMP", "TEMP", "TEMPDIR", "AVRLIT_BOARD", "AVRLIT_PORT",
    "FILECHECK_OPTS", "SOURCE_DATE_EPOCH", "GTEST_FILTER", "DFLTCC",
    "QEMU_LD_PREFIX", "QEMU_CPU", "HOME"};

static volatile sig_atomic_t spm_lit_interrupted = 0;

static void spm_lit_on_signal(int sig) {
  (void)sig;
  spm_lit_interrupted = 1;
}

static void spm_lit_usage(FILE *f) {
  fputs("usage: spm-lit --config FILE [-v] [-j N] [--timeout SECS] PATH...\n"
        "  --config FILE   runner configuration (see python-free/README.md)\n"
        "  -v, --verbose   also show the output of tests that did not fail\n"
        "  -j N, --jobs N  run N tests at once (default: online CPUs)\n"
        "  --timeout SECS  per-test time limit, 0 for none (default 300)\n",
        f);
}

static int spm_lit_usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "spm-lit: error: %s%s\n", msg, arg ? arg : "");
  spm_lit_usage(stderr);
  return 2;
}

static int spm_lit_parse_number(const char *s, unsigned long *out) {
  if (!s || *s < '0' || *s > '9')
    return -1;
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno != 0 || *end || v > 1000000000UL)
    return -1;
  *out = v;
  return 0;
}

/* Returns -1 when parsed, else the exit status to return right away. */
static int spm_lit_parse_args(int argc, char **argv, spm_lit_options *o) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  o->jobs = cpus > 0 ? (unsigned long)cpus : 1;
  o->timeout = 300;
  int only_paths = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
      spm_lit_strvec_push(&o->paths, (char *)a);
    } else if (strcmp(a, "--") == 0) {
      only_paths = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      spm_lit_usage(stdout);
      return 0;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (strcmp(a, "--config") == 0 || strncmp(a, "--config=", 9) == 0) {
      val = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
      if (!val || !*val)
        return spm_lit_usage_error("--config needs a file", NULL);
      o->config_file = val;
    } else if (strncmp(a, "-j", 2) == 0 || strcmp(a, "--jobs") == 0 ||
               strncmp(a, "--jobs=", 7) == 0) {
      if (a[1] == 'j')
        val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
      else
        val = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
      if (spm_lit_parse_number(val, &o->jobs) != 0 || o->jobs == 0)
        return spm_lit_usage_error("-j needs a positive number", NULL);
    } else if (strcmp(a, "--timeout") == 0 ||
               strncmp(a, "--timeout=", 10) == 0) {
      val = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
      if (spm_lit_parse_number(val, &o->timeout) != 0)
        return spm_lit_usage_error("--timeout needs a number of seconds",
                                   NULL);
    } else {
      return spm_lit_usage_error("unknown option ", a);
    }
  }
  if (!o->config_file)
    return spm_lit_usage_error("missing --config FILE", NULL);
  if (o->paths.len == 0)
    return spm_lit_usage_error("no test paths given", NULL);
  return -1;
}

/* Sets NAME=VALUE in env, replacing an earlier NAME. */
static void spm_lit_env_set(spm_lit_strvec *env, const char *name,
                            size_t name_len, const char *value) {
  char *entry = spm_lit_xasprintf("%.*s=%s", (int)name_len, name, value);
  for (size_t i = 0; i < env->len; i++) {
    if (strncmp(env->items[i], entry, name_len + 1) == 0) {
      free(env->items[i]);
      env->items[i] = entry;
      return;
    }
  }
  spm_lit_strvec_push(env, entry);
}

/* lit's test environment: a few pass-through variables, PATH, the config's
 * env entries, then the config's path directories in front of PATH. */
static void spm_lit_build_env(const spm_lit_config *cfg, spm_lit_strvec *env) {
  for (size_t i = 0; i < sizeof spm_lit_pass_vars / sizeof *spm_lit_pass_vars;
       i++) {
    const char *v = getenv(spm_lit_pass_vars[i]);
    if (v)
      spm_lit_env_set(env, spm_lit_pass_vars[i], strlen(spm_lit_pass_vars[i]),
                      v);
  }
  const char *path = getenv("PATH");
  spm_lit_env_set(env, "PATH", 4, path ? path : "");
  spm_lit_env_set(env, "LLVM_DISABLE_CRASH_REPORT", 25, "1");
  for (size_t i = 0; i < cfg->env.len; i++) {
    const char *e = cfg->env.items[i];
    const char *eq = strchr(e, '=');
    spm_lit_env_set(env, e, (size_t)(eq - e), eq + 1);
  }
  if (cfg->paths.len == 0)
    return;
  spm_lit_buf p = {0};
  for (size_t i = 0; i < cfg->paths.len; i++) {
    if (i)
      spm_lit_buf_putc(&p, ':');
    spm_lit_buf_puts(&p, cfg->paths.items[i]);
  }
  for (size_t i = 0; i < env->len; i++) {
    if (strncmp(env->items[i], "PATH=", 5) == 0 && env->items[i][5]) {
      spm_lit_buf_putc(&p, ':');
      spm_lit_buf_puts(&p, env->items[i] + 5);
    }
  }
  spm_lit_env_set(env, "PATH", 4, spm_lit_buf_str(&p));
  spm_lit_buf_free(&p);
}

typedef struct {
  const spm_lit_config *cfg;
  const spm_lit_options *opts;
  const spm_lit_strvec *env;
  spm_lit_test *tests;
  size_t ntests;
} spm_lit_run;

/* Prepares (first attempt only) and starts test i in job. Returns 1 when
 * started, 0 when the test already has its result. */
static int spm_lit_start_test(spm_lit_run *r, size_t i, spm_lit_job *job) {
  spm_lit_test *t = &r->tests[i];
  if (t->attempts == 0 && !spm_lit_test_prepare(t, r->cfg))
    return 0;
  t->attempts++;
  char **envp = spm_lit_xmalloc((r->env->len + 2) * sizeof *envp);
  memcpy(envp, r->env->items, r->env->len * sizeof *envp);
  char *current = spm_lit_xasprintf("LIT_CURRENT_TESTCASE=%s :: %s",
                                    r->cfg->suite_name, t->name);
  envp[r->env->len] = current;
  envp[r->env->len + 1] = NULL;
  spm_lit_buf err = {0};
  int rc = spm_lit_job_start(job, t->script_path, t->exec_dir, envp,
                             (unsigned)r->opts->timeout, &err);
  free(current);
  free(envp);
  if (rc != 0) {
    t->code = SPM_LIT_UNRESOLVED;
    spm_lit_buf_free(&t->output);
    spm_lit_buf_printf(&t->output, "spm-lit: %s", spm_lit_buf_str(&err));
    spm_lit_buf_free(&err);
    return 0;
  }
  job->test_index = i;
  return 1;
}

static void spm_lit_print_result(const spm_lit_run *r, const spm_lit_test *t) {
  const char *suite = r->cfg->suite_name;
  printf("%s: %s :: %s\n", spm_lit_code_name(t->code), suite, t->name);
  int failed = spm_lit_code_is_failure(t->code);
  if (failed || r->opts->verbose) {
    if (failed)
      printf(SPM_LIT_STARS " TEST '%s :: %s' FAILED " SPM_LIT_STARS "\n",
             suite, t->name);
    fwrite(t->output.data ? t->output.data : "", 1, t->output.len, stdout);
    fputs("\n" SPM_LIT_STARS "\n", stdout);
  }
  fflush(stdout);
}

/* The lit-style listing of failures and the summary line. */
static int spm_lit_print_summary(const spm_lit_run *r) {
  const char *suite = r->cfg->suite_name;
  size_t counts[SPM_LIT_NCODES] = {0};
  for (size_t i = 0; i < r->ntests; i++)
    counts[r->tests[i].code]++;
  for (int c = 0; c < SPM_LIT_NCODES; c++) {
    if (!counts[c] || !spm_lit_code_is_failure((spm_lit_code)c))
      continue;
    printf(SPM_LIT_STARS "\n%s Tests (%zu):\n",
           spm_lit_code_label((spm_lit_code)c), counts[c]);
    for (size_t i = 0; i < r->ntests; i++)
      if (r->tests[i].code == (spm_lit_code)c)
        printf("  %s :: %s\n", suite, r->tests[i].name);
    putchar('\n');
  }
  size_t passed = counts[SPM_LIT_PASS] + counts[SPM_LIT_FLAKYPASS] +
                  counts[SPM_LIT_XFAIL];
  size_t failed = r->ntests - passed - counts[SPM_LIT_UNSUPPORTED];
  printf("%zu passed, %zu failed", passed, failed);
  if (counts[SPM_LIT_UNSUPPORTED])
    printf(", %zu skipped", counts[SPM_LIT_UNSUPPORTED]);
  putchar('\n');
  fflush(stdout);
  return failed == 0 && r->ntests > 0 ? 0 : 1;
}

/* Runs all tests, printing results in name order as soon as they and all
 * tests before them are done. Returns 0, or -1 when interrupted. */
static int spm_lit_run_all(spm_lit_run *r) {
  size_t workers = r->opts->jobs < r->ntests ? r->opts->jobs : r->ntests;
  printf("-- Testing: %zu tests, %zu workers --\n", r->ntests, workers);
  fflush(stdout);
  spm_lit_job *jobs = spm_lit_xmalloc(workers * sizeof *jobs);
  spm_lit_job **running = spm_lit_xmalloc(workers * sizeof *running);
  for (size_t i = 0; i < workers; i++)
    running[i] = &jobs[i];
  size_t nrunning = 0, next_start = 0, next_print = 0;
  int rc = 0;
  while (next_print < r->ntests) {
    while (nrunning < workers && next_start < r->ntests)
      if (spm_lit_start_test(r, next_start++, &jobs[nrunning]))
        nrunning++;
    while (next_print < r->ntests &&
           r->tests[next_print].code != SPM_LIT_PENDING)
      spm_lit_print_result(r, &r->tests[next_print++]);
    if (nrunning == 0)
      continue;
    long k = spm_lit_jobs_wait(running, nrunning, &spm_lit_interrupted);
    if (k < 0) {
      for (size_t i = 0; i < nrunning; i++) {
        spm_lit_job_abort(&jobs[i]);
        spm_lit_job_release(&jobs[i]);
      }
      rc = -1;
      break;
    }
    spm_lit_job *job = &jobs[k];
    size_t ti = job->test_index;
    int again = spm_lit_test_record_run(&r->tests[ti], job->exit_code,
                                        job->timed_out,
                                        (unsigned)r->opts->timeout,
                                        &job->out[0], &job->out[1]);
    spm_lit_job_release(job);
    if (!again || !spm_lit_start_test(r, ti, job))
      jobs[k] = jobs[--nrunning];
  }
  free(jobs);
  free(running);
  return rc;
}

static int spm_lit_compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Makes sure fds 0-2 are open, so pipes never land on them. */
static void spm_lit_guard_std_fds(void) {
  for (;;) {
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
      return;
    if (fd > 2) {
      close(fd);
      return;
    }
  }
}

int main(int argc, char **argv) {
  spm_lit_guard_std_fds();
  spm_lit_options opts = {0};
  int status = spm_lit_parse_args(argc, argv, &opts);
  if (status >= 0) {
    free(opts.paths.items);
    return status;
  }

  spm_lit_config cfg = {0};
  spm_lit_buf err = {0};
  spm_lit_strvec names = {0};
  if (spm_lit_config_load(&cfg, opts.config_file, &err) != 0) {
    status = 2;
  } else {
    for (size_t i = 0; i < opts.paths.len && status < 0; i++)
      if (spm_lit_discover(&cfg, opts.paths.items[i], &names, &err) != 0)
        status = 2;
  }
  free(opts.paths.items);
  if (status == 2) {
    fprintf(stderr, "spm-lit: error: %s\n", spm_lit_buf_str(&err));
    spm_lit_buf_free(&err);
    spm_lit_strvec_free(&names);
    spm_lit_config_free(&cfg);
    return 2;
  }

  if (names.len > 1)
    qsort(names.items, names.len, sizeof *names.items,
          spm_lit_compare_strings);
  spm_lit_test *tests = spm_lit_xmalloc((names.len ? names.len : 1) *
                                        sizeof *tests);
  size_t ntests = 0;
  for (size_t i = 0; i < names.len; i++) {
    if (ntests && strcmp(tests[ntests - 1].name, names.items[i]) == 0) {
      free(names.items[i]); /* the same test given twice */
      continue;
    }
    memset(&tests[ntests], 0, sizeof tests[ntests]);
    tests[ntests].name = names.items[i];
    tests[ntests].source = spm_lit_path_join(cfg.root, names.items[i]);
    ntests++;
  }
  free(names.items);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = spm_lit_on_signal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
    fprintf(stderr, "spm-lit: warning: cannot install signal handlers: %s\n",
            strerror(errno));

  spm_lit_strvec env = {0};
  spm_lit_build_env(&cfg, &env);
  spm_lit_run run = {&cfg, &opts, &env, tests, ntests};
  if (ntests == 0) {
    fprintf(stderr, "spm-lit: error: did not discover any tests for "
                    "provided path(s)\n");
    status = spm_lit_print_summary(&run);
  } else if (spm_lit_run_all(&run) != 0) {
    fprintf(stderr, "spm-lit: error: interrupted\n");
    status = 130;
  } else {
    status = spm_lit_print_summary(&run);
  }
  for (size_t i = 0; i < ntests; i++)
    spm_lit_test_free(&tests[i]);
  free(tests);
  spm_lit_strvec_free(&env);
  spm_lit_config_free(&cfg);
  spm_lit_buf_free(&err);
  return status;
}
