// Unit tests of lib/run: the timing model on hand-computed cases, every
// fault with its message, the kernels against naive references (bit-exact
// for f32, exact for integers), micro-op semantics, counters and energy,
// the trace, and binary / listing round trips including malformed input.
//
//   spm-unit-run [--quick]     (--quick: fewer random cases, for valgrind)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/encode.h"
#include "run/machine.h"
#include "run/run_internal.h"
#include "support/unit_test.h"

static bool quick;
static int kernel_cases, kernel_mismatches, roundtrip_programs,
    roundtrip_mismatches, malformed_rejected, fault_kinds;

// --- helpers ---------------------------------------------------------------------

static uint64_t rng_state = 0x5eed1234abcdULL;
static int64_t rnd(int64_t lo, int64_t hi) { // inclusive
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (int64_t)((rng_state >> 33) % (uint64_t)(hi - lo + 1));
}

static bool ok(spm_status_t s) {
  if (spm_status_is_ok(s))
    return true;
  fprintf(stderr, "unexpected status: %s\n", spm_status_message(s));
  spm_status_free(s);
  return false;
}

static void expect_status(spm_status_t s, spm_status_code_t code,
                          const char *sub) {
  SPM_EXPECT(spm_status_code(s) == code);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), sub);
  if (!strstr(spm_status_message(s), sub))
    fprintf(stderr, "  (message: %s)\n", spm_status_message(s));
  spm_status_free(s);
}

static spm_target_t target(int64_t cap, double bw, int64_t lat, int64_t mpc) {
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

static spm_run_program_t *prog(spm_target_t t) {
  spm_run_program_t *p = NULL;
  SPM_EXPECT(ok(spm_run_program_create(&t, &p)));
  return p;
}

static uint32_t tensor(spm_run_program_t *p, const char *name,
                       spm_run_type_t e, spm_run_role_t r, int rank,
                       const int64_t *shape) {
  uint32_t id = 0;
  SPM_EXPECT(ok(spm_run_program_add_tensor(p, name, e, r, rank, shape, NULL,
                                           &id)));
  return id;
}

static uint32_t buffer(spm_run_program_t *p, const char *name, int64_t off,
                       int64_t size) {
  uint32_t id = 0;
  SPM_EXPECT(ok(spm_run_program_add_buffer(p, name, off, size, &id)));
  return id;
}

static void emit(spm_run_program_t *p, spm_run_instr_t in) {
  SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, NULL, 0)));
}

static void alloc_(spm_run_program_t *p, uint32_t b) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_ALLOC, .buffer = b};
  emit(p, in);
}
static void dealloc_(spm_run_program_t *p, uint32_t b) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_DEALLOC, .buffer = b};
  emit(p, in);
}
static void wait_(spm_run_program_t *p, uint32_t t) {
  spm_run_instr_t in = {.op = SPM_RUN_OP_WAIT, .token = t};
  emit(p, in);
}

// The whole tensor, dense both sides (tensor rank 1..4).
static void dma_(spm_run_program_t *p, bool load, uint32_t t, uint32_t b,
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

static spm_run_view_t view(uint32_t b, spm_run_type_t e, int rank,
                           const int64_t *shape) {
  return spm_run_view_dense(b, 0, e, rank, shape);
}

static spm_run_instr_t matmul_instr(bool acc, spm_run_view_t a,
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

static spm_run_instr_t fill_instr(spm_run_view_t v, uint64_t value) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_FILL;
  in.fill.out = v;
  in.fill.value = value;
  return in;
}

static uint64_t f32bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}

// Runs p (seeded inputs); returns the status, *m the machine (caller frees).
static spm_status_t run(const spm_run_program_t *p, spm_run_machine_t **m) {
  *m = NULL;
  SPM_RETURN_IF_ERROR(spm_run_machine_create(p, m));
  spm_run_fill_seeded(*m, 42);
  return spm_run_execute(*m);
}

// --- timing ---------------------------------------------------------------------------

static int64_t single_dma_cycles, db_cycles, serial_cycles;

SPM_TEST(timing_single_dma) {
  // 256 B at 16 B/cycle + 100 latency = 116; 250 B -> ceil(15.6) = 16.
  int64_t sizes[2] = {64, 250};
  spm_run_type_t types[2] = {SPM_RUN_F32, SPM_RUN_I8};
  for (int k = 0; k < 2; ++k) {
    spm_run_program_t *p = prog(target(4096, 16, 100, 16));
    uint32_t x = tensor(p, "x", types[k], SPM_RUN_ROLE_INPUT, 1, &sizes[k]);
    uint32_t a = buffer(p, "a", 0, 256);
    alloc_(p, a);
    dma_(p, true, x, a, 0, 1);
    wait_(p, 1);
    dealloc_(p, a);
    spm_run_machine_t *m;
    SPM_EXPECT(ok(run(p, &m)));
    const spm_run_stats_t *s = spm_run_stats(m);
    SPM_EXPECT(s->cycles == 116);
    SPM_EXPECT(s->stall_cycles == 116);
    SPM_EXPECT(s->dma_cycles == 116);
    SPM_EXPECT(s->compute_cycles == 0);
    SPM_EXPECT(s->dram_bytes_read == (k ? 250 : 256));
    SPM_EXPECT(s->peak_spm_bytes == 256);
    if (k == 0)
      single_dma_cycles = s->cycles;
    spm_run_machine_free(m);
    spm_run_program_free(p);
  }
  // Fractional bandwidth: 100 B at 48.57 B/cycle -> ceil(2.06) = 3, +7.
  spm_run_program_t *p = prog(target(4096, 48.57, 7, 16));
  int64_t n = 100;
  uint32_t x = tensor(p, "x", SPM_RUN_I8, SPM_RUN_ROLE_INPUT, 1, &n);
  uint32_t a = buffer(p, "a", 0, 128);
  alloc_(p, a);
  dma_(p, true, x, a, 0, 3);
  wait_(p, 3);
  spm_run_machine_t *m;
  SPM_EXPECT(ok(run(p, &m)));
  SPM_EXPECT(spm_run_stats(m)->cycles == 10);
  spm_run_machine_free(m);
  spm_run_program_free(p);
}

SPM_TEST(timing_back_to_back) {
  // Two 256 B loads: FIFO, latency not overlapped: 2 * 116. Waiting for the
  // second first covers both; the wait for the first is then free.
  for (int order = 0; order < 2; ++order) {
    spm_run_program_t *p = prog(target(4096, 16, 100, 16));
    int64_t n = 64;
    uint32_t x = tensor(p, "x", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, &n);
    uint32_t y = tensor(p, "y", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, &n);
    uint32_t a = buffer(p, "a", 0, 256), b = buffer(p, "b", 256, 256);
    alloc_(p, a);
    alloc_(p, b);
    dma_(p, true, x, a, 0, 1);
    dma_(p, true, y, b, 0, 2);
    wait_(p, order ? 1 : 2);
    wait_(p, order ? 2 : 1);
    spm_run_machine_t *m;
    SPM_EXPECT(ok(run(p, &m)));
    SPM_EXPECT(spm_run_stats(m)->cycles == 232);
    SPM_EXPECT(spm_run_stats(m)->dma_transfers == 2);
    spm_run_machine_free(m);
    spm_run_program_free(p);
  }
  // One token tagging two transfers: WAIT waits for both.
  spm_run_program_t *p = prog(target(4096, 16, 100, 16));
  int64_t n = 64;
  uint32_t x = tensor(p, "x", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, &n);
  uint32_t a = buffer(p, "a", 0, 512);
  alloc_(p, a);
  dma_(p, true, x, a, 0, 5);
  dma_(p, true, x, a, 256, 5);
  wait_(p, 5);
  spm_run_machine_t *m;
  SPM_EXPECT(ok(run(p, &m)));
  SPM_EXPECT(spm_run_stats(m)->cycles == 232);
  spm_run_machine_free(m);
  spm_run_program_free(p);
}

