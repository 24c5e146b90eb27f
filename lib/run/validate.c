// spm_run_program_validate: the static checks of docs/isa.md. Dynamic
// properties (buffer placement within capacity, accesses within buffers,
// lifetimes, initialisation, DMA hazards) are the interpreter's faults.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_internal.h"
#include "support/strbuf.h"

#define BAD(...) spm_status_make(SPM_STATUS_INVALID_ARGUMENT, __VA_ARGS__)

// Prefixes a failing status with "instruction i `text`: ".
static spm_status_t at_instr(const spm_run_program_t *p, size_t i,
                             spm_status_t s) {
  if (spm_status_is_ok(s))
    return s;
  spm_strbuf_t t = SPM_STRBUF_INIT;
  spm_run_instr_text(p, i, &t);
  spm_status_t r = BAD("instruction %zu `%s`: %s", i, spm_strbuf_cstr(&t),
                       spm_status_message(s));
  spm_strbuf_free(&t);
  spm_status_free(s);
  return r;
}

// The IR's target rules (spm_target_validate) are these limits too, so that
// a target spm-opt accepts always lowers.
_Static_assert(SPM_TARGET_MAX_CAPACITY == SPM_RUN_MAX_BYTES,
               "target capacity limit differs from the ISA's");
_Static_assert(SPM_TARGET_MAX_DMA_LATENCY == ((int64_t)1 << 40),
               "target dma_latency limit differs from the ISA's");

static spm_status_t check_target(const spm_target_t *t) {
  if (strnlen(t->name, sizeof t->name) >= sizeof t->name ||
      !spm_run_name_ok(t->name))
    return BAD("target name is not [A-Za-z0-9_.-]{1,31}");
  if (t->capacity < 1 || t->capacity > SPM_RUN_MAX_BYTES)
    return BAD("target capacity %lld outside 1..2^40",
               (long long)t->capacity);
  if (t->alignment < 1 || (t->alignment & (t->alignment - 1)) ||
      t->capacity % t->alignment)
    return BAD("target alignment %lld is not a power of two dividing the "
               "capacity", (long long)t->alignment);
  if (t->banks < 1)
    return BAD("target banks %lld < 1", (long long)t->banks);
  if (!(t->dma_bandwidth > 0) || !isfinite(t->dma_bandwidth))
    return BAD("target dma_bandwidth must be > 0");
  if (t->dma_latency < 0 || t->dma_latency > ((int64_t)1 << 40))
    return BAD("target dma_latency %lld outside 0..2^40",
               (long long)t->dma_latency);
  if (t->macs_per_cycle < 1 || t->clock_mhz < 1)
    return BAD("target macs_per_cycle and clock_mhz must be >= 1");
  if (!(t->dram_pj_per_byte >= 0) || !isfinite(t->dram_pj_per_byte) ||
      !(t->spm_pj_per_byte >= 0) || !isfinite(t->spm_pj_per_byte) ||
      !(t->mac_pj >= 0) || !isfinite(t->mac_pj))
    return BAD("target energies must be finite and >= 0");
  return SPM_OK;
}

// Extent and stride arrays of rank `rank` within limits, zero beyond it.
static spm_status_t check_dims(const char *what, int rank, int max_rank,
                               const int64_t *shape, const int64_t *stride) {
  if (rank < 1 || rank > max_rank)
    return BAD("%s: rank %d outside 1..%d", what, rank, max_rank);
  for (int d = 0; d < SPM_RUN_MAX_RANK; ++d) {
    if (d >= rank) {
      if (shape[d] || stride[d])
        return BAD("%s: sizes/strides beyond rank %d are not 0", what, rank);
      continue;
    }
    if (shape[d] < 1 || shape[d] > SPM_RUN_MAX_DIM)
      return BAD("%s: extent %lld of dim %d outside 1..2^31", what,
                 (long long)shape[d], d);
    if (stride[d] < 0 || stride[d] > SPM_RUN_MAX_DIM)
      return BAD("%s: stride %lld of dim %d outside 0..2^31", what,
                 (long long)stride[d], d);
  }
  return SPM_OK;
}

// Highest element index reached: sum (shape-1)*stride (< 2^64 / 4 by the
// limits; checked anyway).
static bool span_elems(int rank, const int64_t *shape, const int64_t *stride,
                       int64_t *out) {
  int64_t s = 0;
  for (int d = 0; d < rank; ++d) {
    int64_t t;
    if (__builtin_mul_overflow(shape[d] - 1, stride[d], &t) ||
        __builtin_add_overflow(s, t, &s))
      return false;
  }
  *out = s;
  return true;
}

