// The binary decoder: bounds-checked reads, canonical-form checks, then
// spm_run_program_validate(). Never reads outside the input.
#include <stdlib.h>
#include <string.h>

#include "run/encode.h"
#include "run/run_internal.h"

typedef struct reader_s {
  const uint8_t *d;
  size_t n, pos;
  const char *what; // the section being read, for messages
  bool failed;
} reader_t;

static uint64_t get(reader_t *r, int bytes) {
  if (r->failed || r->n - r->pos < (size_t)bytes) {
    r->failed = true;
    return 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= (uint64_t)r->d[r->pos + (size_t)i] << (8 * i);
  r->pos += (size_t)bytes;
  return v;
}
static int64_t get_i64(reader_t *r) { return (int64_t)get(r, 8); }
static double get_f64(reader_t *r) {
  uint64_t v = get(r, 8);
  double d;
  memcpy(&d, &v, 8);
  return d;
}

#define BAD(...) spm_status_make(SPM_STATUS_INVALID_ARGUMENT, __VA_ARGS__)

// A NUL-padded name of `width` bytes: NUL-terminated, zero after the NUL.
static spm_status_t get_name(reader_t *r, char *out, size_t width) {
  size_t at = r->pos;
  if (r->failed || r->n - r->pos < width) {
    r->failed = true;
    return SPM_OK; // reported as truncation by the caller
  }
  const uint8_t *s = r->d + r->pos;
  size_t len = strnlen((const char *)s, width);
  if (len == width)
    return BAD("byte %zu: %s name is not NUL-terminated", at, r->what);
  for (size_t i = len; i < width; ++i)
    if (s[i])
      return BAD("byte %zu: %s name has non-zero padding", at, r->what);
  memcpy(out, s, len + 1);
  r->pos += width;
  return SPM_OK;
}

static spm_status_t truncated(const reader_t *r) {
  return BAD("truncated input: %s ends past byte %zu", r->what, r->n);
}

static spm_status_t get_view(reader_t *r, spm_run_view_t *v) {
  size_t at = r->pos;
  v->buffer = (uint32_t)get(r, 4);
  v->elem = (spm_run_type_t)get(r, 1);
  v->rank = (int)get(r, 1);
  if (get(r, 2) != 0)
    return BAD("byte %zu: view reserved bytes not zero", at);
  v->offset = get_i64(r);
  for (int d = 0; d < SPM_RUN_MAX_RANK; ++d)
    v->shape[d] = get_i64(r);
  for (int d = 0; d < SPM_RUN_MAX_RANK; ++d)
    v->stride[d] = get_i64(r);
  return SPM_OK;
}

static void get_pairs(reader_t *r, int64_t *const *a, int n) {
  for (int k = 0; k < n; ++k) {
    a[k][0] = get_i64(r);
    a[k][1] = get_i64(r);
  }
}

// One instruction. Uops are appended to p->uops.
static spm_status_t get_instr(reader_t *r, spm_run_program_t *p, size_t idx) {
  size_t at = r->pos;
  unsigned op = (unsigned)get(r, 1), flags = (unsigned)get(r, 1);
  unsigned reserved = (unsigned)get(r, 2);
  size_t len = (size_t)get(r, 4);
  if (r->failed)
    return truncated(r);
  if (reserved)
    return BAD("instruction %zu (byte %zu): reserved bytes not zero", idx, at);
  if (len > r->n - r->pos)
    return BAD("instruction %zu (byte %zu): payload of %zu bytes runs past "
               "the instruction stream", idx, at, len);
  reader_t q = {r->d, r->pos + len, r->pos, "instruction", false};
  r->pos += len;
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = (spm_run_opcode_t)op;
  bool has_acc = op == SPM_RUN_OP_MATMUL || op == SPM_RUN_OP_CONV2D ||
                 op == SPM_RUN_OP_POOL;
  if (flags > (has_acc ? 1u : 0u))
    return BAD("instruction %zu (byte %zu): bad flags 0x%x", idx, at, flags);
  spm_run_uop_t uops[SPM_RUN_MAX_UOPS];
  size_t nuops = 0;
  switch (op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC: in.buffer = (uint32_t)get(&q, 4); break;
  case SPM_RUN_OP_WAIT: in.token = (uint32_t)get(&q, 4); break;
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE: {
    spm_run_dma_t *d = &in.dma;
    d->tensor = (uint32_t)get(&q, 4);
    d->buffer = (uint32_t)get(&q, 4);
    d->token = (uint32_t)get(&q, 4);
    uint64_t rank = get(&q, 4);
    d->rank = rank > SPM_RUN_MAX_RANK ? -1 : (int)rank;
    d->offset = get_i64(&q);
    d->buf_offset = get_i64(&q);
    for (int k = 0; k < SPM_RUN_MAX_RANK; ++k)
      d->sizes[k] = get_i64(&q);
    for (int k = 0; k < SPM_RUN_MAX_RANK; ++k)
      d->strides[k] = get_i64(&q);
    break;
  }
  case SPM_RUN_OP_MATMUL:
    in.matmul.accumulate = flags & 1;
    SPM_RETURN_IF_ERROR(get_view(&q, &in.matmul.a));
    SPM_RETURN_IF_ERROR(get_view(&q, &in.matmul.b));
    SPM_RETURN_IF_ERROR(get_view(&q, &in.matmul.c));
    break;
  case SPM_RUN_OP_CONV2D: {
    spm_run_conv_t *c = &in.conv;
    c->accumulate = flags & 1;
    c->groups = get_i64(&q);
    int64_t *const pp[3] = {c->stride, c->dilation, c->pad};
    get_pairs(&q, pp, 3);
    SPM_RETURN_IF_ERROR(get_view(&q, &c->in));
    SPM_RETURN_IF_ERROR(get_view(&q, &c->filter));
    SPM_RETURN_IF_ERROR(get_view(&q, &c->out));
    break;
  }
  case SPM_RUN_OP_POOL: {
    spm_run_pool_t *c = &in.pool;
    c->accumulate = flags & 1;
    c->kind = (spm_run_pool_kind_t)get(&q, 4);
    if (get(&q, 4))
      return BAD("instruction %zu (byte %zu): reserved bytes not zero", idx,
                 at);
    int64_t *const pp[4] = {c->window, c->stride, c->dilation, c->pad};
    get_pairs(&q, pp, 4);
    SPM_RETURN_IF_ERROR(get_view(&q, &c->in));
    SPM_RETURN_IF_ERROR(get_view(&q, &c->out));
    break;
  }
  case SPM_RUN_OP_FILL:
    in.fill.value = get(&q, 8);
    SPM_RETURN_IF_ERROR(get_view(&q, &in.fill.out));
    break;
  case SPM_RUN_OP_ELTWISE: {
    spm_run_eltwise_t *e = &in.eltwise;
    uint64_t ni = get(&q, 4), nu = get(&q, 4);
    if (q.failed)
      break;
    if (ni > SPM_RUN_MAX_INPUTS || nu < 1 || nu > SPM_RUN_MAX_UOPS)
      return BAD("instruction %zu (byte %zu): eltwise with %llu inputs and "
                 "%llu micro-ops (limits %d, 1..%d)", idx, at,
                 (unsigned long long)ni, (unsigned long long)nu,
                 SPM_RUN_MAX_INPUTS, SPM_RUN_MAX_UOPS);
    e->ninputs = (int)ni;
    for (int k = 0; k < e->ninputs; ++k)
      SPM_RETURN_IF_ERROR(get_view(&q, &e->in[k]));
    SPM_RETURN_IF_ERROR(get_view(&q, &e->out));
    nuops = (size_t)nu;
    for (size_t k = 0; k < nuops; ++k) {
      spm_run_uop_t *u = &uops[k];
      u->op = (uint8_t)get(&q, 1);
      u->type = (uint8_t)get(&q, 1);
      u->pred = (uint8_t)get(&q, 1);
      u->dst = (uint8_t)get(&q, 1);
      u->a = (uint8_t)get(&q, 1);
      u->b = (uint8_t)get(&q, 1);
      u->c = (uint8_t)get(&q, 1);
      if (get(&q, 1))
        return BAD("instruction %zu: micro-op %zu reserved byte not zero",
                   idx, k);
      u->imm = get_i64(&q);
    }
    break;
  }
  default:
    return BAD("instruction %zu (byte %zu): unknown opcode %u", idx, at, op);
  }
  if (q.failed)
    return BAD("instruction %zu (byte %zu): payload of %zu bytes is too "
               "short for %s", idx, at, len,
               spm_run_opcode_name((spm_run_opcode_t)op));
  if (q.pos != q.n)
    return BAD("instruction %zu (byte %zu): payload of %zu bytes has %zu "
               "extra bytes", idx, at, len, q.n - q.pos);
  return spm_run_program_add_instr(p, &in, nuops ? uops : NULL, nuops);
}

static spm_status_t decode(reader_t *r, spm_run_program_t *p) {
  r->what = "header";
  if (r->n < 8 || memcmp(r->d, SPM_RUN_MAGIC, 8) != 0)
    return BAD("bad magic: not an spm-run binary");
  r->pos = 8;
  p->version = (uint32_t)get(r, 4);
  if (r->failed)
    return truncated(r);
  if (p->version != SPM_RUN_ISA_VERSION)
    return BAD("format version %u, this build reads version %u", p->version,
               SPM_RUN_ISA_VERSION);
  if (get(r, 4))
    return BAD("byte 12: reserved header field not zero");
  spm_target_t *t = &p->target;
  r->what = "target";
  SPM_RETURN_IF_ERROR(get_name(r, t->name, sizeof t->name));
  t->capacity = get_i64(r);
  t->alignment = get_i64(r);
  t->banks = get_i64(r);
  t->dma_bandwidth = get_f64(r);
  t->dma_latency = get_i64(r);
  t->macs_per_cycle = get_i64(r);
  t->clock_mhz = get_i64(r);
  t->dram_pj_per_byte = get_f64(r);
  t->spm_pj_per_byte = get_f64(r);
  t->mac_pj = get_f64(r);
  r->what = "header";
  uint64_t nt = get(r, 4), nb = get(r, 4), ni = get(r, 4);
  uint64_t reserved = get(r, 4);
  uint64_t code_bytes = get(r, 8), const_bytes = get(r, 8);
  if (r->failed)
    return truncated(r);
  if (reserved)
    return BAD("byte 140: reserved header field not zero");
  // Sizes: everything must add up to exactly n bytes.
  uint64_t tables = nt * SPM_RUN_TENSOR_RECORD_BYTES +
                    nb * SPM_RUN_BUFFER_RECORD_BYTES; // < 2^40: no overflow
  uint64_t left = r->n - r->pos;
  if (tables > left || code_bytes > left - tables ||
      const_bytes > left - tables - code_bytes)
    return BAD("truncated input: the header announces %llu tensors, %llu "
               "buffers, %llu code bytes and %llu constant bytes but only "
               "%llu bytes follow it", (unsigned long long)nt,
               (unsigned long long)nb, (unsigned long long)code_bytes,
               (unsigned long long)const_bytes, (unsigned long long)left);
  if (tables + code_bytes + const_bytes != left)
    return BAD("%llu trailing bytes after the constant section",
               (unsigned long long)(left - tables - code_bytes - const_bytes));
  size_t const_start = r->pos + (size_t)(tables + code_bytes);

  uint64_t expect_off = 0;
  r->what = "tensor";
  for (uint64_t i = 0; i < nt; ++i) {
    size_t at = r->pos;
    char name[SPM_RUN_NAME_MAX];
    SPM_RETURN_IF_ERROR(get_name(r, name, SPM_RUN_NAME_MAX));
    spm_run_type_t elem = (spm_run_type_t)get(r, 1);
    spm_run_role_t role = (spm_run_role_t)get(r, 1);
    uint64_t rank = get(r, 1), has = get(r, 1), res = get(r, 4);
    int64_t shape[SPM_RUN_MAX_TENSOR_RANK];
    for (int d = 0; d < SPM_RUN_MAX_TENSOR_RANK; ++d)
      shape[d] = get_i64(r);
    uint64_t off = get(r, 8), bytes = get(r, 8);
    if (res || has > 1)
      return BAD("tensor %llu (byte %zu): reserved bytes not zero",
                 (unsigned long long)i, at);
    if (rank > SPM_RUN_MAX_TENSOR_RANK)
      return BAD("tensor %llu (byte %zu): rank %llu > %d",
                 (unsigned long long)i, at, (unsigned long long)rank,
                 SPM_RUN_MAX_TENSOR_RANK);
    for (int d = (int)rank; d < SPM_RUN_MAX_TENSOR_RANK; ++d)
      if (shape[d])
        return BAD("tensor %llu (byte %zu): shape beyond rank not zero",
                   (unsigned long long)i, at);
    uint32_t id;
    SPM_RETURN_IF_ERROR(spm_run_program_add_tensor(p, name, elem, role,
                                                   (int)rank, shape, NULL,
                                                   &id));
    const spm_run_tensor_t *x = &p->tensors[id];
    uint64_t want = 0;
    if (has) {
      expect_off = (expect_off + SPM_RUN_CONST_ALIGN - 1) /
                   SPM_RUN_CONST_ALIGN * SPM_RUN_CONST_ALIGN;
      want = (uint64_t)(spm_run_tensor_numel(x) * spm_run_type_size(x->elem));
    }
    if (bytes != want || off != (has ? expect_off : 0))
      return BAD("tensor '%s': data at %llu (+%llu bytes), expected %llu "
                 "(+%llu bytes)", x->name, (unsigned long long)off,
                 (unsigned long long)bytes,
                 (unsigned long long)(has ? expect_off : 0),
                 (unsigned long long)want);
    if (has) {
      if (off + bytes > const_bytes)
        return BAD("tensor '%s': data runs past the constant section",
                   x->name);
      SPM_RETURN_IF_ERROR(spm_run_program_set_tensor_data(
          p, id, r->d + const_start + off));
      expect_off = off + bytes;
    }
  }
  if (expect_off != const_bytes)
    return BAD("constant section of %llu bytes, its tensors use %llu",
               (unsigned long long)const_bytes,
               (unsigned long long)expect_off);
  // Padding between constants must be zero.
  {
    uint64_t pos = 0;
    for (size_t i = 0; i < p->ntensors; ++i) {
      const spm_run_tensor_t *x = &p->tensors[i];
      if (!x->data)
        continue;
      uint64_t a = (pos + SPM_RUN_CONST_ALIGN - 1) / SPM_RUN_CONST_ALIGN *
                   SPM_RUN_CONST_ALIGN;
      for (uint64_t k = pos; k < a; ++k)
        if (r->d[const_start + k])
          return BAD("constant section: non-zero padding at byte %llu",
                     (unsigned long long)(const_start + k));
      pos = a + (uint64_t)(spm_run_tensor_numel(x) *
                           spm_run_type_size(x->elem));
    }
  }
  r->what = "buffer";
  for (uint64_t i = 0; i < nb; ++i) {
    char name[SPM_RUN_NAME_MAX];
    SPM_RETURN_IF_ERROR(get_name(r, name, SPM_RUN_NAME_MAX));
    int64_t off = get_i64(r), size = get_i64(r);
    SPM_RETURN_IF_ERROR(spm_run_program_add_buffer(p, name, off, size, NULL));
  }
  r->what = "instruction stream";
  reader_t c = {r->d, r->pos + (size_t)code_bytes, r->pos,
                "instruction stream", false};
  for (uint64_t i = 0; i < ni; ++i)
    SPM_RETURN_IF_ERROR(get_instr(&c, p, (size_t)i));
  if (c.pos != c.n)
    return BAD("instruction stream has %zu bytes after its %llu "
               "instructions", c.n - c.pos, (unsigned long long)ni);
  return spm_run_program_validate(p);
}

spm_status_t spm_run_decode(const void *data, size_t n,
                            spm_run_program_t **out) {
  *out = NULL;
  spm_run_program_t *p = NULL;
  spm_target_t zero;
  memset(&zero, 0, sizeof zero);
  SPM_RETURN_IF_ERROR(spm_run_program_create(&zero, &p));
  reader_t r = {data, n, 0, "header", false};
  spm_status_t s = decode(&r, p);
  if (!spm_status_is_ok(s)) {
    spm_run_program_free(p);
    return s;
  }
  *out = p;
  return SPM_OK;
}