// C[4,4] = X_i[4,8] * W[8,4] for two tiles i; `prefetch`: the load of X1 is
// issued before the first matmul and waited after it (double buffering).
static spm_run_program_t *double_buffer_program(bool prefetch) {
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

SPM_TEST(timing_double_buffering) {
  // W [0,108) X0 [108,216) wait -> 216; X1 [216,324); mm0 [216,344);
  // wait 2 (done) ; mm1 [344,472); stores [472,576) [576,680).
  // Serial: X1 waited first: mm0 [324,452) mm1 [452,580), stores -> 788.
  for (int pre = 1; pre >= 0; --pre) {
    spm_run_program_t *p = double_buffer_program(pre);
    spm_run_machine_t *m;
    SPM_EXPECT(ok(run(p, &m)));
    const spm_run_stats_t *s = spm_run_stats(m);
    SPM_EXPECT(s->cycles == (pre ? 680 : 788));
    SPM_EXPECT(s->compute_cycles == 256);
    SPM_EXPECT(s->dma_cycles == 3 * 108 + 2 * 104);
    SPM_EXPECT(s->macs == 256);
    if (pre)
      db_cycles = s->cycles;
    else
      serial_cycles = s->cycles;
    // Counters and energy (same for both schedules).
    SPM_EXPECT(s->dram_bytes_read == 384);
    SPM_EXPECT(s->dram_bytes_written == 128);
    SPM_EXPECT(s->spm_bytes_read == 2 * (128 + 128) + 128);
    SPM_EXPECT(s->spm_bytes_written == 384 + 128);
    SPM_EXPECT(s->peak_spm_bytes == 512);
    double e = 512 * 160.0 + (640 + 512) * 6.6 + 256 * 0.23;
    SPM_EXPECT(fabs(s->energy_pj - e) < 1e-6);
    SPM_EXPECT(fabs(s->energy_compute_pj - 256 * 0.23) < 1e-9);
    SPM_EXPECT(fabs(s->compute_utilisation - 256.0 / (double)s->cycles) <
               1e-12);
    // Values: y_i = x_i * w, k ascending.
    for (int i = 0; i < 2; ++i) {
      const void *xv, *wv, *yv;
      size_t n;
      SPM_EXPECT(ok(spm_run_tensor_data(m, (uint32_t)i, &xv, &n)));
      SPM_EXPECT(ok(spm_run_tensor_data(m, 2, &wv, &n)));
      SPM_EXPECT(ok(spm_run_tensor_data(m, (uint32_t)(3 + i), &yv, &n)));
      const float *x = xv, *w = wv, *y = yv;
      bool same = true;
      for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) {
          float acc = 0;
          for (int k = 0; k < 8; ++k)
            acc = acc + x[r * 8 + k] * w[k * 4 + c];
          same = same && memcmp(&acc, &y[r * 4 + c], 4) == 0;
        }
      SPM_EXPECT(same);
    }
    if (pre) {
      FILE *f = stdout;
      spm_run_report(s, &p->target, f);
    }
    spm_run_machine_free(m);
    spm_run_program_free(p);
  }
}

SPM_TEST(trace_json) {
  spm_run_program_t *p = double_buffer_program(true);
  spm_run_machine_t *m = NULL;
  SPM_EXPECT(ok(spm_run_machine_create(p, &m)));
  FILE *f = tmpfile();
  SPM_EXPECT(f != NULL);
  spm_run_set_trace(m, f);
  spm_run_fill_seeded(m, 1);
  SPM_EXPECT(ok(spm_run_execute(m)));
  expect_status(spm_run_execute(m), SPM_STATUS_INVALID_ARGUMENT, "already");
  long len = ftell(f);
  rewind(f);
  char *text = calloc((size_t)len + 1, 1);
  SPM_EXPECT(fread(text, 1, (size_t)len, f) == (size_t)len);
  SPM_EXPECT_STR_CONTAINS(text, "{\"displayTimeUnit\"");
  SPM_EXPECT_STR_CONTAINS(text, "\"traceEvents\":[");
  SPM_EXPECT_STR_CONTAINS(text, "\"name\":\"dma_load t0 offset=0 sizes=[4,8] "
                                "strides=[8,1] -> b1+0 token=1\","
                                "\"cat\":\"dma_load\",\"ph\":\"X\",\"ts\":108,"
                                "\"dur\":108,\"pid\":0,\"tid\":1");
  SPM_EXPECT_STR_CONTAINS(text, "\"cat\":\"matmul\",\"ph\":\"X\",\"ts\":344,"
                                "\"dur\":128,\"pid\":0,\"tid\":0");
  SPM_EXPECT_STR_CONTAINS(text, "\n]}\n");
  free(text);
  fclose(f);
  spm_run_machine_free(m);
  // Owned trace file.
  SPM_EXPECT(ok(spm_run_machine_create(p, &m)));
  expect_status(spm_run_set_trace_path(m, "/nonexistent-dir/x.json"),
                SPM_STATUS_IO_ERROR, "cannot write trace");
  SPM_EXPECT(ok(spm_run_set_trace_path(m, "/dev/null")));
  spm_run_fill_seeded(m, 1);
  SPM_EXPECT(ok(spm_run_execute(m)));
  spm_run_machine_free(m);
  spm_run_program_free(p);
}

// --- faults ------------------------------------------------------------------------------

// A 64-float input, two 256 B buffers (b0 at 0, b1 at 256) and an overlapping
// b2 at 0, a 64-float output.
static spm_run_program_t *fault_base(void) {
  spm_run_program_t *p = prog(target(1024, 16, 10, 16));
  int64_t n = 64;
  tensor(p, "x", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, &n);
  tensor(p, "y", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 1, &n);
  buffer(p, "a", 0, 256);
  buffer(p, "b", 256, 256);
  buffer(p, "alias", 0, 256);
  return p;
}

static const int64_t v64[1] = {64};

static spm_run_instr_t copy_instr(uint32_t from, uint32_t to) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ELTWISE;
  in.eltwise.ninputs = 1;
  in.eltwise.in[0] = view(from, SPM_RUN_F32, 1, v64);
  in.eltwise.out = view(to, SPM_RUN_F32, 1, v64);
  return in;
}

static void emit_copy(spm_run_program_t *p, uint32_t from, uint32_t to) {
  spm_run_uop_t u[2] = {{.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
                        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32}};
  spm_run_instr_t in = copy_instr(from, to);
  SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, 2)));
}

static void expect_fault(spm_run_program_t *p, const char *sub) {
  spm_run_machine_t *m = NULL;
  spm_status_t s = run(p, &m);
  expect_status(s, SPM_STATUS_FAILED, sub);
  fault_kinds++;
  spm_run_machine_free(m);
  spm_run_program_free(p);
}

