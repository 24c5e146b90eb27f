// spm-place, part 3: building the placed program (see place_emit.h).
#include <stdlib.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "passes/place_emit.h"
#include "support/mlir_util.h"

static MlirNamedAttribute spm_pe_named(MlirContext ctx, const char *name,
                                       MlirAttribute a) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)), a);
}

static MlirOperation spm_pe_create(spm_place_emit_t *e, const char *name,
                                   intptr_t nops, const MlirValue *ops,
                                   intptr_t nres, const MlirType *res,
                                   intptr_t nattrs,
                                   const MlirNamedAttribute *attrs) {
  MlirOperation op =
      spm_op_build(e->loc, name, nops, ops, nres, res, nattrs, attrs);
  mlirBlockInsertOwnedOperationBefore(e->body, e->before, op);
  return op;
}

spm_place_buf_t spm_place_emit_alloc(spm_place_emit_t *e, int rank,
                                     const int64_t *shape, MlirType elem) {
  MlirType bt = spm_buf_type_get(e->ctx, rank, shape, elem);
  MlirNamedAttribute off = spm_pe_named(
      e->ctx, "offset", mlirIntegerAttrGet(mlirIntegerTypeGet(e->ctx, 64), -1));
  MlirOperation a = spm_pe_create(e, "spm.alloc", 0, NULL, 1, &bt, 1, &off);
  MlirValue buf = mlirOperationGetResult(a, 0);
  MlirType mt = mlirMemRefTypeContiguousGet(elem, rank, shape,
                                            mlirAttributeGetNull());
  MlirOperation c = spm_pe_create(e, "builtin.unrealized_conversion_cast", 1,
                                  &buf, 1, &mt, 0, NULL);
  e->allocs++;
  return (spm_place_buf_t){buf, mlirOperationGetResult(c, 0)};
}

void spm_place_emit_dealloc(spm_place_emit_t *e, MlirValue buf) {
  spm_pe_create(e, "spm.dealloc", 1, &buf, 0, NULL, 0, NULL);
}

static MlirValue spm_pe_dma(spm_place_emit_t *e, const char *name,
                            MlirValue a, MlirValue b, int rank,
                            const int64_t *off, const int64_t *size,
                            const int64_t *step) {
  MlirNamedAttribute attrs[3] = {
      spm_pe_named(e->ctx, "offsets", mlirDenseI64ArrayGet(e->ctx, rank, off)),
      spm_pe_named(e->ctx, "sizes", mlirDenseI64ArrayGet(e->ctx, rank, size)),
      spm_pe_named(e->ctx, "strides",
                   mlirDenseI64ArrayGet(e->ctx, rank, step)),
  };
  MlirValue ops[2] = {a, b};
  MlirType tok = mlirTypeParseGet(e->ctx,
                                  mlirStringRefCreateFromCString("!spm.token"));
  MlirOperation op = spm_pe_create(e, name, 2, ops, 1, &tok, 3, attrs);
  e->transfers++;
  return mlirOperationGetResult(op, 0);
}

static int64_t spm_pe_bytes(int rank, const int64_t *size, int64_t eb) {
  int64_t n = eb;
  for (int i = 0; i < rank; ++i)
    n *= size[i];
  return n;
}

MlirValue spm_place_emit_load(spm_place_emit_t *e, MlirValue global,
                              MlirValue buf, int rank, const int64_t *off,
                              const int64_t *size, const int64_t *step,
                              int64_t elem_bytes) {
  e->bytes_read += spm_pe_bytes(rank, size, elem_bytes);
  return spm_pe_dma(e, "spm.dma_load", global, buf, rank, off, size, step);
}

MlirValue spm_place_emit_store(spm_place_emit_t *e, MlirValue buf,
                               MlirValue global, int rank, const int64_t *off,
                               const int64_t *size, const int64_t *step,
                               int64_t elem_bytes) {
  e->bytes_written += spm_pe_bytes(rank, size, elem_bytes);
  return spm_pe_dma(e, "spm.dma_store", buf, global, rank, off, size, step);
}

void spm_place_emit_wait(spm_place_emit_t *e, const MlirValue *tokens,
                         int n) {
  if (n > 0)
    spm_pe_create(e, "spm.wait", n, tokens, 0, NULL, 0, NULL);
}

MlirValue spm_place_emit_subview(spm_place_emit_t *e, MlirValue mem, int rank,
                                 const int64_t *off, const int64_t *size,
                                 const int64_t *step) {
  MlirType t = mlirValueGetType(mem);
  bool whole = true;
  int64_t stride[SPM_MAX_RANK], offset = 0;
  int64_t acc = 1;
  for (int d = rank - 1; d >= 0; --d) {
    int64_t dim = mlirShapedTypeGetDimSize(t, d);
    whole = whole && off[d] == 0 && size[d] == dim && step[d] == 1;
    offset += off[d] * acc;
    stride[d] = acc * step[d];
    acc *= dim;
  }
  if (whole)
    return mem;
  MlirAttribute layout = mlirStridedLayoutAttrGet(e->ctx, offset, rank, stride);
  MlirType rt = mlirMemRefTypeGet(mlirShapedTypeGetElementType(t), rank, size,
                                  layout, mlirAttributeGetNull());
  int32_t seg[4] = {1, 0, 0, 0};
  MlirNamedAttribute attrs[4] = {
      spm_pe_named(e->ctx, "static_offsets",
                   mlirDenseI64ArrayGet(e->ctx, rank, off)),
      spm_pe_named(e->ctx, "static_sizes",
                   mlirDenseI64ArrayGet(e->ctx, rank, size)),
      spm_pe_named(e->ctx, "static_strides",
                   mlirDenseI64ArrayGet(e->ctx, rank, step)),
      spm_pe_named(e->ctx, "operandSegmentSizes",
                   mlirDenseI32ArrayGet(e->ctx, 4, seg)),
  };
  MlirOperation op =
      spm_pe_create(e, "memref.subview", 1, &mem, 1, &rt, 4, attrs);
  return mlirOperationGetResult(op, 0);
}

MlirOperation spm_place_emit_clone(spm_place_emit_t *e, MlirOperation op,
                                   int n, const int *idx,
                                   const MlirValue *val) {
  MlirOperation c = mlirOperationClone(op);
  for (int k = 0; k < n; ++k)
    mlirOperationSetOperand(c, idx[k], val[k]);
  mlirBlockInsertOwnedOperationBefore(e->body, e->before, c);
  return c;
}