void spm_run_view_span(const spm_run_view_t *v, int64_t *lo, int64_t *hi) {
  int64_t s = 0;
  span_elems(v->rank, v->shape, v->stride, &s);
  int64_t es = spm_run_type_size(v->elem);
  *lo = v->offset;
  *hi = v->offset + (s + 1) * es;
}

int64_t spm_run_dma_bytes(const spm_run_program_t *p,
                          const spm_run_dma_t *d) {
  int64_t n = spm_run_type_size(p->tensors[d->tensor].elem);
  for (int k = 0; k < d->rank; ++k)
    n *= d->sizes[k];
  return n;
}

static spm_status_t check_view(const spm_run_program_t *p, const char *what,
                               const spm_run_view_t *v, bool output) {
  if (v->buffer >= p->nbuffers)
    return BAD("%s: buffer b%u does not exist (%zu buffer%s)", what, v->buffer,
               p->nbuffers, spm_plural(p->nbuffers));
  if (!spm_run_type_is_storage(v->elem))
    return BAD("%s: element type %d is not f32, i8 or i32", what,
               (int)v->elem);
  SPM_RETURN_IF_ERROR(
      check_dims(what, v->rank, SPM_RUN_MAX_RANK, v->shape, v->stride));
  if (v->offset < 0 || v->offset > SPM_RUN_MAX_BYTES)
    return BAD("%s: byte offset %lld outside 0..2^40", what,
               (long long)v->offset);
  int64_t s = 0;
  if (!span_elems(v->rank, v->shape, v->stride, &s) ||
      s > SPM_RUN_MAX_BYTES)
    return BAD("%s: spans more than 2^40 elements", what);
  int64_t numel = 1;
  for (int d = 0; d < v->rank; ++d)
    if (__builtin_mul_overflow(numel, v->shape[d], &numel) ||
        numel > SPM_RUN_MAX_BYTES)
      return BAD("%s: more than 2^40 elements", what);
  if (output)
    for (int d = 0; d < v->rank; ++d)
      if (v->stride[d] == 0 && v->shape[d] > 1)
        return BAD("%s: an output view cannot broadcast (stride 0 in dim "
                   "%d)", what, d);
  return SPM_OK;
}

static spm_status_t check_dma(const spm_run_program_t *p,
                              const spm_run_dma_t *d) {
  if (d->tensor >= p->ntensors)
    return BAD("tensor t%u does not exist (%zu tensor%s)", d->tensor,
               p->ntensors, spm_plural(p->ntensors));
  if (d->buffer >= p->nbuffers)
    return BAD("buffer b%u does not exist (%zu buffer%s)", d->buffer,
               p->nbuffers, spm_plural(p->nbuffers));
  if (d->token > SPM_RUN_MAX_TOKEN)
    return BAD("token %u > %u", d->token, SPM_RUN_MAX_TOKEN);
  SPM_RETURN_IF_ERROR(
      check_dims("window", d->rank, SPM_RUN_MAX_RANK, d->sizes, d->strides));
  if (d->buf_offset < 0 || d->buf_offset > SPM_RUN_MAX_BYTES)
    return BAD("buffer byte offset %lld outside 0..2^40",
               (long long)d->buf_offset);
  const spm_run_tensor_t *t = &p->tensors[d->tensor];
  int64_t s = 0, numel = spm_run_tensor_numel(t);
  if (d->offset < 0 || !span_elems(d->rank, d->sizes, d->strides, &s) ||
      __builtin_add_overflow(s, d->offset, &s) || s >= numel)
    return BAD("window [offset %lld, last element %lld] outside tensor '%s' "
               "(%lld elements)", (long long)d->offset, (long long)s,
               t->name, (long long)numel);
  int64_t n = 1;
  for (int k = 0; k < d->rank; ++k)
    if (__builtin_mul_overflow(n, d->sizes[k], &n) || n > SPM_RUN_MAX_BYTES)
      return BAD("window larger than 2^40 elements");
  return SPM_OK;
}

static bool same_shape(const spm_run_view_t *a, const spm_run_view_t *b) {
  if (a->rank != b->rank)
    return false;
  for (int d = 0; d < a->rank; ++d)
    if (a->shape[d] != b->shape[d])
      return false;
  return true;
}

