// Scratchpad access checks (the per-byte shadow state) and the view
// gather / scatter every compute op goes through.
#include <stdarg.h>
#include <string.h>

#include "run/machine_internal.h"

spm_status_t spm_run_fault(spm_run_machine_t *m, const char *fmt, ...) {
  spm_strbuf_t msg = SPM_STRBUF_INIT, text = SPM_STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  spm_strbuf_vappendf(&msg, fmt, ap);
  va_end(ap);
  if (m->cur < m->p->ninstrs)
    spm_run_instr_text(m->p, m->cur, &text);
  else
    spm_strbuf_append_str(&text, "end of program");
  spm_status_t s = spm_status_make(SPM_STATUS_FAILED, "instruction %zu `%s`: %s",
                                   m->cur, spm_strbuf_cstr(&text),
                                   spm_strbuf_cstr(&msg));
  spm_strbuf_free(&msg);
  spm_strbuf_free(&text);
  return s;
}

static const char *bname(const spm_run_machine_t *m, uint32_t b) {
  return m->p->buffers[b].name;
}

spm_status_t spm_run_check_live(spm_run_machine_t *m, uint32_t b,
                                const char *what) {
  if (!m->cur_inst[b])
    return spm_run_fault(m, "%s: buffer '%s' is not allocated", what,
                         bname(m, b));
  return SPM_OK;
}

spm_status_t spm_run_check_in_buffer(spm_run_machine_t *m, uint32_t b,
                                     int64_t lo, int64_t hi,
                                     const char *what) {
  int64_t size = m->p->buffers[b].size;
  if (lo < 0 || hi > size)
    return spm_run_fault(m,
                         "%s: bytes [%lld, %lld) lie outside buffer '%s' "
                         "(%lld bytes)",
                         what, (long long)lo, (long long)hi, bname(m, b),
                         (long long)size);
  return SPM_OK;
}

static const spm_run_transfer_t *pending_at(const spm_run_machine_t *m,
                                            int64_t a, bool load) {
  for (size_t k = 0; k < m->nxfers; ++k)
    if (m->xfers[k].load == load && m->xfers[k].lo <= a && a < m->xfers[k].hi)
      return &m->xfers[k];
  return NULL;
}

static spm_status_t pending_fault(spm_run_machine_t *m, const char *what,
                                  int64_t a, bool load, const char *verb) {
  const spm_run_transfer_t *x = pending_at(m, a, load);
  return spm_run_fault(m,
                       "%s: %s scratchpad byte %lld while DMA_%s instruction "
                       "%zu (token %u) is in flight (not waited for)",
                       what, verb, (long long)a, load ? "LOAD" : "STORE",
                       x ? x->instr : (size_t)0, x ? x->token : 0u);
}

spm_status_t spm_run_check_read(spm_run_machine_t *m, uint32_t b, int64_t lo,
                                int64_t hi, const char *what) {
  uint32_t me = m->cur_inst[b];
  for (int64_t a = lo; a < hi; ++a) {
    if (m->load_pending[a])
      return pending_fault(m, what, a, true, "reads");
    uint32_t w = m->writer[a];
    if (w == me)
      continue;
    int64_t rel = a - m->p->buffers[b].offset;
    if (w == 0)
      return spm_run_fault(m,
                           "%s: reads scratchpad byte %lld (buffer '%s' + "
                           "%lld), which was never written",
                           what, (long long)a, bname(m, b), (long long)rel);
    uint32_t ob = m->inst_buffer[w];
    if (ob == b)
      return spm_run_fault(m,
                           "%s: reads scratchpad byte %lld (buffer '%s' + "
                           "%lld), written only in an earlier lifetime of "
                           "the buffer",
                           what, (long long)a, bname(m, b), (long long)rel);
    return spm_run_fault(m,
                         "%s: reads scratchpad byte %lld (buffer '%s' + "
                         "%lld), which was overwritten through buffer '%s'",
                         what, (long long)a, bname(m, b), (long long)rel,
                         bname(m, ob));
  }
  return SPM_OK;
}

spm_status_t spm_run_check_write(spm_run_machine_t *m, uint32_t b,
                                 int64_t lo, int64_t hi, const char *what) {
  for (int64_t a = lo; a < hi; ++a) {
    if (m->load_pending[a])
      return pending_fault(m, what, a, true, "writes");
    if (m->store_pending[a])
      return pending_fault(m, what, a, false, "overwrites");
    uint32_t w = m->writer[a];
    if (w == 0 || w == m->cur_inst[b])
      continue;
    uint32_t ob = m->inst_buffer[w];
    if (ob != b && m->cur_inst[ob] == w)
      return spm_run_fault(m,
                           "%s: writes scratchpad byte %lld (buffer '%s' + "
                           "%lld), which holds live data of buffer '%s'",
                           what, (long long)a, bname(m, b),
                           (long long)(a - m->p->buffers[b].offset),
                           bname(m, ob));
  }
  return SPM_OK;
}

void spm_run_mark_written(spm_run_machine_t *m, uint32_t b, int64_t lo,
                          int64_t hi) {
  uint32_t me = m->cur_inst[b];
  for (int64_t a = lo; a < hi; ++a)
    m->writer[a] = me;
}

spm_status_t spm_run_check_view(spm_run_machine_t *m, const spm_run_view_t *v,
                                const char *what) {
  SPM_RETURN_IF_ERROR(spm_run_check_live(m, v->buffer, what));
  int64_t lo, hi;
  spm_run_view_span(v, &lo, &hi);
  return spm_run_check_in_buffer(m, v->buffer, lo, hi, what);
}