SPM_TEST(faults) {
  spm_run_program_t *p;
  // Out of capacity (a buffer placed past the end).
  p = fault_base();
  buffer(p, "far", 1024, 16);
  alloc_(p, 3);
  expect_fault(p, "instruction 0 `alloc b3`: buffer 'far' [1024, 1040) lies "
                  "outside the scratchpad (capacity 1024 bytes)");
  // Access outside its buffer: 256 B into a 64 B buffer.
  p = fault_base();
  buffer(p, "small", 512, 64);
  alloc_(p, 3);
  dma_(p, true, 0, 3, 0, 1);
  expect_fault(p, "instruction 1 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b3+0 token=1`: dma: bytes [0, 256) lie "
                  "outside buffer 'small' (64 bytes)");
  // A view past the end of its buffer.
  p = fault_base();
  alloc_(p, 0);
  {
    spm_run_view_t v = view(0, SPM_RUN_F32, 1, v64);
    v.offset = 16;
    emit(p, fill_instr(v, 0));
  }
  expect_fault(p, "out: bytes [16, 272) lie outside buffer 'a' (256 bytes)");
  // Buffer not allocated.
  p = fault_base();
  emit(p, fill_instr(view(1, SPM_RUN_F32, 1, v64), 0));
  expect_fault(p, "instruction 0 `fill value=0 out=b1+0:f32[64](1)`: out: "
                  "buffer 'b' is not allocated");
  // Double allocation.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 0);
  expect_fault(p, "instruction 1 `alloc b0`: buffer 'a' is already allocated");
  // Read of bytes never written.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 2 `eltwise in0=b0+0:f32[64](1) "
                  "out=b1+0:f32[64](1) { r0 = load.f32 in0; yield.f32 r0 }`: "
                  "in0: reads scratchpad byte 0 (buffer 'a' + 0), which was "
                  "never written");
  // Read of bytes overwritten through another (overlapping) buffer.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 2);
  emit(p, fill_instr(view(2, SPM_RUN_F32, 1, v64), f32bits(1)));
  dealloc_(p, 2);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 8 `eltwise");
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 2);
  emit(p, fill_instr(view(2, SPM_RUN_F32, 1, v64), f32bits(1)));
  dealloc_(p, 2);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "which was overwritten through buffer 'alias'");
  // Stale data of an earlier lifetime of the same buffer.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "written only in an earlier lifetime of the buffer");
  // Writing over live data of another buffer (overlapping allocation).
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  alloc_(p, 2);
  dma_(p, true, 0, 2, 0, 1);
  expect_fault(p, "instruction 3 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b2+0 token=1`: dma: writes scratchpad byte "
                  "0 (buffer 'alias' + 0), which holds live data of buffer "
                  "'a'");
  // Compute reading bytes of an unwaited DMA_LOAD.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 1);
  dma_(p, true, 0, 0, 0, 7);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 3 `eltwise in0=b0+0:f32[64](1) "
                  "out=b1+0:f32[64](1) { r0 = load.f32 in0; yield.f32 r0 }`: "
                  "in0: reads scratchpad byte 0 while DMA_LOAD instruction 2 "
                  "(token 7) is in flight (not waited for)");
  // DMA_STORE of bytes an unwaited DMA_LOAD fills.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dma_(p, false, 1, 0, 0, 2);
  expect_fault(p, "instruction 2 `dma_store b0+0 offset=0 sizes=[64] "
                  "strides=[1] -> t1 token=2`: dma: reads scratchpad byte 0 "
                  "while DMA_LOAD instruction 1 (token 1) is in flight");
  // Compute overwriting bytes an unwaited DMA_STORE reads.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dma_(p, false, 1, 0, 0, 4);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), f32bits(2)));
  expect_fault(p, "instruction 3 `fill value=2 out=b0+0:f32[64](1)`: out: "
                  "overwrites scratchpad byte 0 while DMA_STORE instruction 2 "
                  "(token 4) is in flight");
  // DMA_LOAD into bytes an unwaited DMA_LOAD fills.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dma_(p, true, 0, 0, 0, 2);
  expect_fault(p, "instruction 2 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b0+0 token=2`: dma: writes scratchpad byte "
                  "0 while DMA_LOAD instruction 1 (token 1) is in flight");
  // WAIT of an unknown token (and of a token already waited for).
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  wait_(p, 1);
  wait_(p, 1);
  expect_fault(p, "instruction 3 `wait 1`: no DMA with token 1 is in flight");
  // DEALLOC with a transfer in flight.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dealloc_(p, 0);
  expect_fault(p, "instruction 2 `dealloc b0`: buffer 'a' is freed while DMA "
                  "instruction 1 (token 1) on it is in flight");
  // The end of the program with a transfer never waited for.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 9);
  expect_fault(p, "instruction 2 `end of program`: the program ends with DMA "
                  "instruction 1 (token 9) never waited for");
  // Micro-op poison: integer division by zero.
  p = fault_base();
  {
    int64_t n = 4;
    tensor(p, "q", SPM_RUN_I32, SPM_RUN_ROLE_INPUT, 1, &n);
    alloc_(p, 0);
    alloc_(p, 1);
    emit(p, fill_instr(view(0, SPM_RUN_I32, 1, &n), 0));
    spm_run_uop_t u[4] = {
        {.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 1, .imm = 7},
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_I32, .dst = 0},
        {.op = SPM_RUN_UOP_DIV, .type = SPM_RUN_I32, .dst = 2, .a = 1, .b = 0},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_I32, .a = 2}};
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_ELTWISE;
    in.eltwise.ninputs = 1;
    in.eltwise.in[0] = view(0, SPM_RUN_I32, 1, &n);
    in.eltwise.out = view(1, SPM_RUN_I32, 1, &n);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, 4)));
  }
  expect_fault(p, "micro-op 2 `r2 = div.i32 r1, r0`: integer division by "
                  "zero");
}

SPM_TEST(validation_errors) {
  spm_run_program_t *p = fault_base();
  spm_run_instr_t in = matmul_instr(false, view(0, SPM_RUN_F32, 1, v64),
                                    view(0, SPM_RUN_F32, 1, v64),
                                    view(1, SPM_RUN_F32, 1, v64));
  emit(p, in);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "instruction 0 `matmul acc=0 a=b0+0:f32[64](1)");
  spm_run_program_free(p);
  // DRAM window past the end of its tensor.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  p->instrs[1].dma.offset = 1;
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "window [offset 1, last element 64] outside tensor 'x' (64 "
                "elements)");
  spm_run_program_free(p);
  // Unknown ids, bad names, duplicate names, output broadcast, misaligned.
  p = fault_base();
  alloc_(p, 9);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "buffer b9 does not exist");
  spm_run_program_free(p);
  p = fault_base();
  expect_status(spm_run_program_add_tensor(p, "bad name", SPM_RUN_F32,
                                           SPM_RUN_ROLE_INPUT, 1, v64, NULL,
                                           NULL),
                SPM_STATUS_INVALID_ARGUMENT, "is not [A-Za-z0-9_.-]");
  buffer(p, "a", 16, 16);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "buffer name 'a' used twice");
  spm_run_program_free(p);
  p = fault_base();
  buffer(p, "odd", 8, 16);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "not a multiple of the alignment 16");
  spm_run_program_free(p);
  p = fault_base();
  {
    spm_run_view_t v = view(0, SPM_RUN_F32, 1, v64);
    v.stride[0] = 0;
    emit(p, fill_instr(v, 0));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "an output view cannot broadcast");
  spm_run_program_free(p);
  // Micro-op typing.
  p = fault_base();
  {
    spm_run_uop_t u[3] = {
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
        {.op = SPM_RUN_UOP_SHRS, .type = SPM_RUN_F32, .dst = 1, .a = 0, .b = 0},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 1}};
    spm_run_instr_t e = copy_instr(0, 1);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &e, u, 3)));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "micro-op 1 (shrs): integer only");
  spm_run_program_free(p);
  p = fault_base();
  {
    spm_run_uop_t u[2] = {
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 3}};
    spm_run_instr_t e = copy_instr(0, 1);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &e, u, 2)));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "register r3 read before written");
  spm_run_program_free(p);
  // Bad target.
  spm_target_t t = target(1000, 16, 1, 1);
  p = prog(t);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "alignment 16 is not a power of two dividing the capacity");
  spm_run_program_free(p);
}

// --- micro-op semantics ------------------------------------------------------------------

// Evaluates "r2 = op.T r0, r1" (or unary on r0) with r0, r1 of type `at`.
static spm_run_uop_error_t eval2(int op, spm_run_type_t at, spm_run_type_t rt,
                                 int pred, spm_run_value_t a,
                                 spm_run_value_t b, spm_run_value_t *out) {
  spm_run_uop_t u[4] = {
      {.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)at, .dst = 0, .imm = 0},
      {.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)at, .dst = 1, .imm = 1},
      {.op = (uint8_t)op, .type = (uint8_t)rt, .pred = (uint8_t)pred, .dst = 2,
       .a = 0, .b = 1},
      {.op = SPM_RUN_UOP_YIELD, .type = (uint8_t)rt, .a = 2}};
  bool unary = op == SPM_RUN_UOP_NEG || (op >= SPM_RUN_UOP_TRUNC &&
                                         op <= SPM_RUN_UOP_FPTOUI);
  if (unary)
    u[2].b = 0;
  spm_run_type_t ins[2] = {at, at};
  spm_status_t s = spm_run_uops_check(u, 4, ins, 2, rt);
  SPM_EXPECT(ok(s));
  spm_run_value_t in[2] = {a, b};
  size_t bad;
  return spm_run_uops_eval(u, 4, in, out, &bad);
}

static spm_run_value_t I(int64_t v) {
  spm_run_value_t x;
  x.i = v;
  return x;
}
static spm_run_value_t F(float v) {
  spm_run_value_t x;
  memset(&x, 0, sizeof x);
  x.f = v;
  return x;
}

static int64_t ieval(int op, spm_run_type_t at, spm_run_type_t rt, int64_t a,
                     int64_t b) {
  spm_run_value_t r;
  SPM_EXPECT(eval2(op, at, rt, 0, I(a), I(b), &r) == SPM_RUN_UOP_OK);
  return r.i;
}
static float feval(int op, float a, float b) {
  spm_run_value_t r;
  SPM_EXPECT(eval2(op, SPM_RUN_F32, SPM_RUN_F32, 0, F(a), F(b), &r) ==
             SPM_RUN_UOP_OK);
  return r.f;
}
static bool same_bits(float a, float b) { return memcmp(&a, &b, 4) == 0; }

