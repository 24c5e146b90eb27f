// The assembly listing writer (syntax: docs/isa.md, "Listing"). The text
// of one instruction is also what faults and the trace show.
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/encode.h"
#include "run/run_internal.h"

static void dims(spm_strbuf_t *o, int rank, const int64_t *a) {
  spm_strbuf_append_str(o, "[");
  for (int d = 0; d < rank; ++d)
    spm_strbuf_appendf(o, "%s%" PRId64, d ? "," : "", a[d]);
  spm_strbuf_append_str(o, "]");
}

static void pair(spm_strbuf_t *o, const char *key, const int64_t *a) {
  spm_strbuf_appendf(o, " %s=%" PRId64 "x%" PRId64, key, a[0], a[1]);
}

static void view(spm_strbuf_t *o, const char *key, const spm_run_view_t *v) {
  spm_strbuf_appendf(o, " %s=b%u+%" PRId64 ":%s", key, v->buffer, v->offset,
                     spm_run_type_name(v->elem));
  int r = v->rank < 0 ? 0 : v->rank > SPM_RUN_MAX_RANK ? SPM_RUN_MAX_RANK
                                                       : v->rank;
  dims(o, r, v->shape);
  spm_strbuf_append_str(o, "(");
  for (int d = 0; d < r; ++d)
    spm_strbuf_appendf(o, "%s%" PRId64, d ? "," : "", v->stride[d]);
  spm_strbuf_append_str(o, ")");
}

void spm_run_f32_text(uint32_t bits, spm_strbuf_t *o) {
  float f;
  memcpy(&f, &bits, 4);
  if (isfinite(f))
    spm_strbuf_appendf(o, "%.9g", (double)f);
  else
    spm_strbuf_appendf(o, "0x%08" PRIx32, bits);
}

void spm_run_f64_text(double d, spm_strbuf_t *o) {
  char b[64];
  snprintf(b, sizeof b, "%.15g", d);
  if (strtod(b, NULL) != d)
    snprintf(b, sizeof b, "%.17g", d);
  spm_strbuf_append_str(o, b);
}

void spm_run_uop_text(const spm_run_uop_t *u, spm_strbuf_t *o) {
  const char *tn = spm_run_type_name((spm_run_type_t)u->type);
  const char *on = spm_run_uop_name((spm_run_uop_op_t)u->op);
  if (u->op == SPM_RUN_UOP_YIELD) {
    spm_strbuf_appendf(o, "yield.%s r%u", tn, u->a);
    return;
  }
  spm_strbuf_appendf(o, "r%u = %s.%s ", u->dst, on, tn);
  switch (u->op) {
  case SPM_RUN_UOP_LOAD:
    spm_strbuf_appendf(o, "in%" PRId64, u->imm);
    break;
  case SPM_RUN_UOP_CONST:
    if (u->type == SPM_RUN_F32)
      spm_run_f32_text((uint32_t)u->imm, o);
    else
      spm_strbuf_appendf(o, "%" PRId64, u->imm);
    break;
  case SPM_RUN_UOP_CMP:
    spm_strbuf_appendf(o, "%s r%u, r%u",
                       spm_run_pred_name((spm_run_pred_t)u->pred), u->a,
                       u->b);
    break;
  case SPM_RUN_UOP_SELECT:
    spm_strbuf_appendf(o, "r%u, r%u, r%u", u->a, u->b, u->c);
    break;
  case SPM_RUN_UOP_NEG:
  case SPM_RUN_UOP_TRUNC:
  case SPM_RUN_UOP_EXTS:
  case SPM_RUN_UOP_EXTU:
  case SPM_RUN_UOP_SITOFP:
  case SPM_RUN_UOP_UITOFP:
  case SPM_RUN_UOP_FPTOSI:
  case SPM_RUN_UOP_FPTOUI:
    spm_strbuf_appendf(o, "r%u", u->a);
    break;
  default:
    spm_strbuf_appendf(o, "r%u, r%u", u->a, u->b);
    break;
  }
}

