// Private to the spm verifier (spm_verifier.c, spm_verifier_order.c,
// spm_verifier_lifetimes.c): the verifier's state and the helpers its files
// share. Not part of the public API (spm_verifier.h).
#ifndef SPM_DIALECT_SPM_VERIFIER_INTERNAL_H
#define SPM_DIALECT_SPM_VERIFIER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect/spm_buf_type_cache.h"
#include "mlir-c/IR.h"
#include "support/diag.h"
#include "target/target.h"

typedef struct spm_verifier_s {
  size_t errors;
  bool have_target;
  spm_target_t target;
  bool target_error_reported;
  // Every read of an !spm.buf type goes through it (spm_verifier_buf_type):
  // each spm.alloc's type is read by the op check and the overlap rule, and
  // a function of thousands of buffers has a handful of distinct types.
  spm_buf_type_cache_t types;
} spm_verifier_t;

// spm_buf_type_decode(t, out) through the verifier's cache; the status is
// owned by the caller.
spm_status_t spm_verifier_buf_type(spm_verifier_t *v, MlirType t,
                                   spm_buf_type_t *out);

// One error diagnostic at `op`'s location (printf-style message).
#define SPM_VERIFY_ERROR(v, op, ...)                                           \
  do {                                                                         \
    (v)->errors++;                                                             \
    spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR, __VA_ARGS__); \
  } while (0)

// The buffer `x` is a window of (`*root`: an spm.view's source, or `x`
// itself) and the elements of it that `x` spans, first and last in the
// root's row-major order. False when types or attributes are malformed (the
// per-op checks report that). Borrows `x`; `*root` is borrowed too; types
// are read through `v`'s cache.
bool spm_verifier_buf_span(spm_verifier_t *v, MlirValue x, MlirValue *root,
                           int64_t *lo, int64_t *hi);

// The rules on the order of ops (spm_verifier_order.c) for the transfers
// issued and the buffers allocated in `block` (borrowed): no use of a
// buffer after its spm.dealloc, no second spm.dealloc (nor one inside a
// loop that does not contain the spm.alloc), every transfer waited for
// once, and no access to the elements of a transfer that is still in
// flight. Reports each violation through `v`.
void spm_verify_block_order(spm_verifier_t *v, MlirBlock block);

// The rule that buffers allocated at the same time in `block` (borrowed),
// between their spm.alloc and spm.dealloc, do not share bytes
// (spm_verifier_lifetimes.c). Reports each spm.alloc that overlaps one still
// allocated, naming the lowest such, through `v`.
void spm_verify_block_lifetimes(spm_verifier_t *v, MlirBlock block);

#endif
