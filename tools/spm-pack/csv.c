// CSV reading and writing for spm-pack (see csv.h).
#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/file_io.h"

#define SPM_CSV_HEADER "id,lower,upper,size"
#define SPM_CSV_HEADER_OFFSET "id,lower,upper,size,offset"
// The column names of MiniMalloc's first benchmark files (same columns).
#define SPM_CSV_HEADER_OLD "buffer,start,end,size"
#define SPM_CSV_HEADER_OLD_OFFSET "buffer,start,end,size,offset"

static bool spm_csv_is(const char *l, size_t ll, const char *header) {
  return ll == strlen(header) && memcmp(l, header, ll) == 0;
}

void spm_csv_append_escaped(spm_strbuf_t *b, const char *p, size_t len,
                            size_t max) {
  bool cut = len > max;
  if (cut) {
    // Not inside a UTF-8 character: back off its continuation bytes.
    len = max;
    while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
      len--;
  }
  for (size_t i = 0; i < len; ++i) {
    unsigned char ch = (unsigned char)p[i];
    if (ch == '\r')
      spm_strbuf_append_str(b, "\\r");
    else if (ch == '\t')
      spm_strbuf_append_str(b, "\\t");
    else if (ch < 0x20 || ch == 0x7f)
      spm_strbuf_appendf(b, "\\x%02x", ch);
    else
      spm_strbuf_append(b, p + i, 1);
  }
  if (cut)
    spm_strbuf_append_str(b, "...");
}

void spm_csv_free(spm_csv_t *c) {
  free(c->rows);
  c->rows = NULL;
  c->n = 0;
}

// Strict int64: optional '-', then digits, nothing else.
static bool spm_csv_int(const char *s, size_t len, int64_t *out,
                        bool *overflow) {
  *overflow = false;
  size_t i = 0;
  bool neg = false;
  if (i < len && s[i] == '-') {
    neg = true;
    i++;
  }
  if (i == len)
    return false;
  uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (limit - d) / 10) {
      *overflow = true;
      // keep scanning: junk after the digits is reported as junk
      for (++i; i < len; ++i)
        if (s[i] < '0' || s[i] > '9') {
          *overflow = false;
          return false;
        }
      return false;
    }
    v = v * 10 + d;
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

typedef struct {
  const char *p;
  size_t len;
} spm_csv_field_t;

static const char *const spm_csv_names[5] = {"id", "lower", "upper", "size",
                                             "offset"};

typedef struct {
  const char *id;
  size_t id_len, line;
} spm_csv_key_t;

static int spm_csv_by_id(const void *pa, const void *pb) {
  const spm_csv_key_t *a = pa, *b = pb;
  size_t m = a->id_len < b->id_len ? a->id_len : b->id_len;
  int c = memcmp(a->id, b->id, m);
  if (c != 0)
    return c;
  if (a->id_len != b->id_len)
    return a->id_len < b->id_len ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

static bool spm_csv_same(const spm_csv_key_t *a, const spm_csv_key_t *b) {
  return a->id_len == b->id_len && memcmp(a->id, b->id, a->id_len) == 0;
}

// Reports the first line (in file order) whose id appeared on an earlier
// line: sorted by (id, line), that is the smallest second entry of a group.
static spm_status_t spm_csv_check_ids(const char *name, const spm_csv_t *c) {
  if (c->n < 2)
    return SPM_OK;
  spm_csv_key_t *k = malloc(c->n * sizeof *k);
  if (!k)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  for (size_t i = 0; i < c->n; ++i)
    k[i] = (spm_csv_key_t){c->rows[i].id, c->rows[i].id_len, c->rows[i].line};
  qsort(k, c->n, sizeof *k, spm_csv_by_id);
  size_t dup = SIZE_MAX, first = 0;
  for (size_t i = 1; i < c->n; ++i)
    if (spm_csv_same(&k[i - 1], &k[i]) &&
        (i < 2 || !spm_csv_same(&k[i - 2], &k[i])) &&
        (dup == SIZE_MAX || k[i].line < k[dup].line)) {
      dup = i;
      first = i - 1;
    }
  spm_status_t s = SPM_OK;
  if (dup != SIZE_MAX) {
    spm_strbuf_t id = SPM_STRBUF_INIT;
    spm_csv_append_escaped(&id, k[dup].id, k[dup].id_len, SPM_CSV_QUOTE_ID);
    s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                        "%s:%zu: duplicate id '%s' (first on line %zu)", name,
                        k[dup].line, spm_strbuf_cstr(&id), k[first].line);
    spm_strbuf_free(&id);
  }
  free(k);
  return s;
}

