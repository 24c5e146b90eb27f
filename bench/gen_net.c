// spm-bench-gen net resnet18|vgg16 [--dtype f32|i8] [--scale N]
//
// Prints one MLIR function (batch 1, NCHW, linalg on memrefs) computing the
// whole published network:
//
//   ResNet-18 (torchvision resnet18): conv1 7x7/2 pad 3 + relu, maxpool
//     3x3/2 pad 1, 4 stages x 2 BasicBlocks of 3x3 convs (first block of
//     stages 2-4: stride-2 first conv and a 1x1/2 projection shortcut conv),
//     residual add + relu after each block, global average pool, fc
//     512->1000. BatchNorm is folded into the convs: every conv has a bias
//     argument (the folded BN shift), added in the conv's epilogue.
//   VGG-16 (torchvision vgg16, configuration D): 13 3x3 convs (pad 1, with
//     bias) + relu, 5 maxpools 2x2/2, fc 25088->4096 + relu, 4096->4096 +
//     relu, 4096->1000 (dropout is the identity at inference).
//
// Signature: func.func @NET(%input: memref<1x3xSxSxT>, then per layer in
// the order of bench/workloads/NET_layers.csv %<layer>_w and %<layer>_b
// ("." in layer names becomes "_"), %output: memref<1x1000xTout>).
// Conv weights are FCHW memref<CoutxCinxKxKxT>; fc weights are
// memref<KxNxT> (in x out, the transpose of PyTorch's layout) so that the
// fc is linalg.matmul (1xK) x (KxN); biases are memref<CxTacc>.
//
// Only these ops appear: memref.alloc (every intermediate, static shapes,
// never deallocated), memref.subview (static, rank-preserving: the interior
// of a padded buffer), arith.constant, linalg.fill,
// linalg.conv_2d_nchw_fchw, linalg.matmul, linalg.pooling_nchw_max,
// linalg.pooling_nchw_sum and element-wise linalg.generic ops whose
// indexing maps are projected permutations, except the flatten map
// (d0, d1, d2, d3) -> (d0, d1 * H*W + d2 * W + d3) that writes a pooled
// 1xCxHxW activation into the memref<1x(C*H*W)> read by the first fc.
//
// Each conv accumulates into its own zero-filled buffer; one "epilogue"
// generic then adds the bias (broadcast map (d0, d1, d2, d3) -> (d1)),
// for int8 requantises, adds the residual (ResNet) and applies relu, writing
// straight into the next consumer's input: for a padded consumer, the
// interior subview of a buffer filled with the padding value (0 before a
// conv, -inf / -128 before ResNet's padded maxpool), so convs and pools read
// the padded buffer with no padding attribute (as the cnn mode does).
// Max pools first fill their output (view) with -inf / -128. The network
// input is copied into conv1's padded buffer by a copy generic. Average
// pool = linalg.pooling_nchw_sum into a 1xCx1x1 accumulator, then one
// generic that scales by 1/(H*W) (int8: divides) and writes the flattened
// memref<1xC>.
//
// --dtype f32 (default): everything f32. --dtype i8: activations and
// weights i8, biases and accumulators i32 (convs, matmuls and the average
// pool sum take i8 inputs and an i32 output); requantisation is
// arith.shrsi by 8, clamp to [-128, 127] ([0, 127] when fused with relu),
// arith.trunci to i8. ResNet's residual add is done in i8 with saturation:
// requantised conv2 result (clamped to i8) + arith.extsi(skip), clamped to
// [0, 127] (relu), truncated. The final fc writes %output: memref<1x1000xi32>
// (accumulator + bias, not requantised).
//
// --scale N (default 1): N must divide 64 (N in 1, 2, 4, 8, 16, 32, 64),
// otherwise error. Every channel count except the 3 input channels and the
// 1000 classes is divided by N (VGG-16's fc hidden width 4096 too). The
// image side is 224 / N rounded up to a multiple of 32 (both networks
// downsample by exactly 32, and every stride-2 layer must halve its input
// exactly): S = 32 * ceil(7 / N), i.e. 224, 128, 64, 32, 32, 32, 32 for
// N = 1, 2, 4, ..., 64, and the last feature map is S/32 square (7, 4, 2,
// 1, ...). ResNet's average pool window and VGG's first fc width follow.
//
// The first output lines are comments:
//   // net NET T: N convs, M MACs, W weight bytes, A activation bytes
// with M the conv MACs only (at scale 1 equal to the sum of the CSV conv
// rows' MACs column), W the bytes of all weight and bias arguments, A the
// bytes of every memref.alloc of the body (arguments %input/%output
// excluded); a second comment line counts ops and the fc MACs.
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gen_net(int argc, char **argv);