spm_status_t spm_run_check_kinds(const spm_run_view_t *x,
                                const spm_run_view_t *y,
                                const spm_run_view_t *out) {
  bool fo = out->elem == SPM_RUN_F32;
  if ((x->elem == SPM_RUN_F32) != fo || (y && (y->elem == SPM_RUN_F32) != fo))
    return BAD("operand types %s%s%s -> %s mix f32 and integers",
               spm_run_type_name(x->elem), y ? ", " : "",
               y ? spm_run_type_name(y->elem) : "",
               spm_run_type_name(out->elem));
  return SPM_OK;
}

static spm_status_t check_window(const char *what, const int64_t *a,
                                 int64_t lo, int64_t hi) {
  for (int k = 0; k < 2; ++k)
    if (a[k] < lo || a[k] > hi)
      return BAD("%s[%d] = %lld outside %lld..%lld", what, k,
                 (long long)a[k], (long long)lo, (long long)hi);
  return SPM_OK;
}

// Output extent OH must keep every window inside the (symmetrically)
// padded input: (OH-1)*stride + dil*(KH-1) < H + 2*pad.
static spm_status_t check_out_extent(const int64_t *in_hw,
                                     const int64_t *out_hw,
                                     const int64_t *win,
                                     const int64_t *stride,
                                     const int64_t *dil, const int64_t *pad) {
  for (int k = 0; k < 2; ++k) {
    int64_t last = (out_hw[k] - 1) * stride[k] + dil[k] * (win[k] - 1);
    if (last >= in_hw[k] + 2 * pad[k])
      return BAD("output extent %lld in dim %d: the last window reaches "
                 "input row %lld beyond %lld + 2*%lld padding",
                 (long long)out_hw[k], k + 2, (long long)(last - pad[k]),
                 (long long)in_hw[k], (long long)pad[k]);
  }
  return SPM_OK;
}

// The byte span of a view, or false when its fields are out of range (a
// view the rest of the validation rejects).
static bool safe_span(const spm_run_view_t *v, int64_t *lo, int64_t *hi) {
  if (v->rank < 1 || v->rank > SPM_RUN_MAX_RANK || v->offset < 0 ||
      !spm_run_type_is_storage(v->elem))
    return false;
  for (int d = 0; d < v->rank; ++d)
    if (v->shape[d] < 1 || v->stride[d] < 0)
      return false;
  int64_t s = 0, es = spm_run_type_size(v->elem);
  if (!span_elems(v->rank, v->shape, v->stride, &s) ||
      __builtin_add_overflow(s, 1, &s) || __builtin_mul_overflow(s, es, &s) ||
      __builtin_add_overflow(v->offset, s, hi))
    return false;
  *lo = v->offset;
  return true;
}

static spm_status_t disjoint(const char *out_name, const spm_run_view_t *out,
                             const char *in_name, const spm_run_view_t *in) {
  int64_t olo, ohi, ilo, ihi;
  if (out->buffer != in->buffer || !safe_span(out, &olo, &ohi) ||
      !safe_span(in, &ilo, &ihi) || ohi <= ilo || ihi <= olo)
    return SPM_OK;
  return BAD("output %s (bytes [%lld, %lld) of buffer b%u) overlaps input %s "
             "(bytes [%lld, %lld)): matmul, conv2d and pool must not write "
             "bytes they read (the result would depend on the order of the "
             "computation)",
             out_name, (long long)olo, (long long)ohi, out->buffer, in_name,
             (long long)ilo, (long long)ihi);
}

spm_status_t spm_run_check_no_overlap(const spm_run_instr_t *in) {
  switch (in->op) {
  case SPM_RUN_OP_MATMUL:
    SPM_RETURN_IF_ERROR(disjoint("c", &in->matmul.c, "a", &in->matmul.a));
    return disjoint("c", &in->matmul.c, "b", &in->matmul.b);
  case SPM_RUN_OP_CONV2D:
    SPM_RETURN_IF_ERROR(disjoint("out", &in->conv.out, "in", &in->conv.in));
    return disjoint("out", &in->conv.out, "filter", &in->conv.filter);
  case SPM_RUN_OP_POOL:
    return disjoint("out", &in->pool.out, "in", &in->pool.in);
  default:
    return SPM_OK;
  }
}

