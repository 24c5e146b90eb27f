// spm_strbuf_t: a growable, always NUL-terminated byte buffer.
//
// Owns its storage: initialise with SPM_STRBUF_INIT, release with
// spm_strbuf_free(). Also usable as an MlirStringCallback sink
// (spm_strbuf_append_callback) to collect printed IR.
#ifndef SPM_SUPPORT_STRBUF_H
#define SPM_SUPPORT_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_strbuf_s {
  char *data; // NUL-terminated when len > 0 or after any append; may be NULL
  size_t len;
  size_t cap;
} spm_strbuf_t;

#define SPM_STRBUF_INIT {NULL, 0, 0}

void spm_strbuf_append(spm_strbuf_t *b, const char *s, size_t n);
void spm_strbuf_append_str(spm_strbuf_t *b, const char *s);
void spm_strbuf_appendf(spm_strbuf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void spm_strbuf_vappendf(spm_strbuf_t *b, const char *fmt, va_list ap);
// MlirStringCallback: userData is a spm_strbuf_t*.
void spm_strbuf_append_callback(MlirStringRef s, void *userData);
// Returns the contents ("" when empty); borrowed.
const char *spm_strbuf_cstr(const spm_strbuf_t *b);
void spm_strbuf_clear(spm_strbuf_t *b);
void spm_strbuf_free(spm_strbuf_t *b);

// True if s[0..n) is a plain name token: n >= 1 characters of
// [A-Za-z0-9_.-] (target, tensor and buffer names of programs, which
// listings and binaries carry unquoted).
bool spm_str_is_token(const char *s, size_t n);

// The plural ending of a count in messages: "" for 1, "s" otherwise
// ("%zu buffer%s", n, spm_plural(n)). Static storage.
static inline const char *spm_plural(unsigned long long n) {
  return n == 1 ? "" : "s";
}
// The ending of a verb in the present tense whose subject is a count of
// things: "s" for 1 ("1 buffer needs"), "" otherwise ("2 buffers need").
static inline const char *spm_verb_s(unsigned long long n) {
  return n == 1 ? "s" : "";
}

#ifdef __cplusplus
}
#endif
#endif