spm_status_t spm_csv_parse(const char *name, const char *text, size_t len,
                           bool need_offset, spm_csv_t *out) {
  memset(out, 0, sizeof *out);
  const char *want = need_offset ? SPM_CSV_HEADER_OFFSET : SPM_CSV_HEADER;
  // A NUL byte: a binary file, or text that C strings would cut short.
  const char *nul = len ? memchr(text, '\0', len) : NULL;
  if (nul) {
    size_t at = 1;
    for (const char *q = text; q < nul; ++q)
      at += *q == '\n';
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "%s:%zu: NUL byte (is this a text file?)", name, at);
  }
  size_t cap = 0;
  size_t line = 0, pos = 0;
  // A UTF-8 byte order mark (spreadsheets write one) is not part of the
  // header.
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  if (pos == len)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "%s:1: empty file, expected the header '%s'", name,
                           want);
  size_t ncols = 0;
  spm_status_t s = SPM_OK;
  while (pos < len && spm_status_is_ok(s)) {
    line++;
    const char *l = text + pos;
    const char *nl = memchr(l, '\n', len - pos);
    size_t ll = nl ? (size_t)(nl - l) : len - pos;
    pos += ll + (nl ? 1 : 0);
    if (ll > 0 && l[ll - 1] == '\r')
      ll--;
    if (line == 1) {
      if (spm_csv_is(l, ll, SPM_CSV_HEADER_OFFSET) ||
          spm_csv_is(l, ll, SPM_CSV_HEADER_OLD_OFFSET)) {
        ncols = 5;
      } else if (!need_offset && (spm_csv_is(l, ll, SPM_CSV_HEADER) ||
                                  spm_csv_is(l, ll, SPM_CSV_HEADER_OLD))) {
        ncols = 4;
      } else {
        spm_strbuf_t got = SPM_STRBUF_INIT;
        spm_csv_append_escaped(&got, l, ll, 80);
        s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                            "%s:1: expected the header '%s'%s, got '%s'", name,
                            want,
                            need_offset ? " (validation needs offsets)" : "",
                            spm_strbuf_cstr(&got));
        spm_strbuf_free(&got);
      }
      out->has_offset = ncols == 5;
      continue;
    }
    if (ll == 0) {
      // Empty lines are allowed only at the end of the file.
      size_t q = pos;
      while (q < len && (text[q] == '\n' || text[q] == '\r'))
        q++;
      if (q == len)
        break;
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                          "%s:%zu: empty line, expected %zu fields", name, line,
                          ncols);
      break;
    }
    spm_csv_field_t f[6];
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= ll; ++i)
      if (i == ll || l[i] == ',') {
        if (nf < 6)
          f[nf] = (spm_csv_field_t){l + start, i - start};
        nf++;
        start = i + 1;
      }
    if (nf != ncols) {
      s = spm_status_make(
          SPM_STATUS_INVALID_ARGUMENT,
          "%s:%zu: expected %zu fields (%s), got %zu", name, line, ncols,
          ncols == 5 ? SPM_CSV_HEADER_OFFSET : SPM_CSV_HEADER, nf);
      break;
    }
    if (f[0].len == 0) {
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "%s:%zu: empty id", name,
                          line);
      break;
    }
    int64_t v[5] = {0, 0, 0, 0, -1};
    for (size_t k = 1; k < ncols; ++k) {
      bool overflow;
      if (!spm_csv_int(f[k].p, f[k].len, &v[k], &overflow)) {
        spm_strbuf_t got = SPM_STRBUF_INIT;
        spm_csv_append_escaped(&got, f[k].p, f[k].len, 40);
        s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "%s:%zu: %s '%s' %s",
                            name, line, spm_csv_names[k], spm_strbuf_cstr(&got),
                            overflow ? "is out of range" : "is not an integer");
        spm_strbuf_free(&got);
        break;
      }
    }
    if (!spm_status_is_ok(s))
      break;
    if (v[1] < 0)
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                          "%s:%zu: lower %" PRId64 " is negative", name, line,
                          v[1]);
    else if (v[1] >= v[2])
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                          "%s:%zu: empty live range: lower %" PRId64
                          " >= upper %" PRId64,
                          name, line, v[1], v[2]);
    else if (v[3] <= 0)
      s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                          "%s:%zu: size %" PRId64 " is not positive", name,
                          line, v[3]);
    if (!spm_status_is_ok(s))
      break;
    if (out->n == cap) {
      size_t nc = cap ? 2 * cap : 64;
      spm_csv_row_t *r = realloc(out->rows, nc * sizeof *r);
      if (!r) {
        s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
        break;
      }
      out->rows = r;
      cap = nc;
    }
    out->rows[out->n++] =
        (spm_csv_row_t){f[0].p, f[0].len, v[1], v[2], v[3], v[4], line};
  }
  if (spm_status_is_ok(s))
    s = spm_csv_check_ids(name, out);
  if (!spm_status_is_ok(s))
    spm_csv_free(out);
  return s;
}