static spm_status_t check_instr(const spm_run_program_t *p,
                                const spm_run_instr_t *in) {
  switch (in->op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC:
    if (in->buffer >= p->nbuffers)
      return BAD("buffer b%u does not exist (%zu buffer%s)", in->buffer,
                 p->nbuffers, spm_plural(p->nbuffers));
    return SPM_OK;
  case SPM_RUN_OP_WAIT:
    if (in->token > SPM_RUN_MAX_TOKEN)
      return BAD("token %u > %u", in->token, SPM_RUN_MAX_TOKEN);
    return SPM_OK;
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE:
    return check_dma(p, &in->dma);
  case SPM_RUN_OP_MATMUL: {
    const spm_run_matmul_t *m = &in->matmul;
    SPM_RETURN_IF_ERROR(check_view(p, "a", &m->a, false));
    SPM_RETURN_IF_ERROR(check_view(p, "b", &m->b, false));
    SPM_RETURN_IF_ERROR(check_view(p, "c", &m->c, true));
    if (m->a.rank != 2 || m->b.rank != 2 || m->c.rank != 2 ||
        m->a.shape[1] != m->b.shape[0] || m->a.shape[0] != m->c.shape[0] ||
        m->b.shape[1] != m->c.shape[1])
      return BAD("shapes are not A[M,K] B[K,N] C[M,N]");
    SPM_RETURN_IF_ERROR(spm_run_check_kinds(&m->a, &m->b, &m->c));
    return spm_run_check_no_overlap(in);
  }
  case SPM_RUN_OP_CONV2D: {
    const spm_run_conv_t *c = &in->conv;
    SPM_RETURN_IF_ERROR(check_view(p, "in", &c->in, false));
    SPM_RETURN_IF_ERROR(check_view(p, "filter", &c->filter, false));
    SPM_RETURN_IF_ERROR(check_view(p, "out", &c->out, true));
    if (c->in.rank != 4 || c->filter.rank != 4 || c->out.rank != 4)
      return BAD("conv2d views must have rank 4 (NCHW, FCHW, NFHW)");
    int64_t C = c->in.shape[1], F = c->filter.shape[0], G = c->groups;
    if (G < 1 || G > SPM_RUN_MAX_DIM || C % G || F % G ||
        c->filter.shape[1] != C / G)
      return BAD("groups %lld: input channels %lld, filter %lldx%lld do not "
                 "match", (long long)G, (long long)C, (long long)F,
                 (long long)c->filter.shape[1]);
    if (c->out.shape[0] != c->in.shape[0] || c->out.shape[1] != F)
      return BAD("output shape is not [N=%lld, F=%lld, ., .]",
                 (long long)c->in.shape[0], (long long)F);
    SPM_RETURN_IF_ERROR(check_window("stride", c->stride, 1, 1 << 16));
    SPM_RETURN_IF_ERROR(check_window("dilation", c->dilation, 1, 1 << 16));
    SPM_RETURN_IF_ERROR(check_window("pad", c->pad, 0, 1 << 16));
    SPM_RETURN_IF_ERROR(check_out_extent(c->in.shape + 2, c->out.shape + 2,
                                         c->filter.shape + 2, c->stride,
                                         c->dilation, c->pad));
    SPM_RETURN_IF_ERROR(spm_run_check_kinds(&c->in, &c->filter, &c->out));
    return spm_run_check_no_overlap(in);
  }
  case SPM_RUN_OP_POOL: {
    const spm_run_pool_t *q = &in->pool;
    if (q->kind != SPM_RUN_POOL_MAX && q->kind != SPM_RUN_POOL_SUM)
      return BAD("unknown pool kind %d", (int)q->kind);
    SPM_RETURN_IF_ERROR(check_view(p, "in", &q->in, false));
    SPM_RETURN_IF_ERROR(check_view(p, "out", &q->out, true));
    if (q->in.rank != 4 || q->out.rank != 4 ||
        q->in.shape[0] != q->out.shape[0] || q->in.shape[1] != q->out.shape[1])
      return BAD("pool views must be NCHW -> NCHW with equal N and C");
    SPM_RETURN_IF_ERROR(check_window("window", q->window, 1, 1 << 16));
    SPM_RETURN_IF_ERROR(check_window("stride", q->stride, 1, 1 << 16));
    SPM_RETURN_IF_ERROR(check_window("dilation", q->dilation, 1, 1 << 16));
    SPM_RETURN_IF_ERROR(check_window("pad", q->pad, 0, 1 << 16));
    SPM_RETURN_IF_ERROR(check_out_extent(q->in.shape + 2, q->out.shape + 2,
                                         q->window, q->stride, q->dilation,
                                         q->pad));
    SPM_RETURN_IF_ERROR(spm_run_check_kinds(&q->in, NULL, &q->out));
    if (spm_run_type_bits(q->in.elem) > spm_run_type_bits(q->out.elem))
      return BAD("pool input %s is wider than its output %s",
                 spm_run_type_name(q->in.elem), spm_run_type_name(q->out.elem));
    return spm_run_check_no_overlap(in);
  }
  case SPM_RUN_OP_FILL: {
    const spm_run_fill_t *f = &in->fill;
    SPM_RETURN_IF_ERROR(check_view(p, "out", &f->out, true));
    int bits = spm_run_type_bits(f->out.elem);
    bool ok = f->out.elem == SPM_RUN_F32
                  ? f->value <= UINT32_MAX
                  : (int64_t)f->value == spm_run_sext(f->value, bits);
    if (!ok)
      return BAD("fill value 0x%llx is not a canonical %s",
                 (unsigned long long)f->value,
                 spm_run_type_name(f->out.elem));
    return SPM_OK;
  }
  case SPM_RUN_OP_ELTWISE: {
    const spm_run_eltwise_t *e = &in->eltwise;
    if (e->ninputs < 0 || e->ninputs > SPM_RUN_MAX_INPUTS)
      return BAD("%d inputs (0..%d)", e->ninputs, SPM_RUN_MAX_INPUTS);
    SPM_RETURN_IF_ERROR(check_view(p, "out", &e->out, true));
    spm_run_type_t types[SPM_RUN_MAX_INPUTS];
    for (int k = 0; k < e->ninputs; ++k) {
      char what[16];
      snprintf(what, sizeof what, "in%d", k);
      SPM_RETURN_IF_ERROR(check_view(p, what, &e->in[k], false));
      if (!same_shape(&e->in[k], &e->out))
        return BAD("input %d's shape differs from the output's", k);
      types[k] = e->in[k].elem;
    }
    if (e->nuops < 1 || e->nuops > SPM_RUN_MAX_UOPS ||
        e->uop_first > p->nuops || e->nuops > p->nuops - e->uop_first)
      return BAD("micro-ops [%u, +%u) outside the program's %zu",
                 e->uop_first, e->nuops, p->nuops);
    return spm_run_uops_check(p->uops + e->uop_first, e->nuops, types,
                              e->ninputs, e->out.elem);
  }
  default:
    return BAD("unknown opcode %d", (int)in->op);
  }
}

