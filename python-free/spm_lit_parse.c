/* spm_lit_parse.c - reads the lit directives out of one test file, following
 * lit's TestRunner._parseKeywords: the first keyword found anywhere in a line
 * counts, '\' at the end of a RUN: line continues it on the next RUN: line,
 * and the error messages are lit's. */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_parse.h"

#include "spm_lit_expr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* lit's built-in keywords, in lit's order. */
static const char *const spm_lit_keywords[] = {
    "RUN:", "XFAIL:", "REQUIRES:", "UNSUPPORTED:", "ALLOW_RETRIES:",
    "END.", "DEFINE:", "REDEFINE:"};
enum { SPM_LIT_NKEYWORDS = sizeof spm_lit_keywords / sizeof *spm_lit_keywords };

/* Finds the leftmost keyword in [s, end); returns its index or -1. */
static int spm_lit_find_keyword(const char *s, const char *end,
                                const char **at) {
  for (const char *p = s; p < end; p++) {
    for (int k = 0; k < SPM_LIT_NKEYWORDS; k++) {
      size_t n = strlen(spm_lit_keywords[k]);
      if ((size_t)(end - p) >= n && memcmp(p, spm_lit_keywords[k], n) == 0) {
        *at = p;
        return k;
      }
    }
  }
  return -1;
}

static char *spm_lit_rstrip_dup(const char *s) {
  size_t n = strlen(s);
  while (n > 0 && spm_lit_is_space(s[n - 1]))
    n--;
  return spm_lit_xstrndup(s, n);
}

static char *spm_lit_strip_dup(const char *s, size_t n) {
  while (n > 0 && spm_lit_is_space(*s)) {
    s++;
    n--;
  }
  while (n > 0 && spm_lit_is_space(s[n - 1]))
    n--;
  return spm_lit_xstrndup(s, n);
}

/* lit's _substituteLineNumbers: %(line), %(line+N), %(line - N). */
static char *spm_lit_subst_line_numbers(const char *s, size_t line_no) {
  spm_lit_buf out = {0};
  while (*s) {
    if (strncmp(s, "%(line", 6) != 0) {
      spm_lit_buf_putc(&out, *s++);
      continue;
    }
    const char *p = s + 6;
    if (*p == ')') {
      spm_lit_buf_printf(&out, "%zu", line_no);
      s = p + 1;
      continue;
    }
    while (*p == ' ')
      p++;
    char sign = *p;
    if (sign == '+' || sign == '-') {
      p++;
      while (*p == ' ')
        p++;
      const char *digits = p;
      while (*p >= '0' && *p <= '9')
        p++;
      if (p > digits && *p == ')') {
        long long delta = strtoll(digits, NULL, 10);
        long long value = (long long)line_no + (sign == '+' ? delta : -delta);
        spm_lit_buf_printf(&out, "%lld", value);
        s = p + 1;
        continue;
      }
    }
    spm_lit_buf_putc(&out, *s++);
  }
  return spm_lit_buf_release(&out);
}

static void spm_lit_add_run(spm_lit_directives *d, const char *text,
                            size_t line_no) {
  char *line = spm_lit_subst_line_numbers(text, line_no);
  spm_lit_run_line *last = d->nruns ? &d->runs[d->nruns - 1] : NULL;
  size_t last_len = last ? strlen(last->command) : 0;
  if (last && last_len > 0 && last->command[last_len - 1] == '\\') {
    char *tail = spm_lit_rstrip_dup(line);
    spm_lit_buf joined = {0};
    spm_lit_buf_append(&joined, last->command, last_len - 1);
    spm_lit_buf_puts(&joined, tail);
    free(tail);
    free(last->command);
    last->command = spm_lit_buf_release(&joined);
    last->last_line = line_no;
  } else {
    char *with_dbg =
        spm_lit_xasprintf("%%dbg(RUN: at line %zu) %s", line_no, line);
    d->runs = spm_lit_xrealloc(d->runs, (d->nruns + 1) * sizeof *d->runs);
    d->runs[d->nruns].command = spm_lit_rstrip_dup(with_dbg);
    d->runs[d->nruns].first_line = line_no;
    d->runs[d->nruns].last_line = line_no;
    d->nruns++;
    free(with_dbg);
  }
  free(line);
}

/* lit's _handleBooleanExpr: comma-separated expressions, '\' continues the
 * last one on the next line of the same keyword; syntax checked at once. */
static int spm_lit_add_exprs(spm_lit_strvec *v, const char *text,
                             spm_lit_buf *err) {
  spm_lit_strvec parts = {0};
  for (const char *s = text;;) {
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    char *part = spm_lit_strip_dup(s, n);
    if (*part)
      spm_lit_strvec_push(&parts, part);
    else
      free(part);
    if (!comma)
      break;
    s = comma + 1;
  }
  size_t first = 0;
  if (v->len > 0 && parts.len > 0) {
    char *last = v->items[v->len - 1];
    size_t n = strlen(last);
    if (n > 0 && last[n - 1] == '\\') {
      spm_lit_buf joined = {0};
      spm_lit_buf_append(&joined, last, n - 1);
      spm_lit_buf_puts(&joined, parts.items[0]);
      free(last);
      v->items[v->len - 1] = spm_lit_buf_release(&joined);
      first = 1;
    }
  }
  for (size_t i = first; i < parts.len; i++) {
    spm_lit_strvec_push(v, parts.items[i]);
    parts.items[i] = NULL;
  }
  spm_lit_strvec_free(&parts);
  spm_lit_strvec no_features = {0};
  for (size_t i = 0; i < v->len; i++) {
    const char *s = v->items[i];
    size_t n = strlen(s);
    if (strcmp(s, "*") == 0 || (n > 0 && s[n - 1] == '\\'))
      continue;
    if (spm_lit_expr_eval(s, &no_features, err) < 0)
      return -1;
  }
  return 0;
}

