// The machine: memories, inputs, the in-order issue loop with the timing
// model of machine.h, DMA transfers and the report.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/machine_internal.h"

static size_t tensor_bytes(const spm_run_tensor_t *t) {
  return (size_t)(spm_run_tensor_numel(t) * spm_run_type_size(t->elem));
}

// --- host memory -------------------------------------------------------------

// Bytes of the dense copies instruction `in` makes while it runs
// (kernels.c): each input's compact copy and the output, 4 per element.
static int64_t instr_temp_bytes(const spm_run_instr_t *in) {
  switch (in->op) {
  case SPM_RUN_OP_MATMUL:
    return spm_run_view_compact_bytes(&in->matmul.a) +
           spm_run_view_compact_bytes(&in->matmul.b) +
           spm_run_view_compact_bytes(&in->matmul.c);
  case SPM_RUN_OP_CONV2D:
    return spm_run_view_compact_bytes(&in->conv.in) +
           spm_run_view_compact_bytes(&in->conv.filter) +
           spm_run_view_compact_bytes(&in->conv.out);
  case SPM_RUN_OP_POOL:
    return spm_run_view_compact_bytes(&in->pool.in) +
           spm_run_view_compact_bytes(&in->pool.out);
  default:
    return 0; // FILL, ELTWISE and DMA work in place
  }
}

// The machine's tables, at their largest: the struct, per-tensor pointers,
// per-buffer live instances, one lifetime per ALLOC and one transfer per
// DMA (each array grows by doubling: at most twice its entries).
static int64_t tables_bytes(const spm_run_program_t *p) {
  int64_t allocs = 1, dmas = 0;
  for (size_t i = 0; i < p->ninstrs; ++i) {
    spm_run_opcode_t op = p->instrs[i].op;
    allocs += op == SPM_RUN_OP_ALLOC;
    dmas += op == SPM_RUN_OP_DMA_LOAD || op == SPM_RUN_OP_DMA_STORE;
  }
  int64_t lifetimes = allocs < 64 ? 64 : 2 * allocs;
  int64_t transfers = dmas < 16 ? 16 : 2 * dmas;
  return (int64_t)sizeof(spm_run_machine_t) +
         (int64_t)((p->ntensors + 1) * sizeof(uint8_t *)) +
         (int64_t)((p->nbuffers + 1) * sizeof(uint32_t)) +
         lifetimes * (int64_t)sizeof(uint32_t) +
         transfers * (int64_t)sizeof(spm_run_transfer_t);
}

void spm_run_machine_memory(const spm_run_program_t *p,
                            spm_run_memory_t *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < p->ntensors; ++i) {
    int64_t b = (int64_t)tensor_bytes(&p->tensors[i]);
    out->tensors += b;
    if (b > out->largest_tensor_bytes) {
      out->largest_tensor_bytes = b;
      out->largest_tensor = i;
    }
  }
  // data, last writer (uint32_t), DMA_LOAD and DMA_STORE marks per byte
  out->scratchpad = p->target.capacity * (int64_t)(1 + sizeof(uint32_t) + 2);
  out->tables = tables_bytes(p);
  out->fixed = out->tensors + out->scratchpad + out->tables;
  for (size_t i = 0; i < p->ninstrs; ++i) {
    int64_t t = instr_temp_bytes(&p->instrs[i]);
    if (t > out->temp) {
      out->temp = t;
      out->temp_instr = i;
    }
  }
  out->peak = out->fixed + out->temp;
}

// "f32[8x8]"
static void tensor_type_text(const spm_run_tensor_t *t, spm_strbuf_t *o) {
  spm_strbuf_appendf(o, "%s[", spm_run_type_name(t->elem));
  for (int d = 0; d < t->rank; ++d)
    spm_strbuf_appendf(o, "%s%lld", d ? "x" : "", (long long)t->shape[d]);
  spm_strbuf_append_str(o, "]");
}

