// The scratchpad target a pass works for: the spm.target attribute of the
// nearest enclosing op that has one (usually the module), with capacity
// and alignment overridable by pass options (passes/target_of.c).
#ifndef SPM_PASSES_TARGET_OF_H
#define SPM_PASSES_TARGET_OF_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "support/status.h"
#include "target/target.h"

typedef struct spm_pass_target_s {
  spm_target_t t;
  MlirOperation holder; // the op carrying spm.target (borrowed)
  bool overridden;      // an option changed capacity or alignment
  char what[64];        // "target 'gemmini'" or "... with overrides"
} spm_pass_target_t;

// Finds and validates the target of `op`; `capacity`/`alignment` > 0
// override its fields. INVALID_ARGUMENT (with a hint) when there is none.
spm_status_t spm_pass_target_of(MlirOperation op, int64_t capacity,
                                int64_t alignment, spm_pass_target_t *out);

// Writes an overridden target back to its holder, so that the output
// verifies against what the pass used. No-op if not overridden.
void spm_pass_target_write_back(const spm_pass_target_t *t);

#endif
