// The dependence graph of one function: the analysis object later passes
// (liveness, placement) use directly, in C.
//
//   isl_ctx *ctx = isl_ctx_alloc();
//   spm_deps_graph_t *g;
//   SPM_RETURN_IF_ERROR(spm_deps_graph_compute(ctx, func, 0, &g));
//   for (size_t i = 0; i < spm_poly_deps_count(g->deps); ++i) ...
//   spm_deps_graph_free(g);
//   isl_ctx_free(ctx);
#ifndef SPM_POLY_DEPS_GRAPH_H
#define SPM_POLY_DEPS_GRAPH_H

#include <stdio.h>

#include "poly/extract.h"
#include "poly/poly.h"
#include "support/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_deps_graph_s {
  MlirOperation func;     // borrowed
  spm_poly_func_t *model; // owned
  spm_poly_deps_t *deps;  // owned
} spm_deps_graph_t;

// Extracts the model of `func` (borrowed) and computes its dependences.
// `extract_flags`: spm_poly_extract_flags_t; `dep_flags`: spm_poly_flags_t.
// `ctx` (borrowed) must outlive the graph. Caller frees the graph.
spm_status_t spm_deps_graph_compute(isl_ctx *ctx, MlirOperation func,
                                    unsigned extract_flags, unsigned dep_flags,
                                    spm_deps_graph_t **out);
void spm_deps_graph_free(spm_deps_graph_t *g);

// "flow", "anti", "output".
const char *spm_deps_kind_name(spm_poly_dep_kind_t k);

// Appends "op.name@LINE:COL" for `op` (the reference remarks use).
void spm_deps_append_op_ref(spm_strbuf_t *out, MlirOperation op);

// Appends a distance range as "[lo, hi]" with -inf / +inf for infinite
// bounds (the notation of MLIR's dependence remarks).
void spm_deps_append_range(spm_strbuf_t *out, const spm_poly_bound_t *b);

// Appends the remark text of dependence `d` (see docs/passes.md).
void spm_deps_graph_describe(const spm_deps_graph_t *g, const spm_poly_dep_t *d,
                             spm_strbuf_t *out);

// Appends the JSON report of the graph (one object; see docs/passes.md).
void spm_deps_graph_to_json(const spm_deps_graph_t *g, spm_strbuf_t *out);

#ifdef __cplusplus
}
#endif
#endif
