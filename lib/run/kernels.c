// MATMUL, CONV2D and POOL: gather the views into dense arrays, compute
// with the reduction order of the linalg op (so f32 results are bit-exact
// against mlir-runner), scatter the output. Integers are computed in 32-bit
// two's complement (wrapping), then truncated to the output type -- the
// same as arith.extsi / muli / addi in the output width.
//
// An input view's stride-0 (broadcast) dimensions are gathered once
// (spm_run_view_compact) and read through stride 0, so that a broadcast
// costs no memory; inputs without one take the dense kernels. The
// temporaries are what spm_run_machine_memory counts for the instruction.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/machine_internal.h"

static spm_status_t dense(spm_run_machine_t *m, int64_t n, void **out) {
  *out = malloc((size_t)(n > 0 ? n : 1) * 4);
  if (!*out)
    return spm_run_fault(m, "out of memory (%lld elements)", (long long)n);
  return SPM_OK;
}

// The compact dense copy of input view `v` (spm_run_view_compact) in a new
// array *out (NULL on failure; the caller frees it either way).
static spm_status_t gather_input(spm_run_machine_t *m, const spm_run_view_t *v,
                                 const char *what, void **out) {
  spm_run_view_t c = spm_run_view_compact(v);
  SPM_RETURN_IF_ERROR(dense(m, spm_run_view_numel(&c), out));
  return spm_run_gather(m, &c, what, *out);
}

// Whether a view has a broadcast dimension (stride 0, extent > 1): then its
// compact copy is not its dense row-major copy.
static bool broadcasts(const spm_run_view_t *v) {
  for (int d = 0; d < v->rank; ++d)
    if (v->stride[d] == 0 && v->shape[d] > 1)
      return true;
  return false;
}

#define MAC_F32(acc, x, w) ((acc) + (x) * (w))
#define MAC_I32(acc, x, w)                                                     \
  ((int32_t)((uint32_t)(acc) + (uint32_t)(x) * (uint32_t)(w)))

// The output's initial contents: gathered (accumulate) or `identity`.
static spm_status_t init_out(spm_run_machine_t *m, const spm_run_view_t *v,
                             bool accumulate, uint32_t identity, void *dst) {
  if (accumulate)
    return spm_run_gather(m, v, "out", dst);
  SPM_RETURN_IF_ERROR(spm_run_check_view(m, v, "out"));
  int64_t n = spm_run_view_numel(v);
  uint32_t *d = dst;
  for (int64_t i = 0; i < n; ++i)
    d[i] = identity;
  return SPM_OK;
}

// --- MATMUL ------------------------------------------------------------------

static void matmul_f32(int64_t M, int64_t N, int64_t K, const float *A,
                       const float *B, float *C) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k) {
      float a = A[i * K + k];
      const float *b = B + k * N;
      float *c = C + i * N;
      for (int64_t j = 0; j < N; ++j)
        c[j] = c[j] + a * b[j];
    }
}

static void matmul_i32(int64_t M, int64_t N, int64_t K, const int32_t *A,
                       const int32_t *B, int32_t *C) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k) {
      uint32_t a = (uint32_t)A[i * K + k];
      const int32_t *b = B + k * N;
      int32_t *c = C + i * N;
      for (int64_t j = 0; j < N; ++j)
        c[j] = (int32_t)((uint32_t)c[j] + a * (uint32_t)b[j]);
    }
}

// The same sums in the same order, on operands with broadcast dimensions:
// A[i,k] at A[i*as[0] + k*as[1]], B[k,j] at B[k*bs[0] + j*bs[1]].
#define MATMUL_STRIDED(NAME, T, MAC)                                           \
  static void NAME(int64_t M, int64_t N, int64_t K, const T *A,                \
                   const int64_t *as, const T *B, const int64_t *bs, T *C) {   \
    for (int64_t i = 0; i < M; ++i)                                            \
      for (int64_t k = 0; k < K; ++k) {                                        \
        T a = A[i * as[0] + k * as[1]];                                        \
        const T *b = B + k * bs[0];                                            \
        T *c = C + i * N;                                                      \
        for (int64_t j = 0; j < N; ++j)                                        \
          c[j] = MAC(c[j], a, b[j * bs[1]]);                                   \
      }                                                                        \
  }
MATMUL_STRIDED(matmul_strided_f32, float, MAC_F32)
MATMUL_STRIDED(matmul_strided_i32, int32_t, MAC_I32)

static void matmul_compute(const spm_run_matmul_t *op, const void *A,
                           const void *B, void *C) {
  int64_t M = op->a.shape[0], K = op->a.shape[1], N = op->b.shape[1];
  bool isf = op->c.elem == SPM_RUN_F32;
  if (!broadcasts(&op->a) && !broadcasts(&op->b)) {
    if (isf)
      matmul_f32(M, N, K, A, B, C);
    else
      matmul_i32(M, N, K, A, B, C);
    return;
  }
  int64_t as[2], bs[2];
  spm_run_view_compact_strides(&op->a, as);
  spm_run_view_compact_strides(&op->b, bs);
  if (isf)
    matmul_strided_f32(M, N, K, A, as, B, bs, C);
  else
    matmul_strided_i32(M, N, K, A, as, B, bs, C);
}

