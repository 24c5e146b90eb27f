/* spm_lit_util.h - growable buffers, string vectors and small file, path and
 * shell-quoting helpers shared by the spm-lit test runner.
 *
 * Allocation failures are fatal: every spm_lit_x* function and every buffer
 * operation prints "spm-lit: error: out of memory" and exits with status 2,
 * so callers never see a NULL from them. */
#ifndef SPM_LIT_UTIL_H
#define SPM_LIT_UTIL_H

#include <stddef.h>

/* A growable byte buffer; data is NUL-terminated whenever it is non-NULL. */
typedef struct {
  char *data;
  size_t len;
  size_t cap;
} spm_lit_buf;

/* A growable vector of owned, NUL-terminated strings. */
typedef struct {
  char **items;
  size_t len;
  size_t cap;
} spm_lit_strvec;

void *spm_lit_xmalloc(size_t n);
void *spm_lit_xrealloc(void *p, size_t n);
char *spm_lit_xstrdup(const char *s);
char *spm_lit_xstrndup(const char *s, size_t n);
char *spm_lit_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

void spm_lit_buf_append(spm_lit_buf *b, const char *s, size_t n);
void spm_lit_buf_puts(spm_lit_buf *b, const char *s);
void spm_lit_buf_putc(spm_lit_buf *b, char c);
void spm_lit_buf_printf(spm_lit_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The contents as a C string ("" when nothing was appended yet). */
const char *spm_lit_buf_str(const spm_lit_buf *b);
/* Hands the contents over as a malloc'ed string (never NULL); b is reset. */
char *spm_lit_buf_release(spm_lit_buf *b);
void spm_lit_buf_free(spm_lit_buf *b);

/* Takes ownership of s. */
void spm_lit_strvec_push(spm_lit_strvec *v, char *s);
int spm_lit_strvec_contains(const spm_lit_strvec *v, const char *s);
void spm_lit_strvec_free(spm_lit_strvec *v);

/* Reads a whole file; returns 0, or -1 with errno set. */
int spm_lit_read_file(const char *path, spm_lit_buf *out);
/* Creates/truncates a file with the given contents; 0, or -1 with errno. */
int spm_lit_write_file(const char *path, const char *data, size_t len);
/* mkdir -p; returns 0, or -1 with errno set. */
int spm_lit_mkdir_p(const char *path);
/* "a/b" (no doubled slash when a ends in '/'). */
char *spm_lit_path_join(const char *a, const char *b);
/* The directory part of a path ("." if none, "/" for "/x"). */
char *spm_lit_dirname(const char *path);
/* realpath() that also works when the last component does not exist yet. */
char *spm_lit_realpath_loose(const char *path);

/* Appends s quoted for a POSIX shell exactly like Python's shlex.quote. */
void spm_lit_shell_quote(spm_lit_buf *out, const char *s);
/* Returns a new string with every occurrence of from replaced by to. */
char *spm_lit_replace_all(const char *s, const char *from, const char *to);
/* Whitespace as Python's str.strip() sees it for ASCII text. */
int spm_lit_is_space(char c);

#endif /* SPM_LIT_UTIL_H */
