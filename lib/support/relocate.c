#include "support/relocate.h"

#include <string.h>

typedef struct {
  MlirContext ctx;
  const char *from;
  MlirStringRef to;
} spm_relocate_t;

static MlirLocation spm_relocate_loc(spm_relocate_t *r, MlirLocation loc) {
  if (!mlirLocationIsAFileLineColRange(loc))
    return loc;
  MlirStringRef f =
      mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(loc));
  if (f.length != strlen(r->from) || memcmp(f.data, r->from, f.length) != 0)
    return loc;
  return mlirLocationFileLineColRangeGet(
      r->ctx, r->to, (unsigned)mlirLocationFileLineColRangeGetStartLine(loc),
      (unsigned)mlirLocationFileLineColRangeGetStartColumn(loc),
      (unsigned)mlirLocationFileLineColRangeGetEndLine(loc),
      (unsigned)mlirLocationFileLineColRangeGetEndColumn(loc));
}

static MlirWalkResult spm_relocate_visit(MlirOperation op, void *user) {
  spm_relocate_t *r = user;
  mlirOperationSetLocation(op,
                           spm_relocate_loc(r, mlirOperationGetLocation(op)));
  intptr_t nr = mlirOperationGetNumRegions(op);
  for (intptr_t i = 0; i < nr; ++i) {
    MlirRegion region = mlirOperationGetRegion(op, i);
    for (MlirBlock b = mlirRegionGetFirstBlock(region); !mlirBlockIsNull(b);
         b = mlirBlockGetNextInRegion(b)) {
      intptr_t na = mlirBlockGetNumArguments(b);
      for (intptr_t a = 0; a < na; ++a) {
        MlirValue arg = mlirBlockGetArgument(b, a);
        mlirBlockArgumentSetLocation(
            arg, spm_relocate_loc(r, mlirValueGetLocation(arg)));
      }
    }
  }
  return MlirWalkResultAdvance;
}

void spm_relocate_file(MlirOperation root, const char *from, const char *to) {
  spm_relocate_t r = {mlirOperationGetContext(root), from,
                      mlirStringRefCreateFromCString(to)};
  mlirOperationWalk(root, spm_relocate_visit, &r, MlirWalkPreOrder);
}
