// Declarations shared by the files of lib/run (not a public API).
#ifndef SPM_RUN_RUN_INTERNAL_H
#define SPM_RUN_RUN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "run/isa.h"
#include "support/status.h"
#include "support/strbuf.h"

// [A-Za-z0-9_.-]{1,63}, NUL-terminated within SPM_RUN_NAME_MAX bytes.
bool spm_run_name_ok(const char *s);

// Checks a tensor's type, rank and shape; *bytes_out (may be NULL) gets its
// byte size.
spm_status_t spm_run_tensor_shape_check(int rank, const int64_t *shape,
                                        spm_run_type_t elem,
                                        int64_t *bytes_out);

// Sign-extends the low `bits` bits of v (1..64).
static inline int64_t spm_run_sext(uint64_t v, int bits) {
  if (bits >= 64)
    return (int64_t)v;
  unsigned sh = 64u - (unsigned)bits;
  return (int64_t)(v << sh) >> sh;
}
static inline uint64_t spm_run_zext(int64_t v, int bits) {
  return bits >= 64 ? (uint64_t)v : (uint64_t)v & ((UINT64_C(1) << bits) - 1);
}

// A register or element value: integers canonical (sign-extended from
// their width), f32 as float.
typedef union spm_run_value_u {
  int64_t i;
  float f;
} spm_run_value_t;

// Type-checks an ELTWISE body (isa.h rules); messages name the micro-op.
spm_status_t spm_run_uops_check(const spm_run_uop_t *u, size_t n,
                                const spm_run_type_t *in_types, int ninputs,
                                spm_run_type_t out_type);

typedef enum spm_run_uop_error_e {
  SPM_RUN_UOP_OK = 0,
  SPM_RUN_UOP_ERR_DIV_ZERO,
  SPM_RUN_UOP_ERR_DIV_OVERFLOW,
  SPM_RUN_UOP_ERR_SHIFT,
  SPM_RUN_UOP_ERR_FP_RANGE,
} spm_run_uop_error_t;

// Runs a checked body on one element: in[k] = value of input k. Returns
// SPM_RUN_UOP_OK with *out set, or an error with *bad = the micro-op index.
spm_run_uop_error_t spm_run_uops_eval(const spm_run_uop_t *u, size_t n,
                                      const spm_run_value_t *in,
                                      spm_run_value_t *out, size_t *bad);
const char *spm_run_uop_error_text(spm_run_uop_error_t e);

// Appends the listing text of instruction i (no index, no comment).
void spm_run_instr_text(const spm_run_program_t *p, size_t i,
                        spm_strbuf_t *out);

// Byte range [*lo, *hi) a view touches, relative to its buffer's start
// (valid after spm_run_program_validate).
void spm_run_view_span(const spm_run_view_t *v, int64_t *lo, int64_t *hi);

// Scratchpad bytes of a DMA window (prod(sizes) * element size).
int64_t spm_run_dma_bytes(const spm_run_program_t *p, const spm_run_dma_t *d);

// Listing text of an f32 bit pattern (%.9g, or 0x%08x when not finite) and
// of a double (shortest of %.15g / %.17g that reads back exactly).
void spm_run_f32_text(uint32_t bits, spm_strbuf_t *o);
void spm_run_f64_text(double d, spm_strbuf_t *o);
// Listing text of one micro-op ("r2 = add.i32 r0, r1").
void spm_run_uop_text(const spm_run_uop_t *u, spm_strbuf_t *o);

#endif