// What does not fit `max_bytes`: the largest tensor or the scratchpad when
// the run's fixed memory does, else the instruction with the largest
// temporaries.
static spm_status_t memory_error(const spm_run_program_t *p,
                                 const spm_run_memory_t *mem,
                                 int64_t max_bytes) {
  spm_strbuf_t what = SPM_STRBUF_INIT;
  if (mem->fixed > max_bytes) {
    if (p->ntensors && mem->largest_tensor_bytes >= mem->scratchpad) {
      const spm_run_tensor_t *t = &p->tensors[mem->largest_tensor];
      spm_strbuf_appendf(&what, "tensor '%s' (", t->name);
      tensor_type_text(t, &what);
      spm_strbuf_appendf(&what, ") needs %lld bytes",
                         (long long)mem->largest_tensor_bytes);
    } else {
      spm_strbuf_appendf(&what,
                         "the scratchpad of %lld bytes needs %lld bytes "
                         "with its per-byte state",
                         (long long)p->target.capacity,
                         (long long)mem->scratchpad);
    }
  } else {
    spm_strbuf_appendf(&what, "instruction %zu `", mem->temp_instr);
    spm_run_instr_text(p, mem->temp_instr, &what);
    spm_strbuf_appendf(&what, "` needs %lld bytes for dense copies of its "
                       "views while it runs",
                       (long long)mem->temp);
  }
  spm_status_t s = spm_status_make(
      SPM_STATUS_OUT_OF_RANGE,
      "not enough memory: %s; the run would need %lld bytes of host memory "
      "(DRAM tensors %lld, scratchpad state %lld, tables %lld, the largest "
      "instruction's temporaries %lld), more than the limit of %lld bytes",
      spm_strbuf_cstr(&what), (long long)mem->peak, (long long)mem->tensors,
      (long long)mem->scratchpad, (long long)mem->tables,
      (long long)mem->temp, (long long)max_bytes);
  spm_strbuf_free(&what);
  return s;
}

spm_status_t spm_run_machine_create(const spm_run_program_t *p,
                                    spm_run_machine_t **out) {
  return spm_run_machine_create_limited(p, SPM_RUN_DEFAULT_MAX_MEMORY, out);
}

spm_status_t spm_run_machine_create_limited(const spm_run_program_t *p,
                                            int64_t max_bytes,
                                            spm_run_machine_t **out) {
  *out = NULL;
  SPM_RETURN_IF_ERROR(spm_run_program_validate(p));
  spm_run_memory_t mem;
  spm_run_machine_memory(p, &mem);
  if (mem.peak > max_bytes)
    return memory_error(p, &mem, max_bytes);
  spm_run_machine_t *m = calloc(1, sizeof *m);
  if (!m)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  m->p = p;
  size_t cap = (size_t)p->target.capacity;
  m->dram = calloc(p->ntensors ? p->ntensors : 1, sizeof *m->dram);
  m->spm = calloc(cap, 1);
  m->writer = calloc(cap, sizeof *m->writer);
  m->load_pending = calloc(cap, 1);
  m->store_pending = calloc(cap, 1);
  m->cur_inst = calloc(p->nbuffers ? p->nbuffers : 1, sizeof *m->cur_inst);
  m->inst_cap = 64;
  m->inst_buffer = calloc(m->inst_cap, sizeof *m->inst_buffer);
  m->ninst = 1; // instance 0 means "never written"
  bool ok = m->dram && m->spm && m->writer && m->load_pending &&
            m->store_pending && m->cur_inst && m->inst_buffer;
  for (size_t i = 0; ok && i < p->ntensors; ++i) {
    const spm_run_tensor_t *t = &p->tensors[i];
    m->dram[i] = calloc(tensor_bytes(t), 1);
    if (!m->dram[i])
      ok = false;
    else if (t->data)
      memcpy(m->dram[i], t->data, tensor_bytes(t));
  }
  if (!ok) {
    spm_run_machine_free(m);
    return spm_status_make(SPM_STATUS_INTERNAL,
                           "out of memory creating the machine");
  }
  *out = m;
  return SPM_OK;
}