SPM_TEST(uop_semantics) {
  const spm_run_type_t i8 = SPM_RUN_I8, i32 = SPM_RUN_I32, i1 = SPM_RUN_I1,
                       f32 = SPM_RUN_F32;
  SPM_EXPECT(ieval(SPM_RUN_UOP_ADD, i8, i8, 127, 1) == -128); // wraps
  SPM_EXPECT(ieval(SPM_RUN_UOP_MUL, i32, i32, 65536, 65536) == 0);
  SPM_EXPECT(ieval(SPM_RUN_UOP_SUB, i8, i8, -128, 1) == 127);
  SPM_EXPECT(ieval(SPM_RUN_UOP_DIV, i32, i32, -7, 2) == -3); // truncates
  SPM_EXPECT(ieval(SPM_RUN_UOP_REM, i32, i32, -7, 2) == -1);
  SPM_EXPECT(ieval(SPM_RUN_UOP_DIVU, i8, i8, -1, 2) == 127);
  SPM_EXPECT(ieval(SPM_RUN_UOP_REMU, i8, i8, -1, 10) == 5);
  SPM_EXPECT(ieval(SPM_RUN_UOP_MAX, i32, i32, -5, 3) == 3);
  SPM_EXPECT(ieval(SPM_RUN_UOP_MIN, i32, i32, -5, 3) == -5);
  SPM_EXPECT(ieval(SPM_RUN_UOP_MAXU, i8, i8, -1, 3) == -1);
  SPM_EXPECT(ieval(SPM_RUN_UOP_MINU, i8, i8, -1, 3) == 3);
  SPM_EXPECT(ieval(SPM_RUN_UOP_SHRS, i32, i32, -300, 8) == -2); // floor
  SPM_EXPECT(ieval(SPM_RUN_UOP_SHRS, i8, i8, -8, 1) == -4);
  SPM_EXPECT(ieval(SPM_RUN_UOP_SHRU, i8, i8, -8, 1) == 124);
  SPM_EXPECT(ieval(SPM_RUN_UOP_SHL, i8, i8, 64, 1) == -128);
  SPM_EXPECT(ieval(SPM_RUN_UOP_AND, i32, i32, -1, 12) == 12);
  SPM_EXPECT(ieval(SPM_RUN_UOP_XOR, i8, i8, -1, 1) == -2);
  SPM_EXPECT(ieval(SPM_RUN_UOP_OR, i8, i8, 64, 1) == 65);
  SPM_EXPECT(ieval(SPM_RUN_UOP_TRUNC, i32, i8, 300, 0) == 44);
  SPM_EXPECT(ieval(SPM_RUN_UOP_TRUNC, i32, i8, -129, 0) == 127);
  SPM_EXPECT(ieval(SPM_RUN_UOP_TRUNC, i32, i1, 3, 0) == -1);
  SPM_EXPECT(ieval(SPM_RUN_UOP_EXTS, i8, i32, -1, 0) == -1);
  SPM_EXPECT(ieval(SPM_RUN_UOP_EXTU, i8, i32, -1, 0) == 255);
  SPM_EXPECT(ieval(SPM_RUN_UOP_EXTU, i1, i32, -1, 0) == 1);
  spm_run_value_t r;
  SPM_EXPECT(eval2(SPM_RUN_UOP_SITOFP, i1, f32, 0, I(-1), I(0), &r) == 0 &&
             r.f == -1.0f);
  SPM_EXPECT(eval2(SPM_RUN_UOP_UITOFP, i8, f32, 0, I(-1), I(0), &r) == 0 &&
             r.f == 255.0f);
  SPM_EXPECT(eval2(SPM_RUN_UOP_SITOFP, i32, f32, 0, I(16777217), I(0), &r) ==
                 0 && r.f == 16777216.0f);
  SPM_EXPECT(eval2(SPM_RUN_UOP_FPTOSI, f32, i32, 0, F(-3.7f), F(0), &r) == 0 &&
             r.i == -3);
  SPM_EXPECT(eval2(SPM_RUN_UOP_FPTOSI, f32, i8, 0, F(127.9f), F(0), &r) ==
                 0 && r.i == 127);
  SPM_EXPECT(eval2(SPM_RUN_UOP_FPTOUI, f32, i8, 0, F(255.5f), F(0), &r) ==
                 0 && r.i == -1);
  // Poison / UB -> errors.
  SPM_EXPECT(eval2(SPM_RUN_UOP_FPTOSI, f32, i8, 0, F(128.0f), F(0), &r) ==
             SPM_RUN_UOP_ERR_FP_RANGE);
  SPM_EXPECT(eval2(SPM_RUN_UOP_FPTOSI, f32, i32, 0, F(NAN), F(0), &r) ==
             SPM_RUN_UOP_ERR_FP_RANGE);
  SPM_EXPECT(eval2(SPM_RUN_UOP_DIV, i8, i8, 0, I(-128), I(-1), &r) ==
             SPM_RUN_UOP_ERR_DIV_OVERFLOW);
  SPM_EXPECT(eval2(SPM_RUN_UOP_REM, i32, i32, 0, I(5), I(0), &r) ==
             SPM_RUN_UOP_ERR_DIV_ZERO);
  SPM_EXPECT(eval2(SPM_RUN_UOP_SHRS, i8, i8, 0, I(1), I(8), &r) ==
             SPM_RUN_UOP_ERR_SHIFT);
  SPM_EXPECT(eval2(SPM_RUN_UOP_SHL, i32, i32, 0, I(1), I(-1), &r) ==
             SPM_RUN_UOP_ERR_SHIFT);
  // Floats.
  SPM_EXPECT(same_bits(feval(SPM_RUN_UOP_MAX, -0.0f, 0.0f), 0.0f));
  SPM_EXPECT(same_bits(feval(SPM_RUN_UOP_MAX, 0.0f, -0.0f), 0.0f));
  SPM_EXPECT(same_bits(feval(SPM_RUN_UOP_MIN, 0.0f, -0.0f), -0.0f));
  SPM_EXPECT(isnan(feval(SPM_RUN_UOP_MAX, NAN, 1.0f)));
  SPM_EXPECT(isnan(feval(SPM_RUN_UOP_MIN, 1.0f, NAN)));
  SPM_EXPECT(feval(SPM_RUN_UOP_MAXNUM, NAN, 1.0f) == 1.0f);
  SPM_EXPECT(feval(SPM_RUN_UOP_MINNUM, 2.0f, NAN) == 2.0f);
  SPM_EXPECT(feval(SPM_RUN_UOP_DIV, 1.0f, 0.0f) == INFINITY);
  SPM_EXPECT(feval(SPM_RUN_UOP_REM, -7.5f, 2.0f) == -1.5f);
  SPM_EXPECT(same_bits(feval(SPM_RUN_UOP_NEG, 0.0f, 0.0f), -0.0f));
  SPM_EXPECT(feval(SPM_RUN_UOP_ADD, 0.1f, 0.2f) == 0.1f + 0.2f);
  // Comparisons and select.
  SPM_EXPECT(eval2(SPM_RUN_UOP_CMP, i8, i1, SPM_RUN_PRED_ULT, I(-1), I(1),
                   &r) == 0 && r.i == 0);
  SPM_EXPECT(eval2(SPM_RUN_UOP_CMP, i8, i1, SPM_RUN_PRED_SLT, I(-1), I(1),
                   &r) == 0 && r.i == -1);
  SPM_EXPECT(eval2(SPM_RUN_UOP_CMP, f32, i1, SPM_RUN_PRED_F_UGT, F(NAN),
                   F(1), &r) == 0 && r.i == -1);
  SPM_EXPECT(eval2(SPM_RUN_UOP_CMP, f32, i1, SPM_RUN_PRED_F_OGT, F(NAN),
                   F(1), &r) == 0 && r.i == 0);
  SPM_EXPECT(eval2(SPM_RUN_UOP_CMP, f32, i1, SPM_RUN_PRED_F_UNE, F(NAN),
                   F(NAN), &r) == 0 && r.i == -1);
  {
    // relu via cmp + select: r2 = x > 0; r3 = select r2, x, 0.
    spm_run_uop_t u[5] = {
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32, .dst = 0},
        {.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_F32, .dst = 1, .imm = 0},
        {.op = SPM_RUN_UOP_CMP, .type = SPM_RUN_I1, .pred = SPM_RUN_PRED_F_OGT,
         .dst = 2, .a = 0, .b = 1},
        {.op = SPM_RUN_UOP_SELECT, .type = SPM_RUN_F32, .dst = 3, .a = 2,
         .b = 0, .c = 1},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 3}};
    spm_run_type_t ins[1] = {SPM_RUN_F32};
    SPM_EXPECT(ok(spm_run_uops_check(u, 5, ins, 1, SPM_RUN_F32)));
    spm_run_value_t in = F(-2.5f), out;
    size_t bad;
    SPM_EXPECT(spm_run_uops_eval(u, 5, &in, &out, &bad) == 0 && out.f == 0);
    in = F(2.5f);
    SPM_EXPECT(spm_run_uops_eval(u, 5, &in, &out, &bad) == 0 &&
               out.f == 2.5f);
  }
}

// --- kernels vs references ---------------------------------------------------------------

// One-op programs: tensors t0..tk (t_last = output), buffer i holds tensor
// i at aligned offsets; every tensor but the output is loaded (the output
// too when `load_out`); the op runs; the output is stored.
typedef struct op_case_s {
  spm_run_program_t *p;
  spm_run_machine_t *m;
} op_case_t;

