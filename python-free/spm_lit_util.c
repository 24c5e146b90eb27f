/* spm_lit_util.c - growable buffers, string vectors and small file, path and
 * shell-quoting helpers shared by the spm-lit test runner. */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Noreturn void spm_lit_out_of_memory(void) {
  fputs("spm-lit: error: out of memory\n", stderr);
  exit(2);
}

void *spm_lit_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    spm_lit_out_of_memory();
  return p;
}

void *spm_lit_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    spm_lit_out_of_memory();
  return q;
}

char *spm_lit_xstrndup(const char *s, size_t n) {
  char *p = spm_lit_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *spm_lit_xstrdup(const char *s) { return spm_lit_xstrndup(s, strlen(s)); }

static char *spm_lit_vasprintf(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    fputs("spm-lit: error: formatting failed\n", stderr);
    exit(2);
  }
  char *p = spm_lit_xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *spm_lit_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = spm_lit_vasprintf(fmt, ap);
  va_end(ap);
  return p;
}

static void spm_lit_buf_reserve(spm_lit_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1)
    spm_lit_out_of_memory();
  size_t need = b->len + extra + 1;
  if (b->data && need <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  b->data = spm_lit_xrealloc(b->data, cap);
  b->cap = cap;
}

void spm_lit_buf_append(spm_lit_buf *b, const char *s, size_t n) {
  spm_lit_buf_reserve(b, n);
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void spm_lit_buf_puts(spm_lit_buf *b, const char *s) {
  spm_lit_buf_append(b, s, strlen(s));
}

void spm_lit_buf_putc(spm_lit_buf *b, char c) { spm_lit_buf_append(b, &c, 1); }

void spm_lit_buf_printf(spm_lit_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = spm_lit_vasprintf(fmt, ap);
  va_end(ap);
  spm_lit_buf_puts(b, p);
  free(p);
}

const char *spm_lit_buf_str(const spm_lit_buf *b) {
  return b->data ? b->data : "";
}

char *spm_lit_buf_release(spm_lit_buf *b) {
  char *p = b->data ? b->data : spm_lit_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

void spm_lit_buf_free(spm_lit_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void spm_lit_strvec_push(spm_lit_strvec *v, char *s) {
  if (v->len == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 8;
    if (cap > SIZE_MAX / sizeof *v->items)
      spm_lit_out_of_memory();
    v->items = spm_lit_xrealloc(v->items, cap * sizeof *v->items);
    v->cap = cap;
  }
  v->items[v->len++] = s;
}

int spm_lit_strvec_contains(const spm_lit_strvec *v, const char *s) {
  for (size_t i = 0; i < v->len; i++)
    if (strcmp(v->items[i], s) == 0)
      return 1;
  return 0;
}

void spm_lit_strvec_free(spm_lit_strvec *v) {
  for (size_t i = 0; i < v->len; i++)
    free(v->items[i]);
  free(v->items);
  v->items = NULL;
  v->len = v->cap = 0;
}

int spm_lit_read_file(const char *path, spm_lit_buf *out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
    if (n == 0)
      break;
    spm_lit_buf_append(out, chunk, (size_t)n);
  }
  if (close(fd) != 0)
    return -1;
  if (!out->data)
    spm_lit_buf_append(out, "", 0);
  return 0;
}

int spm_lit_write_file(const char *path, const char *data, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
    done += (size_t)n;
  }
  return close(fd);
}

int spm_lit_mkdir_p(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return 0;
    errno = ENOTDIR;
    return -1;
  }
  char *copy = spm_lit_xstrdup(path);
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
      int saved = errno;
      free(copy);
      errno = saved;
      return -1;
    }
    *p = '/';
  }
  int rc = mkdir(copy, 0777);
  int saved = errno;
  free(copy);
  if (rc != 0 && saved != EEXIST) {
    errno = saved;
    return -1;
  }
  return 0;
}

char *spm_lit_path_join(const char *a, const char *b) {
  size_t la = strlen(a);
  if (la > 0 && a[la - 1] == '/')
    return spm_lit_xasprintf("%s%s", a, b);
  return spm_lit_xasprintf("%s/%s", a, b);
}

char *spm_lit_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return spm_lit_xstrdup(".");
  if (slash == path)
    return spm_lit_xstrdup("/");
  return spm_lit_xstrndup(path, (size_t)(slash - path));
}

char *spm_lit_realpath_loose(const char *path) {
  char *resolved = realpath(path, NULL);
  if (resolved)
    return resolved;
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path || !slash[1])
    return spm_lit_xstrdup(path);
  char *dir = spm_lit_xstrndup(path, (size_t)(slash - path));
  char *rdir = realpath(dir, NULL);
  free(dir);
  if (!rdir)
    return spm_lit_xstrdup(path);
  char *r = spm_lit_path_join(rdir, slash + 1);
  free(rdir);
  return r;
}

void spm_lit_shell_quote(spm_lit_buf *out, const char *s) {
  if (!*s) {
    spm_lit_buf_puts(out, "''");
    return;
  }
  int safe = 1;
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || strchr("_@%+=:,./-", c))) {
      safe = 0;
      break;
    }
  }
  if (safe) {
    spm_lit_buf_puts(out, s);
    return;
  }
  spm_lit_buf_putc(out, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'')
      spm_lit_buf_puts(out, "'\"'\"'");
    else
      spm_lit_buf_putc(out, *p);
  }
  spm_lit_buf_putc(out, '\'');
}

char *spm_lit_replace_all(const char *s, const char *from, const char *to) {
  size_t lf = strlen(from);
  if (lf == 0)
    return spm_lit_xstrdup(s);
  size_t lt = strlen(to);
  spm_lit_buf out = {0};
  for (;;) {
    const char *hit = strstr(s, from);
    if (!hit)
      break;
    spm_lit_buf_append(&out, s, (size_t)(hit - s));
    spm_lit_buf_append(&out, to, lt);
    s = hit + lf;
  }
  spm_lit_buf_puts(&out, s);
  return spm_lit_buf_release(&out);
}

int spm_lit_is_space(char c) {
  /* Python's str.isspace() for ASCII also covers \x1c..\x1f. */
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}