void spm_run_machine_free(spm_run_machine_t *m) {
  if (!m)
    return;
  if (m->dram)
    for (size_t i = 0; i < m->p->ntensors; ++i)
      free(m->dram[i]);
  free(m->dram);
  free(m->spm);
  free(m->writer);
  free(m->load_pending);
  free(m->store_pending);
  free(m->cur_inst);
  free(m->inst_buffer);
  free(m->xfers);
  if (m->trace_owned && m->trace)
    fclose(m->trace);
  free(m);
}

spm_status_t spm_run_set_tensor(spm_run_machine_t *m, uint32_t id,
                                const void *data, size_t bytes) {
  if (id >= m->p->ntensors)
    return spm_status_make(SPM_STATUS_NOT_FOUND, "no tensor %u", id);
  const spm_run_tensor_t *t = &m->p->tensors[id];
  if (bytes != tensor_bytes(t))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "tensor '%s' has %zu bytes, got %zu", t->name,
                           tensor_bytes(t), bytes);
  memcpy(m->dram[id], data, bytes);
  return SPM_OK;
}

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void spm_run_fill_seeded(spm_run_machine_t *m, uint64_t seed) {
  for (size_t i = 0; i < m->p->ntensors; ++i) {
    const spm_run_tensor_t *t = &m->p->tensors[i];
    if (t->role != SPM_RUN_ROLE_INPUT &&
        !(t->role == SPM_RUN_ROLE_WEIGHT && !t->data))
      continue;
    // The stream's state is one splitmix64 output of seed + golden * (id +
    // 1), not that value itself: with consecutive states tensor id + 1's
    // stream would be tensor id's shifted by one element.
    uint64_t s0 = seed + UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(i + 1);
    uint64_t s = splitmix64(&s0);
    int64_t n = spm_run_tensor_numel(t);
    for (int64_t e = 0; e < n; ++e) {
      uint64_t x = splitmix64(&s);
      if (t->elem == SPM_RUN_F32) {
        float f = (float)((int32_t)(x >> 40) - (1 << 23)) / (float)(1 << 23);
        memcpy(m->dram[i] + 4 * e, &f, 4);
      } else if (t->elem == SPM_RUN_I8) {
        m->dram[i][e] = (uint8_t)(x >> 56);
      } else {
        int32_t v = (int8_t)(x >> 56);
        memcpy(m->dram[i] + 4 * e, &v, 4);
      }
    }
  }
}

spm_status_t spm_run_tensor_data(const spm_run_machine_t *m, uint32_t id,
                                 const void **data, size_t *bytes) {
  if (id >= m->p->ntensors)
    return spm_status_make(SPM_STATUS_NOT_FOUND, "no tensor %u", id);
  *data = m->dram[id];
  *bytes = tensor_bytes(&m->p->tensors[id]);
  return SPM_OK;
}

void spm_run_set_trace(spm_run_machine_t *m, FILE *f) {
  if (m->trace_owned && m->trace)
    fclose(m->trace);
  m->trace = f;
  m->trace_owned = false;
}

spm_status_t spm_run_set_trace_path(spm_run_machine_t *m, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    return spm_status_make(SPM_STATUS_IO_ERROR, "cannot write trace '%s': %s",
                           path, strerror(errno));
  spm_run_set_trace(m, f);
  m->trace_owned = true;
  return SPM_OK;
}

const spm_run_stats_t *spm_run_stats(const spm_run_machine_t *m) {
  return &m->stats;
}

// --- instructions ----------------------------------------------------------------

static spm_status_t exec_alloc(spm_run_machine_t *m, uint32_t b) {
  const spm_run_buffer_t *buf = &m->p->buffers[b];
  if (m->cur_inst[b])
    return spm_run_fault(m, "buffer '%s' is already allocated", buf->name);
  if (buf->offset + buf->size > m->p->target.capacity)
    return spm_run_fault(m,
                         "buffer '%s' [%lld, %lld) lies outside the "
                         "scratchpad (capacity %lld bytes)",
                         buf->name, (long long)buf->offset,
                         (long long)(buf->offset + buf->size),
                         (long long)m->p->target.capacity);
  if (m->ninst == m->inst_cap) {
    if (m->inst_cap >= UINT32_MAX / 2)
      return spm_run_fault(m, "too many buffer lifetimes");
    uint32_t *n = realloc(m->inst_buffer, 2 * m->inst_cap * sizeof *n);
    if (!n)
      return spm_run_fault(m, "out of memory");
    m->inst_buffer = n;
    m->inst_cap *= 2;
  }
  m->inst_buffer[m->ninst] = b;
  m->cur_inst[b] = (uint32_t)m->ninst++;
  m->live_bytes += buf->size;
  if (m->live_bytes > m->stats.peak_spm_bytes)
    m->stats.peak_spm_bytes = m->live_bytes;
  return SPM_OK;
}