typedef struct {
  char *p;
  size_t n, cap;
} sbuf_t;

static void sb_printf(sbuf_t *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->n;
    int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (k < 0)
      abort();
    if ((size_t)k < room) {
      b->n += (size_t)k;
      return;
    }
    size_t cap = b->cap ? 2 * b->cap : 4096;
    while (cap - b->n <= (size_t)k)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
      abort();
    b->p = p;
    b->cap = cap;
  }
}

// An activation: logical 1 x c x h x w, stored in buffer `buf` of
// 1 x c x (h+2pad) x (w+2pad); `view` is the interior subview (== buf when
// pad == 0).
typedef struct {
  char buf[64], view[72];
  long c, h, w, pad;
  const char *et;
} act_t;

typedef struct {
  bool i8;
  const char *T, *A; // activation/weight and accumulator element types
  long tb, ab;       // their sizes in bytes
  sbuf_t maps, args, body;
  long wins[8];
  int nwins;
  long convs, matmuls, pools, generics, fills, allocs, subviews;
  long conv_macs, fc_macs, weight_bytes, act_bytes;
  bool failed;
} gen_t;

static long et_bytes(const gen_t *g, const char *et) {
  (void)g;
  return strcmp(et, "i8") == 0 ? 1 : 4;
}

static void sanitize(char *dst, size_t n, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < n; ++i)
    dst[i] = src[i] == '.' ? '_' : src[i];
  dst[i] = 0;
}

static void full_ty(char *s, size_t n, const act_t *a) {
  snprintf(s, n, "memref<1x%ldx%ldx%ldx%s>", a->c, a->h + 2 * a->pad, a->w + 2 * a->pad,
           a->et);
}

static void view_ty(char *s, size_t n, const act_t *a) {
  if (a->pad == 0) {
    full_ty(s, n, a);
    return;
  }
  long hp = a->h + 2 * a->pad, wp = a->w + 2 * a->pad;
  snprintf(s, n, "memref<1x%ldx%ldx%ldx%s, strided<[%ld, %ld, %ld, 1], offset: %ld>>", a->c,
           a->h, a->w, a->et, a->c * hp * wp, hp * wp, wp, a->pad * wp + a->pad);
}

static const char *zero_of(const gen_t *g, const char *et) {
  if (!g->i8)
    return "%c_zero";
  return strcmp(et, "i8") == 0 ? "%c_zero_i8" : "%c_zero_i32";
}

static const char *ninf_of(const gen_t *g) { return g->i8 ? "%c_ninf_i8" : "%c_ninf"; }

static void fill(gen_t *g, const char *val, const char *et, const char *name, const char *ty) {
  sb_printf(&g->body, "  linalg.fill ins(%s : %s) outs(%s : %s)\n", val, et, name, ty);
  g->fills++;
}

// Allocates an activation buffer (filled with `fillval` unless NULL) and,
// when padded, the subview of its interior.
static act_t new_act(gen_t *g, const char *name, long c, long h, long w, long pad,
                     const char *et, const char *fillval) {
  act_t a;
  memset(&a, 0, sizeof a);
  snprintf(a.buf, sizeof a.buf, "%%%s", name);
  a.c = c, a.h = h, a.w = w, a.pad = pad, a.et = et;
  char ty[256];
  full_ty(ty, sizeof ty, &a);
  sb_printf(&g->body, "  %s = memref.alloc() : %s\n", a.buf, ty);
  g->allocs++;
  g->act_bytes += c * (h + 2 * pad) * (w + 2 * pad) * et_bytes(g, et);
  if (fillval)
    fill(g, fillval, et, a.buf, ty);
  if (pad == 0) {
    snprintf(a.view, sizeof a.view, "%s", a.buf);
  } else {
    snprintf(a.view, sizeof a.view, "%s_int", a.buf);
    char vty[256];
    view_ty(vty, sizeof vty, &a);
    sb_printf(&g->body,
              "  %s = memref.subview %s[0, 0, %ld, %ld] [1, %ld, %ld, %ld] [1, 1, 1, 1] : "
              "%s to %s\n",
              a.view, a.buf, pad, pad, c, h, w, ty, vty);
    g->subviews++;
  }
  return a;
}

