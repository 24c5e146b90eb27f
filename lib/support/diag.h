// Diagnostics: one engine that receives every diagnostic of an MLIR context
// (parser, verifier, upstream passes) and every warning/remark of spm's own
// passes, and either prints it MLIR-style
//
//   file.mlir:3:10: error: message
//     %0 = "spm.alloc"() ...
//          ^
//
// or collects it (for --verify-diagnostics).
//
// Why our own sink: the MLIR C API can only emit *errors* (mlirEmitError), so
// spm's warnings and remarks go through spm_diag_emit(), which finds the
// engine attached to the op's context. Without an engine (e.g. the pass runs
// inside upstream mlir-opt through the plugin) warnings and remarks are
// printed to stderr in the same format and errors go to mlirEmitError.
#ifndef SPM_SUPPORT_DIAG_H
#define SPM_SUPPORT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum spm_diag_severity_e {
  SPM_DIAG_ERROR,
  SPM_DIAG_WARNING,
  SPM_DIAG_REMARK,
  SPM_DIAG_NOTE,
} spm_diag_severity_t;

// "error", "warning", "remark", "note".
const char *spm_diag_severity_name(spm_diag_severity_t s);

// One diagnostic, owned by its engine. line == 0 means no file location.
typedef struct spm_diag_s {
  spm_diag_severity_t severity;
  char *file;
  unsigned line;
  unsigned col;
  char *message;
} spm_diag_t;

typedef struct spm_diag_engine_s spm_diag_engine_t;

// Creates an engine and attaches it to `ctx` (borrowed; must outlive the
// engine). Printed diagnostics go to `out` (borrowed, usually stderr).
// Caller owns the engine: spm_diag_engine_destroy() detaches and frees it.
spm_diag_engine_t *spm_diag_engine_create(MlirContext ctx, FILE *out);
void spm_diag_engine_destroy(spm_diag_engine_t *e);

// Registers the text of a source buffer so that printed diagnostics show the
// offending line with a caret. Both strings are borrowed and must stay alive
// while diagnostics may refer to them; a later call for the same name
// replaces the earlier one.
void spm_diag_engine_set_source(spm_diag_engine_t *e, const char *name,
                                const char *text);

// Diagnostics located in a file named `from` are reported as in `to`
// (spm-opt: the parser's buffer "-" is the input file). Both borrowed.
void spm_diag_engine_set_file_alias(spm_diag_engine_t *e, const char *from,
                                    const char *to);

// In collect mode diagnostics are stored instead of printed.
void spm_diag_engine_set_collect(spm_diag_engine_t *e, bool collect);

// Collected diagnostics (borrowed, valid until the next clear/destroy).
size_t spm_diag_engine_count(const spm_diag_engine_t *e);
const spm_diag_t *spm_diag_engine_get(const spm_diag_engine_t *e, size_t i);
void spm_diag_engine_clear(spm_diag_engine_t *e);

// Number of errors seen (printed or collected) since creation.
size_t spm_diag_engine_num_errors(const spm_diag_engine_t *e);

// Prints one diagnostic in MLIR's format, with the source line when known.
void spm_diag_engine_print(spm_diag_engine_t *e, const spm_diag_t *d);

// Emits a diagnostic at `loc` from spm code (passes, verifier). Errors go
// through mlirEmitError (so every MLIR handler sees them); warnings,
// remarks and notes go to the engine attached to the location's context, or
// are printed to stderr when there is none.
void spm_diag_emit(MlirLocation loc, spm_diag_severity_t sev, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

// Resolves `loc` to file/line/col (through name, call-site and fused
// locations). Returns false for locations without a file position. The
// returned file name is borrowed from the context.
bool spm_location_file_line_col(MlirLocation loc, MlirStringRef *file,
                                unsigned *line, unsigned *col);

#ifdef __cplusplus
}
#endif
#endif
