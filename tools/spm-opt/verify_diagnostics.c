#include "verify_diagnostics.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "support/strbuf.h"

static const struct {
  const char *word;
  spm_diag_severity_t sev;
} spm_expected_kinds[] = {
    {"expected-error", SPM_DIAG_ERROR},
    {"expected-warning", SPM_DIAG_WARNING},
    {"expected-remark", SPM_DIAG_REMARK},
    {"expected-note", SPM_DIAG_NOTE},
};

static void spm_expected_push(spm_expected_list_t *l, spm_expected_diag_t d) {
  l->items = realloc(l->items, (l->n + 1) * sizeof *l->items);
  if (!l->items)
    abort();
  l->items[l->n++] = d;
}

spm_status_t spm_expected_parse(const char *file, const char *text,
                                spm_expected_list_t *out) {
  memset(out, 0, sizeof *out);
  unsigned line = 1;
  const char *line_start = text;
  for (const char *p = text; *p; ++p) {
    if (*p == '\n') {
      ++line;
      line_start = p + 1;
      continue;
    }
    if (*p != 'e' || strncmp(p, "expected-", 9) != 0)
      continue;
    size_t k;
    size_t nk = sizeof spm_expected_kinds / sizeof spm_expected_kinds[0];
    unsigned col = (unsigned)(p - line_start) + 1;
    for (k = 0; k < nk; ++k) {
      size_t wl = strlen(spm_expected_kinds[k].word);
      if (strncmp(p, spm_expected_kinds[k].word, wl) != 0)
        continue;
      if (p[wl] == ' ' || p[wl] == '@' || p[wl] == '{' || p[wl] == '\t')
        break;
      // mlir-opt's regex form (-re): unsupported, and an error rather
      // than skipped (a skipped expectation passes vacuously).
      const char *x = p + wl;
      if (strncmp(x, "-re", 3) == 0 &&
          (x[3] == ' ' || x[3] == '@' || x[3] == '{' || x[3] == '\t')) {
        spm_expected_free(out);
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "%s:%u:%u: error: '%s-re' is not supported: "
                               "spm-opt has no regex form; use '%s' with a "
                               "substring",
                               file, line, col, spm_expected_kinds[k].word,
                               spm_expected_kinds[k].word);
      }
    }
    if (k == nk)
      continue;
    const char *q = p + strlen(spm_expected_kinds[k].word);
    unsigned target = line;
    while (*q == ' ' || *q == '\t')
      ++q;
    if (*q == '@') {
      ++q;
      char *end;
      if (strncmp(q, "above", 5) == 0) {
        target = line - 1;
        q += 5;
      } else if (strncmp(q, "below", 5) == 0) {
        target = line + 1;
        q += 5;
      } else if (*q == '+' || *q == '-') {
        // The line must exist as an unsigned: no wrap-around (@+4294967296
        // was this line) and no signed overflow.
        errno = 0;
        long long d = strtoll(q, &end, 10);
        if (end == q + 1 || errno == ERANGE || d < 1 - (long long)line ||
            d > (long long)UINT_MAX - (long long)line)
          goto bad;
        target = (unsigned)((long long)line + d);
        q = end;
      } else if (isdigit((unsigned char)*q)) {
        errno = 0;
        unsigned long long a = strtoull(q, &end, 10);
        if (errno == ERANGE || a < 1 || a > UINT_MAX)
          goto bad;
        target = (unsigned)a;
        q = end;
      } else
        goto bad;
    }
    while (*q == ' ' || *q == '\t')
      ++q;
    if (strncmp(q, "{{", 2) != 0)
      goto bad;
    q += 2;
    const char *close = strstr(q, "}}");
    const char *nl = strchr(q, '\n');
    if (!close || (nl && nl < close))
      goto bad;
    char *t = malloc((size_t)(close - q) + 1);
    if (!t)
      abort();
    memcpy(t, q, (size_t)(close - q));
    t[close - q] = '\0';
    spm_expected_push(out, (spm_expected_diag_t){spm_expected_kinds[k].sev,
                                                 target, line, col, t, false});
    p = close + 1;
    continue;
  bad:
    spm_expected_free(out);
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "%s:%u:%u: error: malformed '%s': expected "
                           "'@above', '@below', '@+N', '@-N' or '@N' and then "
                           "'{{message}}'",
                           file, line, col, spm_expected_kinds[k].word);
  }
  return SPM_OK;
}

void spm_expected_free(spm_expected_list_t *l) {
  for (size_t i = 0; i < l->n; ++i)
    free(l->items[i].text);
  free(l->items);
  memset(l, 0, sizeof *l);
}

bool spm_expected_check(spm_diag_engine_t *e, const char *file,
                        spm_expected_list_t *l) {
  bool ok = true;
  size_t n = spm_diag_engine_count(e);
  // Copy the collected diagnostics: reporting mismatches goes through the
  // engine, which must not be collecting while we print.
  spm_diag_engine_set_collect(e, false);
  for (size_t i = 0; i < n; ++i) {
    const spm_diag_t *d = spm_diag_engine_get(e, i);
    bool found = false;
    for (size_t j = 0; j < l->n && !found; ++j) {
      spm_expected_diag_t *x = &l->items[j];
      if (x->matched || x->severity != d->severity || x->line != d->line ||
          !d->file || strcmp(d->file, file) != 0 ||
          !strstr(d->message, x->text))
        continue;
      x->matched = found = true;
    }
    if (found || d->severity == SPM_DIAG_NOTE)
      continue;
    ok = false;
    spm_strbuf_t m = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&m, "unexpected %s: %s",
                       spm_diag_severity_name(d->severity), d->message);
    spm_diag_t r = {SPM_DIAG_ERROR, d->file, d->line, d->col, m.data};
    spm_diag_engine_print(e, &r);
    spm_strbuf_free(&m);
  }
  for (size_t j = 0; j < l->n; ++j) {
    spm_expected_diag_t *x = &l->items[j];
    if (x->matched)
      continue;
    ok = false;
    spm_strbuf_t m = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&m, "expected %s \"%s\" was not produced",
                       spm_diag_severity_name(x->severity), x->text);
    spm_diag_t r = {SPM_DIAG_ERROR, (char *)file, x->decl_line, x->decl_col,
                    m.data};
    spm_diag_engine_print(e, &r);
    spm_strbuf_free(&m);
  }
  spm_diag_engine_clear(e);
  return ok;
}
