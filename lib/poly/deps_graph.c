#include "poly/deps_graph.h"

#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "support/diag.h"

spm_status_t spm_deps_graph_compute(isl_ctx *ctx, MlirOperation func,
                                    unsigned extract_flags, unsigned dep_flags,
                                    spm_deps_graph_t **out) {
  spm_deps_graph_t *g = calloc(1, sizeof *g);
  if (!g)
    abort();
  g->func = func;
  spm_status_t s = spm_poly_extract(ctx, func, extract_flags, &g->model);
  if (spm_status_is_ok(s))
    s = spm_poly_compute_deps(spm_poly_func_program(g->model), dep_flags,
                              &g->deps);
  if (!spm_status_is_ok(s)) {
    spm_deps_graph_free(g);
    return s;
  }
  *out = g;
  return SPM_OK;
}

void spm_deps_graph_free(spm_deps_graph_t *g) {
  if (!g)
    return;
  if (g->deps)
    spm_poly_deps_free(g->deps);
  spm_poly_func_free(g->model);
  free(g);
}

const char *spm_deps_kind_name(spm_poly_dep_kind_t k) {
  switch (k) {
  case SPM_POLY_DEP_FLOW:
    return "flow";
  case SPM_POLY_DEP_ANTI:
    return "anti";
  case SPM_POLY_DEP_OUTPUT:
    return "output";
  }
  return "?";
}

static void spm_append_value(spm_poly_func_t *f, spm_strbuf_t *out,
                             MlirValue v) {
  char *name = spm_poly_func_value_name(f, v);
  spm_strbuf_append_str(out, name);
  free(name);
}

void spm_deps_append_op_ref(spm_strbuf_t *out, MlirOperation op) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  MlirStringRef file;
  unsigned line, col;
  spm_strbuf_append(out, n.data, n.length);
  if (spm_location_file_line_col(mlirOperationGetLocation(op), &file, &line,
                                 &col))
    spm_strbuf_appendf(out, "@%u:%u", line, col);
}

void spm_deps_append_range(spm_strbuf_t *out, const spm_poly_bound_t *b) {
  spm_strbuf_append_str(out, "[");
  if (b->lb_infinite)
    spm_strbuf_append_str(out, "-inf");
  else
    spm_strbuf_appendf(out, "%lld", (long long)b->lb);
  spm_strbuf_append_str(out, ", ");
  if (b->ub_infinite)
    spm_strbuf_append_str(out, "+inf");
  else
    spm_strbuf_appendf(out, "%lld", (long long)b->ub);
  spm_strbuf_append_str(out, "]");
}

// A fixed distance as one number, otherwise the range.
static void spm_append_bound(spm_strbuf_t *out, const spm_poly_bound_t *b) {
  if (!b->lb_infinite && !b->ub_infinite && b->lb == b->ub)
    spm_strbuf_appendf(out, "%lld", (long long)b->lb);
  else
    spm_deps_append_range(out, b);
}

void spm_deps_graph_describe(const spm_deps_graph_t *g, const spm_poly_dep_t *d,
                             spm_strbuf_t *out) {
  int array = spm_poly_func_access_array(g->model, d->src_access);
  spm_strbuf_appendf(out, "%s%s dependence on ", d->may ? "may " : "",
                     spm_deps_kind_name(d->kind));
  spm_append_value(g->model, out, spm_poly_func_array_value(g->model, (size_t)array));
  spm_strbuf_append_str(out, " from ");
  spm_deps_append_op_ref(out, spm_poly_func_access_op(g->model, d->src_access));
  spm_strbuf_append_str(out, " to ");
  spm_deps_append_op_ref(out, spm_poly_func_access_op(g->model, d->dst_access));
  spm_strbuf_appendf(out, " at depth %d (%s), distance (", d->depth,
                     d->depth > d->ncommon ? "loop-independent" : "carried");
  for (int k = 0; k < d->ncommon; ++k) {
    if (k)
      spm_strbuf_append_str(out, ", ");
    spm_append_bound(out, &d->distance[k]);
  }
  spm_strbuf_append_str(out, ")");
}

static void spm_json_string(spm_strbuf_t *out, const char *s, size_t n) {
  spm_strbuf_append_str(out, "\"");
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      spm_strbuf_appendf(out, "\\%c", c);
    else if (c < 0x20)
      spm_strbuf_appendf(out, "\\u%04x", c);
    else
      spm_strbuf_append(out, (const char *)&c, 1);
  }
  spm_strbuf_append_str(out, "\"");
}

