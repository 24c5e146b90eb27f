// spm-refcheck compare: mlir-runner's printed memrefs against spm-run
// --print-outputs (refcheck.h).
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refcheck.h"
#include "support/file_io.h"
#include "support/strbuf.h"

typedef struct {
  double *v;
  size_t n, cap;
} values_t;

static void values_push(values_t *a, double x) {
  if (a->n == a->cap) {
    a->cap = a->cap ? 2 * a->cap : 256;
    a->v = realloc(a->v, a->cap * sizeof *a->v);
    if (!a->v)
      abort();
  }
  a->v[a->n++] = x;
}

// A number at *p ("1.5", "-2e-07", "nan", "-inf"); advances *p. False at
// the end of the text.
static bool next_number(const char **p, const char *end, double *x) {
  const char *s = *p;
  while (s < end) {
    if (isdigit((unsigned char)*s) ||
        ((*s == '-' || *s == '+') && s + 1 < end &&
         (isdigit((unsigned char)s[1]) || s[1] == 'n' || s[1] == 'i')) ||
        strncmp(s, "nan", 3) == 0 || strncmp(s, "inf", 3) == 0) {
      char *e;
      *x = strtod(s, &e);
      if (e == s) { // "-nan" and the like
        bool neg = *s == '-';
        s += neg;
        *x = strncmp(s, "nan", 3) == 0 ? NAN : neg ? -INFINITY : INFINITY;
        e = (char *)s + 3;
      }
      *p = e;
      return true;
    }
    s++;
  }
  *p = s;
  return false;
}

// The reference: every "Unranked Memref ... sizes = [...] ... data =" block,
// in order.
typedef struct {
  values_t *blocks;
  size_t n;
} ref_t;

static spm_status_t parse_reference(const char *text, ref_t *r) {
  const char *p = text, *end = text + strlen(text);
  for (;;) {
    const char *h = strstr(p, "Unranked Memref");
    if (!h)
      return SPM_OK;
    const char *sz = strstr(h, "sizes = [");
    const char *data = sz ? strstr(sz, "data =") : NULL;
    if (!sz || !data)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "reference: memref %zu has no sizes or data",
                             r->n);
    size_t count = 1;
    const char *q = sz + strlen("sizes = [");
    while (*q && *q != ']') {
      char *e;
      long d = strtol(q, &e, 10);
      if (e == q)
        break;
      count *= (size_t)d;
      q = e;
      while (*q == ',' || *q == ' ')
        q++;
    }
    r->blocks = realloc(r->blocks, (r->n + 1) * sizeof *r->blocks);
    if (!r->blocks)
      abort();
    values_t *b = &r->blocks[r->n++];
    memset(b, 0, sizeof *b);
    p = data + strlen("data =");
    for (size_t i = 0; i < count; ++i) {
      double x;
      if (!next_number(&p, end, &x))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "reference: memref %zu has %zu of %zu values",
                               r->n - 1, i, count);
      values_push(b, x);
    }
  }
}

// spm-run's printed outputs: "NAME: TYPE[dims]" lines, then values.
typedef struct {
  char name[64];
  bool is_float;
  values_t v;
} out_t;

static spm_status_t parse_run(const char *text, out_t **outs, size_t *n) {
  const char *line = text;
  out_t *cur = NULL;
  while (*line) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    const char *colon = memchr(line, ':', len);
    if (colon && colon > line && isalpha((unsigned char)line[0])) {
      *outs = realloc(*outs, (*n + 1) * sizeof **outs);
      if (!*outs)
        abort();
      cur = &(*outs)[(*n)++];
      memset(cur, 0, sizeof *cur);
      size_t nl2 = (size_t)(colon - line);
      if (nl2 >= sizeof cur->name)
        nl2 = sizeof cur->name - 1;
      memcpy(cur->name, line, nl2);
      cur->is_float = strncmp(colon + 1, " f32", 4) == 0;
    } else if (len > 0) {
      if (!cur)
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "run output: a value before any header");
      const char *p = line;
      double x;
      if (!next_number(&p, line + len, &x))
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "run output: not a number: %.*s", (int)len,
                               line);
      values_push(&cur->v, x);
    }
    line += len + (nl ? 1 : 0);
  }
  return SPM_OK;
}

spm_status_t spm_refcheck_compare(const spm_refcheck_compare_options_t *o) {
  spm_strbuf_t rt = SPM_STRBUF_INIT, ut = SPM_STRBUF_INIT;
  ref_t ref = {0};
  out_t *outs = NULL;
  size_t nouts = 0, values = 0, bad = 0;
  double max_abs = 0, max_rel = 0;
  spm_status_t st = spm_file_read(o->reference, &rt);
  if (spm_status_is_ok(st))
    st = spm_file_read(o->run, &ut);
  if (spm_status_is_ok(st))
    st = parse_reference(spm_strbuf_cstr(&rt), &ref);
  if (spm_status_is_ok(st))
    st = parse_run(spm_strbuf_cstr(&ut), &outs, &nouts);
  if (spm_status_is_ok(st) && nouts == 0)
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "%s: no output tensors", o->run);
  for (size_t k = 0; k < nouts && spm_status_is_ok(st); ++k) {
    out_t *u = &outs[k];
    char *e;
    unsigned long arg = strtoul(u->name + 3, &e, 10);
    if (strncmp(u->name, "arg", 3) != 0 || *e || arg >= ref.n) {
      st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "output '%s' is not an argument of the reference "
                           "(%zu memrefs printed)",
                           u->name, ref.n);
      break;
    }
    values_t *r = &ref.blocks[arg];
    if (r->n != u->v.n) {
      st = spm_status_make(SPM_STATUS_FAILED,
                           "%s: %zu values, the reference has %zu", u->name,
                           u->v.n, r->n);
      break;
    }
    double scale = 0;
    for (size_t i = 0; i < r->n; ++i)
      if (isfinite(r->v[i]) && fabs(r->v[i]) > scale)
        scale = fabs(r->v[i]);
    double atol = o->atol_scale * scale;
    for (size_t i = 0; i < r->n; ++i, ++values) {
      double a = r->v[i], b = u->v.v[i], d = fabs(a - b);
      bool ok;
      if (isnan(a) || isnan(b))
        ok = isnan(a) && isnan(b);
      else if (isinf(a) || isinf(b))
        ok = a == b;
      else if (!u->is_float)
        ok = a == b;
      else
        ok = d <= o->rtol * fabs(a) + atol;
      if (!isnan(d) && !isinf(d)) {
        if (d > max_abs)
          max_abs = d;
        if (a != 0 && d / fabs(a) > max_rel)
          max_rel = d / fabs(a);
      }
      if (!ok && bad++ < 10)
        printf("mismatch: %s[%zu]: reference %.9g, spm-run %.9g\n", u->name,
               i, a, b);
    }
  }
  if (spm_status_is_ok(st)) {
    printf("compared %zu output tensors, %zu values: %zu mismatches; max abs "
           "error %.3g, max rel error %.3g\n",
           nouts, values, bad, max_abs, max_rel);
    if (bad)
      st = spm_status_make(SPM_STATUS_FAILED,
                           "%zu values differ beyond the tolerance", bad);
  }
  for (size_t i = 0; i < ref.n; ++i)
    free(ref.blocks[i].v);
  free(ref.blocks);
  for (size_t i = 0; i < nouts; ++i)
    free(outs[i].v.v);
  free(outs);
  spm_strbuf_free(&rt);
  spm_strbuf_free(&ut);
  return st;
}
