// Unit tests of lib/run: micro-op semantics, and the kernels against naive
// references (bit-exact for f32, exact for integers) on random cases.
//
//   spm-unit-run-kernel [--quick]
#include "run/run_test_util.h"

static int kernel_cases, kernel_mismatches;

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

// A dense view of buffer b whose dimensions in `mask` (bit d = dim d) are
// broadcast (stride 0): element (i0, ..) reads the tensor element with
// those indices 0. The kernels read such views without expanding them.
static spm_run_view_t bview(uint32_t b, spm_run_type_t e, int rank,
                            const int64_t *shape, unsigned mask) {
  spm_run_view_t v = view(b, e, rank, shape);
  for (int d = 0; d < rank; ++d)
    if (mask & (1u << d))
      v.stride[d] = 0;
  return v;
}
// Element index (in the dense tensor) of view element `idx`.
static int64_t vidx(const spm_run_view_t *v, const int64_t *idx) {
  int64_t e = 0;
  for (int d = 0; d < v->rank; ++d)
    e += idx[d] * v->stride[d];
  return e;
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
    // Every third case broadcasts a dimension of A and/or B.
    unsigned am = c % 3 == 2 ? (unsigned)rnd(1, 3) : 0,
             bm = c % 3 == 2 ? (unsigned)rnd(0, 3) : 0;
    spm_run_view_t av = bview(0, it, 2, as, am), bv = bview(1, it, 2, bs, bm);
    emit(p, matmul_instr(acc, av, bv, view(2, ot, 2, cs)));
    uint8_t *init;
    spm_run_machine_t *m = op_run(p, &init);
    bool same = m != NULL;
    if (m) {
      const void *A = data_of(m, 0), *B = data_of(m, 1), *C = data_of(m, 2);
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          if (isf) {
            float s = acc ? getf(init, i * N + j) : 0.0f;
            for (int64_t k = 0; k < K; ++k) {
              int64_t ai[2] = {i, k}, bi[2] = {k, j};
              s = s + getf(A, vidx(&av, ai)) * getf(B, vidx(&bv, bi));
            }
            same = same && same_bits(s, getf(C, i * N + j));
          } else {
            uint32_t s = acc ? (uint32_t)geti(init, ot, i * N + j) : 0;
            for (int64_t k = 0; k < K; ++k) {
              int64_t ai[2] = {i, k}, bi[2] = {k, j};
              s += (uint32_t)geti(A, it, vidx(&av, ai)) *
                   (uint32_t)geti(B, it, vidx(&bv, bi));
            }
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
    // Every fourth case broadcasts dimensions of the input and the filter.
    spm_run_view_t xv = bview(0, it, 4, is, c % 4 == 3 ? (unsigned)rnd(1, 15) : 0),
                   wv = bview(1, it, 4, fs, c % 4 == 3 ? (unsigned)rnd(0, 15) : 0);
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_CONV2D;
    in.conv = (spm_run_conv_t){.accumulate = acc, .groups = G,
                               .stride = {sh, sw}, .dilation = {dh, dw},
                               .pad = {ph, pw}, .in = xv, .filter = wv,
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
                    int64_t xix[4] = {n, g * Cg + cc, ih, iw},
                            wix[4] = {f, cc, kh, kw};
                    int64_t xi = vidx(&xv, xix), wi = vidx(&wv, wix);
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
    // Every third case broadcasts dimensions of the input.
    spm_run_view_t xv = bview(0, it, 4, is, c % 3 == 2 ? (unsigned)rnd(1, 15) : 0);
    in.pool = (spm_run_pool_t){
        .kind = mx ? SPM_RUN_POOL_MAX : SPM_RUN_POOL_SUM, .accumulate = acc,
        .window = {KH, KW}, .stride = {sh, sw}, .dilation = {dh, dw},
        .pad = {ph, pw}, .in = xv, .out = view(1, ot, 4, os)};
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
                int64_t xix[4] = {nc / C, nc % C, ih, iw};
                int64_t xi = vidx(&xv, xix);
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


int main(int argc, char **argv) {
  parse_quick(argc, argv);
  SPM_RUN(uop_semantics);
  SPM_RUN(kernel_matmul);
  SPM_RUN(kernel_conv);
  SPM_RUN(kernel_pool);
  SPM_RUN(kernel_eltwise);
  printf("kernels vs reference: %d cases, %d mismatches\n", kernel_cases,
         kernel_mismatches);
  return spm_test_finish();
}
