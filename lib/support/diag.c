#include "support/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/Diagnostics.h"
#include "support/strbuf.h"

typedef struct spm_diag_source_s {
  const char *name;
  const char *text;
} spm_diag_source_t;

struct spm_diag_engine_s {
  MlirContext ctx;
  MlirDiagnosticHandlerID handler;
  FILE *out;
  bool collect;
  spm_diag_t *diags;
  size_t ndiags, cap;
  spm_diag_source_t *sources;
  size_t nsources;
  size_t nerrors;
  const char *alias_from, *alias_to;
  spm_diag_engine_t *next; // global list of live engines
};

// Engines are few (one per context in a tool) and created on the main
// thread; spm-opt runs its pass manager single-threaded.
static spm_diag_engine_t *spm_diag_engines;

const char *spm_diag_severity_name(spm_diag_severity_t s) {
  switch (s) {
  case SPM_DIAG_ERROR:
    return "error";
  case SPM_DIAG_WARNING:
    return "warning";
  case SPM_DIAG_REMARK:
    return "remark";
  case SPM_DIAG_NOTE:
    return "note";
  }
  return "error";
}

static char *spm_strndup(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d)
    abort();
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

bool spm_location_file_line_col(MlirLocation loc, MlirStringRef *file,
                                unsigned *line, unsigned *col) {
  for (int depth = 0; depth < 64 && !mlirLocationIsNull(loc); ++depth) {
    if (mlirLocationIsAFileLineColRange(loc)) {
      MlirIdentifier id = mlirLocationFileLineColRangeGetFilename(loc);
      *file = mlirIdentifierStr(id);
      *line = (unsigned)mlirLocationFileLineColRangeGetStartLine(loc);
      *col = (unsigned)mlirLocationFileLineColRangeGetStartColumn(loc);
      return true;
    }
    if (mlirLocationIsAName(loc))
      loc = mlirLocationNameGetChildLoc(loc);
    else if (mlirLocationIsACallSite(loc))
      loc = mlirLocationCallSiteGetCallee(loc);
    else if (mlirLocationIsAFused(loc)) {
      intptr_t n = mlirLocationFusedGetNumLocations(loc);
      if (n <= 0)
        return false;
      MlirLocation *locs = malloc(sizeof(MlirLocation) * (size_t)n);
      if (!locs)
        return false;
      mlirLocationFusedGetLocations(loc, locs);
      MlirLocation first = locs[0];
      free(locs);
      loc = first;
    } else
      return false;
  }
  return false;
}

static void spm_diag_engine_record(spm_diag_engine_t *e, spm_diag_severity_t sev,
                                   MlirLocation loc, const char *msg,
                                   size_t msglen) {
  spm_diag_t d = {sev, NULL, 0, 0, spm_strndup(msg, msglen)};
  MlirStringRef file;
  if (spm_location_file_line_col(loc, &file, &d.line, &d.col)) {
    if (e->alias_from && file.length == strlen(e->alias_from) &&
        memcmp(file.data, e->alias_from, file.length) == 0)
      file = mlirStringRefCreateFromCString(e->alias_to);
    d.file = spm_strndup(file.data, file.length);
  }
  if (sev == SPM_DIAG_ERROR)
    e->nerrors++;
  if (!e->collect) {
    spm_diag_engine_print(e, &d);
    free(d.file);
    free(d.message);
    return;
  }
  if (e->ndiags == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 16;
    e->diags = realloc(e->diags, e->cap * sizeof(spm_diag_t));
    if (!e->diags)
      abort();
  }
  e->diags[e->ndiags++] = d;
}

static spm_diag_severity_t spm_diag_from_mlir(MlirDiagnosticSeverity s) {
  switch (s) {
  case MlirDiagnosticError:
    return SPM_DIAG_ERROR;
  case MlirDiagnosticWarning:
    return SPM_DIAG_WARNING;
  case MlirDiagnosticNote:
    return SPM_DIAG_NOTE;
  case MlirDiagnosticRemark:
    return SPM_DIAG_REMARK;
  }
  return SPM_DIAG_ERROR;
}

static void spm_diag_record_mlir(spm_diag_engine_t *e, MlirDiagnostic diag) {
  spm_strbuf_t msg = SPM_STRBUF_INIT;
  mlirDiagnosticPrint(diag, spm_strbuf_append_callback, &msg);
  spm_diag_engine_record(e, spm_diag_from_mlir(mlirDiagnosticGetSeverity(diag)),
                         mlirDiagnosticGetLocation(diag), spm_strbuf_cstr(&msg),
                         msg.len);
  spm_strbuf_free(&msg);
  intptr_t nnotes = mlirDiagnosticGetNumNotes(diag);
  for (intptr_t i = 0; i < nnotes; ++i)
    spm_diag_record_mlir(e, mlirDiagnosticGetNote(diag, i));
}

static MlirLogicalResult spm_diag_handler(MlirDiagnostic diag, void *user) {
  spm_diag_record_mlir((spm_diag_engine_t *)user, diag);
  return mlirLogicalResultSuccess();
}

