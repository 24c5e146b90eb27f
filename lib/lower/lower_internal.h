// Internals of spm-lower shared by its files (not a public API).
#ifndef SPM_LOWER_INTERNAL_H
#define SPM_LOWER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dialect/spm_buf_type_cache.h"
#include "lower/lower.h"
#include "mlir-c/IR.h"

// What an SSA value of the lowered function denotes.
typedef enum {
  SPM_LV_NONE = 0,
  SPM_LV_TENSOR, // a memref in global memory: tensor `id` (through views)
  SPM_LV_BUFFER, // an !spm.buf or a memref view of one: buffer `id`
  SPM_LV_TOKEN,  // an !spm.token: token `id`
  SPM_LV_VIEW,   // an spm.view: views[`id`]
} spm_lv_kind_t;

typedef struct {
  const void *key; // MlirValue.ptr; NULL = empty slot
  spm_lv_kind_t kind;
  uint32_t id;
} spm_lv_entry_t;

// The state of one translation.
typedef struct spm_lower_s {
  spm_run_program_t *p;   // being built (owned until handed out)
  spm_lv_entry_t *vals;   // open addressing on key
  size_t vcap, vcount;
  uint32_t *free_tokens;  // token ids released by a WAIT
  size_t nfree, free_cap;
  uint32_t next_token;    // 1.. (0 unused)
  bool *arg_written;      // per function argument
  int64_t *buf_bytes;     // per buffer id: its byte size
  size_t nbufs_cap;
  unsigned errors;        // diagnostics emitted
  spm_run_view_t *views;  // of spm.view results (SPM_LV_VIEW)
  size_t nviews, views_cap;
  // Rewrite mode (lower_emit.c): each lowered linalg op gets its spm op
  // inserted before it and is erased once the whole function lowered.
  bool rewrite;
  MlirValue *buf_value;   // per buffer id: the spm.alloc result
  MlirOperation *replaced; // linalg ops to erase
  size_t nreplaced, replaced_cap;
  MlirOperation func, last_kernel; // kernels go after the last one
  char **kernel_text;     // printed kernels, for sharing identical ones
  char **kernel_name;
  size_t nkernels;
  spm_buf_type_cache_t types; // every !spm.buf type read, read once
} spm_lower_t;

// Emits "'OPNAME' op: <message>" at op's location and counts it.
void spm_lower_error(spm_lower_t *l, MlirOperation op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void spm_lower_set(spm_lower_t *l, MlirValue v, spm_lv_kind_t kind,
                   uint32_t id);
const spm_lv_entry_t *spm_lower_get(const spm_lower_t *l, MlirValue v);

// A memref value on the scratchpad, as its type lays it out.
typedef struct {
  uint32_t buffer;
  spm_run_type_t elem;
  int rank; // 0..8
  int64_t shape[8], strides[8]; // elements
  int64_t byte_offset;          // from the buffer's start
} spm_lower_mem_t;

// The layout of memref value `v` (operand #idx of op) on the scratchpad;
// false with a diagnostic (global memory, dynamic or unsupported layout).
bool spm_lower_mem(spm_lower_t *l, MlirOperation op, int idx, MlirValue v,
                   spm_lower_mem_t *out);

// The view of a memref value on the scratchpad: buffer, byte offset,
// element type and shape/strides from its type (rank 1..4 after dropping
// unit dimensions when `drop_units`; rank 0 becomes [1]). False with a
// diagnostic at `op` (operand #`idx`) otherwise: global memory, dynamic or
// unsupported layout, too high a rank.
bool spm_lower_view(spm_lower_t *l, MlirOperation op, int idx, MlirValue v,
                    spm_run_view_t *out);

// The element type of a memref / buf element type; false if unsupported.
bool spm_lower_elem(MlirType t, spm_run_type_t *out);

// Compute ops (lower_compute.c): true when `op` is one of them (handled,
// possibly with diagnostics).
bool spm_lower_compute(spm_lower_t *l, MlirOperation op);

// spm.eltwise {kernel = @f} (lower_compute.c, which has the body
// translation).
void spm_lower_eltwise_kernel(spm_lower_t *l, MlirOperation op);

// The spm dialect's compute ops (lower_spm.c); same contract.
bool spm_lower_spm_compute(spm_lower_t *l, MlirOperation op);

// Builds the view of `buffer` at `byte_offset` with the given shape and
// strides (elements); unit dimensions are dropped when rank > 4, rank 0
// becomes [1]. False with a diagnostic (operand #idx) when more than 4
// dimensions remain.
bool spm_lower_make_view(spm_lower_t *l, MlirOperation op, int idx,
                         uint32_t buffer, spm_run_type_t elem,
                         int64_t byte_offset, int rank, const int64_t *shape,
                         const int64_t *strides, spm_run_view_t *out);

// The view of an !spm.buf operand: a whole spm.alloc buffer (dense) or an
// spm.view. False with a diagnostic otherwise.
bool spm_lower_buf_view(spm_lower_t *l, MlirOperation op, int idx,
                        spm_run_view_t *out);

// Rewrite mode (lower_emit.c): inserts the spm op equivalent to `in` (just
// lowered from linalg op `op`) before `op` and records `op` for erasure.
void spm_lower_emit(spm_lower_t *l, MlirOperation op,
                    const spm_run_instr_t *in);

// Rewrite mode: erases the recorded ops, then view ops, constants and
// DRAM scratch allocations (with their deallocs) left without uses.
void spm_lower_emit_finish(spm_lower_t *l);

// Frees the rewrite state (not the IR).
void spm_lower_emit_free(spm_lower_t *l);

void spm_lower_add_instr(spm_lower_t *l, MlirOperation op,
                         const spm_run_instr_t *in, const spm_run_uop_t *uops,
                         size_t nuops);

#endif
