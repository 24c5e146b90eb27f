// spm_run machine: executes an spm_run program (isa.h) functionally -- real
// f32 / integer values in a modelled DRAM and scratchpad -- while modelling
// the hardware of the program's target: time (cycles), traffic, energy and
// peak scratchpad use, and stopping at the first fault.
//
// HARDWARE MODEL (docs/target.md, "Hardware model (spm-run)"):
//   - In-order issue, one instruction at a time, starting at cycle 0.
//   - One DMA engine serving transfers FIFO, one at a time: a transfer of
//     N bytes starts at max(issue cycle, end of the previous transfer) and
//     takes dma_latency + ceil(N / dma_bandwidth) cycles (the latency is
//     not overlapped with the previous transfer). DMA_LOAD / DMA_STORE
//     issue in 0 cycles and never block.
//   - WAIT t blocks issue until every transfer tagged t has finished.
//   - A compute op starts when issued and blocks issue until done:
//     ceil(work / macs_per_cycle) cycles, work = MACs (MATMUL, CONV2D),
//     window elements visited (POOL), elements x arithmetic micro-ops
//     (ELTWISE, at least 1 per element), elements (FILL). A DMA issued
//     before a compute op therefore overlaps it (double buffering).
//   - ALLOC / DEALLOC take 0 cycles.
//   - cycles = issue cycle after the last instruction (every transfer must
//     have been waited for).
// COUNTERS: DRAM bytes read / written (DMA), scratchpad bytes read /
// written (DMA and compute; a compute op reads each input view's distinct
// bytes once, writes its output view once, and reads it once more when it
// accumulates), MACs, vector ops (POOL window elements, ELTWISE arithmetic
// micro-ops), energy = DRAM bytes x dram_pj_per_byte + scratchpad bytes x
// spm_pj_per_byte + (MACs + vector ops) x mac_pj, peak bytes of allocated
// buffers.
// FAULTS (SPM_STATUS_FAILED, message "instruction I `listing text`:
// ..."): an allocation outside [0, capacity); an access outside its buffer;
// use of a buffer not allocated (or ALLOC of a live one); reading bytes
// never written in the buffer's current lifetime or last written through
// another buffer; a compute op or DMA_STORE touching bytes an unwaited
// DMA_LOAD fills; a compute op or DMA_LOAD writing bytes an unwaited DMA
// reads or fills, or holding live data of another buffer; WAIT of a token
// with nothing in flight; DEALLOC of a buffer with a transfer in flight;
// the end of the program with transfers never waited for; micro-op poison
// (division by zero, shift >= width, fptosi out of range).
//
// Ownership: a machine borrows its program (which must outlive it) and
// owns its memories; create with spm_run_machine_create(), release with
// spm_run_machine_free(). Data pointers it returns are borrowed and valid
// until it is freed. Statuses follow support/status.h.
#ifndef SPM_RUN_MACHINE_H
#define SPM_RUN_MACHINE_H

#include <stdint.h>
#include <stdio.h>

#include "run/isa.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_run_stats_s {
  int64_t cycles;
  int64_t compute_cycles; // compute busy
  int64_t dma_cycles;     // DMA engine busy
  int64_t stall_cycles;   // issue blocked in WAIT
  int64_t instructions;   // executed
  int64_t dma_transfers;
  int64_t dram_bytes_read, dram_bytes_written;
  int64_t spm_bytes_read, spm_bytes_written;
  int64_t macs, vector_ops;
  int64_t peak_spm_bytes;
  double compute_utilisation; // compute_cycles / cycles
  double mac_utilisation;     // macs / (cycles * macs_per_cycle)
  double energy_dram_pj, energy_spm_pj, energy_compute_pj, energy_pj;
  double time_us; // cycles / clock_mhz
} spm_run_stats_t;

typedef struct spm_run_machine_s spm_run_machine_t;

// HOST MEMORY. What a machine allocates is known from the program alone
// (spm_run_machine_memory): for the whole run, every DRAM tensor's bytes,
// the scratchpad and its per-byte state (7 bytes per byte of capacity:
// data, last writer, DMA_LOAD and DMA_STORE marks) and its tables; while
// one MATMUL / CONV2D / POOL runs, dense copies of its views (4 bytes per
// element of the output and of each input, an input's stride-0 dimensions
// counted once: a broadcast is not expanded). FILL, ELTWISE and DMA work
// in place. Creating a machine whose peak would exceed a limit fails
// before anything is allocated.
#define SPM_RUN_DEFAULT_MAX_MEMORY ((int64_t)4 << 30) // 4 GiB

