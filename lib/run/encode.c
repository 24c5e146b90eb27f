// The binary encoder (layout: encode.h, docs/isa.md "Binary format").
#include <string.h>

#include "run/encode.h"
#include "run/run_internal.h"

static void put(spm_strbuf_t *o, uint64_t v, int bytes) {
  char b[8];
  for (int i = 0; i < bytes; ++i)
    b[i] = (char)(v >> (8 * i));
  spm_strbuf_append(o, b, (size_t)bytes);
}
static void put_f64(spm_strbuf_t *o, double d) {
  uint64_t v;
  memcpy(&v, &d, 8);
  put(o, v, 8);
}
static void put_name(spm_strbuf_t *o, const char *s, size_t width) {
  char b[SPM_RUN_NAME_MAX];
  memset(b, 0, sizeof b);
  size_t n = strnlen(s, width - 1);
  memcpy(b, s, n);
  spm_strbuf_append(o, b, width);
}

static void put_view(spm_strbuf_t *o, const spm_run_view_t *v) {
  put(o, v->buffer, 4);
  put(o, (uint64_t)v->elem, 1);
  put(o, (uint64_t)v->rank, 1);
  put(o, 0, 2);
  put(o, (uint64_t)v->offset, 8);
  for (int d = 0; d < SPM_RUN_MAX_RANK; ++d)
    put(o, (uint64_t)v->shape[d], 8);
  for (int d = 0; d < SPM_RUN_MAX_RANK; ++d)
    put(o, (uint64_t)v->stride[d], 8);
}

static void put_pairs(spm_strbuf_t *o, const int64_t *const *a, int n) {
  for (int k = 0; k < n; ++k) {
    put(o, (uint64_t)a[k][0], 8);
    put(o, (uint64_t)a[k][1], 8);
  }
}

// Appends one instruction: opcode, flags, reserved, payload size, payload.
static void put_instr(const spm_run_program_t *p, const spm_run_instr_t *in,
                      spm_strbuf_t *o) {
  spm_strbuf_t pl = SPM_STRBUF_INIT;
  unsigned flags = 0;
  switch (in->op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC: put(&pl, in->buffer, 4); break;
  case SPM_RUN_OP_WAIT: put(&pl, in->token, 4); break;
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE: {
    const spm_run_dma_t *d = &in->dma;
    put(&pl, d->tensor, 4);
    put(&pl, d->buffer, 4);
    put(&pl, d->token, 4);
    put(&pl, (uint64_t)d->rank, 4);
    put(&pl, (uint64_t)d->offset, 8);
    put(&pl, (uint64_t)d->buf_offset, 8);
    for (int k = 0; k < SPM_RUN_MAX_RANK; ++k)
      put(&pl, (uint64_t)d->sizes[k], 8);
    for (int k = 0; k < SPM_RUN_MAX_RANK; ++k)
      put(&pl, (uint64_t)d->strides[k], 8);
    break;
  }
  case SPM_RUN_OP_MATMUL:
    flags = in->matmul.accumulate;
    put_view(&pl, &in->matmul.a);
    put_view(&pl, &in->matmul.b);
    put_view(&pl, &in->matmul.c);
    break;
  case SPM_RUN_OP_CONV2D: {
    const spm_run_conv_t *c = &in->conv;
    flags = c->accumulate;
    put(&pl, (uint64_t)c->groups, 8);
    const int64_t *pp[3] = {c->stride, c->dilation, c->pad};
    put_pairs(&pl, pp, 3);
    put_view(&pl, &c->in);
    put_view(&pl, &c->filter);
    put_view(&pl, &c->out);
    break;
  }
  case SPM_RUN_OP_POOL: {
    const spm_run_pool_t *q = &in->pool;
    flags = q->accumulate;
    put(&pl, (uint64_t)q->kind, 4);
    put(&pl, 0, 4);
    const int64_t *pp[4] = {q->window, q->stride, q->dilation, q->pad};
    put_pairs(&pl, pp, 4);
    put_view(&pl, &q->in);
    put_view(&pl, &q->out);
    break;
  }
  case SPM_RUN_OP_FILL:
    put(&pl, in->fill.value, 8);
    put_view(&pl, &in->fill.out);
    break;
  case SPM_RUN_OP_ELTWISE: {
    const spm_run_eltwise_t *e = &in->eltwise;
    put(&pl, (uint64_t)e->ninputs, 4);
    put(&pl, e->nuops, 4);
    for (int k = 0; k < e->ninputs; ++k)
      put_view(&pl, &e->in[k]);
    put_view(&pl, &e->out);
    for (uint32_t k = 0; k < e->nuops; ++k) {
      const spm_run_uop_t *u = &p->uops[e->uop_first + k];
      put(&pl, u->op, 1);
      put(&pl, u->type, 1);
      put(&pl, u->pred, 1);
      put(&pl, u->dst, 1);
      put(&pl, u->a, 1);
      put(&pl, u->b, 1);
      put(&pl, u->c, 1);
      put(&pl, 0, 1);
      put(&pl, (uint64_t)u->imm, 8);
    }
    break;
  }
  default: break;
  }
  put(o, (uint64_t)in->op, 1);
  put(o, flags, 1);
  put(o, 0, 2);
  put(o, pl.len, 4);
  spm_strbuf_append(o, pl.data ? pl.data : "", pl.len);
  spm_strbuf_free(&pl);
}

