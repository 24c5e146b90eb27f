// spm-pack: offsets for buffers with fixed live ranges, from a CSV file.
//
//   spm-pack --capacity N [options] IN.csv|-      pack: print/write offsets
//   spm-pack --validate [--capacity N] [--alignment A] IN.csv|-
//                                                 check a packing
//
// See --help and docs/packing.md.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack.h"
#include "csv.h"
#include "support/file_io.h"
#include "support/parse_size.h"
#include "support/strbuf.h"

static const char *const spm_pack_usage =
    "usage: spm-pack --capacity N [options] INPUT.csv|-\n"
    "       spm-pack --validate [--capacity N] [--alignment A] INPUT.csv|-\n"
    "\n"
    "Assigns an offset to every buffer of INPUT (CSV with the header\n"
    "'id,lower,upper,size', or MiniMalloc's older 'buffer,start,end,size';\n"
    "each buffer is live in [lower, upper), or in [start, end)) so that\n"
    "buffers live at the same time do not share bytes and every buffer ends\n"
    "within the capacity. Writes the rows with an added 'offset' column and\n"
    "prints a summary line to standard error.\n"
    "\n"
    "options:\n"
    "  --capacity N         scratchpad size in bytes (suffix K, M or G for\n"
    "                       KiB, MiB, GiB); required to pack\n"
    "  --algorithm NAME     heuristic, exact or auto (default auto: the\n"
    "                       heuristic, then the exact search if it misses;\n"
    "                       exact does the same, heuristic never searches)\n"
    "  --minimize           search for the smallest peak (exact and auto)\n"
    "  --time-limit S       seconds for the exact search (default 1)\n"
    "  --node-limit N       search nodes for the exact search (default none)\n"
    "  --alignment A        every offset a multiple of A, a power of two\n"
    "                       (default 1)\n"
    "  -o FILE              write the CSV to FILE (atomically, and only on\n"
    "                       success) instead of standard output\n"
    "  --validate           check the offsets of INPUT (header\n"
    "                       'id,lower,upper,size,offset'): aligned, within\n"
    "                       the capacity if given, no overlap in space and\n"
    "                       time; takes only --capacity and --alignment\n"
    "                       (-o, --algorithm, --minimize, --time-limit and\n"
    "                       --node-limit are errors with it)\n"
    "  --help               this text\n"
    "\n"
    "An input with an offset column is accepted when packing; its offsets\n"
    "are read and ignored. Exit status: 0 on success, 1 on any error or when\n"
    "no packing within the capacity was found.\n";

typedef struct {
  const char *input, *output;
  int64_t capacity; // 0: not given
  int64_t alignment;
  spm_pack_algorithm_t algorithm;
  bool minimize, validate;
  double time_limit;
  uint64_t node_limit;
} spm_pack_cli_t;

