// Shared by the unit tests of lib/run (run_*_test.c): program builders,
// status checks and the seeded random numbers. Every helper is static
// inline, so each test includes what it uses.
#ifndef SPM_RUN_RUN_TEST_UTIL_H
#define SPM_RUN_RUN_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/encode.h"
#include "run/machine.h"
#include "run/run_internal.h"
#include "support/unit_test.h"

// Fewer random cases (--quick or SPM_UNIT_QUICK), for valgrind.
static bool quick;

static inline void parse_quick(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--quick") == 0)
      quick = true;
  if (getenv("SPM_UNIT_QUICK"))
    quick = true;
}

static inline int64_t rnd(int64_t lo, int64_t hi) { // inclusive
  static uint64_t rng_state = 0x5eed1234abcdULL;
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (int64_t)((rng_state >> 33) % (uint64_t)(hi - lo + 1));
}

static inline bool ok(spm_status_t s) {
  if (spm_status_is_ok(s))
    return true;
  fprintf(stderr, "unexpected status: %s\n", spm_status_message(s));
  spm_status_free(s);
  return false;
}

static inline void expect_status(spm_status_t s, spm_status_code_t code,
                          const char *sub) {
  SPM_EXPECT(spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), sub);
  if (!strstr(spm_status_message(s), sub))
    fprintf(stderr, "  (message: %s)\n", spm_status_message(s));
  spm_status_free(s);
}

static inline spm_target_t target(int64_t cap, double bw, int64_t lat, int64_t mpc) {
  spm_target_t t;
  memset(&t, 0, sizeof t);
  strcpy(t.name, "test");
  t.capacity = cap;
  t.alignment = 16;
  t.banks = 1;
  t.dma_bandwidth = bw;
  t.dma_latency = lat;
  t.macs_per_cycle = mpc;
  t.clock_mhz = 1000;
  t.dram_pj_per_byte = 160;
  t.spm_pj_per_byte = 6.6;
  t.mac_pj = 0.23;
  return t;
}

static inline spm_run_program_t *prog(spm_target_t t) {
  spm_run_program_t *p = NULL;
  SPM_EXPECT(ok(spm_run_program_create(&t, &p)));
  return p;
}

static inline uint32_t tensor(spm_run_program_t *p, const char *name,
                       spm_run_type_t e, spm_run_role_t r, int rank,
                       const int64_t *shape) {
  uint32_t id = 0;
  SPM_EXPECT(ok(spm_run_program_add_tensor(p, name, e, r, rank, shape, NULL,
                                           &id)));
  return id;
}

static inline uint32_t buffer(spm_run_program_t *p, const char *name, int64_t off,
                       int64_t size) {
  uint32_t id = 0;
  SPM_EXPECT(ok(spm_run_program_add_buffer(p, name, off, size, &id)));
  return id;
}

static inline void emit(spm_run_program_t *p, spm_run_instr_t in) {
  SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, NULL, 0)));
}

static inline void alloc_(spm_run_program_t *p, uint32_t b) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_ALLOC, .buffer = b};
  emit(p, in);
}
static inline void dealloc_(spm_run_program_t *p, uint32_t b) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_DEALLOC, .buffer = b};
  emit(p, in);
}
static inline void wait_(spm_run_program_t *p, uint32_t t) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_WAIT, .token = t};
  emit(p, in);
}

// The whole tensor, dense both sides (tensor rank 1..4).
static inline void dma_(spm_run_program_t *p, bool load, uint32_t t, uint32_t b,
                 int64_t boff, uint32_t token) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = load ? SPM_RUN_OP_DMA_LOAD : SPM_RUN_OP_DMA_STORE;
  const spm_run_tensor_t *x = &p->tensors[t];
  in.dma.tensor = t;
  in.dma.buffer = b;
  in.dma.buf_offset = boff;
  in.dma.token = token;
  in.dma.rank = x->rank;
  int64_t s = 1;
  for (int d = x->rank - 1; d >= 0; --d) {
    in.dma.sizes[d] = x->shape[d];
    in.dma.strides[d] = s;
    s *= x->shape[d];
  }
  emit(p, in);
}

static inline spm_run_view_t view(uint32_t b, spm_run_type_t e, int rank,
                           const int64_t *shape) {
  return spm_run_view_dense(b, 0, e, rank, shape);
}

static inline spm_run_instr_t matmul_instr(bool acc, spm_run_view_t a,
                                    spm_run_view_t b, spm_run_view_t c) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_MATMUL;
  in.matmul.accumulate = acc;
  in.matmul.a = a;
  in.matmul.b = b;
  in.matmul.c = c;
  return in;
}

static inline spm_run_instr_t fill_instr(spm_run_view_t v, uint64_t value) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_FILL;
  in.fill.out = v;
  in.fill.value = value;
  return in;
}

static inline uint64_t f32bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}

// Runs p (seeded inputs); returns the status, *m the machine (caller frees).
static inline spm_status_t run(const spm_run_program_t *p, spm_run_machine_t **m) {
  *m = NULL;
  SPM_RETURN_IF_ERROR(spm_run_machine_create(p, m));
  spm_run_fill_seeded(*m, 42);
  return spm_run_execute(*m);
}

// C[4,4] = X_i[4,8] * W[8,4] for two tiles i; `prefetch`: the load of X1 is
// issued before the first matmul and waited after it (double buffering).
static inline spm_run_program_t *double_buffer_program(bool prefetch) {
  spm_run_program_t *p = prog(target(4096, 16, 100, 1));
  int64_t xs[2] = {4, 8}, ws[2] = {8, 4}, cs[2] = {4, 4};
  uint32_t x0 = tensor(p, "x0", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 2, xs);
  uint32_t x1 = tensor(p, "x1", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 2, xs);
  uint32_t w = tensor(p, "w", SPM_RUN_F32, SPM_RUN_ROLE_WEIGHT, 2, ws);
  uint32_t y0 = tensor(p, "y0", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 2, cs);
  uint32_t y1 = tensor(p, "y1", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 2, cs);
  uint32_t bw = buffer(p, "w", 0, 128), ba0 = buffer(p, "a0", 128, 128),
           ba1 = buffer(p, "a1", 256, 128), bc0 = buffer(p, "c0", 384, 64),
           bc1 = buffer(p, "c1", 448, 64);
  for (uint32_t b = 0; b < 5; ++b)
    alloc_(p, b);
  dma_(p, true, w, bw, 0, 0);
  dma_(p, true, x0, ba0, 0, 1);
  wait_(p, 0);
  wait_(p, 1);
  dma_(p, true, x1, ba1, 0, 2);
  if (!prefetch)
    wait_(p, 2);
  emit(p, matmul_instr(false, view(ba0, SPM_RUN_F32, 2, xs),
                       view(bw, SPM_RUN_F32, 2, ws),
                       view(bc0, SPM_RUN_F32, 2, cs)));
  if (prefetch)
    wait_(p, 2);
  emit(p, matmul_instr(false, view(ba1, SPM_RUN_F32, 2, xs),
                       view(bw, SPM_RUN_F32, 2, ws),
                       view(bc1, SPM_RUN_F32, 2, cs)));
  dma_(p, false, y0, bc0, 0, 3);
  dma_(p, false, y1, bc1, 0, 4);
  wait_(p, 3);
  wait_(p, 4);
  for (uint32_t b = 0; b < 5; ++b)
    dealloc_(p, b);
  return p;
}

#endif
