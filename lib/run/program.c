// Building and releasing spm_run programs, and the small helpers of isa.h.
#include "run/isa.h"

#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"
#include "support/strbuf.h"

int64_t spm_run_type_size(spm_run_type_t t) {
  switch (t) {
  case SPM_RUN_F32: return 4;
  case SPM_RUN_I8: return 1;
  case SPM_RUN_I32: return 4;
  case SPM_RUN_I1: return 1;
  case SPM_RUN_I16: return 2;
  case SPM_RUN_I64: return 8;
  default: return 0;
  }
}

int spm_run_type_bits(spm_run_type_t t) {
  switch (t) {
  case SPM_RUN_F32: return 32;
  case SPM_RUN_I8: return 8;
  case SPM_RUN_I32: return 32;
  case SPM_RUN_I1: return 1;
  case SPM_RUN_I16: return 16;
  case SPM_RUN_I64: return 64;
  default: return 0;
  }
}

static const char *const type_names[SPM_RUN_TYPE_COUNT] = {
    "f32", "i8", "i32", "i1", "i16", "i64"};

const char *spm_run_type_name(spm_run_type_t t) {
  return (unsigned)t < SPM_RUN_TYPE_COUNT ? type_names[t] : "?";
}

bool spm_run_type_is_storage(spm_run_type_t t) {
  return t == SPM_RUN_F32 || t == SPM_RUN_I8 || t == SPM_RUN_I32;
}

bool spm_run_type_is_int(spm_run_type_t t) {
  return (unsigned)t < SPM_RUN_TYPE_COUNT && t != SPM_RUN_F32;
}

static const char *const role_names[SPM_RUN_ROLE_COUNT] = {
    "input", "output", "weight", "scratch"};

const char *spm_run_role_name(spm_run_role_t r) {
  return (unsigned)r < SPM_RUN_ROLE_COUNT ? role_names[r] : "?";
}

static const char *const opcode_names[SPM_RUN_OP_END_] = {
    NULL,        "alloc",  "dealloc", "dma_load", "dma_store", "wait",
    "matmul",    "conv2d", "pool",    "fill",     "eltwise"};

const char *spm_run_opcode_name(spm_run_opcode_t op) {
  return op >= SPM_RUN_OP_ALLOC && op < SPM_RUN_OP_END_ ? opcode_names[op]
                                                        : "?";
}

static const char *const uop_names[SPM_RUN_UOP_COUNT] = {
    "load",   "const",  "yield",  "add",    "sub",    "mul",    "div",
    "divu",   "rem",    "remu",   "max",    "min",    "maxu",   "minu",
    "maxnum", "minnum", "neg",    "and",    "or",     "xor",    "shl",
    "shrs",   "shru",   "trunc",  "exts",   "extu",   "sitofp", "uitofp",
    "fptosi", "fptoui", "cmp",    "select"};

const char *spm_run_uop_name(spm_run_uop_op_t op) {
  return (unsigned)op < SPM_RUN_UOP_COUNT ? uop_names[op] : "?";
}

const char *spm_run_pred_name(spm_run_pred_t p) {
  static const char *const ints[] = {"eq",  "ne",  "slt", "sle", "sgt",
                                     "sge", "ult", "ule", "ugt", "uge"};
  static const char *const floats[] = {
      "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord",
      "ueq",   "ugt", "uge", "ult", "ule", "une", "uno", "true"};
  if ((unsigned)p <= SPM_RUN_PRED_UGE)
    return ints[p];
  if (p >= SPM_RUN_PRED_F_FALSE && p <= SPM_RUN_PRED_F_TRUE)
    return floats[p - SPM_RUN_PRED_F_FALSE];
  return "?";
}

int64_t spm_run_tensor_numel(const spm_run_tensor_t *t) {
  int64_t n = 1;
  for (int d = 0; d < t->rank; ++d)
    n *= t->shape[d];
  return n;
}

