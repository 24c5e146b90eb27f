// The target a pass works for (see target_of.h).
#include <stdio.h>
#include <string.h>

#include "mlir-c/IR.h"
#include "passes/target_of.h"

spm_status_t spm_pass_target_of(MlirOperation op, int64_t capacity,
                                int64_t alignment, spm_pass_target_t *out) {
  memset(out, 0, sizeof *out);
  for (; !mlirOperationIsNull(op); op = mlirOperationGetParentOperation(op)) {
    MlirAttribute a = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString(SPM_TARGET_ATTR_NAME));
    if (mlirAttributeIsNull(a))
      continue;
    SPM_RETURN_IF_ERROR(spm_target_from_attribute(a, &out->t));
    out->holder = op;
    break;
  }
  if (mlirOperationIsNull(out->holder))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "needs a scratchpad: add a 'spm.target' module "
                           "attribute or use --spm-target=NAME (the options "
                           "capacity= and alignment= override its fields)");
  if (capacity > 0 && capacity != out->t.capacity) {
    out->t.capacity = capacity;
    out->overridden = true;
  }
  if (alignment > 0 && alignment != out->t.alignment) {
    out->t.alignment = alignment;
    out->overridden = true;
  }
  SPM_RETURN_IF_ERROR(spm_target_validate(&out->t));
  snprintf(out->what, sizeof out->what, "target '%s'%s", out->t.name,
           out->overridden ? " with overrides" : "");
  return SPM_OK;
}

void spm_pass_target_write_back(const spm_pass_target_t *t) {
  if (!t->overridden)
    return;
  mlirOperationSetAttributeByName(
      t->holder, mlirStringRefCreateFromCString(SPM_TARGET_ATTR_NAME),
      spm_target_to_attribute(mlirOperationGetContext(t->holder), &t->t));
}