static int spm_pack_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int spm_pack_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("spm-pack: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

// Reads the value v of option `name` as a positive byte count or integer
// (spm_parse_size: digits, optional K/M/G suffix) into *out. On failure
// prints "invalid NAME 'V': EXPECTED" (or "...: out of range (at most ...)")
// and returns false.
static bool spm_pack_positive_option(const char *name, const char *v,
                                     const char *expected, int64_t *out) {
  int64_t x = 0;
  spm_parse_size_result_t r = spm_parse_size(v, &x);
  if (r == SPM_PARSE_SIZE_OUT_OF_RANGE) {
    spm_pack_fail("invalid %s '%s': out of range (at most %lld)", name, v,
                  (long long)INT64_MAX);
    return false;
  }
  if (r != SPM_PARSE_SIZE_OK || x <= 0) {
    spm_pack_fail("invalid %s '%s': expected %s", name, v, expected);
    return false;
  }
  *out = x;
  return true;
}

// Splits "--name=value"; returns the value (or the next argument) or NULL.
static const char *spm_pack_value(int argc, char **argv, int *i,
                                  const char *arg, const char *name,
                                  bool *matched) {
  size_t n = strlen(name);
  *matched = false;
  if (strncmp(arg, name, n) != 0)
    return NULL;
  if (arg[n] == '=') {
    *matched = true;
    return arg + n + 1;
  }
  if (arg[n] != '\0')
    return NULL;
  *matched = true;
  if (*i + 1 >= argc)
    return NULL;
  return argv[++*i];
}

// Returns -1 to continue, or an exit status.
static int spm_pack_parse_args(int argc, char **argv, spm_pack_cli_t *c) {
  memset(c, 0, sizeof *c);
  spm_pack_options_t d = spm_pack_options_default();
  c->algorithm = d.algorithm;
  c->time_limit = d.time_limit;
  c->alignment = 1;
  const char *capacity = NULL;
  const char *pack_only = NULL; // the first option that only packing uses
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    bool m;
    const char *v;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(spm_pack_usage, stdout);
      return 0;
    }
    if (strcmp(a, "-") == 0 || a[0] != '-') {
      if (c->input)
        return spm_pack_fail("too many input files ('%s' and '%s')", c->input,
                             a);
      c->input = a;
      continue;
    }
    if (strcmp(a, "--minimize") == 0) {
      c->minimize = true;
      pack_only = pack_only ? pack_only : "--minimize";
      continue;
    }
    if (strcmp(a, "--validate") == 0) {
      c->validate = true;
      continue;
    }
    static const char *const with_value[] = {"--capacity",   "--algorithm",
                                             "--time-limit", "--node-limit",
                                             "--alignment",  "-o"};
    int which = -1;
    for (int k = 0; k < 6 && which < 0; ++k) {
      v = spm_pack_value(argc, argv, &i, a, with_value[k], &m);
      if (m)
        which = k;
    }
    if (which < 0)
      return spm_pack_fail("unknown option '%s'; try 'spm-pack --help'", a);
    if (!v)
      return spm_pack_fail("option '%s' requires a value", with_value[which]);
    if (which != 0 && which != 4 && !pack_only) // not --capacity, --alignment
      pack_only = with_value[which];
    char *end;
    switch (which) {
    case 0:
      capacity = v;
      if (!spm_pack_positive_option("--capacity", v,
                                    "a positive number of bytes (suffix K, "
                                    "M or G allowed)",
                                    &c->capacity))
        return 1;
      break;
    case 1:
      if (strcmp(v, "heuristic") == 0)
        c->algorithm = SPM_PACK_HEURISTIC;
      else if (strcmp(v, "exact") == 0)
        c->algorithm = SPM_PACK_EXACT;
      else if (strcmp(v, "auto") == 0)
        c->algorithm = SPM_PACK_AUTO;
      else
        return spm_pack_fail("invalid --algorithm '%s': expected heuristic, "
                             "exact or auto",
                             v);
      break;
    case 2:
      errno = 0;
      c->time_limit = strtod(v, &end);
      if (errno || end == v || *end || !(c->time_limit > 0) ||
          !isfinite(c->time_limit))
        return spm_pack_fail("invalid --time-limit '%s': expected a positive "
                             "number of seconds",
                             v);
      break;
    case 3: {
      int64_t nl;
      if (!spm_pack_positive_option("--node-limit", v, "a positive integer",
                                    &nl))
        return 1;
      c->node_limit = (uint64_t)nl;
      break;
    }
    case 4:
      if (!spm_pack_positive_option("--alignment", v, "a power of two",
                                    &c->alignment))
        return 1;
      if ((c->alignment & (c->alignment - 1)) != 0)
        return spm_pack_fail("invalid --alignment '%s': expected a power of "
                             "two",
                             v);
      break;
    default:
      // Refused here, not after the search (which may take --time-limit).
      if (!*v)
        return spm_pack_fail("invalid -o '': expected a file name (or - "
                             "for standard output)");
      c->output = v;
    }
  }
  // --validate writes nothing and searches nothing: an option that it
  // would ignore is a mistake in the command line.
  if (c->validate && pack_only)
    return spm_pack_fail("option '%s' cannot be used with --validate (which "
                         "takes only --capacity and --alignment); try "
                         "'spm-pack --help'",
                         pack_only);
  if (!c->input)
    return spm_pack_fail("no input file (use - for standard input); try "
                         "'spm-pack --help'");
  if (!capacity && !c->validate)
    return spm_pack_fail("missing --capacity (the scratchpad size in bytes); "
                         "try 'spm-pack --help'");
  return -1;
}