static spm_status_t exec_dealloc(spm_run_machine_t *m, uint32_t b) {
  const spm_run_buffer_t *buf = &m->p->buffers[b];
  SPM_RETURN_IF_ERROR(spm_run_check_live(m, b, "dealloc"));
  for (size_t k = 0; k < m->nxfers; ++k) {
    const spm_run_transfer_t *x = &m->xfers[k];
    if (x->lo < buf->offset + buf->size && buf->offset < x->hi &&
        m->p->instrs[x->instr].dma.buffer == b)
      return spm_run_fault(m,
                           "buffer '%s' is freed while DMA instruction %zu "
                           "(token %u) on it is in flight",
                           buf->name, x->instr, x->token);
  }
  m->cur_inst[b] = 0;
  m->live_bytes -= buf->size;
  return SPM_OK;
}

static int64_t dma_cycles(const spm_target_t *t, int64_t bytes) {
  return t->dma_latency + (int64_t)ceil((double)bytes / t->dma_bandwidth);
}

static spm_status_t exec_dma(spm_run_machine_t *m, const spm_run_dma_t *d,
                             bool load) {
  const spm_run_program_t *p = m->p;
  const spm_run_tensor_t *t = &p->tensors[d->tensor];
  int64_t es = spm_run_type_size(t->elem);
  int64_t bytes = spm_run_dma_bytes(p, d);
  SPM_RETURN_IF_ERROR(spm_run_check_live(m, d->buffer, "dma"));
  SPM_RETURN_IF_ERROR(spm_run_check_in_buffer(
      m, d->buffer, d->buf_offset, d->buf_offset + bytes, "dma"));
  int64_t lo = p->buffers[d->buffer].offset + d->buf_offset, hi = lo + bytes;
  if (load)
    SPM_RETURN_IF_ERROR(spm_run_check_write(m, d->buffer, lo, hi, "dma"));
  else
    SPM_RETURN_IF_ERROR(spm_run_check_read(m, d->buffer, lo, hi, "dma"));
  for (int64_t a = lo; a < hi; ++a)
    if (!load && m->store_pending[a] == UINT8_MAX)
      return spm_run_fault(m, "more than 255 overlapping DMA_STOREs in "
                              "flight");
  if (m->nxfers == m->xfers_cap) {
    size_t c = m->xfers_cap ? 2 * m->xfers_cap : 16;
    spm_run_transfer_t *x = realloc(m->xfers, c * sizeof *x);
    if (!x)
      return spm_run_fault(m, "out of memory");
    m->xfers = x;
    m->xfers_cap = c;
  }
  // Functional copy at issue; the bytes stay guarded until the WAIT.
  int64_t sz[4] = {1, 1, 1, 1}, st[4] = {0, 0, 0, 0};
  for (int k = 0; k < d->rank; ++k) {
    sz[4 - d->rank + k] = d->sizes[k];
    st[4 - d->rank + k] = d->strides[k];
  }
  uint8_t *spm = m->spm + lo, *dram = m->dram[d->tensor];
  for (int64_t i0 = 0; i0 < sz[0]; ++i0)
    for (int64_t i1 = 0; i1 < sz[1]; ++i1)
      for (int64_t i2 = 0; i2 < sz[2]; ++i2) {
        int64_t g = d->offset + i0 * st[0] + i1 * st[1] + i2 * st[2];
        if (st[3] == 1) { // contiguous row
          uint8_t *gp = dram + g * es;
          size_t n = (size_t)(sz[3] * es);
          if (load)
            memcpy(spm, gp, n);
          else
            memcpy(gp, spm, n);
          spm += n;
          continue;
        }
        for (int64_t i3 = 0; i3 < sz[3]; ++i3, spm += es) {
          uint8_t *gp = dram + (g + i3 * st[3]) * es;
          if (load)
            memcpy(spm, gp, (size_t)es);
          else
            memcpy(gp, spm, (size_t)es);
        }
      }
  if (load) {
    spm_run_mark_written(m, d->buffer, lo, hi);
    memset(m->load_pending + lo, 1, (size_t)bytes);
    m->stats.dram_bytes_read += bytes;
    m->stats.spm_bytes_written += bytes;
  } else {
    for (int64_t a = lo; a < hi; ++a)
      m->store_pending[a]++;
    m->stats.dram_bytes_written += bytes;
    m->stats.spm_bytes_read += bytes;
  }
  // Timing: FIFO engine, latency + ceil(bytes / bandwidth) per transfer.
  int64_t start = m->now > m->dma_free ? m->now : m->dma_free;
  int64_t dur = dma_cycles(&p->target, bytes);
  m->dma_free = start + dur;
  m->stats.dma_cycles += dur;
  m->stats.dma_transfers++;
  spm_run_transfer_t *x = &m->xfers[m->nxfers++];
  x->instr = m->cur;
  x->token = d->token;
  x->load = load;
  x->lo = lo;
  x->hi = hi;
  x->end = start + dur;
  spm_run_trace_event(m, m->cur, 1, load ? "dma_load" : "dma_store", start,
                      dur);
  return SPM_OK;
}