static void alloc2(gen_t *g, const char *name, long n, const char *et) {
  sb_printf(&g->body, "  %%%s = memref.alloc() : memref<1x%ldx%s>\n", name, n, et);
  g->allocs++;
  g->act_bytes += n * et_bytes(g, et);
}

static void add_arg(gen_t *g, const char *name, const char *ty, long bytes) {
  sb_printf(&g->args, "%s%%%s: %s", g->args.n ? ", " : "", name, ty);
  g->weight_bytes += bytes;
}

static const char *window(gen_t *g, long k) {
  static char name[32];
  snprintf(name, sizeof name, "%%win_%ldx%ld", k, k);
  for (int i = 0; i < g->nwins; ++i)
    if (g->wins[i] == k)
      return name;
  if (g->nwins < 8)
    g->wins[g->nwins++] = k;
  sb_printf(&g->body, "  %s = memref.alloc() : memref<%ldx%ldx%s>\n", name, k, k, g->T);
  g->allocs++;
  g->act_bytes += k * k * et_bytes(g, g->T);
  return name;
}

// Operand through which a window op with padding `pad` reads `a`: the
// whole buffer when its padding matches, the interior when pad is 0.
static bool read_operand(gen_t *g, const act_t *a, long pad, const char **name, char *ty,
                         size_t n) {
  if (a->pad == pad) {
    *name = a->buf;
    full_ty(ty, n, a);
  } else if (pad == 0) {
    *name = a->view;
    view_ty(ty, n, a);
  } else {
    fprintf(stderr, "spm-bench-gen: internal error: padding %ld vs buffer padding %ld\n", pad,
            a->pad);
    g->failed = true;
    return false;
  }
  return true;
}

static bool out_size(gen_t *g, const char *what, long in, long k, long s, long pad, long *out) {
  long o = (in + 2 * pad - k) / s + 1;
  if (in % s != 0 || o != in / s || o < 1) {
    fprintf(stderr, "spm-bench-gen: error: %s: input size %ld is not halved exactly\n", what,
            in);
    g->failed = true;
    return false;
  }
  *out = o;
  return true;
}

// conv `lname`: weight/bias arguments, a zero-filled accumulator and the
// conv op. Returns the accumulator; *bias receives the bias argument name.
static act_t conv(gen_t *g, const char *lname, const act_t *in, long cout, long k, long s,
                  long pad, char *bias, size_t nbias) {
  act_t acc;
  memset(&acc, 0, sizeof acc);
  char id[64], ity[256], wty[128], bty[64], name[80];
  const char *iname;
  long ho, wo;
  if (!read_operand(g, in, pad, &iname, ity, sizeof ity) ||
      !out_size(g, lname, in->h, k, s, pad, &ho) || !out_size(g, lname, in->w, k, s, pad, &wo))
    return acc;
  sanitize(id, sizeof id, lname);
  snprintf(wty, sizeof wty, "memref<%ldx%ldx%ldx%ldx%s>", cout, in->c, k, k, g->T);
  snprintf(bty, sizeof bty, "memref<%ldx%s>", cout, g->A);
  snprintf(name, sizeof name, "%s_w", id);
  add_arg(g, name, wty, cout * in->c * k * k * g->tb);
  snprintf(name, sizeof name, "%s_b", id);
  add_arg(g, name, bty, cout * g->ab);
  snprintf(bias, nbias, "%%%s_b", id);
  snprintf(name, sizeof name, "acc_%s", id);
  acc = new_act(g, name, cout, ho, wo, 0, g->A, zero_of(g, g->A));
  char aty[256];
  full_ty(aty, sizeof aty, &acc);
  sb_printf(&g->body,
            "  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = "
            "dense<%ld> : tensor<2xi64>} ins(%s, %%%s_w : %s, %s) outs(%s : %s)\n",
            s, iname, id, ity, wty, acc.buf, aty);
  g->convs++;
  g->conv_macs += cout * ho * wo * in->c * k * k;
  return acc;
}