typedef struct spm_run_memory_s {
  int64_t tensors;    // DRAM: the bytes of every tensor
  int64_t scratchpad; // the scratchpad and its per-byte state
  int64_t tables;     // buffer, lifetime and transfer tables (upper bound)
  int64_t fixed;      // tensors + scratchpad + tables: held for the run
  int64_t largest_tensor_bytes;
  size_t largest_tensor;  // its id (0 when there are no tensors)
  int64_t temp;       // the most one instruction allocates while it runs
  size_t temp_instr;  // that instruction (0 when no instruction needs any)
  int64_t peak;       // fixed + temp
} spm_run_memory_t;

// The host memory a machine for `p` needs (as above); `p` must be valid
// (spm_run_program_validate). Sums cannot overflow: tensors and the
// capacity are at most 2^40 bytes each, and the counts are clamped.
void spm_run_machine_memory(const spm_run_program_t *p, spm_run_memory_t *out);

// Validates `p` and builds a machine: DRAM tensors allocated (zeroed),
// constant data copied, the scratchpad zeroed and unwritten. `p` is
// borrowed. Caller owns *out. The peak host memory (spm_run_machine_memory)
// may be at most `max_bytes`; otherwise OUT_OF_RANGE before anything is
// allocated, naming the largest tensor (or the scratchpad) when the fixed
// part is too much, else the instruction (index and listing text) whose
// temporaries are, with what it needs and the limit.
spm_status_t spm_run_machine_create_limited(const spm_run_program_t *p,
                                            int64_t max_bytes,
                                            spm_run_machine_t **out);
// The same with SPM_RUN_DEFAULT_MAX_MEMORY.
spm_status_t spm_run_machine_create(const spm_run_program_t *p,
                                    spm_run_machine_t **out);
void spm_run_machine_free(spm_run_machine_t *m); // NULL is fine

// Copies `bytes` (the tensor's exact size) into tensor `id` (any role).
spm_status_t spm_run_set_tensor(spm_run_machine_t *m, uint32_t id,
                                const void *data, size_t bytes);

// Fills every INPUT tensor, and every WEIGHT tensor without constant data,
// with values from a seeded generator: per tensor a splitmix64 stream
// whose state starts at splitmix64(seed + 0x9e3779b97f4a7c15 * (id + 1))
// (so that streams of consecutive ids are not shifted copies of each
// other); per element x = next():
// f32: ((int32)(x >> 40) - 2^23) / 2^23 (exact, in [-1, 1)); i8 and i32:
// (int8)(x >> 56).
void spm_run_fill_seeded(spm_run_machine_t *m, uint64_t seed);

// Borrowed pointer to tensor `id`'s DRAM bytes and their size.
spm_status_t spm_run_tensor_data(const spm_run_machine_t *m, uint32_t id,
                                 const void **data, size_t *bytes);

// Chrome trace JSON of the run ({"traceEvents": [...]}: "ph":"X" events,
// ts/dur in cycles, name = listing text, tid 0 compute (and WAIT stalls,
// cat "stall"), tid 1 DMA). set_trace borrows `f` (NULL: no trace);
// set_trace_path opens `path` for writing and owns it.
void spm_run_set_trace(spm_run_machine_t *m, FILE *f);
spm_status_t spm_run_set_trace_path(spm_run_machine_t *m, const char *path);

// Runs the program once (a second call is INVALID_ARGUMENT). A fault
// returns FAILED; the statistics then cover the instructions before it.
spm_status_t spm_run_execute(spm_run_machine_t *m);

// Borrowed; valid until the machine is freed.
const spm_run_stats_t *spm_run_stats(const spm_run_machine_t *m);

// Prints the summary lines (docs/target.md lists them) to `f`.
void spm_run_report(const spm_run_stats_t *s, const spm_target_t *t,
                    FILE *f);

#ifdef __cplusplus
}
#endif
#endif