int64_t spm_run_view_distinct_bytes(const spm_run_view_t *v) {
  int64_t n = spm_run_type_size(v->elem);
  for (int d = 0; d < v->rank; ++d)
    if (v->stride[d])
      n *= v->shape[d];
  return n;
}

spm_run_view_t spm_run_view_compact(const spm_run_view_t *v) {
  spm_run_view_t c = *v;
  for (int d = 0; d < c.rank; ++d)
    if (c.stride[d] == 0)
      c.shape[d] = 1;
  return c;
}

void spm_run_view_compact_strides(const spm_run_view_t *v, int64_t *st) {
  int64_t n = 1;
  for (int d = v->rank - 1; d >= 0; --d) {
    bool bcast = v->stride[d] == 0 || v->shape[d] == 1;
    st[d] = bcast ? 0 : n;
    if (!bcast)
      n *= v->shape[d];
  }
}

int64_t spm_run_view_compact_bytes(const spm_run_view_t *v) {
  spm_run_view_t c = spm_run_view_compact(v);
  int64_t n = spm_run_view_numel(&c);
  return 4 * (n > 0 ? n : 1);
}

int64_t spm_run_view_addr(const spm_run_machine_t *m, const spm_run_view_t *v,
                          int64_t e) {
  int64_t off = 0;
  for (int d = v->rank - 1; d >= 0; --d) {
    off += (e % v->shape[d]) * v->stride[d];
    e /= v->shape[d];
  }
  return m->p->buffers[v->buffer].offset + v->offset +
         off * spm_run_type_size(v->elem);
}

// Visits the view's elements in row-major order: fn(m, addr, k, ctx).
typedef spm_status_t (*visit_fn)(spm_run_machine_t *m, const spm_run_view_t *v,
                                 int64_t addr, int64_t k, void *ctx,
                                 const char *what);

static spm_status_t visit(spm_run_machine_t *m, const spm_run_view_t *v,
                          visit_fn fn, void *ctx, const char *what) {
  int64_t sh[4] = {1, 1, 1, 1}, st[4] = {0, 0, 0, 0};
  for (int d = 0; d < v->rank; ++d) {
    sh[4 - v->rank + d] = v->shape[d];
    st[4 - v->rank + d] = v->stride[d];
  }
  int64_t es = spm_run_type_size(v->elem);
  int64_t base = m->p->buffers[v->buffer].offset + v->offset, k = 0;
  for (int64_t i0 = 0; i0 < sh[0]; ++i0)
    for (int64_t i1 = 0; i1 < sh[1]; ++i1)
      for (int64_t i2 = 0; i2 < sh[2]; ++i2) {
        int64_t row = base + (i0 * st[0] + i1 * st[1] + i2 * st[2]) * es;
        for (int64_t i3 = 0; i3 < sh[3]; ++i3, ++k)
          SPM_RETURN_IF_ERROR(fn(m, v, row + i3 * st[3] * es, k, ctx, what));
      }
  return SPM_OK;
}

static spm_status_t gather_one(spm_run_machine_t *m, const spm_run_view_t *v,
                               int64_t a, int64_t k, void *ctx,
                               const char *what) {
  int64_t es = spm_run_type_size(v->elem);
  SPM_RETURN_IF_ERROR(spm_run_check_read(m, v->buffer, a, a + es, what));
  const uint8_t *s = m->spm + a;
  switch (v->elem) {
  case SPM_RUN_F32: memcpy((float *)ctx + k, s, 4); break;
  case SPM_RUN_I8: ((int32_t *)ctx)[k] = (int8_t)s[0]; break;
  default: memcpy((int32_t *)ctx + k, s, 4); break;
  }
  return SPM_OK;
}

static spm_status_t scatter_one(spm_run_machine_t *m, const spm_run_view_t *v,
                                int64_t a, int64_t k, void *ctx,
                                const char *what) {
  int64_t es = spm_run_type_size(v->elem);
  SPM_RETURN_IF_ERROR(spm_run_check_write(m, v->buffer, a, a + es, what));
  uint8_t *d = m->spm + a;
  switch (v->elem) {
  case SPM_RUN_F32: memcpy(d, (const float *)ctx + k, 4); break;
  case SPM_RUN_I8: d[0] = (uint8_t)((const int32_t *)ctx)[k]; break;
  default: memcpy(d, (const int32_t *)ctx + k, 4); break;
  }
  spm_run_mark_written(m, v->buffer, a, a + es);
  return SPM_OK;
}

spm_status_t spm_run_gather(spm_run_machine_t *m, const spm_run_view_t *v,
                            const char *what, void *dst) {
  SPM_RETURN_IF_ERROR(spm_run_check_view(m, v, what));
  SPM_RETURN_IF_ERROR(visit(m, v, gather_one, dst, what));
  m->stats.spm_bytes_read += spm_run_view_distinct_bytes(v);
  return SPM_OK;
}

spm_status_t spm_run_scatter(spm_run_machine_t *m, const spm_run_view_t *v,
                             const char *what, const void *src) {
  SPM_RETURN_IF_ERROR(spm_run_check_view(m, v, what));
  SPM_RETURN_IF_ERROR(visit(m, v, scatter_one, (void *)src, what));
  m->stats.spm_bytes_written += spm_run_view_numel(v) * spm_run_type_size(v->elem);
  return SPM_OK;
}