static spm_status_t exec_wait(spm_run_machine_t *m, uint32_t token) {
  int64_t end = -1;
  size_t keep = 0;
  for (size_t k = 0; k < m->nxfers; ++k) {
    spm_run_transfer_t *x = &m->xfers[k];
    if (x->token != token) {
      m->xfers[keep++] = *x;
      continue;
    }
    if (x->end > end)
      end = x->end;
    if (x->load)
      memset(m->load_pending + x->lo, 0, (size_t)(x->hi - x->lo));
    else
      for (int64_t a = x->lo; a < x->hi; ++a)
        m->store_pending[a]--;
  }
  if (end < 0)
    return spm_run_fault(m, "no DMA with token %u is in flight", token);
  m->nxfers = keep;
  if (end > m->now) {
    m->stats.stall_cycles += end - m->now;
    spm_run_trace_event(m, m->cur, 0, "stall", m->now, end - m->now);
    m->now = end;
  }
  return SPM_OK;
}

static spm_status_t exec_compute(spm_run_machine_t *m,
                                 const spm_run_instr_t *in) {
  m->work = 0;
  switch (in->op) {
  case SPM_RUN_OP_MATMUL:
    SPM_RETURN_IF_ERROR(spm_run_exec_matmul(m, &in->matmul));
    break;
  case SPM_RUN_OP_CONV2D:
    SPM_RETURN_IF_ERROR(spm_run_exec_conv(m, &in->conv));
    break;
  case SPM_RUN_OP_POOL:
    SPM_RETURN_IF_ERROR(spm_run_exec_pool(m, &in->pool));
    break;
  case SPM_RUN_OP_FILL:
    SPM_RETURN_IF_ERROR(spm_run_exec_fill(m, &in->fill));
    break;
  default:
    SPM_RETURN_IF_ERROR(spm_run_exec_eltwise(m, &in->eltwise));
    break;
  }
  int64_t mpc = m->p->target.macs_per_cycle;
  int64_t dur = (m->work + mpc - 1) / mpc;
  if (dur < 1)
    dur = 1;
  spm_run_trace_event(m, m->cur, 0, spm_run_opcode_name(in->op), m->now, dur);
  m->now += dur;
  m->stats.compute_cycles += dur;
  return SPM_OK;
}