spm_status_t spm_run_program_validate(const spm_run_program_t *p) {
  if (p->version != SPM_RUN_ISA_VERSION)
    return BAD("program version %u, this interpreter reads version %u",
               p->version, SPM_RUN_ISA_VERSION);
  SPM_RETURN_IF_ERROR(check_target(&p->target));
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *t = &p->tensors[i];
    if (!spm_run_name_ok(t->name))
      return BAD("tensor %zu: bad name", i);
    if ((unsigned)t->role >= SPM_RUN_ROLE_COUNT)
      return BAD("tensor '%s': bad role %d", t->name, (int)t->role);
    spm_status_t s = spm_run_tensor_shape_check(t->rank, t->shape, t->elem,
                                                NULL);
    if (!spm_status_is_ok(s)) {
      spm_status_t r = BAD("tensor '%s': %s", t->name, spm_status_message(s));
      spm_status_free(s);
      return r;
    }
    for (int d = t->rank; d < SPM_RUN_MAX_TENSOR_RANK; ++d)
      if (t->shape[d])
        return BAD("tensor '%s': shape beyond rank is not 0", t->name);
    for (size_t j = 0; j < i; ++j)
      if (strcmp(p->tensors[j].name, t->name) == 0)
        return BAD("tensor name '%s' used twice (t%zu, t%zu)", t->name, j, i);
  }
  for (size_t i = 0; i < p->nbuffers; ++i) {
    const spm_run_buffer_t *b = &p->buffers[i];
    if (!spm_run_name_ok(b->name))
      return BAD("buffer %zu: bad name", i);
    if (b->offset < 0 || b->offset > SPM_RUN_MAX_BYTES || b->size < 1 ||
        b->size > SPM_RUN_MAX_BYTES)
      return BAD("buffer '%s': offset %lld / size %lld outside 0..2^40 / "
                 "1..2^40", b->name, (long long)b->offset,
                 (long long)b->size);
    if (b->offset % p->target.alignment)
      return BAD("buffer '%s': offset %lld is not a multiple of the "
                 "alignment %lld", b->name, (long long)b->offset,
                 (long long)p->target.alignment);
    for (size_t j = 0; j < i; ++j)
      if (strcmp(p->buffers[j].name, b->name) == 0)
        return BAD("buffer name '%s' used twice (b%zu, b%zu)", b->name, j, i);
  }
  for (size_t i = 0; i < p->ninstrs; ++i)
    SPM_RETURN_IF_ERROR(at_instr(p, i, check_instr(p, &p->instrs[i])));
  return SPM_OK;
}