// Body of an epilogue generic: %a accumulator, %b bias, [%r residual],
// %o output. Requantises when the output is i8.
static void epilogue_body(gen_t *g, bool skip, bool relu, const char *out_et) {
  const char *A = g->A, *T = g->T;
  sb_printf(&g->body, "  ^bb0(%%a: %s, %%b: %s, %s%s%s%%o: %s):\n", A, A, skip ? "%r: " : "",
            skip ? T : "", skip ? ", " : "", out_et);
  if (!g->i8) {
    sb_printf(&g->body, "    %%s = arith.addf %%a, %%b : f32\n");
    const char *v = "%s";
    if (skip) {
      sb_printf(&g->body, "    %%t = arith.addf %%s, %%r : f32\n");
      v = "%t";
    }
    if (relu) {
      sb_printf(&g->body, "    %%y = arith.maximumf %s, %%c_zero : f32\n", v);
      v = "%y";
    }
    sb_printf(&g->body, "    linalg.yield %s : f32\n  }\n", v);
    return;
  }
  sb_printf(&g->body, "    %%s = arith.addi %%a, %%b : i32\n");
  if (strcmp(out_et, "i32") == 0) {
    sb_printf(&g->body, "    linalg.yield %%s : i32\n  }\n");
    return;
  }
  sb_printf(&g->body, "    %%q = arith.shrsi %%s, %%c_shift : i32\n");
  const char *v = "%q";
  if (skip) {
    sb_printf(&g->body,
              "    %%q1 = arith.maxsi %%q, %%c_min : i32\n"
              "    %%q2 = arith.minsi %%q1, %%c_max : i32\n"
              "    %%e = arith.extsi %%r : i8 to i32\n"
              "    %%t = arith.addi %%q2, %%e : i32\n");
    v = "%t";
  }
  sb_printf(&g->body,
            "    %%l = arith.maxsi %s, %s : i32\n"
            "    %%h = arith.minsi %%l, %%c_max : i32\n"
            "    %%y = arith.trunci %%h : i32 to i8\n"
            "    linalg.yield %%y : i8\n  }\n",
            v, relu ? "%c_zero_i32" : "%c_min");
}

static const char *PAR4 = "[\"parallel\", \"parallel\", \"parallel\", \"parallel\"]";
static const char *PAR2 = "[\"parallel\", \"parallel\"]";

// dst.view = act(requant(acc + bias) [+ skip])
static void epilogue(gen_t *g, const act_t *acc, const char *bias, const act_t *skip,
                     bool relu, const act_t *dst) {
  if (g->failed)
    return;
  char aty[256], sty[256], dty[256];
  full_ty(aty, sizeof aty, acc);
  view_ty(dty, sizeof dty, dst);
  if (skip)
    view_ty(sty, sizeof sty, skip);
  sb_printf(&g->body,
            "  linalg.generic {indexing_maps = [#id4, #bc4, %s#id4], iterator_types = %s} "
            "ins(%s, %s%s%s : %s, memref<%ldx%s>%s%s) outs(%s : %s) {\n",
            skip ? "#id4, " : "", PAR4, acc->buf, bias, skip ? ", " : "",
            skip ? skip->view : "", aty, acc->c, g->A, skip ? ", " : "", skip ? sty : "",
            dst->view, dty);
  g->generics++;
  epilogue_body(g, skip != NULL, relu, dst->et);
}

// 2-D (fc) epilogue: dst = act(requant(acc + bias)).
static void epilogue2(gen_t *g, const char *acc, const char *bias, long n, bool relu,
                      const char *dst, const char *dst_et) {
  sb_printf(&g->body,
            "  linalg.generic {indexing_maps = [#id2, #bc2, #id2], iterator_types = %s} "
            "ins(%s, %s : memref<1x%ldx%s>, memref<%ldx%s>) outs(%s : memref<1x%ldx%s>) {\n",
            PAR2, acc, bias, n, g->A, n, g->A, dst, n, dst_et);
  g->generics++;
  epilogue_body(g, false, relu, dst_et);
}

