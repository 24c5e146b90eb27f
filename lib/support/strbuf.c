#include "support/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void spm_strbuf_reserve(spm_strbuf_t *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) {
    fputs("spm: out of memory\n", stderr);
    abort();
  }
  b->data = d;
  b->cap = cap;
}

void spm_strbuf_append(spm_strbuf_t *b, const char *s, size_t n) {
  spm_strbuf_reserve(b, n);
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void spm_strbuf_append_str(spm_strbuf_t *b, const char *s) {
  spm_strbuf_append(b, s, strlen(s));
}

void spm_strbuf_vappendf(spm_strbuf_t *b, const char *fmt, va_list ap) {
  char small[256];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n > 0 && (size_t)n < sizeof small) {
    spm_strbuf_append(b, small, (size_t)n);
  } else if (n > 0) {
    spm_strbuf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    b->len += (size_t)n;
  }
  va_end(again);
}

void spm_strbuf_appendf(spm_strbuf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  spm_strbuf_vappendf(b, fmt, ap);
  va_end(ap);
}

void spm_strbuf_append_callback(MlirStringRef s, void *userData) {
  spm_strbuf_append((spm_strbuf_t *)userData, s.data, s.length);
}

const char *spm_strbuf_cstr(const spm_strbuf_t *b) {
  return b->data ? b->data : "";
}

void spm_strbuf_clear(spm_strbuf_t *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void spm_strbuf_free(spm_strbuf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

bool spm_str_is_token(const char *s, size_t n) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return false;
  }
  return true;
}