/* lit's INTEGER parser (Python int() accepts surrounding whitespace). */
static int spm_lit_parse_retries(const char *text, int *out,
                                 spm_lit_buf *err) {
  char *s = spm_lit_strip_dup(text, strlen(text));
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  int ok = *s && end && !*end && errno == 0 && v >= 0 && v < 1000000;
  free(s);
  if (!ok) {
    spm_lit_buf_printf(err,
                       "INTEGER parser requires the input to be an integer "
                       "(got %s)",
                       text);
    return -1;
  }
  *out = (int)v;
  return 0;
}

/* Handles one directive; returns 0, 1 to stop (END.), -1 on error. */
static int spm_lit_directive(spm_lit_directives *d, int kw, const char *text,
                             size_t line_no, int *nretries, spm_lit_buf *err) {
  const char *keyword = spm_lit_keywords[kw];
  int rc = 0;
  if (strcmp(keyword, "RUN:") == 0) {
    spm_lit_add_run(d, text, line_no);
  } else if (strcmp(keyword, "XFAIL:") == 0) {
    rc = spm_lit_add_exprs(&d->xfails, text, err);
  } else if (strcmp(keyword, "REQUIRES:") == 0) {
    rc = spm_lit_add_exprs(&d->requires, text, err);
  } else if (strcmp(keyword, "UNSUPPORTED:") == 0) {
    rc = spm_lit_add_exprs(&d->unsupported, text, err);
  } else if (strcmp(keyword, "ALLOW_RETRIES:") == 0) {
    rc = spm_lit_parse_retries(text, &d->allowed_retries, err);
    ++*nretries;
  } else if (strcmp(keyword, "END.") == 0) {
    const char *p = text;
    while (spm_lit_is_space(*p))
      p++;
    return *p ? 0 : 1;
  } else {
    spm_lit_buf_printf(err, "spm-lit does not support '%s' directives",
                       keyword);
    rc = -1;
  }
  if (rc < 0)
    spm_lit_buf_printf(err, "\nin %s directive on test line %zu", keyword,
                       line_no);
  return rc;
}

int spm_lit_parse_directives(const char *path, spm_lit_directives *d,
                             spm_lit_buf *err) {
  spm_lit_buf data = {0};
  if (spm_lit_read_file(path, &data) != 0) {
    spm_lit_buf_printf(err, "cannot read test file '%s': %s", path,
                       strerror(errno));
    spm_lit_buf_free(&data);
    return -1;
  }
  if (data.len == 0 || data.data[data.len - 1] != '\n')
    spm_lit_buf_putc(&data, '\n');

  int rc = 0, nretries = 0;
  size_t line_no = 0;
  char *line = data.data;
  char *const data_end = data.data + data.len;
  while (rc == 0 && line < data_end) {
    char *nl = memchr(line, '\n', (size_t)(data_end - line));
    line_no++;
    const char *at = NULL;
    int kw = spm_lit_find_keyword(line, nl, &at);
    if (kw >= 0) {
      char *end = nl;
      while (end > at && end[-1] == '\r')
        end--;
      const char *text_start = at + strlen(spm_lit_keywords[kw]);
      char *text = spm_lit_xstrndup(text_start, (size_t)(end - text_start));
      rc = spm_lit_directive(d, kw, text, line_no, &nretries, err);
      free(text);
    }
    line = nl + 1;
  }
  spm_lit_buf_free(&data);
  if (rc < 0)
    return -1;

  if (d->nruns == 0) {
    spm_lit_buf_puts(err, "Test has no 'RUN:' line");
    return -1;
  }
  for (size_t i = 0; i < d->nruns; i++) {
    const spm_lit_run_line *r = &d->runs[i];
    size_t n = strlen(r->command);
    if (n == 0 || r->command[n - 1] != '\\')
      continue;
    spm_lit_buf_puts(err,
                     "Test has unterminated 'RUN:' directive (with '\\') ");
    if (r->first_line == r->last_line)
      spm_lit_buf_printf(err, "at line %zu", r->first_line);
    else
      spm_lit_buf_printf(err, "from line %zu to %zu", r->first_line,
                         r->last_line);
    return -1;
  }
  const spm_lit_strvec *lists[] = {&d->xfails, &d->requires, &d->unsupported};
  const char *names[] = {"XFAIL:", "REQUIRES:", "UNSUPPORTED:"};
  for (size_t i = 0; i < 3; i++) {
    const spm_lit_strvec *v = lists[i];
    if (v->len == 0)
      continue;
    const char *last = v->items[v->len - 1];
    size_t n = strlen(last);
    if (n > 0 && last[n - 1] == '\\') {
      spm_lit_buf_printf(err, "Test has unterminated '%s' lines (with '\\')",
                         names[i]);
      return -1;
    }
  }
  if (nretries > 1) {
    spm_lit_buf_puts(err, "Test has more than one ALLOW_RETRIES lines");
    return -1;
  }
  return 0;
}

void spm_lit_directives_free(spm_lit_directives *d) {
  for (size_t i = 0; i < d->nruns; i++)
    free(d->runs[i].command);
  free(d->runs);
  spm_lit_strvec_free(&d->xfails);
  spm_lit_strvec_free(&d->requires);
  spm_lit_strvec_free(&d->unsupported);
  memset(d, 0, sizeof *d);
}
