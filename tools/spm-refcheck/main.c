// spm-refcheck: the reference check of spm-run against upstream MLIR
// (docs/refcheck.md).
//
//   spm-refcheck wrap INPUT.mlir --data DIR [--seed N] [--func NAME] -o OUT
//   spm-refcheck compare REFERENCE.txt RUN.txt [--rtol R] [--atol-scale A]
//
// Exit codes: 0 success, 1 a failed check or bad input, 2 usage errors.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refcheck.h"

static int usage(const char *msg) {
  if (msg)
    fprintf(stderr, "spm-refcheck: error: %s\n", msg);
  fprintf(stderr,
          "usage: spm-refcheck wrap INPUT.mlir --data DIR [--seed N] "
          "[--func NAME] -o OUT.mlir\n"
          "       spm-refcheck compare REFERENCE.txt RUN.txt [--rtol R] "
          "[--atol-scale A]\n");
  return 2;
}

static bool parse_u64(const char *s, uint64_t *out) {
  char *e;
  errno = 0;
  unsigned long long v = strtoull(s, &e, 10);
  if (errno || e == s || *e || s[0] == '-')
    return false;
  *out = v;
  return true;
}

static bool parse_double(const char *s, double *out) {
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (errno || e == s || *e || !(v >= 0))
    return false;
  *out = v;
  return true;
}

static int finish(spm_status_t st) {
  if (spm_status_is_ok(st))
    return 0;
  fprintf(stderr, "spm-refcheck: error: %s\n", spm_status_message(st));
  spm_status_free(st);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage("missing command");
  if (strcmp(argv[1], "wrap") == 0) {
    spm_refcheck_wrap_options_t o = {.seed = 1};
    for (int i = 2; i < argc; ++i) {
      const char *a = argv[i];
      bool has = i + 1 < argc;
      if (strcmp(a, "--data") == 0 && has)
        o.data_dir = argv[++i];
      else if (strcmp(a, "--func") == 0 && has)
        o.func = argv[++i];
      else if (strcmp(a, "-o") == 0 && has)
        o.output = argv[++i];
      else if (strcmp(a, "--seed") == 0 && has) {
        if (!parse_u64(argv[++i], &o.seed))
          return usage("--seed needs a non-negative integer");
      } else if (a[0] == '-' && a[1])
        return usage("unknown option or missing value");
      else if (!o.input)
        o.input = a;
      else
        return usage("more than one input");
    }
    if (!o.input || !o.data_dir || !o.output)
      return usage("wrap needs INPUT, --data DIR and -o OUT");
    return finish(spm_refcheck_wrap(&o));
  }
  if (strcmp(argv[1], "compare") == 0) {
    spm_refcheck_compare_options_t o = {.rtol = 1e-4, .atol_scale = 1e-5};
    for (int i = 2; i < argc; ++i) {
      const char *a = argv[i];
      bool has = i + 1 < argc;
      if (strcmp(a, "--rtol") == 0 && has) {
        if (!parse_double(argv[++i], &o.rtol))
          return usage("--rtol needs a non-negative number");
      } else if (strcmp(a, "--atol-scale") == 0 && has) {
        if (!parse_double(argv[++i], &o.atol_scale))
          return usage("--atol-scale needs a non-negative number");
      } else if (a[0] == '-' && a[1])
        return usage("unknown option or missing value");
      else if (!o.reference)
        o.reference = a;
      else if (!o.run)
        o.run = a;
      else
        return usage("compare takes two files");
    }
    if (!o.reference || !o.run)
      return usage("compare needs REFERENCE.txt and RUN.txt");
    return finish(spm_refcheck_compare(&o));
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(NULL);
    return 0;
  }
  return usage("unknown command");
}