// Copies %input into the interior of conv1's padded buffer.
static void copy_input(gen_t *g, long s, const act_t *dst) {
  char dty[256];
  view_ty(dty, sizeof dty, dst);
  sb_printf(&g->body,
            "  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = %s} "
            "ins(%%input : memref<1x3x%ldx%ldx%s>) outs(%s : %s) {\n"
            "  ^bb0(%%a: %s, %%o: %s):\n    linalg.yield %%a : %s\n  }\n",
            PAR4, s, s, g->T, dst->view, dty, g->T, g->T, g->T);
  g->generics++;
}

// dst.view = maxpool k x k / s with padding `pad` (read from in's buffer).
static void maxpool(gen_t *g, const act_t *in, long k, long s, long pad, const act_t *dst) {
  if (g->failed)
    return;
  char ity[256], dty[256];
  const char *iname;
  long ho;
  if (!read_operand(g, in, pad, &iname, ity, sizeof ity) ||
      !out_size(g, "maxpool", in->h, k, s, pad, &ho))
    return;
  if (ho != dst->h || dst->c != in->c) {
    fprintf(stderr, "spm-bench-gen: internal error: maxpool shape\n");
    g->failed = true;
    return;
  }
  const char *win = window(g, k);
  view_ty(dty, sizeof dty, dst);
  fill(g, ninf_of(g), g->T, dst->view, dty);
  sb_printf(&g->body,
            "  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = "
            "dense<%ld> : tensor<2xi64>} ins(%s, %s : %s, memref<%ldx%ldx%s>) outs(%s : %s)\n",
            s, iname, win, ity, k, k, g->T, dst->view, dty);
  g->pools++;
}

// fc `lname`: y = x * W (+ bias, relu/requant) into dst (a 1 x nout buffer
// named dst of element type dst_et).
static void fc(gen_t *g, const char *lname, const char *x, long nin, long nout, bool relu,
               const char *dst, const char *dst_et) {
  char name[80], wty[96], bty[64];
  snprintf(wty, sizeof wty, "memref<%ldx%ldx%s>", nin, nout, g->T);
  snprintf(bty, sizeof bty, "memref<%ldx%s>", nout, g->A);
  snprintf(name, sizeof name, "%s_w", lname);
  add_arg(g, name, wty, nin * nout * g->tb);
  snprintf(name, sizeof name, "%s_b", lname);
  add_arg(g, name, bty, nout * g->ab);
  snprintf(name, sizeof name, "acc_%s", lname);
  alloc2(g, name, nout, g->A);
  sb_printf(&g->body, "  linalg.fill ins(%s : %s) outs(%%%s : memref<1x%ldx%s>)\n",
            zero_of(g, g->A), g->A, name, nout, g->A);
  g->fills++;
  sb_printf(&g->body,
            "  linalg.matmul ins(%s, %%%s_w : memref<1x%ldx%s>, %s) outs(%%%s : "
            "memref<1x%ldx%s>)\n",
            x, lname, nin, g->T, wty, name, nout, g->A);
  g->matmuls++;
  g->fc_macs += nin * nout;
  char acc[88], bias[88];
  snprintf(acc, sizeof acc, "%%%s", name);
  snprintf(bias, sizeof bias, "%%%s_b", lname);
  epilogue2(g, acc, bias, nout, relu, dst, dst_et);
}