static void op_setup(spm_run_program_t *p) {
  int64_t off = 0;
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *t = &p->tensors[i];
    int64_t bytes = spm_run_tensor_numel(t) * spm_run_type_size(t->elem);
    buffer(p, t->name, off, bytes);
    off += (bytes + 15) / 16 * 16;
  }
}

static void op_body(spm_run_program_t *p, bool load_out) {
  uint32_t out = (uint32_t)p->ntensors - 1;
  for (uint32_t i = 0; i < p->ntensors; ++i)
    alloc_(p, i);
  for (uint32_t i = 0; i < p->ntensors; ++i)
    if (i != out || load_out)
      dma_(p, true, i, i, 0, i);
  for (uint32_t i = 0; i < p->ntensors; ++i)
    if (i != out || load_out)
      wait_(p, i);
}

// Adds the store, runs with seeded inputs and a random initial output
// (copied to *init, caller frees); returns the machine or NULL.
static spm_run_machine_t *op_run(spm_run_program_t *p, uint8_t **init_out) {
  uint32_t out = (uint32_t)p->ntensors - 1;
  dma_(p, false, out, out, 0, 99);
  wait_(p, 99);
  *init_out = NULL;
  spm_run_machine_t *m = NULL;
  if (!ok(spm_run_machine_create(p, &m)))
    return NULL;
  spm_run_fill_seeded(m, (uint64_t)rnd(0, 1 << 30));
  const spm_run_tensor_t *t = &p->tensors[out];
  size_t bytes = (size_t)(spm_run_tensor_numel(t) * spm_run_type_size(t->elem));
  uint8_t *init = malloc(bytes);
  for (size_t k = 0; k < bytes; ++k)
    init[k] = (uint8_t)rnd(0, 255);
  if (t->elem == SPM_RUN_F32) // finite values
    for (size_t k = 0; k < bytes / 4; ++k) {
      float f = (float)rnd(-1000, 1000) / 256.0f;
      memcpy(init + 4 * k, &f, 4);
    }
  SPM_EXPECT(ok(spm_run_set_tensor(m, out, init, bytes)));
  *init_out = init;
  if (!ok(spm_run_execute(m))) {
    spm_run_machine_free(m);
    return NULL;
  }
  return m;
}

static const void *data_of(spm_run_machine_t *m, uint32_t id) {
  const void *d = NULL;
  size_t n;
  SPM_EXPECT(ok(spm_run_tensor_data(m, id, &d, &n)));
  return d;
}

// Element k of integer tensor data, sign-extended.
static int64_t geti(const void *d, spm_run_type_t t, int64_t k) {
  if (t == SPM_RUN_I8)
    return ((const int8_t *)d)[k];
  int32_t v;
  memcpy(&v, (const uint8_t *)d + 4 * k, 4);
  return v;
}
static float getf(const void *d, int64_t k) {
  float f;
  memcpy(&f, (const uint8_t *)d + 4 * k, 4);
  return f;
}
// Truncates v to the integer type t (wrapping), sign-extended.
static int64_t wrap(int64_t v, spm_run_type_t t) {
  return t == SPM_RUN_I8 ? (int8_t)(uint8_t)v : (int32_t)(uint32_t)v;
}

static void note_case(bool same, const char *what) {
  kernel_cases++;
  if (!same) {
    kernel_mismatches++;
    fprintf(stderr, "kernel mismatch: %s\n", what);
  }
  SPM_EXPECT(same);
}

SPM_TEST(kernel_matmul) {
  int cases = quick ? 8 : 48;
  for (int c = 0; c < cases; ++c) {
    bool isf = c % 2 == 0, acc = (c / 2) % 2 == 1;
    int64_t M = rnd(1, 9), K = rnd(1, 17), N = rnd(1, 9);
    spm_run_type_t it = isf ? SPM_RUN_F32 : SPM_RUN_I8,
                   ot = isf ? SPM_RUN_F32 : (c % 8 == 3 ? SPM_RUN_I8 : SPM_RUN_I32);
    spm_run_program_t *p = prog(target(1 << 16, 16, 5, 16));
    int64_t as[2] = {M, K}, bs[2] = {K, N}, cs[2] = {M, N};
    tensor(p, "a", it, SPM_RUN_ROLE_INPUT, 2, as);
    tensor(p, "b", it, SPM_RUN_ROLE_WEIGHT, 2, bs);
    tensor(p, "c", ot, SPM_RUN_ROLE_OUTPUT, 2, cs);
    op_setup(p);
    op_body(p, acc);
    emit(p, matmul_instr(acc, view(0, it, 2, as), view(1, it, 2, bs),
                         view(2, ot, 2, cs)));
    uint8_t *init;
    spm_run_machine_t *m = op_run(p, &init);
    bool same = m != NULL;
    if (m) {
      const void *A = data_of(m, 0), *B = data_of(m, 1), *C = data_of(m, 2);
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          if (isf) {
            float s = acc ? getf(init, i * N + j) : 0.0f;
            for (int64_t k = 0; k < K; ++k)
              s = s + getf(A, i * K + k) * getf(B, k * N + j);
            same = same && same_bits(s, getf(C, i * N + j));
          } else {
            uint32_t s = acc ? (uint32_t)geti(init, ot, i * N + j) : 0;
            for (int64_t k = 0; k < K; ++k)
              s += (uint32_t)geti(A, it, i * K + k) *
                   (uint32_t)geti(B, it, k * N + j);
            same = same && wrap(s, ot) == geti(C, ot, i * N + j);
          }
        }
      spm_run_machine_free(m);
    }
    free(init);
    note_case(same, "matmul");
    spm_run_program_free(p);
  }
}

SPM_TEST(kernel_conv) {
  int cases = quick ? 8 : 60;
  for (int c = 0; c < cases; ++c) {
    bool isf = c % 2 == 0, acc = c % 3 != 0;
    int64_t G = rnd(1, 3), Cg = rnd(1, 3), Fg = rnd(1, 3);
    if (c % 5 == 4) { // depthwise
      Cg = 1;
      Fg = 1;
      G = rnd(2, 4);
    }
    int64_t N = rnd(1, 2), C = G * Cg, F = G * Fg, KH = rnd(1, 3),
            KW = rnd(1, 3), sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2),
            dw = rnd(1, 2), ph = rnd(0, 2), pw = rnd(0, 2);
    int64_t H = rnd(dh * (KH - 1) + 1, 7), W = rnd(dw * (KW - 1) + 1, 7);
    int64_t OH = (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1,
            OW = (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1;
    spm_run_type_t it = isf ? SPM_RUN_F32 : SPM_RUN_I8,
                   ot = isf ? SPM_RUN_F32 : SPM_RUN_I32;
    spm_run_program_t *p = prog(target(1 << 16, 16, 5, 16));
    int64_t is[4] = {N, C, H, W}, fs[4] = {F, Cg, KH, KW},
            os[4] = {N, F, OH, OW};
    tensor(p, "in", it, SPM_RUN_ROLE_INPUT, 4, is);
    tensor(p, "filter", it, SPM_RUN_ROLE_WEIGHT, 4, fs);
    tensor(p, "out", ot, SPM_RUN_ROLE_OUTPUT, 4, os);
    op_setup(p);
    op_body(p, acc);
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_CONV2D;
    in.conv = (spm_run_conv_t){.accumulate = acc, .groups = G,
                               .stride = {sh, sw}, .dilation = {dh, dw},
                               .pad = {ph, pw}, .in = view(0, it, 4, is),
                               .filter = view(1, it, 4, fs),
                               .out = view(2, ot, 4, os)};
    emit(p, in);
    uint8_t *init;
    spm_run_machine_t *m = op_run(p, &init);
    bool same = m != NULL;
    if (m) {
      const void *X = data_of(m, 0), *Wt = data_of(m, 1), *O = data_of(m, 2);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t f = 0; f < F; ++f)
          for (int64_t oh = 0; oh < OH; ++oh)
            for (int64_t ow = 0; ow < OW; ++ow) {
              int64_t oi = ((n * F + f) * OH + oh) * OW + ow, g = f / Fg;
              float sf = acc && isf ? getf(init, oi) : 0.0f;
              uint32_t si = acc && !isf ? (uint32_t)geti(init, ot, oi) : 0;
              for (int64_t cc = 0; cc < Cg; ++cc)
                for (int64_t kh = 0; kh < KH; ++kh)
                  for (int64_t kw = 0; kw < KW; ++kw) {
                    int64_t ih = oh * sh - ph + kh * dh,
                            iw = ow * sw - pw + kw * dw;
                    bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                    int64_t xi = ((n * C + g * Cg + cc) * H + ih) * W + iw;
                    int64_t wi = ((f * Cg + cc) * KH + kh) * KW + kw;
                    if (isf)
                      sf = sf + (inside ? getf(X, xi) : 0.0f) * getf(Wt, wi);
                    else
                      si += (uint32_t)(inside ? geti(X, it, xi) : 0) *
                            (uint32_t)geti(Wt, it, wi);
                  }
              same = same && (isf ? same_bits(sf, getf(O, oi))
                                  : wrap(si, ot) == geti(O, ot, oi));
            }
      spm_run_machine_free(m);
    }
    free(init);
    note_case(same, "conv2d");
    spm_run_program_free(p);
  }
}