// "'id' (line N)" of row i.
static void spm_pack_name(spm_strbuf_t *b, const spm_csv_t *csv, size_t i) {
  const spm_csv_row_t *r = &csv->rows[i];
  spm_strbuf_append_str(b, "'");
  spm_csv_append_escaped(b, r->id, r->id_len, SPM_CSV_QUOTE_ID);
  spm_strbuf_appendf(b, "' (line %zu)", r->line);
}

static spm_pack_buffer_t *spm_pack_buffers(const spm_csv_t *csv,
                                           int64_t alignment) {
  spm_pack_buffer_t *b = calloc(csv->n ? csv->n : 1, sizeof *b);
  if (!b)
    return NULL;
  for (size_t i = 0; i < csv->n; ++i) {
    const spm_csv_row_t *r = &csv->rows[i];
    b[i] = (spm_pack_buffer_t){(int64_t)i, r->lower,  r->upper,
                               r->size,    alignment, r->offset};
  }
  return b;
}

static int spm_pack_do_validate(const spm_pack_cli_t *c, const char *name,
                                const spm_csv_t *csv, spm_pack_buffer_t *b) {
  spm_pack_violation_t v;
  spm_status_t s = spm_pack_validate_ex(b, csv->n, c->capacity, &v);
  if (spm_status_code(s) == SPM_STATUS_FAILED) {
    spm_strbuf_t m = SPM_STRBUF_INIT;
    spm_strbuf_appendf(
        &m, "%s:%zu: invalid packing: ", name,
        csv->rows[v.second == SIZE_MAX ? v.first : v.second].line);
    if (v.second == SIZE_MAX) {
      spm_strbuf_append_str(&m, "buffer ");
      spm_pack_name(&m, csv, v.first);
    } else {
      spm_strbuf_append_str(&m, "buffers ");
      spm_pack_name(&m, csv, v.first);
      spm_strbuf_append_str(&m, " and ");
      spm_pack_name(&m, csv, v.second);
      spm_strbuf_append_str(&m, " overlap");
    }
    int rc = spm_pack_fail("%s: %s", spm_strbuf_cstr(&m), v.detail);
    spm_strbuf_free(&m);
    spm_status_free(s);
    return rc;
  }
  if (!spm_status_is_ok(s)) {
    int rc = spm_pack_fail("%s: %s", name, spm_status_message(s));
    spm_status_free(s);
    return rc;
  }
  int64_t peak = 0;
  for (size_t i = 0; i < csv->n; ++i)
    if (b[i].offset + b[i].size > peak)
      peak = b[i].offset + b[i].size;
  fprintf(stderr,
          "spm-pack: %s: valid packing of %zu buffer%s, peak %" PRId64
          ", lower bound %" PRId64,
          name, csv->n, spm_plural(csv->n), peak,
          spm_pack_lower_bound(b, csv->n));
  if (c->capacity > 0)
    fprintf(stderr, ", capacity %" PRId64, c->capacity);
  fputc('\n', stderr);
  return 0;
}