static spm_status_t run(spm_run_machine_t *m) {
  const spm_run_program_t *p = m->p;
  for (m->cur = 0; m->cur < p->ninstrs; ++m->cur) {
    const spm_run_instr_t *in = &p->instrs[m->cur];
    switch (in->op) {
    case SPM_RUN_OP_ALLOC: SPM_RETURN_IF_ERROR(exec_alloc(m, in->buffer)); break;
    case SPM_RUN_OP_DEALLOC:
      SPM_RETURN_IF_ERROR(exec_dealloc(m, in->buffer));
      break;
    case SPM_RUN_OP_DMA_LOAD:
    case SPM_RUN_OP_DMA_STORE:
      SPM_RETURN_IF_ERROR(
          exec_dma(m, &in->dma, in->op == SPM_RUN_OP_DMA_LOAD));
      break;
    case SPM_RUN_OP_WAIT: SPM_RETURN_IF_ERROR(exec_wait(m, in->token)); break;
    default: SPM_RETURN_IF_ERROR(exec_compute(m, in)); break;
    }
    m->stats.instructions++;
  }
  if (m->nxfers)
    return spm_run_fault(m,
                         "the program ends with DMA instruction %zu (token "
                         "%u) never waited for",
                         m->xfers[0].instr, m->xfers[0].token);
  return SPM_OK;
}

static void finish_stats(spm_run_machine_t *m) {
  spm_run_stats_t *s = &m->stats;
  const spm_target_t *t = &m->p->target;
  s->cycles = m->now;
  s->compute_utilisation =
      s->cycles ? (double)s->compute_cycles / (double)s->cycles : 0;
  s->mac_utilisation =
      s->cycles ? (double)s->macs / ((double)s->cycles *
                                     (double)t->macs_per_cycle)
                : 0;
  s->energy_dram_pj = (double)(s->dram_bytes_read + s->dram_bytes_written) *
                      t->dram_pj_per_byte;
  s->energy_spm_pj = (double)(s->spm_bytes_read + s->spm_bytes_written) *
                     t->spm_pj_per_byte;
  s->energy_compute_pj = (double)(s->macs + s->vector_ops) * t->mac_pj;
  s->energy_pj = s->energy_dram_pj + s->energy_spm_pj + s->energy_compute_pj;
  s->time_us = (double)s->cycles / (double)t->clock_mhz;
}

spm_status_t spm_run_execute(spm_run_machine_t *m) {
  if (m->ran)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "the machine has already run its program");
  m->ran = true;
  spm_run_trace_begin(m);
  spm_status_t s = run(m);
  spm_run_trace_end(m);
  finish_stats(m);
  return s;
}

void spm_run_report(const spm_run_stats_t *s, const spm_target_t *t,
                    FILE *f) {
  fprintf(f, "cycles: %" PRId64 " (%.3f us at %" PRId64 " MHz)\n", s->cycles,
          s->time_us, t->clock_mhz);
  fprintf(f,
          "compute: %" PRId64 " busy cycles (utilisation %.1f%%), %" PRId64
          " MACs (MAC utilisation %.1f%%), %" PRId64 " vector ops\n",
          s->compute_cycles, 100 * s->compute_utilisation, s->macs,
          100 * s->mac_utilisation, s->vector_ops);
  fprintf(f,
          "dma: %" PRId64 " transfers, %" PRId64 " busy cycles, %" PRId64
          " stall cycles\n",
          s->dma_transfers, s->dma_cycles, s->stall_cycles);
  fprintf(f, "dram: %" PRId64 " bytes read, %" PRId64 " bytes written\n",
          s->dram_bytes_read, s->dram_bytes_written);
  fprintf(f,
          "scratchpad: %" PRId64 " bytes read, %" PRId64
          " bytes written, peak %" PRId64 " of %" PRId64 " bytes\n",
          s->spm_bytes_read, s->spm_bytes_written, s->peak_spm_bytes,
          t->capacity);
  fprintf(f,
          "energy: %.1f pJ (dram %.1f, scratchpad %.1f, compute %.1f)\n",
          s->energy_pj, s->energy_dram_pj, s->energy_spm_pj,
          s->energy_compute_pj);
}
