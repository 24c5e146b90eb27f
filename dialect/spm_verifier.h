// The C verifier of the spm dialect: the semantic rules IRDL cannot express.
//
// IRDL (spm.irdl.mlir) checks the kinds of operands, results and attributes.
// This verifier checks, for every spm op nested in `root`:
//   - the module's #spm.target is complete and consistent;
//   - spm.alloc: offset >= 0, aligned to the target alignment, and
//     offset + size within the target capacity (a target is required);
//   - DMA: static memref shapes, offsets/sizes/strides of the memref's rank,
//     the window inside the memref, sizes equal to the buffer shape, equal
//     element types;
//   - compute ops: operand ranks and shapes agree (matmul M/N/K, conv2d and
//     pool output sizes from stride/padding/dilation/groups, element-wise
//     shapes), element types agree (i8 x i8 may accumulate into i32);
//   - the order of ops (spm_verifier_order.c): no use of a buffer after its
//     spm.dealloc and no second one; every transfer waited for, once; no
//     access to elements while a transfer of them is in flight.
// Every violation is one error diagnostic at the op's location, in MLIR's
// "'spm.op' op ..." style; the walk continues so all errors are reported.
#ifndef SPM_DIALECT_SPM_VERIFIER_H
#define SPM_DIALECT_SPM_VERIFIER_H

#include <stddef.h>

#include "mlir-c/IR.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

// Verifies `root` (borrowed) and everything nested in it. Returns OK, or
// FAILED with the number of errors in the message (the errors themselves
// were emitted as diagnostics on the context).
spm_status_t spm_verify_op(MlirOperation root);

#ifdef __cplusplus
}
#endif
#endif