// The message when no packing within the capacity was found.
static int spm_pack_report_miss(const spm_pack_cli_t *c, const spm_csv_t *csv,
                                const spm_pack_buffer_t *b,
                                const spm_pack_result_t *r) {
  spm_strbuf_t m = SPM_STRBUF_INIT;
  if (r->proven_infeasible && r->lower_bound > c->capacity) {
    int64_t t;
    size_t live[8];
    size_t k = spm_pack_peak_live(b, csv->n, &t, live, 8);
    spm_strbuf_appendf(&m,
                       "no packing of %zu buffer%s fits in capacity %" PRId64
                       " (lower bound %" PRId64 ": at time %" PRId64
                       " the %zu live buffer%s need%s that much:",
                       csv->n, spm_plural(csv->n), c->capacity, r->lower_bound,
                       t, k, spm_plural(k), spm_verb_s(k));
    for (size_t j = 0; j < k && j < 8; ++j) {
      const spm_csv_row_t *row = &csv->rows[live[j]];
      spm_strbuf_append_str(&m, j ? ", '" : " '");
      spm_csv_append_escaped(&m, row->id, row->id_len, SPM_CSV_QUOTE_ID);
      spm_strbuf_append_str(&m, "'");
    }
    spm_strbuf_append_str(&m, k > 8 ? ", ...)" : ")");
  } else if (r->proven_infeasible) {
    spm_strbuf_appendf(&m,
                       "no packing of %zu buffer%s fits in capacity %" PRId64
                       " (lower bound %" PRId64
                       "; the exact search proved it in %" PRIu64 " node%s)",
                       csv->n, spm_plural(csv->n), c->capacity, r->lower_bound,
                       r->nodes, spm_plural(r->nodes));
  } else if (r->too_large) {
    if (csv->n > SPM_PACK_EXACT_MAX_BUFFERS)
      spm_strbuf_appendf(&m,
                         "the heuristic found no packing of %zu buffers "
                         "within capacity %" PRId64 " (lower bound %" PRId64
                         ", best peak %" PRId64
                         "), and the exact search takes at most %d buffers",
                         csv->n, c->capacity, r->lower_bound, r->peak,
                         SPM_PACK_EXACT_MAX_BUFFERS);
    else
      spm_strbuf_appendf(&m,
                         "the heuristic found no packing of %zu buffers "
                         "within capacity %" PRId64 " (lower bound %" PRId64
                         ", best peak %" PRId64
                         "), and the exact search takes at most %" PRIu64
                         " pairs of buffers live at the same time; this "
                         "instance has %" PRIu64,
                         csv->n, c->capacity, r->lower_bound, r->peak,
                         SPM_PACK_EXACT_MAX_CONFLICTS,
                         spm_pack_conflict_pairs(b, csv->n));
  } else if (r->limit_reached) {
    // The time limit runs from the start of the exact search, so a run
    // that stopped short of it stopped at the node limit.
    bool nodes = c->node_limit && r->seconds < c->time_limit;
    spm_strbuf_appendf(&m,
                       "no packing of %zu buffer%s within capacity %" PRId64
                       " found (lower bound %" PRId64 ", best peak %" PRId64
                       "): the exact search stopped at its %s limit after "
                       "%" PRIu64 " node%s, so one may exist; raise %s",
                       csv->n, spm_plural(csv->n), c->capacity, r->lower_bound,
                       r->peak, nodes ? "node" : "time", r->nodes,
                       spm_plural(r->nodes),
                       nodes ? "--node-limit" : "--time-limit");
  } else {
    spm_strbuf_appendf(
        &m,
        "the heuristic found no packing of %zu buffer%s "
        "within capacity %" PRId64 " (lower bound %" PRId64
        ", best peak %" PRId64 "); try --algorithm auto or exact",
        csv->n, spm_plural(csv->n), c->capacity, r->lower_bound, r->peak);
  }
  int rc = spm_pack_fail("%s", spm_strbuf_cstr(&m));
  spm_strbuf_free(&m);
  return rc;
}