spm_status_t spm_run_exec_matmul(spm_run_machine_t *m,
                                 const spm_run_matmul_t *op) {
  int64_t M = op->a.shape[0], K = op->a.shape[1], N = op->b.shape[1];
  void *A = NULL, *B = NULL, *C = NULL;
  spm_status_t s = gather_input(m, &op->a, "a", &A);
  if (spm_status_is_ok(s)) s = gather_input(m, &op->b, "b", &B);
  if (spm_status_is_ok(s)) s = dense(m, M * N, &C);
  if (spm_status_is_ok(s)) s = init_out(m, &op->c, op->accumulate, 0, C);
  if (spm_status_is_ok(s)) {
    matmul_compute(op, A, B, C);
    s = spm_run_scatter(m, &op->c, "c", C);
    m->stats.macs += M * N * K;
    m->work = M * N * K;
  }
  free(A);
  free(B);
  free(C);
  return s;
}

// --- CONV2D --------------------------------------------------------------------

typedef struct conv_dims_s {
  int64_t N, C, H, W, F, Cg, KH, KW, OH, OW, G, Fg;
  int64_t sh, sw, dh, dw, ph, pw;
  int64_t xs[4], ws[4]; // element strides of the input / filter copies
} conv_dims_t;

// Per output element the sum runs over (c, kh, kw) in lexicographic order,
// as in the loops of linalg.conv_2d_nchw_fchw; padded inputs contribute
// 0 * w like an explicitly zero-padded input. Input element [n,c,h,w] is
// at XS(0)*n + XS(1)*c + XS(2)*h + XS(3)*w, filter elements alike (WS):
// the dense row-major strides, or those of a compact copy (broadcast).
#define CONV_KERNEL(NAME, T, MAC, XS, WS)                                      \
  static void NAME(const conv_dims_t *d, const T *in, const T *w, T *out) {    \
    for (int64_t n = 0; n < d->N; ++n)                                         \
      for (int64_t f = 0; f < d->F; ++f) {                                     \
        int64_t g = f / d->Fg;                                                 \
        T *o = out + (n * d->F + f) * d->OH * d->OW;                           \
        for (int64_t c = 0; c < d->Cg; ++c) {                                  \
          const T *x = in + n * XS(0) + (g * d->Cg + c) * XS(1);               \
          for (int64_t kh = 0; kh < d->KH; ++kh)                               \
            for (int64_t kw = 0; kw < d->KW; ++kw) {                           \
              T wv = w[f * WS(0) + c * WS(1) + kh * WS(2) + kw * WS(3)];       \
              for (int64_t oh = 0; oh < d->OH; ++oh) {                         \
                int64_t ih = oh * d->sh - d->ph + kh * d->dh;                  \
                bool hin = ih >= 0 && ih < d->H;                               \
                T *orow = o + oh * d->OW;                                      \
                for (int64_t ow = 0; ow < d->OW; ++ow) {                       \
                  int64_t iw = ow * d->sw - d->pw + kw * d->dw;                \
                  T xv = hin && iw >= 0 && iw < d->W                           \
                             ? x[ih * XS(2) + iw * XS(3)]                      \
                             : 0;                                              \
                  orow[ow] = MAC(orow[ow], xv, wv);                            \
                }                                                              \
              }                                                                \
            }                                                                  \
        }                                                                      \
      }                                                                        \
  }
#define XS_DENSE(k)                                                            \
  ((k) == 0 ? d->C * d->H * d->W : (k) == 1 ? d->H * d->W : (k) == 2 ? d->W : 1)
#define WS_DENSE(k)                                                            \
  ((k) == 0 ? d->Cg * d->KH * d->KW : (k) == 1 ? d->KH * d->KW                 \
   : (k) == 2 ? d->KW : 1)
#define XS_COMPACT(k) (d->xs[k])
#define WS_COMPACT(k) (d->ws[k])
CONV_KERNEL(conv_f32, float, MAC_F32, XS_DENSE, WS_DENSE)
CONV_KERNEL(conv_i32, int32_t, MAC_I32, XS_DENSE, WS_DENSE)
CONV_KERNEL(conv_strided_f32, float, MAC_F32, XS_COMPACT, WS_COMPACT)
CONV_KERNEL(conv_strided_i32, int32_t, MAC_I32, XS_COMPACT, WS_COMPACT)

static void conv_compute(const spm_run_conv_t *op, conv_dims_t *d,
                         const void *I, const void *Wt, void *O) {
  bool isf = op->out.elem == SPM_RUN_F32;
  if (!broadcasts(&op->in) && !broadcasts(&op->filter)) {
    if (isf)
      conv_f32(d, I, Wt, O);
    else
      conv_i32(d, I, Wt, O);
    return;
  }
  spm_run_view_compact_strides(&op->in, d->xs);
  spm_run_view_compact_strides(&op->filter, d->ws);
  if (isf)
    conv_strided_f32(d, I, Wt, O);
  else
    conv_strided_i32(d, I, Wt, O);
}

