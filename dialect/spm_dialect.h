// The spm dialect from C: loading and type accessors.
//
// The dialect is defined in IRDL (dialect/spm.irdl.mlir); its text is
// embedded into the library at build time, so no file path is needed.
#ifndef SPM_DIALECT_SPM_DIALECT_H
#define SPM_DIALECT_SPM_DIALECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

// The IRDL source of the dialect (borrowed, static, NUL-terminated).
const char *spm_dialect_irdl_source(void);

// Loads the spm dialect into `ctx` (borrowed). Idempotent: a context that
// already has the dialect is left unchanged.
spm_status_t spm_dialect_load(MlirContext ctx);

// Creates a context with every upstream dialect registered and loaded and the
// spm dialect loaded, multithreading off (deterministic diagnostics).
// Caller owns the context (mlirContextDestroy).
spm_status_t spm_context_create(MlirContext *out);

#define SPM_MAX_RANK 8

// A decoded !spm.buf<array<i64: ...>, ELEM> type.
typedef struct spm_buf_type_s {
  int64_t rank;
  int64_t shape[SPM_MAX_RANK];
  MlirType elem; // owned by the context
} spm_buf_type_t;

// True if `t` is an !spm.buf type.
bool spm_type_is_buf(MlirType t);
// True if `t` is an !spm.token type.
bool spm_type_is_token(MlirType t);

// Decodes an !spm.buf type. INVALID_ARGUMENT if the shape is not a
// DenseI64Array of positive sizes of rank <= SPM_MAX_RANK.
spm_status_t spm_buf_type_decode(MlirType t, spm_buf_type_t *out);

// Bytes per element of `elem` (integers round up to whole bytes);
// 0 if `elem` is not an integer or float type.
int64_t spm_elem_type_bytes(MlirType elem);

// Bytes of a decoded buffer; -1 on overflow or unsupported element type.
int64_t spm_buf_type_bytes(const spm_buf_type_t *b);

// Returns !spm.buf<array<i64: shape...>, elem> (owned by the context).
MlirType spm_buf_type_get(MlirContext ctx, int64_t rank, const int64_t *shape,
                          MlirType elem);

#ifdef __cplusplus
}
#endif
#endif
