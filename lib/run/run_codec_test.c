// Unit tests of lib/run: binary and listing round trips of programs, and
// malformed binaries and listings rejected with their messages.
//
//   spm-unit-run-codec [--quick]
#include "run/run_test_util.h"

static int roundtrip_programs, roundtrip_mismatches, malformed_rejected;

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
  parse_quick(argc, argv);
  SPM_RUN(round_trips);
  SPM_RUN(malformed_binaries);
  SPM_RUN(malformed_listings);
  printf("round trips: %d programs, %d mismatches; %d malformed inputs "
         "rejected\n",
         roundtrip_programs, roundtrip_mismatches, malformed_rejected);
  return spm_test_finish();
}