// Generic writing the 1xCxHxW activation `in` (element type et) flattened
// into the 1 x C*H*W buffer `dst`; `scale` is an average-pool divisor
// (0: plain copy).
static void flatten(gen_t *g, const act_t *in, const char *dst, long area) {
  long n = in->c * in->h * in->w;
  char ity[256];
  full_ty(ity, sizeof ity, in);
  sb_printf(&g->maps,
            "#flat_%ldx%ldx%ld = affine_map<(d0, d1, d2, d3) -> (d0, d1 * %ld + d2 * %ld + "
            "d3)>\n",
            in->c, in->h, in->w, in->h * in->w, in->w);
  if (area) {
    if (g->i8)
      sb_printf(&g->body, "  %%c_area = arith.constant %ld : i32\n", area);
    else
      sb_printf(&g->body, "  %%c_inv_area = arith.constant %.9e : f32\n", 1.0 / (double)area);
  }
  sb_printf(&g->body,
            "  linalg.generic {indexing_maps = [#id4, #flat_%ldx%ldx%ld], iterator_types = "
            "%s} ins(%s : %s) outs(%s : memref<1x%ldx%s>) {\n"
            "  ^bb0(%%a: %s, %%o: %s):\n",
            in->c, in->h, in->w, PAR4, in->buf, ity, dst, n, g->T, in->et, g->T);
  g->generics++;
  if (!area)
    sb_printf(&g->body, "    linalg.yield %%a : %s\n  }\n", g->T);
  else if (!g->i8)
    sb_printf(&g->body, "    %%y = arith.mulf %%a, %%c_inv_area : f32\n"
                        "    linalg.yield %%y : f32\n  }\n");
  else
    sb_printf(&g->body, "    %%d = arith.divsi %%a, %%c_area : i32\n"
                        "    %%l = arith.maxsi %%d, %%c_min : i32\n"
                        "    %%h = arith.minsi %%l, %%c_max : i32\n"
                        "    %%y = arith.trunci %%h : i32 to i8\n"
                        "    linalg.yield %%y : i8\n  }\n");
}

static void resnet18(gen_t *g, long N, long S) {
  char b[96], bname[96], ds_b[96];
  act_t x0 = new_act(g, "in_conv1", 3, S, S, 3, g->T, zero_of(g, g->T));
  copy_input(g, S, &x0);
  act_t acc = conv(g, "conv1", &x0, 64 / N, 7, 2, 3, b, sizeof b);
  if (g->failed)
    return;
  act_t p = new_act(g, "in_maxpool", 64 / N, acc.h, acc.w, 1, g->T, ninf_of(g));
  epilogue(g, &acc, b, NULL, true, &p);
  act_t x = new_act(g, "x_layer1_0", 64 / N, S / 4, S / 4, 1, g->T, zero_of(g, g->T));
  maxpool(g, &p, 3, 2, 1, &x);
  for (int st = 1; st <= 4 && !g->failed; ++st) {
    long c = (64L << (st - 1)) / N;
    for (int bl = 0; bl < 2 && !g->failed; ++bl) {
      bool proj = st > 1 && bl == 0;
      long s = proj ? 2 : 1;
      char ln[64];
      snprintf(ln, sizeof ln, "layer%d.%d.conv1", st, bl);
      act_t a1 = conv(g, ln, &x, c, 3, s, 1, b, sizeof b);
      if (g->failed)
        return;
      snprintf(bname, sizeof bname, "in_layer%d_%d_conv2", st, bl);
      act_t mid = new_act(g, bname, c, a1.h, a1.w, 1, g->T, zero_of(g, g->T));
      epilogue(g, &a1, b, NULL, true, &mid);
      snprintf(ln, sizeof ln, "layer%d.%d.conv2", st, bl);
      act_t a2 = conv(g, ln, &mid, c, 3, 1, 1, b, sizeof b);
      if (g->failed)
        return;
      act_t skip = x;
      if (proj) {
        snprintf(ln, sizeof ln, "layer%d.%d.downsample", st, bl);
        act_t ad = conv(g, ln, &x, c, 1, 2, 0, ds_b, sizeof ds_b);
        if (g->failed)
          return;
        snprintf(bname, sizeof bname, "ds_layer%d_%d", st, bl);
        skip = new_act(g, bname, c, ad.h, ad.w, 0, g->T, NULL);
        epilogue(g, &ad, ds_b, NULL, false, &skip);
      }
      bool last = st == 4 && bl == 1;
      if (last)
        snprintf(bname, sizeof bname, "feat");
      else
        snprintf(bname, sizeof bname, "x_layer%d_%d", bl == 1 ? st + 1 : st, bl == 1 ? 0 : 1);
      act_t out = new_act(g, bname, c, a2.h, a2.w, last ? 0 : 1, g->T,
                          last ? NULL : zero_of(g, g->T));
      epilogue(g, &a2, b, &skip, true, &out);
      x = out;
    }
  }
  if (g->failed)
    return;
  // global average pool: sum over the whole h x w map, then scale+flatten
  long hw = x.h;
  act_t sum = new_act(g, "avgpool_sum", x.c, 1, 1, 0, g->A, zero_of(g, g->A));
  const char *win = window(g, hw);
  char xty[256], sty[256];
  full_ty(xty, sizeof xty, &x);
  full_ty(sty, sizeof sty, &sum);
  sb_printf(&g->body,
            "  linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = "
            "dense<1> : tensor<2xi64>} ins(%s, %s : %s, memref<%ldx%ldx%s>) outs(%s : %s)\n",
            x.buf, win, xty, hw, hw, g->T, sum.buf, sty);
  g->pools++;
  alloc2(g, "flat", x.c, g->T);
  flatten(g, &sum, "%flat", hw * hw);
  fc(g, "fc", "%flat", x.c, 1000, false, "%output", g->i8 ? "i32" : "f32");
}