spm_status_t spm_run_exec_conv(spm_run_machine_t *m,
                               const spm_run_conv_t *op) {
  conv_dims_t d = {
      .N = op->in.shape[0], .C = op->in.shape[1], .H = op->in.shape[2],
      .W = op->in.shape[3], .F = op->filter.shape[0],
      .Cg = op->filter.shape[1], .KH = op->filter.shape[2],
      .KW = op->filter.shape[3], .OH = op->out.shape[2],
      .OW = op->out.shape[3], .G = op->groups,
      .sh = op->stride[0], .sw = op->stride[1], .dh = op->dilation[0],
      .dw = op->dilation[1], .ph = op->pad[0], .pw = op->pad[1]};
  d.Fg = d.F / d.G;
  void *I = NULL, *Wt = NULL, *O = NULL;
  spm_status_t s = gather_input(m, &op->in, "in", &I);
  if (spm_status_is_ok(s)) s = gather_input(m, &op->filter, "filter", &Wt);
  if (spm_status_is_ok(s)) s = dense(m, spm_run_view_numel(&op->out), &O);
  if (spm_status_is_ok(s)) s = init_out(m, &op->out, op->accumulate, 0, O);
  if (spm_status_is_ok(s)) {
    conv_compute(op, &d, I, Wt, O);
    s = spm_run_scatter(m, &op->out, "out", O);
    m->work = d.N * d.F * d.OH * d.OW * d.Cg * d.KH * d.KW;
    m->stats.macs += m->work;
  }
  free(I);
  free(Wt);
  free(O);
  return s;
}

// --- POOL ----------------------------------------------------------------------

// arith.maximumf: NaN-propagating, +0 > -0.
static float maximumf(float a, float b) {
  if (isnan(a))
    return a;
  if (isnan(b))
    return b;
  if (a == b)
    return signbit(a) ? b : a;
  return a > b ? a : b;
}

spm_status_t spm_run_exec_pool(spm_run_machine_t *m,
                               const spm_run_pool_t *op) {
  int64_t N = op->in.shape[0], C = op->in.shape[1], H = op->in.shape[2],
          W = op->in.shape[3], OH = op->out.shape[2], OW = op->out.shape[3];
  int64_t KH = op->window[0], KW = op->window[1];
  bool isf = op->out.elem == SPM_RUN_F32, mx = op->kind == SPM_RUN_POOL_MAX;
  uint32_t identity = 0;
  if (mx) {
    if (isf) {
      float ninf = -INFINITY;
      memcpy(&identity, &ninf, 4);
    } else
      identity = op->out.elem == SPM_RUN_I8 ? (uint32_t)INT8_MIN
                                            : (uint32_t)INT32_MIN;
  }
  void *I = NULL, *O = NULL;
  spm_status_t s = gather_input(m, &op->in, "in", &I);
  if (spm_status_is_ok(s)) s = dense(m, spm_run_view_numel(&op->out), &O);
  if (spm_status_is_ok(s))
    s = init_out(m, &op->out, op->accumulate, identity, O);
  if (spm_status_is_ok(s)) {
    // Input [n, c, h, w] of the (compact) copy is at xs . (n, c, h, w).
    int64_t xs[4];
    spm_run_view_compact_strides(&op->in, xs);
    for (int64_t nc = 0; nc < N * C; ++nc)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t oi = (nc * OH + oh) * OW + ow;
          int64_t ibase = nc / C * xs[0] + nc % C * xs[1];
          float af = isf ? ((float *)O)[oi] : 0;
          int32_t ai = isf ? 0 : ((int32_t *)O)[oi];
          for (int64_t kh = 0; kh < KH; ++kh) {
            int64_t ih = oh * op->stride[0] - op->pad[0] + kh * op->dilation[0];
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t iw =
                  ow * op->stride[1] - op->pad[1] + kw * op->dilation[1];
              bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              if (!inside && mx)
                continue; // the identity of max
              int64_t ii = ibase + ih * xs[2] + iw * xs[3];
              if (isf) {
                float x = inside ? ((float *)I)[ii] : 0.0f;
                af = mx ? maximumf(af, x) : af + x;
              } else {
                int32_t x = inside ? ((int32_t *)I)[ii] : 0;
                ai = mx ? (x > ai ? x : ai)
                        : (int32_t)((uint32_t)ai + (uint32_t)x);
              }
            }
          }
          if (isf)
            ((float *)O)[oi] = af;
          else
            ((int32_t *)O)[oi] = ai;
        }
    s = spm_run_scatter(m, &op->out, "out", O);
    m->work = N * C * OH * OW * KH * KW;
    m->stats.vector_ops += m->work;
  }
  free(I);
  free(O);
  return s;
}
