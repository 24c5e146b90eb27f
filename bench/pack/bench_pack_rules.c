// spm-bench-pack --disable: the exact search's rules by name, switched off
// through spm_pack_with_flags (see bench_pack.h).
#include <stdio.h>
#include <string.h>

#include "alloc/pack_internal.h"
#include "bench/pack/bench_pack.h"

typedef struct {
  const char *name;
  unsigned flag;
  const char *what; // for the printed settings: "without <what>"
} spm_bench_rule_t;

static const spm_bench_rule_t spm_bench_rules[] = {
    {"nogoods", SPM_PACK_NO_NOGOODS, "nogoods"},
    {"backjumping", SPM_PACK_NO_BACKJUMP, "backjumping"},
    {"gluing", SPM_PACK_NO_GLUE, "gluing"},
    {"pools", SPM_PACK_NO_POOL, "filler pools"},
    {"weights", SPM_PACK_NO_WEIGHTS, "failure weights"},
    {"floats", SPM_PACK_NO_FLOAT, "the nothing-floats bound"},
    {"dominance", SPM_PACK_NO_DOMINANCE, "the dominance rule"},
    {"symmetry", SPM_PACK_NO_SYMMETRY, "the symmetry rules"},
    {"decomposition", SPM_PACK_NO_DECOMPOSE, "decomposition"},
    {"sections", SPM_PACK_NO_SECTIONS, "the section bound"},
    {"restarts", SPM_PACK_ONE_ORDER, "restarts and other orders"},
    {"mirror", SPM_PACK_NO_MIRROR, "the mirrored search on a second thread"},
    {"parallel", SPM_PACK_SERIAL,
     "the second thread (the mirrored pair takes turns on one)"},
};
enum { SPM_BENCH_NRULES = sizeof spm_bench_rules / sizeof *spm_bench_rules };

bool spm_bench_disable_parse(const char *list, unsigned *flags) {
  unsigned f = 0;
  for (const char *p = list;;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    int k = 0;
    while (k < SPM_BENCH_NRULES &&
           !(strlen(spm_bench_rules[k].name) == len &&
             strncmp(spm_bench_rules[k].name, p, len) == 0))
      k++;
    if (k == SPM_BENCH_NRULES)
      return false; // unknown or empty
    f |= spm_bench_rules[k].flag;
    if (!end)
      break;
    p = end + 1;
  }
  *flags |= f;
  return true;
}

const char *spm_bench_disable_names(void) {
  static char names[256];
  if (!names[0]) {
    size_t at = 0;
    for (int k = 0; k < SPM_BENCH_NRULES; ++k)
      at += (size_t)snprintf(names + at, sizeof names - at, "%s%s",
                             k ? "|" : "", spm_bench_rules[k].name);
  }
  return names;
}

void spm_bench_disable_print(unsigned flags) {
  bool first = true;
  for (int k = 0; k < SPM_BENCH_NRULES; ++k)
    if (flags & spm_bench_rules[k].flag) {
      printf("%s%s", first ? "without " : ", ", spm_bench_rules[k].what);
      first = false;
    }
  if (!first)
    printf("; ");
}

spm_status_t spm_bench_pack_run(spm_pack_buffer_t *b, size_t n,
                                const spm_pack_options_t *o,
                                const spm_bench_exact_t *l,
                                spm_pack_result_t *r) {
  return spm_pack_with_flags(b, n, o, l->disable, r);
}
