// FILL and ELTWISE: element by element in row-major order of the output
// (the order of linalg.generic's loops, so in-place views behave the same).
#include <string.h>

#include "run/machine_internal.h"

static void store(uint8_t *d, spm_run_type_t t, spm_run_value_t v) {
  switch (t) {
  case SPM_RUN_F32: memcpy(d, &v.f, 4); break;
  case SPM_RUN_I8: d[0] = (uint8_t)v.i; break;
  default: {
    int32_t x = (int32_t)v.i;
    memcpy(d, &x, 4);
    break;
  }
  }
}

static spm_run_value_t load(const uint8_t *s, spm_run_type_t t) {
  spm_run_value_t v;
  switch (t) {
  case SPM_RUN_F32: memcpy(&v.f, s, 4); break;
  case SPM_RUN_I8: v.i = (int8_t)s[0]; break;
  default: {
    int32_t x;
    memcpy(&x, s, 4);
    v.i = x;
    break;
  }
  }
  return v;
}

spm_status_t spm_run_exec_fill(spm_run_machine_t *m,
                               const spm_run_fill_t *op) {
  const spm_run_view_t *v = &op->out;
  SPM_RETURN_IF_ERROR(spm_run_check_view(m, v, "out"));
  spm_run_value_t x;
  if (v->elem == SPM_RUN_F32) {
    uint32_t bits = (uint32_t)op->value;
    memcpy(&x.f, &bits, 4);
  } else
    x.i = (int64_t)op->value;
  int64_t n = spm_run_view_numel(v), es = spm_run_type_size(v->elem);
  for (int64_t e = 0; e < n; ++e) {
    int64_t a = spm_run_view_addr(m, v, e);
    SPM_RETURN_IF_ERROR(spm_run_check_write(m, v->buffer, a, a + es, "out"));
    store(m->spm + a, v->elem, x);
    spm_run_mark_written(m, v->buffer, a, a + es);
  }
  m->stats.spm_bytes_written += n * es;
  m->work = n;
  return SPM_OK;
}

// Normalised to rank 4 (leading extents 1): byte strides and base address.
typedef struct lin_s {
  int64_t base, st[4], es;
  uint32_t buffer;
  spm_run_type_t elem;
} lin_t;

static lin_t linearise(const spm_run_machine_t *m, const spm_run_view_t *v) {
  lin_t l;
  memset(&l, 0, sizeof l);
  l.es = spm_run_type_size(v->elem);
  l.base = m->p->buffers[v->buffer].offset + v->offset;
  for (int d = 0; d < v->rank; ++d)
    l.st[4 - v->rank + d] = v->stride[d] * l.es;
  l.buffer = v->buffer;
  l.elem = v->elem;
  return l;
}

spm_status_t spm_run_exec_eltwise(spm_run_machine_t *m,
                                  const spm_run_eltwise_t *op) {
  static const char *const names[] = {"in0", "in1", "in2", "in3"};
  for (int k = 0; k < op->ninputs; ++k)
    SPM_RETURN_IF_ERROR(spm_run_check_view(m, &op->in[k], names[k]));
  SPM_RETURN_IF_ERROR(spm_run_check_view(m, &op->out, "out"));
  const spm_run_uop_t *u = m->p->uops + op->uop_first;
  int64_t arith = 0;
  for (uint32_t k = 0; k < op->nuops; ++k)
    if (u[k].op != SPM_RUN_UOP_LOAD && u[k].op != SPM_RUN_UOP_CONST &&
        u[k].op != SPM_RUN_UOP_YIELD)
      arith++;
  lin_t in[SPM_RUN_MAX_INPUTS], out = linearise(m, &op->out);
  for (int k = 0; k < op->ninputs; ++k)
    in[k] = linearise(m, &op->in[k]);
  int64_t sh[4] = {1, 1, 1, 1};
  for (int d = 0; d < op->out.rank; ++d)
    sh[4 - op->out.rank + d] = op->out.shape[d];
  spm_run_value_t vals[SPM_RUN_MAX_INPUTS], res;
  int64_t idx[4];
  for (idx[0] = 0; idx[0] < sh[0]; ++idx[0])
    for (idx[1] = 0; idx[1] < sh[1]; ++idx[1])
      for (idx[2] = 0; idx[2] < sh[2]; ++idx[2])
        for (idx[3] = 0; idx[3] < sh[3]; ++idx[3]) {
          for (int k = 0; k < op->ninputs; ++k) {
            const lin_t *l = &in[k];
            int64_t a = l->base + idx[0] * l->st[0] + idx[1] * l->st[1] +
                        idx[2] * l->st[2] + idx[3] * l->st[3];
            SPM_RETURN_IF_ERROR(
                spm_run_check_read(m, l->buffer, a, a + l->es, names[k]));
            vals[k] = load(m->spm + a, l->elem);
          }
          size_t bad;
          spm_run_uop_error_t e =
              spm_run_uops_eval(u, op->nuops, vals, &res, &bad);
          if (e != SPM_RUN_UOP_OK) {
            spm_strbuf_t t = SPM_STRBUF_INIT;
            spm_run_uop_text(&u[bad], &t);
            // The element's index in the output view (its rank only).
            spm_strbuf_t at = SPM_STRBUF_INIT;
            for (int d = 4 - op->out.rank; d < 4; ++d)
              spm_strbuf_appendf(&at, "%s%lld", d > 4 - op->out.rank ? "," : "",
                                 (long long)idx[d]);
            spm_status_t s = spm_run_fault(
                m, "output element [%s], micro-op %zu `%s`: %s",
                spm_strbuf_cstr(&at), bad, spm_strbuf_cstr(&t),
                spm_run_uop_error_text(e));
            spm_strbuf_free(&at);
            spm_strbuf_free(&t);
            return s;
          }
          int64_t a = out.base + idx[0] * out.st[0] + idx[1] * out.st[1] +
                      idx[2] * out.st[2] + idx[3] * out.st[3];
          SPM_RETURN_IF_ERROR(
              spm_run_check_write(m, out.buffer, a, a + out.es, "out"));
          store(m->spm + a, out.elem, res);
          spm_run_mark_written(m, out.buffer, a, a + out.es);
        }
  int64_t n = spm_run_view_numel(&op->out);
  for (int k = 0; k < op->ninputs; ++k)
    m->stats.spm_bytes_read += spm_run_view_distinct_bytes(&op->in[k]);
  m->stats.spm_bytes_written += n * out.es;
  m->stats.vector_ops += n * arith;
  m->work = n * (arith > 0 ? arith : 1);
  return SPM_OK;
}