static int spm_pack_do_pack(const spm_pack_cli_t *c, const spm_csv_t *csv,
                            spm_pack_buffer_t *b) {
  spm_pack_options_t o = spm_pack_options_default();
  o.algorithm = c->algorithm;
  o.capacity = c->capacity;
  o.minimize_peak = c->minimize;
  o.time_limit = c->time_limit;
  o.node_limit = c->node_limit;
  spm_pack_result_t r;
  spm_status_t s = spm_pack(b, csv->n, &o, &r);
  if (!spm_status_is_ok(s)) {
    int rc = spm_pack_fail("%s", spm_status_message(s));
    spm_status_free(s);
    return rc;
  }
  fprintf(stderr,
          "spm-pack: %zu buffer%s, peak %" PRId64 ", lower bound %" PRId64
          ", capacity %" PRId64 ", algorithm %s, %.1f ms%s\n",
          csv->n, spm_plural(csv->n), r.peak, r.lower_bound, c->capacity,
          r.algorithm, r.seconds * 1e3,
          r.feasible && r.optimal ? ", optimal" : "");
  if (!r.feasible)
    return spm_pack_report_miss(c, csv, b, &r);
  int64_t *off = malloc((csv->n ? csv->n : 1) * sizeof *off);
  if (!off)
    return spm_pack_fail("out of memory");
  for (size_t i = 0; i < csv->n; ++i)
    off[i] = b[i].offset;
  spm_strbuf_t out = SPM_STRBUF_INIT;
  spm_csv_write(csv, off, &out);
  free(off);
  s = spm_file_write_atomic(c->output ? c->output : "-", spm_strbuf_cstr(&out),
                            out.len);
  spm_strbuf_free(&out);
  if (!spm_status_is_ok(s)) {
    int rc = spm_pack_fail("%s", spm_status_message(s));
    spm_status_free(s);
    return rc;
  }
  return 0;
}

// Bounds the sums the packers compute as spm_pack does (the sizes and one
// alignment per buffer, at most INT64_MAX / 4), but names the line where
// the sum goes over, and says whether the sizes alone do. Returns -1 to
// continue, or an exit status.
static int spm_pack_check_total(const char *name, const spm_csv_t *csv,
                                int64_t alignment) {
  const int64_t max = INT64_MAX / 4;
  int64_t sizes = 0, total = 0; // sizes <= total <= max
  for (size_t i = 0; i < csv->n; ++i) {
    int64_t size = csv->rows[i].size;
    if (size > max - sizes)
      return spm_pack_fail("%s:%zu: the sizes add up to more than %" PRId64
                           " bytes",
                           name, csv->rows[i].line, max);
    if (alignment > max - total - size)
      return spm_pack_fail("%s:%zu: the sizes and alignments add up to more "
                           "than %" PRId64 " bytes (each buffer counts its "
                           "size plus the alignment %" PRId64 ")",
                           name, csv->rows[i].line, max, alignment);
    sizes += size;
    total += size + alignment;
  }
  return -1;
}

int main(int argc, char **argv) {
  spm_pack_cli_t c;
  int rc = spm_pack_parse_args(argc, argv, &c);
  if (rc >= 0)
    return rc;
  const char *name = strcmp(c.input, "-") == 0 ? "<stdin>" : c.input;
  spm_strbuf_t text = SPM_STRBUF_INIT;
  spm_status_t s = SPM_OK;
  // An unwritable -o is an error before the search, not after it.
  if (c.output)
    s = spm_file_check_writable(c.output);
  if (spm_status_is_ok(s))
    s = spm_csv_read(c.input, name, c.validate, SPM_CSV_MAX_INPUT, &text);
  if (!spm_status_is_ok(s)) {
    rc = spm_pack_fail("%s", spm_status_message(s));
    spm_status_free(s);
    spm_strbuf_free(&text);
    return rc;
  }
  spm_csv_t csv;
  s = spm_csv_parse(name, spm_strbuf_cstr(&text), text.len, c.validate, &csv);
  if (!spm_status_is_ok(s)) {
    rc = spm_pack_fail("%s", spm_status_message(s));
    spm_status_free(s);
    spm_strbuf_free(&text);
    return rc;
  }
  rc = spm_pack_check_total(name, &csv, c.alignment);
  spm_pack_buffer_t *b = rc < 0 ? spm_pack_buffers(&csv, c.alignment) : NULL;
  if (rc < 0 && !b)
    rc = spm_pack_fail("out of memory");
  if (rc < 0)
    rc = c.validate ? spm_pack_do_validate(&c, name, &csv, b)
                    : spm_pack_do_pack(&c, &csv, b);
  free(b);
  spm_csv_free(&csv);
  spm_strbuf_free(&text);
  return rc;
}