static void vgg16(gen_t *g, long N, long S) {
  static const long cfg[] = {64,  64,  0,   128, 128, 0,   256, 256, 256,
                             0,   512, 512, 512, 0,   512, 512, 512, 0};
  const int ncfg = (int)(sizeof cfg / sizeof cfg[0]);
  char b[96], bname[96], ln[32];
  act_t x = new_act(g, "in_conv1", 3, S, S, 1, g->T, zero_of(g, g->T));
  copy_input(g, S, &x);
  int conv_i = 0;
  for (int i = 0; i < ncfg && !g->failed; ++i) {
    if (cfg[i] == 0)
      continue;
    long c = cfg[i] / N;
    snprintf(ln, sizeof ln, "conv%d", ++conv_i);
    act_t acc = conv(g, ln, &x, c, 3, 1, 1, b, sizeof b);
    if (g->failed)
      return;
    bool pool = cfg[i + 1] == 0;
    act_t out;
    if (pool) {
      snprintf(bname, sizeof bname, "in_pool%d", conv_i);
      out = new_act(g, bname, c, acc.h, acc.w, 0, g->T, NULL);
    } else {
      snprintf(bname, sizeof bname, "in_conv%d", conv_i + 1);
      out = new_act(g, bname, c, acc.h, acc.w, 1, g->T, zero_of(g, g->T));
    }
    epilogue(g, &acc, b, NULL, true, &out);
    x = out;
    if (pool) {
      bool last = i + 1 == ncfg - 1;
      if (last)
        snprintf(bname, sizeof bname, "feat");
      else
        snprintf(bname, sizeof bname, "in_conv%d", conv_i + 1);
      act_t po = new_act(g, bname, c, x.h / 2, x.w / 2, last ? 0 : 1, g->T,
                         last ? NULL : zero_of(g, g->T));
      maxpool(g, &x, 2, 2, 0, &po);
      x = po;
    }
  }
  if (g->failed)
    return;
  long k = x.c * x.h * x.w, hid = 4096 / N;
  alloc2(g, "flat", k, g->T);
  flatten(g, &x, "%flat", 0);
  alloc2(g, "fc6_out", hid, g->T);
  fc(g, "fc6", "%flat", k, hid, true, "%fc6_out", g->T);
  alloc2(g, "fc7_out", hid, g->T);
  fc(g, "fc7", "%fc6_out", hid, hid, true, "%fc7_out", g->T);
  fc(g, "fc8", "%fc7_out", hid, 1000, false, "%output", g->i8 ? "i32" : "f32");
}

static int net_error(const char *fmt, const char *arg) {
  fprintf(stderr, "spm-bench-gen: error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nusage: spm-bench-gen net resnet18|vgg16 [--dtype f32|i8] [--scale N]\n");
  return 1;
}