static size_t align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

spm_status_t spm_run_encode(const spm_run_program_t *p, spm_strbuf_t *out) {
  SPM_RETURN_IF_ERROR(spm_run_program_validate(p));
  spm_strbuf_t code = SPM_STRBUF_INIT;
  for (size_t i = 0; i < p->ninstrs; ++i)
    put_instr(p, &p->instrs[i], &code);
  // Constant section layout.
  size_t const_bytes = 0;
  for (size_t i = 0; i < p->ntensors; ++i)
    if (p->tensors[i].data)
      const_bytes = align_up(const_bytes, SPM_RUN_CONST_ALIGN) +
                    (size_t)(spm_run_tensor_numel(&p->tensors[i]) *
                             spm_run_type_size(p->tensors[i].elem));

  // Header.
  spm_strbuf_append(out, SPM_RUN_MAGIC, 8);
  put(out, p->version, 4);
  put(out, 0, 4);
  const spm_target_t *t = &p->target;
  put_name(out, t->name, sizeof t->name);
  put(out, (uint64_t)t->capacity, 8);
  put(out, (uint64_t)t->alignment, 8);
  put(out, (uint64_t)t->banks, 8);
  put_f64(out, t->dma_bandwidth);
  put(out, (uint64_t)t->dma_latency, 8);
  put(out, (uint64_t)t->macs_per_cycle, 8);
  put(out, (uint64_t)t->clock_mhz, 8);
  put_f64(out, t->dram_pj_per_byte);
  put_f64(out, t->spm_pj_per_byte);
  put_f64(out, t->mac_pj);
  put(out, p->ntensors, 4);
  put(out, p->nbuffers, 4);
  put(out, p->ninstrs, 4);
  put(out, 0, 4);
  put(out, code.len, 8);
  put(out, const_bytes, 8);

  size_t off = 0;
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *x = &p->tensors[i];
    put_name(out, x->name, SPM_RUN_NAME_MAX);
    put(out, (uint64_t)x->elem, 1);
    put(out, (uint64_t)x->role, 1);
    put(out, (uint64_t)x->rank, 1);
    put(out, x->data ? 1 : 0, 1);
    put(out, 0, 4);
    for (int d = 0; d < SPM_RUN_MAX_TENSOR_RANK; ++d)
      put(out, (uint64_t)x->shape[d], 8);
    size_t bytes = 0;
    if (x->data) {
      off = align_up(off, SPM_RUN_CONST_ALIGN);
      bytes = (size_t)(spm_run_tensor_numel(x) * spm_run_type_size(x->elem));
    }
    put(out, x->data ? off : 0, 8);
    put(out, bytes, 8);
    off += bytes;
  }
  for (size_t i = 0; i < p->nbuffers; ++i) {
    put_name(out, p->buffers[i].name, SPM_RUN_NAME_MAX);
    put(out, (uint64_t)p->buffers[i].offset, 8);
    put(out, (uint64_t)p->buffers[i].size, 8);
  }
  spm_strbuf_append(out, code.data ? code.data : "", code.len);
  spm_strbuf_free(&code);
  off = 0;
  static const char zeros[SPM_RUN_CONST_ALIGN];
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *x = &p->tensors[i];
    if (!x->data)
      continue;
    size_t a = align_up(off, SPM_RUN_CONST_ALIGN);
    spm_strbuf_append(out, zeros, a - off);
    size_t bytes =
        (size_t)(spm_run_tensor_numel(x) * spm_run_type_size(x->elem));
    spm_strbuf_append(out, (const char *)x->data, bytes);
    off = a + bytes;
  }
  return SPM_OK;
}