static void dma_text(const spm_run_dma_t *d, bool load, spm_strbuf_t *o) {
  int r = d->rank < 0 ? 0 : d->rank > SPM_RUN_MAX_RANK ? SPM_RUN_MAX_RANK
                                                       : d->rank;
  char g[48], b[48];
  snprintf(g, sizeof g, "t%u", d->tensor);
  snprintf(b, sizeof b, "b%u+%" PRId64, d->buffer, d->buf_offset);
  spm_strbuf_appendf(o, " %s offset=%" PRId64 " sizes=", load ? g : b,
                     d->offset);
  dims(o, r, d->sizes);
  spm_strbuf_append_str(o, " strides=");
  dims(o, r, d->strides);
  spm_strbuf_appendf(o, " -> %s token=%u", load ? b : g, d->token);
}

void spm_run_instr_text(const spm_run_program_t *p, size_t i,
                        spm_strbuf_t *o) {
  const spm_run_instr_t *in = &p->instrs[i];
  spm_strbuf_append_str(o, spm_run_opcode_name(in->op));
  switch (in->op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC:
    spm_strbuf_appendf(o, " b%u", in->buffer);
    break;
  case SPM_RUN_OP_WAIT:
    spm_strbuf_appendf(o, " %u", in->token);
    break;
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE:
    dma_text(&in->dma, in->op == SPM_RUN_OP_DMA_LOAD, o);
    break;
  case SPM_RUN_OP_MATMUL:
    spm_strbuf_appendf(o, " acc=%d", in->matmul.accumulate ? 1 : 0);
    view(o, "a", &in->matmul.a);
    view(o, "b", &in->matmul.b);
    view(o, "c", &in->matmul.c);
    break;
  case SPM_RUN_OP_CONV2D:
    spm_strbuf_appendf(o, " acc=%d groups=%" PRId64,
                       in->conv.accumulate ? 1 : 0, in->conv.groups);
    pair(o, "stride", in->conv.stride);
    pair(o, "dilation", in->conv.dilation);
    pair(o, "pad", in->conv.pad);
    view(o, "in", &in->conv.in);
    view(o, "filter", &in->conv.filter);
    view(o, "out", &in->conv.out);
    break;
  case SPM_RUN_OP_POOL:
    spm_strbuf_appendf(o, " %s acc=%d",
                       in->pool.kind == SPM_RUN_POOL_SUM ? "sum" : "max",
                       in->pool.accumulate ? 1 : 0);
    pair(o, "window", in->pool.window);
    pair(o, "stride", in->pool.stride);
    pair(o, "dilation", in->pool.dilation);
    pair(o, "pad", in->pool.pad);
    view(o, "in", &in->pool.in);
    view(o, "out", &in->pool.out);
    break;
  case SPM_RUN_OP_FILL:
    spm_strbuf_append_str(o, " value=");
    if (in->fill.out.elem == SPM_RUN_F32)
      spm_run_f32_text((uint32_t)in->fill.value, o);
    else
      spm_strbuf_appendf(o, "%" PRId64, (int64_t)in->fill.value);
    view(o, "out", &in->fill.out);
    break;
  case SPM_RUN_OP_ELTWISE: {
    const spm_run_eltwise_t *e = &in->eltwise;
    for (int k = 0; k < e->ninputs && k < SPM_RUN_MAX_INPUTS; ++k) {
      char key[16];
      snprintf(key, sizeof key, "in%d", k);
      view(o, key, &e->in[k]);
    }
    view(o, "out", &e->out);
    spm_strbuf_append_str(o, " {");
    if (e->uop_first <= p->nuops && e->nuops <= p->nuops - e->uop_first)
      for (uint32_t k = 0; k < e->nuops; ++k) {
        spm_strbuf_append_str(o, k ? "; " : " ");
        spm_run_uop_text(&p->uops[e->uop_first + k], o);
      }
    spm_strbuf_append_str(o, " }");
    break;
  }
  default:
    spm_strbuf_appendf(o, " (opcode %d)", (int)in->op);
    break;
  }
}