spm_diag_engine_t *spm_diag_engine_create(MlirContext ctx, FILE *out) {
  spm_diag_engine_t *e = calloc(1, sizeof(*e));
  if (!e)
    abort();
  e->ctx = ctx;
  e->out = out;
  e->handler = mlirContextAttachDiagnosticHandler(ctx, spm_diag_handler, e,
                                                  NULL);
  e->next = spm_diag_engines;
  spm_diag_engines = e;
  return e;
}

void spm_diag_engine_clear(spm_diag_engine_t *e) {
  for (size_t i = 0; i < e->ndiags; ++i) {
    free(e->diags[i].file);
    free(e->diags[i].message);
  }
  e->ndiags = 0;
}

void spm_diag_engine_destroy(spm_diag_engine_t *e) {
  if (!e)
    return;
  mlirContextDetachDiagnosticHandler(e->ctx, e->handler);
  for (spm_diag_engine_t **p = &spm_diag_engines; *p; p = &(*p)->next)
    if (*p == e) {
      *p = e->next;
      break;
    }
  spm_diag_engine_clear(e);
  free(e->diags);
  free(e->sources);
  free(e);
}

void spm_diag_engine_set_source(spm_diag_engine_t *e, const char *name,
                                const char *text) {
  for (size_t i = 0; i < e->nsources; ++i)
    if (strcmp(e->sources[i].name, name) == 0) {
      e->sources[i].text = text;
      return;
    }
  e->sources = realloc(e->sources, (e->nsources + 1) * sizeof(*e->sources));
  if (!e->sources)
    abort();
  e->sources[e->nsources++] = (spm_diag_source_t){name, text};
}

void spm_diag_engine_set_file_alias(spm_diag_engine_t *e, const char *from,
                                    const char *to) {
  e->alias_from = from;
  e->alias_to = to;
}

void spm_diag_engine_set_collect(spm_diag_engine_t *e, bool collect) {
  e->collect = collect;
}

size_t spm_diag_engine_count(const spm_diag_engine_t *e) { return e->ndiags; }

const spm_diag_t *spm_diag_engine_get(const spm_diag_engine_t *e, size_t i) {
  return i < e->ndiags ? &e->diags[i] : NULL;
}

size_t spm_diag_engine_num_errors(const spm_diag_engine_t *e) {
  return e->nerrors;
}

// Finds line `line` (1-based) of `text`; returns its start and length.
static const char *spm_find_line(const char *text, unsigned line,
                                 size_t *len) {
  const char *p = text;
  for (unsigned l = 1; l < line; ++l) {
    p = strchr(p, '\n');
    if (!p)
      return NULL;
    ++p;
  }
  const char *end = strchr(p, '\n');
  *len = end ? (size_t)(end - p) : strlen(p);
  return p;
}

void spm_diag_engine_print(spm_diag_engine_t *e, const spm_diag_t *d) {
  const char *sev = spm_diag_severity_name(d->severity);
  if (!d->file) {
    fprintf(e->out, "<unknown>: %s: %s\n", sev, d->message);
    return;
  }
  if (d->line == 0) { // e.g. the implicit module of a file
    fprintf(e->out, "%s: %s: %s\n", d->file, sev, d->message);
    return;
  }
  fprintf(e->out, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col, sev,
          d->message);
  for (size_t i = 0; i < e->nsources; ++i) {
    if (strcmp(e->sources[i].name, d->file) != 0)
      continue;
    size_t len;
    const char *ln = spm_find_line(e->sources[i].text, d->line, &len);
    if (!ln)
      break;
    fprintf(e->out, "%.*s\n", (int)len, ln);
    for (unsigned c = 1; c < d->col && c <= len; ++c)
      fputc(ln[c - 1] == '\t' ? '\t' : ' ', e->out);
    fputs("^\n", e->out);
    break;
  }
}

void spm_diag_emit(MlirLocation loc, spm_diag_severity_t sev, const char *fmt,
                   ...) {
  spm_strbuf_t msg = SPM_STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  spm_strbuf_vappendf(&msg, fmt, ap);
  va_end(ap);
  const char *text = spm_strbuf_cstr(&msg);
  if (sev == SPM_DIAG_ERROR) {
    mlirEmitError(loc, text);
    spm_strbuf_free(&msg);
    return;
  }
  MlirContext ctx = mlirLocationGetContext(loc);
  for (spm_diag_engine_t *e = spm_diag_engines; e; e = e->next)
    if (e->ctx.ptr == ctx.ptr) {
      spm_diag_engine_record(e, sev, loc, text, msg.len);
      spm_strbuf_free(&msg);
      return;
    }
  // No engine (plugin inside mlir-opt): print in the same format.
  MlirStringRef file;
  unsigned line, col;
  if (spm_location_file_line_col(loc, &file, &line, &col))
    fprintf(stderr, "%.*s:%u:%u: %s: %s\n", (int)file.length, file.data, line,
            col, spm_diag_severity_name(sev), text);
  else
    fprintf(stderr, "<unknown>: %s: %s\n", spm_diag_severity_name(sev), text);
  spm_strbuf_free(&msg);
}
