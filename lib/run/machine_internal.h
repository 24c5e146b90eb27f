// The interpreter's state, shared by machine.c (issue loop, timing),
// access.c (scratchpad checks, gather/scatter), kernels.c, eltwise.c and
// trace.c. Not a public API.
#ifndef SPM_RUN_MACHINE_INTERNAL_H
#define SPM_RUN_MACHINE_INTERNAL_H

#include <stdio.h>

#include "run/machine.h"
#include "run/run_internal.h"

// An issued, not yet waited DMA transfer.
typedef struct spm_run_transfer_s {
  size_t instr;    // issuing instruction
  uint32_t token;
  bool load;       // DMA_LOAD (writes the scratchpad) or DMA_STORE
  int64_t lo, hi;  // absolute scratchpad bytes [lo, hi)
  int64_t end;     // completion cycle
} spm_run_transfer_t;

struct spm_run_machine_s {
  const spm_run_program_t *p; // borrowed
  uint8_t **dram;             // per tensor, its bytes
  uint8_t *spm;               // capacity bytes
  // Per scratchpad byte: the buffer lifetime (instance) that last wrote it,
  // 0 = never written; whether an unwaited DMA_LOAD fills it; how many
  // unwaited DMA_STOREs read it.
  uint32_t *writer;
  uint8_t *load_pending;
  uint8_t *store_pending;
  // Buffer lifetimes: instance k (1-based) belongs to inst_buffer[k].
  uint32_t *inst_buffer;
  size_t ninst, inst_cap;
  uint32_t *cur_inst; // per buffer: its live instance, 0 = not allocated
  int64_t live_bytes;
  spm_run_transfer_t *xfers;
  size_t nxfers, xfers_cap;
  int64_t now;      // issue cycle of the next instruction
  int64_t dma_free; // cycle the DMA engine finishes its queue
  size_t cur;       // instruction being executed (for faults)
  int64_t work;     // set by the compute op just executed (cycle model)
  spm_run_stats_t stats;
  FILE *trace;
  bool trace_owned, trace_first, ran;
};

// A FAILED status "instruction i `text`: <message>". Caller owns it.
spm_status_t spm_run_fault(spm_run_machine_t *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// Faults unless buffer b is allocated.
spm_status_t spm_run_check_live(spm_run_machine_t *m, uint32_t b,
                                const char *what);
// Faults unless [lo, hi) (relative to buffer b) lies inside buffer b.
spm_status_t spm_run_check_in_buffer(spm_run_machine_t *m, uint32_t b,
                                     int64_t lo, int64_t hi,
                                     const char *what);
// Byte-range checks on absolute addresses [lo, hi), on behalf of buffer b.
// read: every byte written through b's current lifetime, no DMA_LOAD
// pending. write: no DMA pending, not live data of another buffer.
spm_status_t spm_run_check_read(spm_run_machine_t *m, uint32_t b, int64_t lo,
                                int64_t hi, const char *what);
spm_status_t spm_run_check_write(spm_run_machine_t *m, uint32_t b,
                                 int64_t lo, int64_t hi, const char *what);
void spm_run_mark_written(spm_run_machine_t *m, uint32_t b, int64_t lo,
                          int64_t hi);

// Bounds + liveness of a view (role `what` for messages).
spm_status_t spm_run_check_view(spm_run_machine_t *m, const spm_run_view_t *v,
                                const char *what);
// Reads a view into a dense row-major array: float for F32 views, int32_t
// (sign-extended) for integer views, checking every element. Counts the
// view's distinct bytes as scratchpad reads.
spm_status_t spm_run_gather(spm_run_machine_t *m, const spm_run_view_t *v,
                            const char *what, void *dst);
// Writes a dense array (float, or int32_t truncated to the view's type)
// into a view, checking every element and marking it written.
spm_status_t spm_run_scatter(spm_run_machine_t *m, const spm_run_view_t *v,
                             const char *what, const void *src);
// The dense copy a compute op makes of a view (spm_run_gather of the
// result): the view with each stride-0 dimension reduced to extent 1, so
// that a broadcast is read once, not expanded. Output views (no stride 0
// on an extent > 1) are returned as they are.
spm_run_view_t spm_run_view_compact(const spm_run_view_t *v);
// Element strides into that compact copy (row-major), per dimension of
// `v` (st[0..rank)): 0 on a broadcast dimension (and on an extent of 1).
// Element (i0, ..) of the view is at sum_d i_d * st[d] of the copy.
void spm_run_view_compact_strides(const spm_run_view_t *v, int64_t *st);
// Bytes of the compact copy (4 per element: float or int32_t; at least 4).
int64_t spm_run_view_compact_bytes(const spm_run_view_t *v);

// Absolute scratchpad address of the view element at linear row-major
// index `e`.
int64_t spm_run_view_addr(const spm_run_machine_t *m, const spm_run_view_t *v,
                          int64_t e);
// Distinct bytes of a view (stride-0 dims counted once).
int64_t spm_run_view_distinct_bytes(const spm_run_view_t *v);

// Compute ops (functional part + MAC / op counts); kernels.c, eltwise.c.
spm_status_t spm_run_exec_matmul(spm_run_machine_t *m,
                                 const spm_run_matmul_t *op);
spm_status_t spm_run_exec_conv(spm_run_machine_t *m, const spm_run_conv_t *op);
spm_status_t spm_run_exec_pool(spm_run_machine_t *m, const spm_run_pool_t *op);
spm_status_t spm_run_exec_fill(spm_run_machine_t *m, const spm_run_fill_t *op);
spm_status_t spm_run_exec_eltwise(spm_run_machine_t *m,
                                  const spm_run_eltwise_t *op);

// Chrome trace (trace.c): begin writes the header; event one "X" event
// (tid 0 compute, 1 DMA) named by instruction `instr`'s text; end closes.
void spm_run_trace_begin(spm_run_machine_t *m);
void spm_run_trace_event(spm_run_machine_t *m, size_t instr, int tid,
                         const char *cat, int64_t ts, int64_t dur);
void spm_run_trace_end(spm_run_machine_t *m);

#endif
