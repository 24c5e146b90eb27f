// MATMUL, CONV2D and POOL: gather the views into dense arrays, compute
// with the reduction order of the linalg op (so f32 results are bit-exact
// against mlir-runner), scatter the output. Integers are computed in 32-bit
// two's complement (wrapping), then truncated to the output type -- the
// same as arith.extsi / muli / addi in the output width.
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

spm_status_t spm_run_exec_matmul(spm_run_machine_t *m,
                                 const spm_run_matmul_t *op) {
  int64_t M = op->a.shape[0], K = op->a.shape[1], N = op->b.shape[1];
  void *A = NULL, *B = NULL, *C = NULL;
  spm_status_t s = dense(m, M * K, &A);
  if (spm_status_is_ok(s)) s = dense(m, K * N, &B);
  if (spm_status_is_ok(s)) s = dense(m, M * N, &C);
  if (spm_status_is_ok(s)) s = spm_run_gather(m, &op->a, "a", A);
  if (spm_status_is_ok(s)) s = spm_run_gather(m, &op->b, "b", B);
  if (spm_status_is_ok(s)) s = init_out(m, &op->c, op->accumulate, 0, C);
  if (spm_status_is_ok(s)) {
    if (op->c.elem == SPM_RUN_F32)
      matmul_f32(M, N, K, A, B, C);
    else
      matmul_i32(M, N, K, A, B, C);
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
} conv_dims_t;

// Per output element the sum runs over (c, kh, kw) in lexicographic order,
// as in the loops of linalg.conv_2d_nchw_fchw; padded inputs contribute
// 0 * w like an explicitly zero-padded input.
#define CONV_KERNEL(NAME, T, MAC)                                              \
  static void NAME(const conv_dims_t *d, const T *in, const T *w, T *out) {    \
    for (int64_t n = 0; n < d->N; ++n)                                         \
      for (int64_t f = 0; f < d->F; ++f) {                                     \
        int64_t g = f / d->Fg;                                                 \
        T *o = out + (n * d->F + f) * d->OH * d->OW;                           \
        for (int64_t c = 0; c < d->Cg; ++c) {                                  \
          const T *x = in + (n * d->C + g * d->Cg + c) * d->H * d->W;          \
          for (int64_t kh = 0; kh < d->KH; ++kh)                               \
            for (int64_t kw = 0; kw < d->KW; ++kw) {                           \
              T wv = w[((f * d->Cg + c) * d->KH + kh) * d->KW + kw];           \
              for (int64_t oh = 0; oh < d->OH; ++oh) {                         \
                int64_t ih = oh * d->sh - d->ph + kh * d->dh;                  \
                bool hin = ih >= 0 && ih < d->H;                               \
                T *orow = o + oh * d->OW;                                      \
                for (int64_t ow = 0; ow < d->OW; ++ow) {                       \
                  int64_t iw = ow * d->sw - d->pw + kw * d->dw;                \
                  T xv = hin && iw >= 0 && iw < d->W ? x[ih * d->W + iw] : 0;  \
                  orow[ow] = MAC(orow[ow], xv, wv);                            \
                }                                                              \
              }                                                                \
            }                                                                  \
        }                                                                      \
      }                                                                        \
  }
#define MAC_F32(acc, x, w) ((acc) + (x) * (w))
#define MAC_I32(acc, x, w)                                                     \
  ((int32_t)((uint32_t)(acc) + (uint32_t)(x) * (uint32_t)(w)))
CONV_KERNEL(conv_f32, float, MAC_F32)
CONV_KERNEL(conv_i32, int32_t, MAC_I32)

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
  spm_status_t s = dense(m, spm_run_view_numel(&op->in), &I);
  if (spm_status_is_ok(s)) s = dense(m, spm_run_view_numel(&op->filter), &Wt);
  if (spm_status_is_ok(s)) s = dense(m, spm_run_view_numel(&op->out), &O);
  if (spm_status_is_ok(s)) s = spm_run_gather(m, &op->in, "in", I);
  if (spm_status_is_ok(s)) s = spm_run_gather(m, &op->filter, "filter", Wt);
  if (spm_status_is_ok(s)) s = init_out(m, &op->out, op->accumulate, 0, O);
  if (spm_status_is_ok(s)) {
    if (op->out.elem == SPM_RUN_F32)
      conv_f32(&d, I, Wt, O);
    else
      conv_i32(&d, I, Wt, O);
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
  spm_status_t s = dense(m, spm_run_view_numel(&op->in), &I);
  if (spm_status_is_ok(s)) s = dense(m, spm_run_view_numel(&op->out), &O);
  if (spm_status_is_ok(s)) s = spm_run_gather(m, &op->in, "in", I);
  if (spm_status_is_ok(s))
    s = init_out(m, &op->out, op->accumulate, identity, O);
  if (spm_status_is_ok(s)) {
    for (int64_t nc = 0; nc < N * C; ++nc)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t oi = (nc * OH + oh) * OW + ow;
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
              int64_t ii = (nc * H + ih) * W + iw;
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