int64_t spm_run_view_numel(const spm_run_view_t *v) {
  int64_t n = 1;
  for (int d = 0; d < v->rank; ++d)
    n *= v->shape[d];
  return n;
}

spm_run_view_t spm_run_view_dense(uint32_t buffer, int64_t offset,
                                  spm_run_type_t elem, int rank,
                                  const int64_t *shape) {
  spm_run_view_t v;
  memset(&v, 0, sizeof v);
  v.buffer = buffer;
  v.offset = offset;
  v.elem = elem;
  v.rank = rank;
  int64_t s = 1;
  for (int d = rank - 1; d >= 0 && d < SPM_RUN_MAX_RANK; --d) {
    v.shape[d] = shape[d];
    v.stride[d] = s;
    s *= shape[d];
  }
  return v;
}

bool spm_run_name_ok(const char *s) {
  size_t n = strnlen(s, SPM_RUN_NAME_MAX);
  return n < SPM_RUN_NAME_MAX && spm_str_is_token(s, n);
}

// Grows an array to hold one more element.
static void *grow(void *data, size_t *cap, size_t n, size_t elem) {
  if (n < *cap)
    return data;
  size_t c = *cap ? *cap * 2 : 16;
  void *d = realloc(data, c * elem);
  if (!d)
    return NULL;
  *cap = c;
  return d;
}

spm_status_t spm_run_program_create(const spm_target_t *target,
                                    spm_run_program_t **out) {
  *out = NULL;
  if (!target)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "no target");
  spm_run_program_t *p = calloc(1, sizeof *p);
  if (!p)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  p->version = SPM_RUN_ISA_VERSION;
  p->target = *target;
  *out = p;
  return SPM_OK;
}

void spm_run_program_free(spm_run_program_t *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->ntensors; ++i)
    free(p->tensors[i].data);
  free(p->tensors);
  free(p->buffers);
  free(p->instrs);
  free(p->uops);
  free(p);
}

spm_status_t spm_run_tensor_shape_check(int rank, const int64_t *shape,
                                        spm_run_type_t elem,
                                        int64_t *bytes_out) {
  if (!spm_run_type_is_storage(elem))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "element type %d is not f32, i8 or i32",
                           (int)elem);
  if (rank < 0 || rank > SPM_RUN_MAX_TENSOR_RANK)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "rank %d outside 0..%d", rank,
                           SPM_RUN_MAX_TENSOR_RANK);
  int64_t bytes = spm_run_type_size(elem);
  for (int d = 0; d < rank; ++d) {
    if (shape[d] < 1 || shape[d] > SPM_RUN_MAX_DIM)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "dimension %d has extent %lld", d,
                             (long long)shape[d]);
    if (bytes > SPM_RUN_MAX_BYTES / shape[d])
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "more than %lld bytes",
                             (long long)SPM_RUN_MAX_BYTES);
    bytes *= shape[d];
  }
  if (bytes_out)
    *bytes_out = bytes;
  return SPM_OK;
}

spm_status_t spm_run_program_add_tensor(spm_run_program_t *p,
                                        const char *name,
                                        spm_run_type_t elem,
                                        spm_run_role_t role, int rank,
                                        const int64_t *shape,
                                        const void *data, uint32_t *id) {
  if (!name || !spm_run_name_ok(name))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "tensor name '%s' is not [A-Za-z0-9_.-]{1,63}",
                           name ? name : "");
  if ((unsigned)role >= SPM_RUN_ROLE_COUNT)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "tensor '%s': bad role %d", name, (int)role);
  int64_t bytes;
  spm_status_t s = spm_run_tensor_shape_check(rank, shape, elem, &bytes);
  if (!spm_status_is_ok(s)) {
    spm_status_t r = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                                     "tensor '%s': %s", name,
                                     spm_status_message(s));
    spm_status_free(s);
    return r;
  }
  if (p->ntensors >= UINT32_MAX)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE, "too many tensors");
  spm_run_tensor_t *t = grow(p->tensors, &p->tensors_cap, p->ntensors,
                             sizeof *t);
  if (!t)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  p->tensors = t;
  spm_run_tensor_t *x = &p->tensors[p->ntensors];
  memset(x, 0, sizeof *x);
  strcpy(x->name, name);
  x->elem = elem;
  x->role = role;
  x->rank = rank;
  for (int d = 0; d < rank; ++d)
    x->shape[d] = shape[d];
  if (data) {
    x->data = malloc((size_t)bytes);
    if (!x->data)
      return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    memcpy(x->data, data, (size_t)bytes);
  }
  if (id)
    *id = (uint32_t)p->ntensors;
  p->ntensors++;
  return SPM_OK;
}