SPM_TEST(kernel_pool) {
  int cases = quick ? 8 : 48;
  for (int c = 0; c < cases; ++c) {
    bool mx = c % 2 == 0, acc = (c / 2) % 2 == 1;
    int tk = (c / 4) % 3; // f32, i8 -> i8, i8 -> i32
    spm_run_type_t it = tk == 0 ? SPM_RUN_F32 : SPM_RUN_I8,
                   ot = tk == 0 ? SPM_RUN_F32 : tk == 1 ? SPM_RUN_I8
                                                        : SPM_RUN_I32;
    int64_t N = rnd(1, 2), C = rnd(1, 3), KH = rnd(1, 3), KW = rnd(1, 3),
            sh = rnd(1, 2), sw = rnd(1, 2), dh = rnd(1, 2), dw = 1,
            ph = rnd(0, KH - 1), pw = rnd(0, KW - 1);
    int64_t H = rnd(dh * (KH - 1) + 1, 8), W = rnd(KW, 8);
    int64_t OH = (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1,
            OW = (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1;
    spm_run_program_t *p = prog(target(1 << 16, 16, 5, 16));
    int64_t is[4] = {N, C, H, W}, os[4] = {N, C, OH, OW};
    tensor(p, "in", it, SPM_RUN_ROLE_INPUT, 4, is);
    tensor(p, "out", ot, SPM_RUN_ROLE_OUTPUT, 4, os);
    op_setup(p);
    op_body(p, acc);
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_POOL;
    in.pool = (spm_run_pool_t){
        .kind = mx ? SPM_RUN_POOL_MAX : SPM_RUN_POOL_SUM, .accumulate = acc,
        .window = {KH, KW}, .stride = {sh, sw}, .dilation = {dh, dw},
        .pad = {ph, pw}, .in = view(0, it, 4, is), .out = view(1, ot, 4, os)};
    emit(p, in);
    uint8_t *init;
    spm_run_machine_t *m = op_run(p, &init);
    bool same = m != NULL;
    if (m) {
      const void *X = data_of(m, 0), *O = data_of(m, 1);
      for (int64_t nc = 0; nc < N * C; ++nc)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            int64_t oi = (nc * OH + oh) * OW + ow;
            float sf = acc && tk == 0 ? getf(init, oi) : mx ? -INFINITY : 0;
            int64_t si = acc && tk ? geti(init, ot, oi)
                         : mx      ? (ot == SPM_RUN_I8 ? -128 : INT32_MIN)
                                   : 0;
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * sh - ph + kh * dh, iw = ow * sw - pw + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                  if (!mx && tk == 0)
                    sf = sf + 0.0f; // a padded sum adds +0 (-0 -> +0)
                  continue;         // max: the identity
                }
                int64_t xi = (nc * H + ih) * W + iw;
                if (tk == 0)
                  sf = mx ? (getf(X, xi) > sf ? getf(X, xi) : sf)
                          : sf + getf(X, xi);
                else
                  si = mx ? (geti(X, it, xi) > si ? geti(X, it, xi) : si)
                          : wrap(si + geti(X, it, xi), ot);
              }
            same = same && (tk == 0 ? same_bits(sf, getf(O, oi))
                                    : wrap(si, ot) == geti(O, ot, oi));
          }
      spm_run_machine_free(m);
    }
    free(init);
    note_case(same, mx ? "pool max" : "pool sum");
    spm_run_program_free(p);
  }
}

// ELTWISE: int8 requantisation (the bench networks' epilogue): acc i32
// [N,C,H,W] + bias i32 [C] (broadcast view), >> 8, clamp to [-128, 127],
// trunc to i8; f32 bias + relu; a wrapping trunc; divsi by a constant;
// transposed input.
SPM_TEST(kernel_eltwise) {
  int cases = quick ? 4 : 16;
  for (int c = 0; c < cases; ++c) {
    int kind = c % 4;
    int64_t N = rnd(1, 2), C = rnd(1, 4), H = rnd(1, 4), W = rnd(1, 5);
    int64_t s4[4] = {N, C, H, W}, cs[1] = {C};
    bool isf = kind == 1;
    spm_run_type_t at = isf ? SPM_RUN_F32 : SPM_RUN_I32,
                   ot = kind == 0 || kind == 2 ? SPM_RUN_I8 : at;
    spm_run_program_t *p = prog(target(1 << 16, 16, 5, 16));
    tensor(p, "acc", at, SPM_RUN_ROLE_INPUT, 4, s4);
    tensor(p, "bias", at, SPM_RUN_ROLE_WEIGHT, 1, cs);
    tensor(p, "out", ot, SPM_RUN_ROLE_OUTPUT, 4, s4);
    op_setup(p);
    op_body(p, false);
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_ELTWISE;
    in.eltwise.ninputs = 2;
    in.eltwise.in[0] = view(0, at, 4, s4);
    spm_run_view_t bv = view(1, at, 4, s4);
    bv.stride[0] = bv.stride[2] = bv.stride[3] = 0;
    bv.stride[1] = 1;
    in.eltwise.in[1] = bv;
    in.eltwise.out = view(2, ot, 4, s4);
#define U(...) ((spm_run_uop_t){__VA_ARGS__})
    spm_run_uop_t u[16];
    size_t nu = 0;
    u[nu++] = U(.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)at, .dst = 0, .imm = 0);
    u[nu++] = U(.op = SPM_RUN_UOP_LOAD, .type = (uint8_t)at, .dst = 1, .imm = 1);
    u[nu++] = U(.op = SPM_RUN_UOP_ADD, .type = (uint8_t)at, .dst = 2, .a = 0, .b = 1);
    if (kind == 0) {
      u[nu++] = U(.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 3, .imm = 8);
      u[nu++] = U(.op = SPM_RUN_UOP_SHRS, .type = SPM_RUN_I32, .dst = 4, .a = 2, .b = 3);
      u[nu++] = U(.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 5, .imm = -128);
      u[nu++] = U(.op = SPM_RUN_UOP_MAX, .type = SPM_RUN_I32, .dst = 6, .a = 4, .b = 5);
      u[nu++] = U(.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 7, .imm = 127);
      u[nu++] = U(.op = SPM_RUN_UOP_MIN, .type = SPM_RUN_I32, .dst = 8, .a = 6, .b = 7);
      u[nu++] = U(.op = SPM_RUN_UOP_TRUNC, .type = SPM_RUN_I8, .dst = 9, .a = 8);
      u[nu++] = U(.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_I8, .a = 9);
    } else if (kind == 1) {
      u[nu++] = U(.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_F32, .dst = 3, .imm = 0);
      u[nu++] = U(.op = SPM_RUN_UOP_MAX, .type = SPM_RUN_F32, .dst = 4, .a = 2, .b = 3);
      u[nu++] = U(.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 4);
    } else if (kind == 2) {
      u[nu++] = U(.op = SPM_RUN_UOP_MUL, .type = SPM_RUN_I32, .dst = 3, .a = 2, .b = 2);
      u[nu++] = U(.op = SPM_RUN_UOP_TRUNC, .type = SPM_RUN_I8, .dst = 4, .a = 3);
      u[nu++] = U(.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_I8, .a = 4);
    } else {
      u[nu++] = U(.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 3, .imm = -3);
      u[nu++] = U(.op = SPM_RUN_UOP_DIV, .type = SPM_RUN_I32, .dst = 4, .a = 2, .b = 3);
      u[nu++] = U(.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_I32, .a = 4);
    }
#undef U
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, nu)));
    uint8_t *init;
    spm_run_machine_t *m = op_run(p, &init);
    bool same = m != NULL;
    if (m) {
      const void *A = data_of(m, 0), *B = data_of(m, 1), *O = data_of(m, 2);
      for (int64_t e = 0; e < N * C * H * W; ++e) {
        int64_t ch = (e / (H * W)) % C;
        if (isf) {
          float s = getf(A, e) + getf(B, ch);
          float r = s > 0 ? s : 0.0f; // maximumf(s, 0): -0 -> +0
          same = same && same_bits(r, getf(O, e));
          continue;
        }
        int64_t s = (int32_t)(uint32_t)(geti(A, at, e) + geti(B, at, ch));
        int64_t r;
        if (kind == 0) {
          r = s >> 8;
          r = r < -128 ? -128 : r > 127 ? 127 : r;
        } else if (kind == 2)
          r = (int8_t)(uint8_t)(uint32_t)((uint32_t)s * (uint32_t)s);
        else
          r = s / -3;
        same = same && r == geti(O, ot, e);
      }
      const spm_run_stats_t *st = spm_run_stats(m);
      int64_t n = N * C * H * W, ar = kind == 0 ? 5 : kind == 2 ? 3 : 2;
      SPM_EXPECT(st->vector_ops == n * ar);
      spm_run_machine_free(m);
    }
    free(init);
    note_case(same, "eltwise");
    spm_run_program_free(p);
  }
}