// argv: the arguments after "net".
int gen_net(int argc, char **argv) {
  const char *net = NULL, *dtype = "f32", *scale_s = "1";
  for (int i = 0; i < argc; ++i) {
    const char *a = argv[i];
    const char **dst = NULL;
    const char *opt = NULL;
    if (strncmp(a, "--dtype", 7) == 0 && (a[7] == 0 || a[7] == '='))
      dst = &dtype, opt = "--dtype";
    else if (strncmp(a, "--scale", 7) == 0 && (a[7] == 0 || a[7] == '='))
      dst = &scale_s, opt = "--scale";
    if (dst) {
      if (a[7] == '=')
        *dst = a + 8;
      else if (i + 1 < argc)
        *dst = argv[++i];
      else
        return net_error("%s needs a value", opt);
      continue;
    }
    if (a[0] == '-')
      return net_error("unknown option '%s'", a);
    if (net)
      return net_error("more than one network given ('%s')", a);
    net = a;
  }
  if (!net)
    return net_error("%s", "missing network name (resnet18 or vgg16)");
  bool is_resnet = strcmp(net, "resnet18") == 0;
  if (!is_resnet && strcmp(net, "vgg16") != 0)
    return net_error("unknown network '%s' (expected resnet18 or vgg16)", net);
  if (strcmp(dtype, "f32") != 0 && strcmp(dtype, "i8") != 0)
    return net_error("unknown --dtype '%s' (expected f32 or i8)", dtype);
  char *end;
  long N = strtol(scale_s, &end, 10);
  if (!*scale_s || *end || N <= 0)
    return net_error("--scale must be a positive integer, got '%s'", scale_s);
  if (64 % N != 0)
    return net_error("--scale %s does not divide every channel count (the smallest is 64): "
                     "use 1, 2, 4, 8, 16, 32 or 64",
                     scale_s);
  long S = 32 * ((7 + N - 1) / N);

  gen_t g;
  memset(&g, 0, sizeof g);
  g.i8 = strcmp(dtype, "i8") == 0;
  g.T = g.i8 ? "i8" : "f32";
  g.A = g.i8 ? "i32" : "f32";
  g.tb = g.i8 ? 1 : 4;
  g.ab = 4;
  if (g.i8)
    sb_printf(&g.body, "  %%c_zero_i8 = arith.constant 0 : i8\n"
                       "  %%c_zero_i32 = arith.constant 0 : i32\n"
                       "  %%c_ninf_i8 = arith.constant -128 : i8\n"
                       "  %%c_shift = arith.constant 8 : i32\n"
                       "  %%c_min = arith.constant -128 : i32\n"
                       "  %%c_max = arith.constant 127 : i32\n");
  else
    sb_printf(&g.body, "  %%c_zero = arith.constant 0.0 : f32\n"
                       "  %%c_ninf = arith.constant 0xFF800000 : f32\n");
  if (is_resnet)
    resnet18(&g, N, S);
  else
    vgg16(&g, N, S);
  if (g.failed)
    return 1;
  printf("// net %s %s: %ld convs, %ld MACs, %ld weight bytes, %ld activation bytes\n", net,
         dtype, g.convs, g.conv_macs, g.weight_bytes, g.act_bytes);
  printf("// scale %ld, image 3x%ldx%ld; ops: %ld linalg.conv_2d_nchw_fchw, %ld linalg.matmul "
         "(%ld fc MACs), %ld pooling, %ld linalg.generic, %ld linalg.fill, %ld memref.alloc, "
         "%ld memref.subview\n",
         N, S, S, g.convs, g.matmuls, g.fc_macs, g.pools, g.generics, g.fills, g.allocs,
         g.subviews);
  printf("#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>\n"
         "#bc4 = affine_map<(d0, d1, d2, d3) -> (d1)>\n"
         "#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
         "#bc2 = affine_map<(d0, d1) -> (d1)>\n");
  fwrite(g.maps.p, 1, g.maps.n, stdout);
  printf("func.func @%s(%%input: memref<1x3x%ldx%ldx%s>, ", net, S, S, g.T);
  fwrite(g.args.p, 1, g.args.n, stdout);
  printf(", %%output: memref<1x1000x%s>) {\n", g.i8 ? "i32" : "f32");
  fwrite(g.body.p, 1, g.body.n, stdout);
  printf("  return\n}\n");
  free(g.maps.p);
  free(g.args.p);
  free(g.body.p);
  return 0;
}
