#include "support/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct spm_status_s {
  spm_status_code_t code;
  char message[];
};

// Out-of-memory while building a status: a static status that free() skips.
static struct {
  spm_status_code_t code;
  char message[16];
} spm_status_oom = {SPM_STATUS_INTERNAL, "out of memory"};

spm_status_t spm_status_make(spm_status_code_t code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  struct spm_status_s *s = malloc(sizeof(*s) + (size_t)n + 1);
  if (!s)
    return (spm_status_t)&spm_status_oom;
  s->code = code == SPM_STATUS_OK ? SPM_STATUS_INTERNAL : code;
  va_start(ap, fmt);
  vsnprintf(s->message, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

spm_status_code_t spm_status_code(spm_status_t s) {
  return s ? s->code : SPM_STATUS_OK;
}

const char *spm_status_message(spm_status_t s) { return s ? s->message : ""; }

void spm_status_free(spm_status_t s) {
  if (s && s != (spm_status_t)&spm_status_oom)
    free(s);
}
