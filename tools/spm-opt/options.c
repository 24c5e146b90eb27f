#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "target/target.h"

static char *spm_opt_strndup(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d)
    abort();
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

// Matches "--name", "-name", "--name=V", "-name=V"; sets *value to V or NULL.
static bool spm_opt_flag(const char *arg, const char *name,
                         const char **value) {
  if (arg[0] != '-')
    return false;
  const char *a = arg + 1;
  if (*a == '-')
    ++a;
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0)
    return false;
  if (a[n] == '\0') {
    *value = NULL;
    return true;
  }
  if (a[n] == '=') {
    *value = a + n + 1;
    return true;
  }
  return false;
}

static spm_status_t spm_opt_needs_value(const char *flag) {
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "option '%s' requires a value", flag);
}

static spm_status_t spm_opt_no_value(const char *flag) {
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "option '%s' does not take a value", flag);
}

spm_status_t spm_opt_options_parse(int argc, char **argv,
                                   spm_opt_options_t *o) {
  memset(o, 0, sizeof *o);
  o->output = "-";
  o->passes = calloc((size_t)argc + 1, sizeof *o->passes);
  o->owned = calloc((size_t)argc + 1, sizeof *o->owned);
  if (!o->passes || !o->owned)
    abort();
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v;
    if (only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
      if (o->input)
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "too many positional arguments: '%s' and '%s' "
                               "(spm-opt takes one input file)",
                               o->input, a);
      o->input = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_positional = true;
      continue;
    }
    struct {
      const char *name;
      bool *flag;
    } bools[] = {
        {"split-input-file", &o->split_input_file},
        {"verify-diagnostics", &o->verify_diagnostics},
        {"mlir-print-op-generic", &o->print_generic},
        {"mlir-print-debuginfo", &o->print_debuginfo},
        {"allow-unregistered-dialect", &o->allow_unregistered},
        {"help", &o->help},
        {"h", &o->help},
        {"version", &o->version},
        {"list-passes", &o->list_passes},
        {"mlir-disable-threading", NULL}, // always single-threaded
    };
    bool matched = false;
    for (size_t k = 0; k < sizeof bools / sizeof bools[0] && !matched; ++k)
      if (spm_opt_flag(a, bools[k].name, &v)) {
        if (v)
          return spm_opt_no_value(a);
        if (bools[k].flag)
          *bools[k].flag = true;
        matched = true;
      }
    if (matched)
      continue;
    struct {
      const char *name;
      const char **slot;
    } values[] = {
        {"o", &o->output},
        {"pass-pipeline", &o->pass_pipeline},
        {"spm-target", &o->target},
    };
    for (size_t k = 0; k < sizeof values / sizeof values[0] && !matched; ++k)
      if (spm_opt_flag(a, values[k].name, &v)) {
        if (!v) {
          if (i + 1 >= argc)
            return spm_opt_needs_value(a);
          v = argv[++i];
        }
        if (!*v)
          return spm_opt_needs_value(a);
        *values[k].slot = v;
        matched = true;
      }
    if (matched)
      continue;
    // Anything else is a pass: --NAME or --NAME=OPTIONS (spm or upstream).
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    spm_opt_pass_flag_t *pf = &o->passes[o->npasses++];
    if (eq) {
      char *n = spm_opt_strndup(name, (size_t)(eq - name));
      o->owned[o->nowned++] = n;
      pf->name = n;
      pf->options = eq + 1;
    } else {
      pf->name = name;
      pf->options = NULL;
    }
    if (!*pf->name)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "unknown command line argument '%s'", a);
  }
  if (!o->input)
    o->input = "-";
  if (o->pass_pipeline && o->npasses)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "'--pass-pipeline' cannot be used with individual "
                           "pass flags (--%s)",
                           o->passes[0].name);
  return SPM_OK;
}

void spm_opt_options_free(spm_opt_options_t *o) {
  for (size_t i = 0; i < o->nowned; ++i)
    free(o->owned[i]);
  free(o->owned);
  free(o->passes);
  memset(o, 0, sizeof *o);
}

void spm_opt_print_passes(void) {
  printf("spm passes:\n");
  for (size_t i = 0; i < spm_pass_registry_count(); ++i) {
    const spm_pass_info_t *p = spm_pass_registry_get(i);
    printf("  --%-22s %s\n", p->argument, p->description);
    if (p->options && *p->options)
      printf("%s", p->options);
  }
  printf("Every upstream MLIR pass is also accepted, as --NAME[=OPTIONS] or "
         "inside --pass-pipeline (see mlir-opt-22 --help).\n");
}

void spm_opt_print_help(const char *argv0) {
  printf("OVERVIEW: spm-opt: scratchpad-memory manager for deep-learning "
         "accelerators (MLIR optimizer driver)\n\n"
         "USAGE: %s [options] [input file|-]\n\n"
         "OPTIONS:\n"
         "  -o FILE                    Output file (default: standard output); "
         "written atomically\n"
         "  --pass-pipeline=PIPELINE   Textual pipeline, e.g. "
         "'builtin.module(spm-verify)'\n"
         "  --NAME[=OPTIONS]           Add pass NAME (spm or upstream MLIR) in "
         "command-line order\n"
         "  --split-input-file         Split the input at '// -----' lines and "
         "process each part\n"
         "  --verify-diagnostics       Check emitted diagnostics against "
         "expected-error/warning/remark/note comments\n"
         "  --spm-target=NAME[{k=v ...}]  Set the module's spm.target from a "
         "preset, with field overrides\n"
         "  --mlir-print-op-generic    Print the generic op form\n"
         "  --mlir-print-debuginfo     Print locations\n"
         "  --allow-unregistered-dialect  Accept ops of unknown dialects\n"
         "  --list-passes              List the spm passes\n"
         "  --version                  Print the version\n"
         "  --help                     Print this help\n\n"
         "TARGETS (--spm-target):",
         argv0);
  for (size_t i = 0; i < spm_target_preset_count(); ++i)
    printf(" %s", spm_target_preset_name(i));
  printf("\n\n");
  spm_opt_print_passes();
}