spm_status_t spm_run_program_set_tensor_data(spm_run_program_t *p,
                                             uint32_t id, const void *data) {
  if (id >= p->ntensors)
    return spm_status_make(SPM_STATUS_NOT_FOUND, "no tensor %u", id);
  spm_run_tensor_t *t = &p->tensors[id];
  free(t->data);
  t->data = NULL;
  if (!data)
    return SPM_OK;
  size_t bytes = (size_t)(spm_run_tensor_numel(t) * spm_run_type_size(t->elem));
  t->data = malloc(bytes);
  if (!t->data)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  memcpy(t->data, data, bytes);
  return SPM_OK;
}

spm_status_t spm_run_program_add_buffer(spm_run_program_t *p,
                                        const char *name, int64_t offset,
                                        int64_t size, uint32_t *id) {
  if (!name || !spm_run_name_ok(name))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "buffer name '%s' is not [A-Za-z0-9_.-]{1,63}",
                           name ? name : "");
  if (p->nbuffers >= UINT32_MAX)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE, "too many buffers");
  spm_run_buffer_t *b = grow(p->buffers, &p->buffers_cap, p->nbuffers,
                             sizeof *b);
  if (!b)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  p->buffers = b;
  spm_run_buffer_t *x = &p->buffers[p->nbuffers];
  memset(x, 0, sizeof *x);
  strcpy(x->name, name);
  x->offset = offset;
  x->size = size;
  if (id)
    *id = (uint32_t)p->nbuffers;
  p->nbuffers++;
  return SPM_OK;
}

spm_status_t spm_run_program_add_instr(spm_run_program_t *p,
                                       const spm_run_instr_t *in,
                                       const spm_run_uop_t *uops,
                                       size_t nuops) {
  bool elt = in->op == SPM_RUN_OP_ELTWISE;
  if (elt && (nuops < 1 || nuops > SPM_RUN_MAX_UOPS || !uops))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "eltwise needs 1..%d micro-ops, got %zu",
                           SPM_RUN_MAX_UOPS, nuops);
  if (!elt && nuops)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "micro-ops given for a %s",
                           spm_run_opcode_name(in->op));
  if (p->ninstrs >= UINT32_MAX || p->nuops + nuops >= UINT32_MAX)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE, "program too large");
  spm_run_instr_t *i = grow(p->instrs, &p->instrs_cap, p->ninstrs,
                            sizeof *i);
  if (!i)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  p->instrs = i;
  if (elt) {
    while (p->uops_cap < p->nuops + nuops) {
      size_t c = p->uops_cap ? p->uops_cap * 2 : 64;
      spm_run_uop_t *u = realloc(p->uops, c * sizeof *u);
      if (!u)
        return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
      p->uops = u;
      p->uops_cap = c;
    }
  }
  spm_run_instr_t *x = &p->instrs[p->ninstrs];
  *x = *in;
  if (elt) {
    memcpy(p->uops + p->nuops, uops, nuops * sizeof *uops);
    x->eltwise.uop_first = (uint32_t)p->nuops;
    x->eltwise.nuops = (uint32_t)nuops;
    p->nuops += nuops;
  }
  p->ninstrs++;
  return SPM_OK;
}