// Names of the buffers and tensors an instruction refers to, as a comment.
static void instr_comment(const spm_run_program_t *p,
                          const spm_run_instr_t *in, spm_strbuf_t *o) {
  const char *b = NULL, *t = NULL;
  uint32_t bid = UINT32_MAX;
  switch (in->op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC: bid = in->buffer; break;
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE:
    bid = in->dma.buffer;
    if (in->dma.tensor < p->ntensors)
      t = p->tensors[in->dma.tensor].name;
    break;
  case SPM_RUN_OP_MATMUL: bid = in->matmul.c.buffer; break;
  case SPM_RUN_OP_CONV2D: bid = in->conv.out.buffer; break;
  case SPM_RUN_OP_POOL: bid = in->pool.out.buffer; break;
  case SPM_RUN_OP_FILL: bid = in->fill.out.buffer; break;
  case SPM_RUN_OP_ELTWISE: bid = in->eltwise.out.buffer; break;
  default: break;
  }
  if (bid < p->nbuffers)
    b = p->buffers[bid].name;
  if (in->op == SPM_RUN_OP_DMA_LOAD && b && t)
    spm_strbuf_appendf(o, "  // %s <- %s", b, t);
  else if (in->op == SPM_RUN_OP_DMA_STORE && b && t)
    spm_strbuf_appendf(o, "  // %s -> %s", b, t);
  else if (b)
    spm_strbuf_appendf(o, "  // %s", b);
}

void spm_run_listing_write(const spm_run_program_t *p, spm_strbuf_t *o) {
  const spm_target_t *t = &p->target;
  spm_strbuf_appendf(o, "// spm-run program (docs/isa.md)\nspm_run version=%u\n",
                     p->version);
  spm_strbuf_appendf(o,
                     "target name=%s capacity=%" PRId64 " alignment=%" PRId64
                     " banks=%" PRId64 " dma_bandwidth=",
                     t->name, t->capacity, t->alignment, t->banks);
  spm_run_f64_text(t->dma_bandwidth, o);
  spm_strbuf_appendf(o,
                     " dma_latency=%" PRId64 " macs_per_cycle=%" PRId64
                     " clock_mhz=%" PRId64 " dram_pj_per_byte=",
                     t->dma_latency, t->macs_per_cycle, t->clock_mhz);
  spm_run_f64_text(t->dram_pj_per_byte, o);
  spm_strbuf_append_str(o, " spm_pj_per_byte=");
  spm_run_f64_text(t->spm_pj_per_byte, o);
  spm_strbuf_append_str(o, " mac_pj=");
  spm_run_f64_text(t->mac_pj, o);
  spm_strbuf_append_str(o, "\n");
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *x = &p->tensors[i];
    spm_strbuf_appendf(o, "tensor t%zu name=%s role=%s type=%s shape=", i,
                       x->name, spm_run_role_name(x->role),
                       spm_run_type_name(x->elem));
    dims(o, x->rank, x->shape);
    spm_strbuf_append_str(o, x->data ? " data\n" : "\n");
  }
  for (size_t i = 0; i < p->nbuffers; ++i) {
    const spm_run_buffer_t *b = &p->buffers[i];
    spm_strbuf_appendf(o, "buffer b%zu name=%s offset=%" PRId64
                          " size=%" PRId64 "\n",
                       i, b->name, b->offset, b->size);
  }
  spm_strbuf_append_str(o, "code\n");
  for (size_t i = 0; i < p->ninstrs; ++i) {
    spm_strbuf_appendf(o, "%6zu: ", i);
    spm_run_instr_text(p, i, o);
    instr_comment(p, &p->instrs[i], o);
    spm_strbuf_append_str(o, "\n");
  }
  spm_strbuf_append_str(o, "end\n");
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *x = &p->tensors[i];
    if (!x->data)
      continue;
    spm_strbuf_appendf(o, "data t%zu  // %s\n", i, x->name);
    size_t n = (size_t)(spm_run_tensor_numel(x) * spm_run_type_size(x->elem));
    for (size_t k = 0; k < n; k += 32) {
      char line[80];
      size_t m = n - k < 32 ? n - k : 32, j = 0;
      for (size_t q = 0; q < m; ++q) {
        line[j++] = hex[x->data[k + q] >> 4];
        line[j++] = hex[x->data[k + q] & 15];
      }
      line[j] = 0;
      spm_strbuf_appendf(o, "  .hex %s\n", line);
    }
  }
}
