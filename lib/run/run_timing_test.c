// Unit tests of lib/run: the timing model on hand-computed cases (one DMA =
// latency + ceil(bytes / bandwidth); FIFO transfers; a prefetch overlapping
// compute) with the counters and energy of the report, and the trace.
//
//   spm-unit-run-timing
#include "run/run_test_util.h"

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


int main(int argc, char **argv) {
  parse_quick(argc, argv);
  SPM_RUN(timing_single_dma);
  SPM_RUN(timing_back_to_back);
  SPM_RUN(timing_double_buffering);
  SPM_RUN(trace_json);
  printf("timing: single dma %lld cycles, double buffered %lld cycles, "
         "serial %lld cycles\n",
         (long long)single_dma_cycles, (long long)db_cycles,
         (long long)serial_cycles);
  return spm_test_finish();
}
