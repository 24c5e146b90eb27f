// The pass registry: one line per pass.
#include <string.h>

#include "passes/pass.h"

extern const spm_pass_info_t spm_pass_info_verify;
extern const spm_pass_info_t spm_pass_info_deps;
extern const spm_pass_info_t spm_pass_info_liveness;
extern const spm_pass_info_t spm_pass_info_place;
extern const spm_pass_info_t spm_pass_info_allocate;
extern const spm_pass_info_t spm_pass_info_lower;

static const spm_pass_info_t *const spm_passes[] = {
    &spm_pass_info_verify,
    &spm_pass_info_deps,
    &spm_pass_info_liveness,
    &spm_pass_info_place,
    &spm_pass_info_allocate,
    &spm_pass_info_lower,
};

size_t spm_pass_registry_count(void) {
  return sizeof spm_passes / sizeof spm_passes[0];
}

const spm_pass_info_t *spm_pass_registry_get(size_t i) {
  return i < spm_pass_registry_count() ? spm_passes[i] : NULL;
}

const spm_pass_info_t *spm_pass_registry_lookup(const char *name, size_t len) {
  for (size_t i = 0; i < spm_pass_registry_count(); ++i)
    if (strlen(spm_passes[i]->argument) == len &&
        strncmp(spm_passes[i]->argument, name, len) == 0)
      return spm_passes[i];
  return NULL;
}