// --- round trips -----------------------------------------------------------------------

// A program using every opcode, with constant data.
static spm_run_program_t *every_op_program(void) {
  spm_run_program_t *p = prog(target(4096, 16, 10, 16));
  int64_t xs[4] = {1, 2, 4, 4}, fs[4] = {4, 1, 3, 3}, os[4] = {1, 4, 4, 4},
          ps[4] = {1, 4, 2, 2}, ms[2] = {4, 4}, vs[1] = {16};
  float wdata[36];
  for (int k = 0; k < 36; ++k)
    wdata[k] = (float)(k - 18) / 8.0f;
  SPM_EXPECT(ok(spm_run_program_add_tensor(p, "x", SPM_RUN_F32,
                                           SPM_RUN_ROLE_INPUT, 4, xs, NULL,
                                           NULL)));
  SPM_EXPECT(ok(spm_run_program_add_tensor(p, "w", SPM_RUN_F32,
                                           SPM_RUN_ROLE_WEIGHT, 4, fs, wdata,
                                           NULL)));
  int8_t q[3] = {1, -2, 3};
  int64_t qs[1] = {3};
  SPM_EXPECT(ok(spm_run_program_add_tensor(p, "q", SPM_RUN_I8,
                                           SPM_RUN_ROLE_WEIGHT, 1, qs, q,
                                           NULL)));
  tensor(p, "y", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 4, ps);
  tensor(p, "scratch0", SPM_RUN_F32, SPM_RUN_ROLE_SCRATCH, 0, NULL);
  tensor(p, "m", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 2, ms);
  uint32_t bx = buffer(p, "bx", 0, 128), bw = buffer(p, "bw", 128, 144),
           bo = buffer(p, "bo", 272, 256), bp = buffer(p, "bp", 528, 64),
           bm = buffer(p, "bm", 592, 64);
  for (uint32_t b = 0; b <= bm; ++b)
    alloc_(p, b);
  dma_(p, true, 0, bx, 0, 1);
  dma_(p, true, 1, bw, 0, 2);
  wait_(p, 1);
  wait_(p, 2);
  emit(p, fill_instr(view(bo, SPM_RUN_F32, 4, os), f32bits(0.5f)));
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_CONV2D;
  in.conv = (spm_run_conv_t){.accumulate = true, .groups = 2,
                             .stride = {1, 1}, .dilation = {1, 1},
                             .pad = {1, 1}, .in = view(bx, SPM_RUN_F32, 4, xs),
                             .filter = view(bw, SPM_RUN_F32, 4, fs),
                             .out = view(bo, SPM_RUN_F32, 4, os)};
  in.conv.filter.shape[1] = 1;
  emit(p, in);
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_POOL;
  in.pool = (spm_run_pool_t){.kind = SPM_RUN_POOL_MAX, .accumulate = false,
                             .window = {2, 2}, .stride = {2, 2},
                             .dilation = {1, 1}, .pad = {0, 0},
                             .in = view(bo, SPM_RUN_F32, 4, os),
                             .out = view(bp, SPM_RUN_F32, 4, ps)};
  emit(p, in);
  // Eltwise with NaN / -inf constants, a cmp, a select, a transposed view.
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ELTWISE;
  in.eltwise.ninputs = 1;
  in.eltwise.in[0] = view(bp, SPM_RUN_F32, 1, vs);
  in.eltwise.out = view(bp, SPM_RUN_F32, 1, vs);
  spm_run_uop_t u[6] = {
      {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32, .dst = 0},
      {.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_F32, .dst = 1,
       .imm = 0xff800000},
      {.op = SPM_RUN_UOP_CMP, .type = SPM_RUN_I1, .pred = SPM_RUN_PRED_F_UGE,
       .dst = 2, .a = 0, .b = 1},
      {.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_F32, .dst = 3,
       .imm = 0x3e4ccccd},
      {.op = SPM_RUN_UOP_SELECT, .type = SPM_RUN_F32, .dst = 4, .a = 2, .b = 0,
       .c = 3},
      {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 4}};
  SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, 6)));
  // Matmul with a transposed A view (strides 1, 4).
  spm_run_view_t a = view(bp, SPM_RUN_F32, 2, ms);
  a.stride[0] = 1;
  a.stride[1] = 4;
  emit(p, matmul_instr(false, a, view(bp, SPM_RUN_F32, 2, ms),
                       view(bm, SPM_RUN_F32, 2, ms)));
  dma_(p, false, 3, bp, 0, 3);
  dma_(p, false, 5, bm, 0, 3);
  wait_(p, 3);
  for (uint32_t b = 0; b <= bm; ++b)
    dealloc_(p, b);
  return p;
}