void spm_csv_write(const spm_csv_t *c, const int64_t *offsets,
                   spm_strbuf_t *out) {
  spm_strbuf_append_str(out, SPM_CSV_HEADER_OFFSET "\n");
  for (size_t i = 0; i < c->n; ++i) {
    const spm_csv_row_t *r = &c->rows[i];
    spm_strbuf_append(out, r->id, r->id_len);
    spm_strbuf_appendf(out,
                       ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
                       r->lower, r->upper, r->size, offsets[i]);
  }
}

typedef struct {
  const char *name;
  bool need_offset, header_checked;
  size_t max;
} spm_csv_reading_t;

// Stops at what spm_csv_parse refuses on what has been read (it reports
// it): a NUL byte, or a wrong header; and past `max` bytes. An endless
// input (/dev/zero, /dev/urandom, `yes |`) was read until memory ran out.
static bool spm_csv_read_stop(const spm_strbuf_t *out, size_t from,
                              void *user, spm_status_t *status) {
  spm_csv_reading_t *r = user;
  if (out->len > r->max) {
    *status = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                              "%s: more than %zu bytes, the most spm-pack "
                              "reads",
                              r->name, r->max);
    return true;
  }
  if (memchr(out->data + from, '\0', out->len - from))
    return true;
  if (r->header_checked)
    return false;
  const char *nl = memchr(out->data, '\n', out->len);
  if (!nl && out->len < SPM_CSV_HEADER_WINDOW)
    return false;
  r->header_checked = true;
  spm_csv_t head;
  spm_status_t h = spm_csv_parse(
      r->name, out->data, nl ? (size_t)(nl - out->data) + 1 : out->len,
      r->need_offset, &head);
  bool ok = spm_status_is_ok(h);
  spm_status_free(h);
  spm_csv_free(&head);
  return !ok;
}

spm_status_t spm_csv_read(const char *path, const char *name,
                          bool need_offset, size_t max, spm_strbuf_t *out) {
  spm_csv_reading_t r = {name, need_offset, false, max};
  return spm_file_read_until(path, out, spm_csv_read_stop, &r);
}