static void spm_json_bound(spm_strbuf_t *out, const spm_poly_bound_t *b) {
  spm_strbuf_append_str(out, "[");
  if (b->lb_infinite)
    spm_strbuf_append_str(out, "null");
  else
    spm_strbuf_appendf(out, "%lld", (long long)b->lb);
  spm_strbuf_append_str(out, ", ");
  if (b->ub_infinite)
    spm_strbuf_append_str(out, "null");
  else
    spm_strbuf_appendf(out, "%lld", (long long)b->ub);
  spm_strbuf_append_str(out, "]");
}

static void spm_json_loc(spm_strbuf_t *out, MlirOperation op) {
  MlirStringRef file;
  unsigned line = 0, col = 0;
  spm_location_file_line_col(mlirOperationGetLocation(op), &file, &line, &col);
  spm_strbuf_appendf(out, "\"line\": %u, \"col\": %u", line, col);
}

void spm_deps_graph_to_json(const spm_deps_graph_t *g, spm_strbuf_t *out) {
  const spm_poly_program_t *p = spm_poly_func_program(g->model);
  MlirAttribute sym = mlirOperationGetAttributeByName(
      g->func, mlirStringRefCreateFromCString("sym_name"));
  spm_strbuf_append_str(out, "{\"function\": ");
  if (!mlirAttributeIsNull(sym) && mlirAttributeIsAString(sym)) {
    MlirStringRef n = mlirStringAttrGetValue(sym);
    spm_json_string(out, n.data, n.length);
  } else
    spm_strbuf_append_str(out, "null");
  spm_strbuf_append_str(out, ",\n \"arrays\": [");
  for (size_t i = 0; i < spm_poly_func_num_arrays(g->model); ++i) {
    spm_strbuf_t v = SPM_STRBUF_INIT;
    spm_append_value(g->model, &v, spm_poly_func_array_value(g->model, i));
    spm_strbuf_appendf(out, "%s\n  {\"id\": %zu, \"value\": ", i ? "," : "",
                       i);
    spm_json_string(out, spm_strbuf_cstr(&v), v.len);
    spm_strbuf_append_str(out, "}");
    spm_strbuf_free(&v);
  }
  spm_strbuf_append_str(out, "],\n \"accesses\": [");
  static const char *kinds[] = {"read", "write", "may-write"};
  for (size_t i = 0; i < spm_poly_program_num_accesses(p); ++i) {
    MlirOperation op = spm_poly_func_access_op(g->model, (int)i);
    MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
    spm_strbuf_appendf(out, "%s\n  {\"id\": %zu, \"statement\": %d, \"op\": ",
                       i ? "," : "", i, spm_poly_access_statement(p, (int)i));
    spm_json_string(out, n.data, n.length);
    spm_strbuf_append_str(out, ", ");
    spm_json_loc(out, op);
    spm_strbuf_appendf(out, ", \"kind\": \"%s\", \"array\": %d}",
                       kinds[spm_poly_access_kind(p, (int)i)],
                       spm_poly_func_access_array(g->model, (int)i));
  }
  spm_strbuf_append_str(out, "],\n \"dependences\": [");
  for (size_t i = 0; i < spm_poly_deps_count(g->deps); ++i) {
    const spm_poly_dep_t *d = spm_poly_deps_get(g->deps, i);
    spm_strbuf_appendf(
        out,
        "%s\n  {\"kind\": \"%s\", \"may\": %s, \"src\": %d, \"dst\": %d, "
        "\"array\": %d, \"depth\": %d, \"common_loops\": %d, "
        "\"loop_independent\": %s, \"distance\": [",
        i ? "," : "", spm_deps_kind_name(d->kind), d->may ? "true" : "false",
        d->src_access, d->dst_access,
        spm_poly_func_access_array(g->model, d->src_access), d->depth,
        d->ncommon, d->depth > d->ncommon ? "true" : "false");
    for (int k = 0; k < d->ncommon; ++k) {
      if (k)
        spm_strbuf_append_str(out, ", ");
      spm_json_bound(out, &d->distance[k]);
    }
    spm_strbuf_append_str(out, "], \"relation\": ");
    char *rel = spm_poly_map_to_str(d->relation);
    spm_json_string(out, rel ? rel : "", rel ? strlen(rel) : 0);
    free(rel);
    spm_strbuf_append_str(out, "}");
  }
  spm_strbuf_append_str(out, "]}\n");
}
