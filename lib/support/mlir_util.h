// Small MLIR C API helpers shared by the passes and the analyses: op name
// tests, static attribute reads, generic op creation.
#ifndef SPM_SUPPORT_MLIR_UTIL_H
#define SPM_SUPPORT_MLIR_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

// True if `op` (borrowed) is named exactly `name` ("memref.subview").
bool spm_op_is(MlirOperation op, const char *name);

// Reads `op`'s DenseI64Array attribute `name` of exactly `n` elements into
// out[0..n). False if it is missing, of another kind or length, or holds a
// dynamic value (ShapedType::kDynamic).
bool spm_op_static_i64_array(MlirOperation op, const char *name, int n,
                             int64_t *out);

// Reads integer attribute `a` (borrowed) as an int64: signless and signed
// types sign-extend, unsigned ones zero-extend, as written in the IR. A
// value outside int64's range (an `i128`, a large `ui64`) saturates to
// INT64_MIN or INT64_MAX and the result is false; the C API's own getters
// would return its low 64 bits instead (2^64 + 16 : i128 read as 16).
bool spm_int_attr_i64(MlirAttribute a, int64_t *out);

// Creates (does not insert) an op from its name, operands, result types and
// attributes (all borrowed). The caller owns the op until it inserts it.
MlirOperation spm_op_build(MlirLocation loc, const char *name, intptr_t nops,
                           const MlirValue *ops, intptr_t nres,
                           const MlirType *res, intptr_t nattrs,
                           const MlirNamedAttribute *attrs);

// The op named `name` by a `sym_name` attribute at the top level of the
// builtin.module enclosing `from` (both borrowed); a null op if none.
MlirOperation spm_lookup_symbol(MlirOperation from, MlirStringRef name);

#ifdef __cplusplus
}
#endif
#endif
