// spm-fuzz-gen: prints a random linalg program for the end-to-end reference
// check (docs/refcheck.md, "Random programs"; scripts/fuzz-refcheck.sh
// drives it).
//
//   spm-fuzz-gen SEED [-o FILE]
//
// The program (tools/spm-fuzz-gen/gen.c says what it contains) is one
// func.func over static-shape memrefs of f32 / i8 / i32 with identity
// layouts and no results; a `// spm-opt: ...` line gives the random target
// and pass options to compile it with. Exit codes: 0 success, 1 a file
// that cannot be written, 2 usage errors.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static int usage(const char *msg) {
  if (msg)
    fprintf(stderr, "spm-fuzz-gen: error: %s\n", msg);
  fprintf(stderr, "usage: spm-fuzz-gen SEED [-o FILE]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *seed_arg = NULL, *out_path = NULL;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "-o")) {
      if (++i == argc)
        return usage("-o needs a file name");
      out_path = argv[i];
    } else if (!strcmp(argv[i], "--help")) {
      usage(NULL);
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "spm-fuzz-gen: error: unknown option '%s'\n", argv[i]);
      return usage(NULL);
    } else if (seed_arg) {
      return usage("more than one seed");
    } else {
      seed_arg = argv[i];
    }
  }
  if (!seed_arg)
    return usage("a seed is required");
  char *e;
  errno = 0;
  unsigned long long seed = strtoull(seed_arg, &e, 10);
  if (errno || e == seed_arg || *e || seed_arg[0] == '-') {
    fprintf(stderr, "spm-fuzz-gen: error: the seed must be a decimal "
                    "integer below 2^64, got '%s'\n", seed_arg);
    return 2;
  }
  FILE *out = stdout;
  if (out_path && !(out = fopen(out_path, "w"))) {
    fprintf(stderr, "spm-fuzz-gen: error: cannot write '%s': %s\n", out_path,
            strerror(errno));
    return 1;
  }
  spm_fuzz_gen((uint64_t)seed, out);
  if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out))) {
    fprintf(stderr, "spm-fuzz-gen: error: cannot write '%s': %s\n",
            out_path ? out_path : "<stdout>", strerror(errno));
    return 1;
  }
  return 0;
}