static bool bytes_equal(const spm_strbuf_t *a, const spm_strbuf_t *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

// binary -> program -> binary, binary -> listing -> binary, listing text
// identical after a parse.
static void round_trip(const spm_run_program_t *p) {
  roundtrip_programs++;
  spm_strbuf_t bin = SPM_STRBUF_INIT, bin2 = SPM_STRBUF_INIT,
               bin3 = SPM_STRBUF_INIT, lst = SPM_STRBUF_INIT,
               lst2 = SPM_STRBUF_INIT;
  bool same = ok(spm_run_encode(p, &bin));
  spm_run_program_t *d = NULL, *q = NULL;
  same = same && ok(spm_run_decode(bin.data, bin.len, &d));
  same = same && ok(spm_run_encode(d, &bin2)) && bytes_equal(&bin, &bin2);
  if (d) {
    spm_run_listing_write(d, &lst);
    same = same && ok(spm_run_listing_parse(spm_strbuf_cstr(&lst), &q));
  }
  if (q) {
    same = same && ok(spm_run_encode(q, &bin3)) && bytes_equal(&bin, &bin3);
    spm_run_listing_write(q, &lst2);
    same = same && bytes_equal(&lst, &lst2);
  }
  if (!same) {
    roundtrip_mismatches++;
    fprintf(stderr, "round trip mismatch; listing:\n%s\n",
            spm_strbuf_cstr(&lst));
  }
  SPM_EXPECT(same);
  spm_run_program_free(d);
  spm_run_program_free(q);
  spm_strbuf_free(&bin);
  spm_strbuf_free(&bin2);
  spm_strbuf_free(&bin3);
  spm_strbuf_free(&lst);
  spm_strbuf_free(&lst2);
}

SPM_TEST(round_trips) {
  spm_run_program_t *p = every_op_program();
  // It runs, too.
  spm_run_machine_t *m = NULL;
  SPM_EXPECT(ok(run(p, &m)));
  spm_run_machine_free(m);
  round_trip(p);
  spm_strbuf_t lst = SPM_STRBUF_INIT;
  spm_run_listing_write(p, &lst);
  fputs(spm_strbuf_cstr(&lst), stdout);
  SPM_EXPECT_STR_CONTAINS(spm_strbuf_cstr(&lst),
                          "r1 = const.f32 0xff800000; r2 = cmp.i1 uge r0, r1");
  SPM_EXPECT_STR_CONTAINS(spm_strbuf_cstr(&lst), "data t1  // w\n  .hex ");
  spm_strbuf_free(&lst);
  spm_run_program_free(p);
  for (int pre = 0; pre < 2; ++pre) {
    p = double_buffer_program(pre);
    round_trip(p);
    spm_run_program_free(p);
  }
  // Every preset target's floats survive the listing.
  const char *presets[] = {"gemmini", "tpuv1", "nvdla-small", "eyeriss"};
  for (int k = 0; k < 4; ++k) {
    spm_target_t t;
    SPM_EXPECT(ok(spm_target_get_preset(presets[k], &t)));
    p = prog(t);
    round_trip(p);
    spm_run_program_free(p);
  }
}

static void expect_decode_error(const void *d, size_t n, const char *sub) {
  spm_run_program_t *p = NULL;
  spm_status_t s = spm_run_decode(d, n, &p);
  SPM_EXPECT(p == NULL);
  if (spm_status_is_ok(s)) {
    SPM_EXPECT(!"decode accepted a malformed binary");
    spm_run_program_free(p);
    return;
  }
  malformed_rejected++;
  if (sub)
    expect_status(s, SPM_STATUS_INVALID_ARGUMENT, sub);
  else
    spm_status_free(s);
}

static void put32(uint8_t *d, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    d[i] = (uint8_t)(v >> (8 * i));
}

SPM_TEST(malformed_binaries) {
  spm_run_program_t *p = every_op_program();
  spm_strbuf_t bin = SPM_STRBUF_INIT;
  SPM_EXPECT(ok(spm_run_encode(p, &bin)));
  size_t n = bin.len;
  uint8_t *b = malloc(n + 8);
  memcpy(b, bin.data, n);
  // Every truncation.
  for (size_t k = 0; k < n; k += quick ? 7 : 1)
    expect_decode_error(b, k, NULL);
  expect_decode_error(b, 3, "bad magic");
  expect_decode_error(b, 100, "truncated input");
  expect_decode_error(b, n - 1, "truncated input");
  // Trailing garbage.
  memcpy(b, bin.data, n);
  b[n] = 0;
  expect_decode_error(b, n + 1, "1 trailing bytes");
  // Bad magic, version, reserved.
  b[0] = 'X';
  expect_decode_error(b, n, "bad magic");
  memcpy(b, bin.data, n);
  put32(b + 8, 2);
  expect_decode_error(b, n, "format version 2, this build reads version 1");
  memcpy(b, bin.data, n);
  b[12] = 1;
  expect_decode_error(b, n, "reserved header field");
  // The first instruction (alloc b0): its buffer id out of range.
  size_t code = SPM_RUN_HEADER_BYTES + p->ntensors * SPM_RUN_TENSOR_RECORD_BYTES +
                p->nbuffers * SPM_RUN_BUFFER_RECORD_BYTES;
  memcpy(b, bin.data, n);
  SPM_EXPECT(b[code] == SPM_RUN_OP_ALLOC);
  put32(b + code + 8, 77);
  expect_decode_error(b, n, "instruction 0 `alloc b77`: buffer b77 does not "
                            "exist (5 buffers)");
  memcpy(b, bin.data, n);
  b[code] = 200;
  expect_decode_error(b, n, "instruction 0 (byte");
  memcpy(b, bin.data, n);
  put32(b + code + 4, 1 << 30);
  expect_decode_error(b, n, "runs past the instruction stream");
  memcpy(b, bin.data, n);
  put32(b + code + 4, 8); // payload longer than an alloc's
  expect_decode_error(b, n, NULL);
  // A tensor's element type.
  memcpy(b, bin.data, n);
  b[SPM_RUN_HEADER_BYTES + 64] = 9;
  expect_decode_error(b, n, "element type 9");
  // Random byte flips: either rejected or a valid program that re-encodes.
  int flips = quick ? 200 : 3000, accepted = 0;
  for (int k = 0; k < flips; ++k) {
    memcpy(b, bin.data, n);
    size_t at = (size_t)rnd(0, (int64_t)n - 1);
    b[at] = (uint8_t)(b[at] ^ (1u << rnd(0, 7)));
    spm_run_program_t *d = NULL;
    spm_status_t s = spm_run_decode(b, n, &d);
    if (spm_status_is_ok(s)) {
      accepted++;
      spm_strbuf_t again = SPM_STRBUF_INIT;
      SPM_EXPECT(ok(spm_run_encode(d, &again)));
      SPM_EXPECT(again.len == n && memcmp(again.data, b, n) == 0);
      spm_strbuf_free(&again);
      spm_run_program_free(d);
    } else {
      malformed_rejected++;
      spm_status_free(s);
    }
  }
  fprintf(stderr, "  %d of %d flipped binaries still valid\n", accepted,
          flips);
  free(b);
  spm_strbuf_free(&bin);
  spm_run_program_free(p);
}

SPM_TEST(malformed_listings) {
  spm_run_program_t *p = NULL;
  expect_status(spm_run_listing_parse("", &p), SPM_STATUS_INVALID_ARGUMENT,
                "unexpected end of listing");
  expect_status(spm_run_listing_parse("spm_run version=7\n", &p),
                SPM_STATUS_INVALID_ARGUMENT, "line 1: version 7");
  const char *head =
      "spm_run version=1\n"
      "target name=t capacity=1024 alignment=16 banks=1 dma_bandwidth=16 "
      "dma_latency=1 macs_per_cycle=1 clock_mhz=1 dram_pj_per_byte=1 "
      "spm_pj_per_byte=1 mac_pj=1\n"
      "tensor t0 name=x role=input type=f32 shape=[4] data\n"
      "buffer b0 name=a offset=0 size=16\n"
      "code\n";
  const char *bodies[] = {
      "  0: alloc b0\n  0: alloc b0\nend\n",
      "  0: frobnicate\nend\n",
      "  0: wait x\nend\n",
      "  0: alloc b0\nend\ndata t0\n  .hex 0011\n",
      "  0: fill value=1 out=b0+0:f32[4](1) extra=1\nend\n",
      "  0: eltwise out=b0+0:f32[4](1) { r0 = bogus.f32 r1 }\nend\n",
      "  0: alloc b0\nend\n",
      "  0: alloc b0\nend\ndata t0\n  .hex 000000000000000000000000000000zz\n",
  };
  const char *want[] = {"line 7: expected instruction index 1",
                        "line 6: unknown opcode 'frobnicate'",
                        "line 6: expected wait TOKEN",
                        "data of tensor 'x': 2 bytes, expected 16",
                        "line 6: unexpected 'extra=1'",
                        "micro-op 0: expected rD = OP.TYPE",
                        "tensor t0 is declared with data but has none",
                        "bad hex digit"};
  for (int k = 0; k < 8; ++k) {
    spm_strbuf_t t = SPM_STRBUF_INIT;
    spm_strbuf_append_str(&t, head);
    spm_strbuf_append_str(&t, bodies[k]);
    expect_status(spm_run_listing_parse(spm_strbuf_cstr(&t), &p),
                  SPM_STATUS_INVALID_ARGUMENT, want[k]);
    SPM_EXPECT(p == NULL);
    spm_strbuf_free(&t);
  }
  // A valid hand-written listing (comments, blank lines) parses and runs.
  spm_strbuf_t t = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&t, head);
  spm_strbuf_append_str(&t,
                        "  // comment line\n\n"
                        "  0: alloc b0  // a\n"
                        "  1: dma_load t0 offset=0 sizes=[4] strides=[1] -> "
                        "b0+0 token=1\n"
                        "  2: wait 1\n"
                        "  3: eltwise in0=b0+0:f32[4](1) out=b0+0:f32[4](1) "
                        "{ r0 = load.f32 in0; r1 = const.f32 2.5; r2 = mul.f32 "
                        "r0, r1; yield.f32 r2 }\n"
                        "end\n"
                        "data t0\n"
                        "  .hex 0000803f000000400000404000008040\n");
  SPM_EXPECT(ok(spm_run_listing_parse(spm_strbuf_cstr(&t), &p)));
  if (p) {
    spm_run_machine_t *m = NULL;
    SPM_EXPECT(ok(run(p, &m)));
    SPM_EXPECT(m && spm_run_stats(m)->cycles == 1 + 1 + 4 * 1);
    spm_run_machine_free(m);
    round_trip(p);
  }
  spm_run_program_free(p);
  spm_strbuf_free(&t);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--quick") == 0)
      quick = true;
  if (getenv("SPM_UNIT_QUICK"))
    quick = true;
  SPM_RUN(timing_single_dma);
  SPM_RUN(timing_back_to_back);
  SPM_RUN(timing_double_buffering);
  SPM_RUN(trace_json);
  SPM_RUN(faults);
  SPM_RUN(validation_errors);
  SPM_RUN(uop_semantics);
  SPM_RUN(kernel_matmul);
  SPM_RUN(kernel_conv);
  SPM_RUN(kernel_pool);
  SPM_RUN(kernel_eltwise);
  SPM_RUN(round_trips);
  SPM_RUN(malformed_binaries);
  SPM_RUN(malformed_listings);
  printf("timing: single dma %lld cycles, double buffered %lld cycles, "
         "serial %lld cycles\n",
         (long long)single_dma_cycles, (long long)db_cycles,
         (long long)serial_cycles);
  printf("faults: %d kinds, each stops the run naming its instruction\n",
         fault_kinds);
  printf("kernels vs reference: %d cases, %d mismatches\n", kernel_cases,
         kernel_mismatches);
  printf("round trips: %d programs, %d mismatches; %d malformed inputs "
         "rejected\n",
         roundtrip_programs, roundtrip_mismatches, malformed_rejected);
  return spm_test_finish();
}
