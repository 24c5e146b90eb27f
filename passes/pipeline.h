// Textual pass pipelines mixing spm passes and upstream MLIR passes.
//
// The C API cannot add external passes to MLIR's global pass registry, so
// MLIR's own pipeline parser does not know spm's passes. This parser walks
// the pipeline grammar (`anchor(elem, elem{opts}, anchor(...))`), creates
// spm passes itself, and hands every other element to
// mlirOpPassManagerAddPipeline.
#ifndef SPM_PASSES_PIPELINE_H
#define SPM_PASSES_PIPELINE_H

#include "mlir-c/Pass.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

// Adds the elements of a comma-separated pipeline (no outer anchor), e.g.
// "spm-verify,func.func(canonicalize)", to `pm` (borrowed).
spm_status_t spm_pipeline_add_elements(MlirOpPassManager pm, const char *text);

// Adds a full pipeline "ANCHOR(elements)" to `pm`, whose anchor must be
// ANCHOR (e.g. builtin.module), as mlir-opt's --pass-pipeline does.
spm_status_t spm_pipeline_add_anchored(MlirOpPassManager pm,
                                       const char *anchor, const char *text);

// Adds one pass given as a flag: NAME with optional OPTIONS (--NAME=OPTIONS).
spm_status_t spm_pipeline_add_pass(MlirOpPassManager pm, const char *name,
                                   const char *options);

#ifdef __cplusplus
}
#endif
#endif
