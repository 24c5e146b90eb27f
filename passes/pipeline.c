#include "passes/pipeline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "support/strbuf.h"

typedef struct {
  const char *text; // whole pipeline, for messages
  const char *p;    // cursor
} spm_pipe_parser_t;

static void spm_pipe_skip_ws(spm_pipe_parser_t *ps) {
  while (isspace((unsigned char)*ps->p))
    ++ps->p;
}

static spm_status_t spm_pipe_error(spm_pipe_parser_t *ps, const char *what) {
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "invalid pass pipeline '%s': %s at offset %ld",
                         ps->text, what, (long)(ps->p - ps->text));
}

// Scans a balanced {...} starting at ps->p ('{'); returns the inner span.
static spm_status_t spm_pipe_scan_braces(spm_pipe_parser_t *ps,
                                         const char **b, const char **e) {
  int depth = 0;
  const char *start = ps->p;
  char quote = 0;
  for (; *ps->p; ++ps->p) {
    char c = *ps->p;
    if (quote) {
      if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '{')
      ++depth;
    else if (c == '}' && --depth == 0) {
      *b = start + 1;
      *e = ps->p;
      ++ps->p;
      return SPM_OK;
    }
  }
  ps->p = start;
  return spm_pipe_error(ps, "unbalanced '{'");
}

static void spm_capture_cb(MlirStringRef s, void *user) {
  spm_strbuf_append((spm_strbuf_t *)user, s.data, s.length);
}

static spm_status_t spm_pipe_add_leaf(MlirOpPassManager pm, const char *name,
                                      size_t nlen, const char *opts,
                                      size_t olen, bool has_opts) {
  const spm_pass_info_t *info = spm_pass_registry_lookup(name, nlen);
  if (info) {
    char *o = malloc(olen + 1);
    if (!o)
      return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    memcpy(o, opts ? opts : "", olen);
    o[olen] = '\0';
    MlirPass pass;
    spm_status_t s = info->create(o, &pass);
    free(o);
    if (spm_status_is_ok(s))
      mlirOpPassManagerAddOwnedPass(pm, pass);
    return s;
  }
  spm_strbuf_t elem = SPM_STRBUF_INIT, err = SPM_STRBUF_INIT;
  spm_strbuf_append(&elem, name, nlen);
  if (has_opts) {
    spm_strbuf_append_str(&elem, "{");
    spm_strbuf_append(&elem, opts, olen);
    spm_strbuf_append_str(&elem, "}");
  }
  MlirLogicalResult r = mlirOpPassManagerAddPipeline(
      pm, mlirStringRefCreate(elem.data, elem.len), spm_capture_cb, &err);
  spm_status_t s = SPM_OK;
  if (mlirLogicalResultIsFailure(r)) {
    // MLIR's message names the element; keep its first line.
    const char *m = spm_strbuf_cstr(&err);
    const char *nl = strchr(m, '\n');
    int mlen = nl ? (int)(nl - m) : (int)strlen(m);
    s = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "%.*s", mlen,
                        mlen ? m : "invalid pass");
  }
  spm_strbuf_free(&elem);
  spm_strbuf_free(&err);
  return s;
}

static spm_status_t spm_pipe_parse_list(spm_pipe_parser_t *ps,
                                        MlirOpPassManager pm, char close);

static bool spm_pipe_name_char(char c) {
  return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static spm_status_t spm_pipe_parse_element(spm_pipe_parser_t *ps,
                                           MlirOpPassManager pm) {
  spm_pipe_skip_ws(ps);
  const char *name = ps->p;
  while (spm_pipe_name_char(*ps->p))
    ++ps->p;
  size_t nlen = (size_t)(ps->p - name);
  if (nlen == 0)
    return spm_pipe_error(ps, "expected a pass or anchor name");
  spm_pipe_skip_ws(ps);
  const char *ob = NULL, *oe = NULL;
  if (*ps->p == '{') {
    SPM_RETURN_IF_ERROR(spm_pipe_scan_braces(ps, &ob, &oe));
    spm_pipe_skip_ws(ps);
  }
  if (*ps->p == '(') {
    if (ob)
      return spm_pipe_error(ps, "an anchor takes no options");
    ++ps->p;
    char *anchor = malloc(nlen + 1);
    if (!anchor)
      return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    memcpy(anchor, name, nlen);
    anchor[nlen] = '\0';
    MlirOpPassManager nested = mlirOpPassManagerGetNestedUnder(
        pm, mlirStringRefCreateFromCString(anchor));
    free(anchor);
    return spm_pipe_parse_list(ps, nested, ')');
  }
  return spm_pipe_add_leaf(pm, name, nlen, ob, ob ? (size_t)(oe - ob) : 0,
                           ob != NULL);
}

static spm_status_t spm_pipe_parse_list(spm_pipe_parser_t *ps,
                                        MlirOpPassManager pm, char close) {
  spm_pipe_skip_ws(ps);
  if (*ps->p == close && close) {
    ++ps->p;
    return SPM_OK;
  }
  for (;;) {
    SPM_RETURN_IF_ERROR(spm_pipe_parse_element(ps, pm));
    spm_pipe_skip_ws(ps);
    if (*ps->p == ',') {
      ++ps->p;
      continue;
    }
    if (close && *ps->p == close) {
      ++ps->p;
      return SPM_OK;
    }
    if (!close && !*ps->p)
      return SPM_OK;
    return spm_pipe_error(ps, close ? "expected ',' or ')'" : "expected ','");
  }
}

spm_status_t spm_pipeline_add_elements(MlirOpPassManager pm, const char *text) {
  spm_pipe_parser_t ps = {text, text};
  spm_pipe_skip_ws(&ps);
  if (!*ps.p)
    return SPM_OK;
  return spm_pipe_parse_list(&ps, pm, 0);
}

spm_status_t spm_pipeline_add_anchored(MlirOpPassManager pm,
                                       const char *anchor, const char *text) {
  spm_pipe_parser_t ps = {text, text};
  spm_pipe_skip_ws(&ps);
  size_t al = strlen(anchor);
  if (strncmp(ps.p, anchor, al) != 0 || ps.p[al] != '(')
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "invalid pass pipeline '%s': expected the pipeline "
                           "to be wrapped in its anchor, e.g. '%s(...)'",
                           text, anchor);
  ps.p += al + 1;
  SPM_RETURN_IF_ERROR(spm_pipe_parse_list(&ps, pm, ')'));
  spm_pipe_skip_ws(&ps);
  if (*ps.p)
    return spm_pipe_error(&ps, "unexpected text after the pipeline");
  return SPM_OK;
}

spm_status_t spm_pipeline_add_pass(MlirOpPassManager pm, const char *name,
                                   const char *options) {
  return spm_pipe_add_leaf(pm, name, strlen(name), options,
                           options ? strlen(options) : 0, options != NULL);
}
