// spm-fuzz-gen's generator (gen.h): a seeded random chain of linalg ops.
//
// The program is a chain over one "current" activation, NCHW (rank 4) or a
// matrix (rank 2), of 3 to 9 steps drawn from:
//   conv      linalg.conv_2d_nchw_fchw (kernel 1-3, stride 1-2, dilation
//             1-2) into a filled accumulator, input padded by a copy into
//             the interior subview of a filled buffer, optional epilogue
//             generic (bias, ReLU, random body; int8: shift, clamp, trunci);
//   pool      linalg.pooling_nchw_max / _sum (window 1-3, stride 1-3,
//             dilation 1-2) into a filled output, optionally padded;
//   eltwise   an all-parallel linalg.generic with a random arith body over
//             the activation, a residual (an activation of several steps
//             before), a broadcast bias; out of place, in place (the body
//             reads the output), or transposing;
//   window    a static strided subview of the activation (read later);
//   flatten / unflatten   NCHW <-> N x (C*H*W) through the map
//             (d0, d1*H*W + d2*W + d3);
//   matmul    linalg.matmul (activation x weight or weight x activation)
//             into a filled accumulator or straight into a seeded output
//             argument (accumulating onto it), optional epilogue.
// Element types: all f32, all i32, or int8 (i8 activations and weights,
// i32 accumulators and biases). Dimensions are small and often odd, prime
// or 1. Any new buffer may be an output argument instead of a
// memref.alloc; the last activation is copied to one. Every argument is
// seeded by spm-refcheck wrap, so reading an output first is defined.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "support/strbuf.h"

typedef enum { F32, I8, I32 } ty_t;

static const char *ty_name(ty_t t) {
  return t == F32 ? "f32" : t == I8 ? "i8" : "i32";
}

#define MAXV 128

typedef struct {
  char name[16];
  int rank;
  int64_t shape[4];
  ty_t ty;
  bool arg;
  bool strided; // a subview: layout strides / offset below
  int64_t strides[4], offset;
  int padded; // index of the padded parent buffer + 1 (0: none)
  int pad;    // its padding on H and W
  bool init;  // holds values (an argument, or written): a body may read it
} val_t;

typedef struct {
  uint64_t s;
  spm_strbuf_t body;
  val_t v[MAXV];
  int nv;
  int args[64], nargs;
  int acts[64], nacts; // activations, for residuals
  int next;            // SSA counter
  ty_t act, acc;
  bool overflow;
} gen_t;

static uint64_t rnd(gen_t *g) { // splitmix64
  uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static int64_t pick(gen_t *g, int64_t n) { return (int64_t)(rnd(g) % (uint64_t)n); }
static bool chance(gen_t *g, int percent) { return pick(g, 100) < percent; }
static int64_t from(gen_t *g, const int64_t *a, int n) { return a[pick(g, n)]; }

static const int64_t small_dims[] = {1, 2, 3, 4, 5, 7, 8};
static const int64_t side_dims[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13};
static const int64_t mat_dims[] = {1, 2, 3, 5, 7, 8, 9, 12, 13, 16, 17};

static void type_str(const val_t *v, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "memref<");
  for (int i = 0; i < v->rank; ++i)
    k += (size_t)snprintf(buf + k, n - k, "%lldx", (long long)v->shape[i]);
  k += (size_t)snprintf(buf + k, n - k, "%s", ty_name(v->ty));
  if (v->strided) {
    k += (size_t)snprintf(buf + k, n - k, ", strided<[");
    for (int i = 0; i < v->rank; ++i)
      k += (size_t)snprintf(buf + k, n - k, "%s%lld", i ? ", " : "",
                            (long long)v->strides[i]);
    k += (size_t)snprintf(buf + k, n - k, "], offset: %lld>",
                          (long long)v->offset);
  }
  snprintf(buf + k, n - k, ">");
}

static int64_t numel(const val_t *v) {
  int64_t n = 1;
  for (int i = 0; i < v->rank; ++i)
    n *= v->shape[i];
  return n;
}

static int new_val(gen_t *g, int rank, const int64_t *shape, ty_t ty) {
  if (g->nv == MAXV) {
    g->overflow = true;
    g->nv--;
  }
  val_t *v = &g->v[g->nv];
  memset(v, 0, sizeof *v);
  v->rank = rank;
  memcpy(v->shape, shape, sizeof(int64_t) * (size_t)rank);
  v->ty = ty;
  return g->nv++;
}

static int new_arg(gen_t *g, int rank, const int64_t *shape, ty_t ty) {
  int i = new_val(g, rank, shape, ty);
  snprintf(g->v[i].name, sizeof g->v[i].name, "%%arg%d", g->nargs);
  g->v[i].arg = true;
  g->v[i].init = true;
  if (g->nargs < 64)
    g->args[g->nargs++] = i;
  return i;
}

static int new_alloc(gen_t *g, int rank, const int64_t *shape, ty_t ty) {
  int i = new_val(g, rank, shape, ty);
  snprintf(g->v[i].name, sizeof g->v[i].name, "%%m%d", g->next++);
  char t[160];
  type_str(&g->v[i], t, sizeof t);
  spm_strbuf_appendf(&g->body, "  %s = memref.alloc() : %s\n", g->v[i].name,
                     t);
  return i;
}

// A buffer a step writes: usually an intermediate, sometimes an output.
static int new_buffer(gen_t *g, int rank, const int64_t *shape, ty_t ty) {
  return chance(g, 15) ? new_arg(g, rank, shape, ty)
                       : new_alloc(g, rank, shape, ty);
}

static void add_act(gen_t *g, int v) {
  if (g->nacts < 64)
    g->acts[g->nacts++] = v;
}

// A scalar constant of type t at function level (text as MLIR writes it).
// An integer literal ("0") is written as a float ("0.0") for f32.
static void constant(gen_t *g, ty_t t, const char *text, char *name) {
  bool f = t == F32 && !strpbrk(text, ".x");
  snprintf(name, 16, "%%c%d", g->next++);
  spm_strbuf_appendf(&g->body, "  %s = arith.constant %s%s : %s\n", name,
                     text, f ? ".0" : "", ty_name(t));
}

static const char *lowest(ty_t t) {
  return t == F32 ? "0xFF800000" : t == I8 ? "-128" : "-2147483648";
}

static void fill(gen_t *g, int v, ty_t t, const char *text) {
  char c[16], ty[160];
  constant(g, t, text, c);
  type_str(&g->v[v], ty, sizeof ty);
  g->v[v].init = true;
  spm_strbuf_appendf(&g->body, "  linalg.fill ins(%s : %s) outs(%s : %s)\n",
                     c, ty_name(t), g->v[v].name, ty);
}

static const char *small_const(gen_t *g, ty_t t) {
  static const char *f[] = {"0.0", "0.5", "-1.0", "2.0", "0.25"};
  static const char *i[] = {"0", "1", "-3", "7", "-128"};
  return t == F32 ? f[pick(g, 5)] : i[pick(g, 5)];
}

// ---- element-wise bodies -------------------------------------------------

typedef struct {
  gen_t *g;
  spm_strbuf_t *b;
  char leaves[6][16];
  ty_t leaf_ty[6];
  int nleaves;
} body_t;

static void body_op(body_t *bd, char *res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void body_op(body_t *bd, char *res, const char *fmt, ...) {
  snprintf(res, 16, "%%v%d", bd->g->next++);
  spm_strbuf_appendf(bd->b, "    %s = ", res);
  va_list ap;
  va_start(ap, fmt);
  spm_strbuf_vappendf(bd->b, fmt, ap);
  va_end(ap);
  spm_strbuf_append_str(bd->b, "\n");
}

// A random expression of type t over the leaves of type t; its SSA name in
// res. Constants inside the body or from function level.
static void expr(body_t *bd, ty_t t, int depth, char *res) {
  gen_t *g = bd->g;
  int cands[6], nc = 0;
  for (int i = 0; i < bd->nleaves; ++i)
    if (bd->leaf_ty[i] == t)
      cands[nc++] = i;
  if (depth == 0 || chance(g, 25)) {
    if (nc && !chance(g, 15)) {
      snprintf(res, 16, "%s", bd->leaves[cands[pick(g, nc)]]);
      return;
    }
    if (chance(g, 50))
      constant(g, t, small_const(g, t), res); // from outside the body
    else
      body_op(bd, res, "arith.constant %s : %s", small_const(g, t),
              ty_name(t));
    return;
  }
  char a[16], b[16], c[16];
  const char *tn = ty_name(t);
  if (t == F32) {
    static const char *bin[] = {"addf", "subf", "mulf", "maximumf",
                                "minimumf", "maxnumf", "minnumf"};
    int k = (int)pick(g, 10);
    expr(bd, t, depth - 1, a);
    if (k < 7) {
      expr(bd, t, depth - 1, b);
      body_op(bd, res, "arith.%s %s, %s : f32", bin[k], a, b);
    } else if (k == 7) {
      body_op(bd, res, "arith.negf %s : f32", a);
    } else if (k == 8) {
      body_op(bd, c, "arith.constant %s : f32",
              chance(g, 50) ? "4.0" : "-0.5");
      body_op(bd, res, "arith.divf %s, %s : f32", a, c);
    } else {
      expr(bd, t, depth - 1, b);
      body_op(bd, c, "arith.cmpf %s, %s, %s : f32",
              chance(g, 50) ? "olt" : "oge", a, b);
      char d[16];
      snprintf(d, sizeof d, "%s", a);
      body_op(bd, res, "arith.select %s, %s, %s : f32", c, b, d);
    }
    return;
  }
  static const char *bin[] = {"addi", "subi", "muli", "maxsi",
                              "minsi", "andi", "ori",  "xori"};
  int k = (int)pick(g, 12);
  expr(bd, t, depth - 1, a);
  if (k < 8) {
    expr(bd, t, depth - 1, b);
    body_op(bd, res, "arith.%s %s, %s : %s", bin[k], a, b, tn);
  } else if (k == 8) { // shift by a constant below the width
    body_op(bd, c, "arith.constant %d : %s",
            (int)pick(g, t == I8 ? 8 : 32), tn);
    body_op(bd, res, "arith.%s %s, %s : %s",
            chance(g, 50) ? "shrsi" : "shli", a, c, tn);
  } else if (k == 9) { // division by a positive constant
    body_op(bd, c, "arith.constant %d : %s", (int)(2 + pick(g, 6)), tn);
    body_op(bd, res, "arith.%s %s, %s : %s",
            chance(g, 50) ? "divsi" : "remsi", a, c, tn);
  } else if (k == 10 && t == I8) { // through i32
    body_op(bd, b, "arith.extsi %s : i8 to i32", a);
    body_op(bd, c, "arith.muli %s, %s : i32", b, b);
    body_op(bd, res, "arith.trunci %s : i32 to i8", c);
  } else {
    expr(bd, t, depth - 1, b);
    body_op(bd, c, "arith.cmpi %s, %s, %s : %s",
            chance(g, 50) ? "slt" : "sge", a, b, tn);
    char d[16];
    snprintf(d, sizeof d, "%s", a);
    body_op(bd, res, "arith.select %s, %s, %s : %s", c, b, d, tn);
  }
}

// ---- linalg.generic -------------------------------------------------------

typedef struct {
  int v;
  char map[160];
} opnd_t;

static void id_map(int rank, char *map) {
  static const char *ids[] = {"", "(d0) -> (d0)", "(d0, d1) -> (d0, d1)",
                              "(d0, d1, d2) -> (d0, d1, d2)",
                              "(d0, d1, d2, d3) -> (d0, d1, d2, d3)"};
  snprintf(map, 160, "%s", ids[rank]);
}

enum { BODY_RANDOM, BODY_COPY, BODY_EPILOGUE };

// Emits a generic over `nloops` parallel loops. Block args %vN.. get the
// inputs' and the output's values; `kind` says what the body computes.
static void generic(gen_t *g, int nloops, const opnd_t *ins, int nins,
                    const opnd_t *out, int kind) {
  char t[160];
  spm_strbuf_t body = SPM_STRBUF_INIT;
  body_t bd;
  memset(&bd, 0, sizeof bd);
  bd.g = g;
  bd.b = &body;
  int base = g->next;
  g->next += nins + 1;
  ty_t ot = g->v[out->v].ty;
  for (int i = 0; i <= nins; ++i) {
    const opnd_t *o = i < nins ? &ins[i] : out;
    snprintf(bd.leaves[i], 16, "%%v%d", base + i);
    bd.leaf_ty[i] = g->v[o->v].ty;
  }
  // the output's old values only when it has some (upstream's fresh
  // memref.alloc holds garbage, spm-run's zeros)
  bool read_out = kind == BODY_RANDOM && g->v[out->v].init &&
                  (nins == 0 || chance(g, 20));
  g->v[out->v].init = true;
  bd.nleaves = nins + (read_out ? 1 : 0);
  char res[16];
  if (kind == BODY_COPY) {
    snprintf(res, sizeof res, "%s", bd.leaves[0]);
    if (ot == F32 && bd.leaf_ty[0] == F32 && chance(g, 30)) { // relu
      char z[16];
      body_op(&bd, z, "arith.constant 0.0 : f32");
      body_op(&bd, res, "arith.maximumf %s, %s : f32", bd.leaves[0], z);
    }
  } else if (kind == BODY_EPILOGUE) {
    // leaves: accumulator [, bias] (acc type); output act type
    ty_t at = bd.leaf_ty[0];
    char s[16], c[16];
    snprintf(s, sizeof s, "%s", bd.leaves[0]);
    if (nins > 1) {
      body_op(&bd, c, "arith.add%s %s, %s : %s", at == F32 ? "f" : "i", s,
              bd.leaves[1], ty_name(at));
      snprintf(s, sizeof s, "%s", c);
    }
    if (at == F32) {
      if (chance(g, 70)) {
        body_op(&bd, c, "arith.constant 0.0 : f32");
        body_op(&bd, res, "arith.maximumf %s, %s : f32", s, c);
      } else {
        snprintf(res, sizeof res, "%s", s);
      }
    } else if (at == I32 && ot == I8) { // requantise: shift, clamp, trunci
      char k[16], lo[16], hi[16], a[16], b[16];
      body_op(&bd, k, "arith.constant %d : i32", (int)pick(g, 9));
      body_op(&bd, a, "arith.shrsi %s, %s : i32", s, k);
      body_op(&bd, lo, "arith.constant %d : i32", chance(g, 50) ? 0 : -128);
      body_op(&bd, hi, "arith.constant 127 : i32");
      body_op(&bd, b, "arith.maxsi %s, %s : i32", a, lo);
      body_op(&bd, c, "arith.minsi %s, %s : i32", b, hi);
      body_op(&bd, res, "arith.trunci %s : i32 to i8", c);
    } else if (chance(g, 60)) {
      body_op(&bd, c, "arith.constant 0 : %s", ty_name(at));
      body_op(&bd, res, "arith.maxsi %s, %s : %s", s, c, ty_name(at));
    } else {
      snprintf(res, sizeof res, "%s", s);
    }
  } else {
    expr(&bd, ot, 1 + (int)pick(g, 3), res);
  }
  spm_strbuf_append_str(&g->body, "  linalg.generic {indexing_maps = [");
  for (int i = 0; i <= nins; ++i)
    spm_strbuf_appendf(&g->body, "%saffine_map<%s>", i ? ", " : "",
                       i < nins ? ins[i].map : out->map);
  spm_strbuf_append_str(&g->body, "], iterator_types = [");
  for (int i = 0; i < nloops; ++i)
    spm_strbuf_appendf(&g->body, "%s\"parallel\"", i ? ", " : "");
  spm_strbuf_append_str(&g->body, "]}");
  if (nins) {
    spm_strbuf_append_str(&g->body, " ins(");
    for (int i = 0; i < nins; ++i)
      spm_strbuf_appendf(&g->body, "%s%s", i ? ", " : "", g->v[ins[i].v].name);
    spm_strbuf_append_str(&g->body, " : ");
    for (int i = 0; i < nins; ++i) {
      type_str(&g->v[ins[i].v], t, sizeof t);
      spm_strbuf_appendf(&g->body, "%s%s", i ? ", " : "", t);
    }
    spm_strbuf_append_str(&g->body, ")");
  }
  type_str(&g->v[out->v], t, sizeof t);
  spm_strbuf_appendf(&g->body, " outs(%s : %s) {\n  ^bb0(", g->v[out->v].name,
                     t);
  for (int i = 0; i <= nins; ++i)
    spm_strbuf_appendf(&g->body, "%s%s: %s", i ? ", " : "", bd.leaves[i],
                       ty_name(bd.leaf_ty[i]));
  spm_strbuf_appendf(&g->body, "):\n%s    linalg.yield %s : %s\n  }\n",
                     spm_strbuf_cstr(&body), res, ty_name(ot));
  spm_strbuf_free(&body);
}

static void copy_into(gen_t *g, int src, int dst) {
  opnd_t in = {src, ""}, out = {dst, ""};
  id_map(g->v[src].rank, in.map);
  id_map(g->v[dst].rank, out.map);
  generic(g, g->v[src].rank, &in, 1, &out, BODY_COPY);
}

// A subview of v (static offsets, sizes, strides); a new value.
static int subview(gen_t *g, int v, const int64_t *off, const int64_t *size,
                   const int64_t *step) {
  val_t s = g->v[v];
  int64_t st[4], o = s.strided ? s.offset : 0;
  if (s.strided) {
    memcpy(st, s.strides, sizeof st);
  } else {
    int64_t k = 1;
    for (int i = s.rank - 1; i >= 0; --i) {
      st[i] = k;
      k *= s.shape[i];
    }
  }
  int r = new_val(g, s.rank, size, s.ty);
  val_t *x = &g->v[r];
  snprintf(x->name, sizeof x->name, "%%s%d", g->next++);
  x->strided = true;
  x->init = s.init;
  x->offset = o;
  for (int i = 0; i < s.rank; ++i) {
    x->offset += off[i] * st[i];
    x->strides[i] = st[i] * step[i];
  }
  char ts[160], tr[160];
  type_str(&g->v[v], ts, sizeof ts);
  type_str(x, tr, sizeof tr);
  spm_strbuf_appendf(&g->body, "  %s = memref.subview %s[", x->name,
                     g->v[v].name);
  for (int i = 0; i < s.rank; ++i)
    spm_strbuf_appendf(&g->body, "%s%lld", i ? ", " : "", (long long)off[i]);
  spm_strbuf_append_str(&g->body, "] [");
  for (int i = 0; i < s.rank; ++i)
    spm_strbuf_appendf(&g->body, "%s%lld", i ? ", " : "", (long long)size[i]);
  spm_strbuf_append_str(&g->body, "] [");
  for (int i = 0; i < s.rank; ++i)
    spm_strbuf_appendf(&g->body, "%s%lld", i ? ", " : "", (long long)step[i]);
  spm_strbuf_appendf(&g->body, "] : %s to %s\n", ts, tr);
  return r;
}

// A buffer of x's shape plus `pad` on H and W, filled with `value`, whose
// interior is a new value (a subview) for the caller to write.
static int padded_interior(gen_t *g, int rank, const int64_t *shape, ty_t ty,
                           int pad, const char *value, int *parent) {
  int64_t ps[4] = {shape[0], shape[1], shape[2] + 2 * pad,
                   shape[3] + 2 * pad};
  int p = new_buffer(g, rank, ps, ty);
  fill(g, p, ty, value);
  int64_t off[4] = {0, 0, pad, pad}, one[4] = {1, 1, 1, 1};
  int in = subview(g, p, off, shape, one);
  g->v[in].padded = p + 1;
  g->v[in].init = true;
  g->v[in].pad = pad;
  *parent = p;
  return in;
}

// The buffer a conv or pool reads for x with padding `pad`: x's own padded
// parent when it has one, else a new padded copy (or x when pad is 0).
static int padded_input(gen_t *g, int x, int *pad, const char *value) {
  if (g->v[x].padded) {
    *pad = g->v[x].pad;
    return g->v[x].padded - 1;
  }
  if (*pad == 0)
    return x;
  int parent;
  int in = padded_interior(g, 4, g->v[x].shape, g->v[x].ty, *pad, value,
                           &parent);
  copy_into(g, x, in);
  return parent;
}

// The output of an epilogue or element-wise step: a new buffer, or the
// interior of a padded one (what the next conv / pool reads whole).
static int act_buffer(gen_t *g, int rank, const int64_t *shape, ty_t ty) {
  if (rank == 4 && chance(g, 25)) {
    int parent;
    return padded_interior(g, 4, shape, ty, 1 + (int)pick(g, 2),
                           chance(g, 50) ? "0" : lowest(ty), &parent) ;
  }
  return new_buffer(g, rank, shape, ty);
}

// ---- steps ----------------------------------------------------------------

static void attr2(gen_t *g, const char *name, int64_t a, int64_t b) {
  if (a == b)
    spm_strbuf_appendf(&g->body, "%s = dense<%lld> : tensor<2xi64>", name,
                       (long long)a);
  else
    spm_strbuf_appendf(&g->body, "%s = dense<[%lld, %lld]> : tensor<2xi64>",
                       name, (long long)a, (long long)b);
}

// Output extent of a window of k, dilation d, stride s over n (0: none).
static int64_t win_out(int64_t n, int64_t k, int64_t d, int64_t s) {
  int64_t span = d * (k - 1) + 1;
  return n < span ? 0 : (n - span) / s + 1;
}

static void window_params(gen_t *g, int64_t h, int64_t w, int64_t *kh,
                          int64_t *kw, int64_t *sh, int64_t *sw, int64_t *dh,
                          int64_t *dw, int64_t maxs) {
  *kh = 1 + pick(g, 3);
  *kw = chance(g, 70) ? *kh : 1 + pick(g, 3);
  *sh = 1 + pick(g, maxs);
  *sw = chance(g, 70) ? *sh : 1 + pick(g, maxs);
  *dh = chance(g, 80) ? 1 : 2;
  *dw = chance(g, 80) ? *dh : 3 - *dh;
  while (win_out(h, *kh, *dh, *sh) == 0)
    *dh > 1 ? (*dh = 1) : (*kh)--;
  while (win_out(w, *kw, *dw, *sw) == 0)
    *dw > 1 ? (*dw = 1) : (*kw)--;
}

static void epilogue(gen_t *g, int acc, int bias_dim) {
  val_t *a = &g->v[acc];
  ty_t out_ty = g->act;
  bool need = a->ty != out_ty;
  if (!need && chance(g, 30)) {
    add_act(g, acc);
    return;
  }
  int rank = a->rank;
  int64_t shape[4];
  memcpy(shape, a->shape, sizeof shape);
  opnd_t ins[2];
  int nins = 1;
  ins[0].v = acc;
  id_map(rank, ins[0].map);
  if (chance(g, 70)) {
    int64_t bs[1] = {shape[bias_dim]};
    ins[1].v = new_arg(g, 1, bs, a->ty);
    snprintf(ins[1].map, sizeof ins[1].map, "%s -> (d%d)",
             rank == 4 ? "(d0, d1, d2, d3)" : "(d0, d1)", bias_dim);
    nins = 2;
  }
  opnd_t out;
  out.v = act_buffer(g, rank, shape, out_ty);
  id_map(rank, out.map);
  generic(g, rank, ins, nins, &out, BODY_EPILOGUE);
  add_act(g, out.v);
}

static int step_conv(gen_t *g, int x) {
  val_t xv = g->v[x];
  int pad = chance(g, 40) ? 1 + (int)pick(g, 2) : 0;
  int in = padded_input(g, x, &pad, chance(g, 80) ? "0" : small_const(g, xv.ty));
  int64_t h = xv.shape[2] + 2 * pad, w = xv.shape[3] + 2 * pad;
  int64_t kh, kw, sh, sw, dh, dw;
  window_params(g, h, w, &kh, &kw, &sh, &sw, &dh, &dw, 2);
  int64_t cout = from(g, small_dims, 7);
  int64_t ws[4] = {cout, xv.shape[1], kh, kw};
  int wt = new_arg(g, 4, ws, xv.ty);
  int64_t os[4] = {xv.shape[0], cout, win_out(h, kh, dh, sh),
                   win_out(w, kw, dw, sw)};
  ty_t at = g->act == I8 && chance(g, 85) ? I32 : g->act;
  int acc = new_buffer(g, 4, os, at);
  fill(g, acc, at, chance(g, 80) ? "0" : small_const(g, at));
  char ti[160], tw[160], to[160];
  type_str(&g->v[in], ti, sizeof ti);
  type_str(&g->v[wt], tw, sizeof tw);
  type_str(&g->v[acc], to, sizeof to);
  spm_strbuf_append_str(&g->body, "  linalg.conv_2d_nchw_fchw {");
  attr2(g, "dilations", dh, dw);
  spm_strbuf_append_str(&g->body, ", ");
  attr2(g, "strides", sh, sw);
  spm_strbuf_appendf(&g->body, "} ins(%s, %s : %s, %s) outs(%s : %s)\n",
                     g->v[in].name, g->v[wt].name, ti, tw, g->v[acc].name, to);
  int before = g->nacts;
  epilogue(g, acc, 1);
  return g->nacts > before ? g->acts[g->nacts - 1] : acc;
}

static int step_pool(gen_t *g, int x) {
  val_t xv = g->v[x];
  bool max = chance(g, 60);
  int pad = chance(g, 30) ? 1 : 0;
  int in = padded_input(g, x, &pad, max ? lowest(xv.ty) : "0");
  int64_t h = xv.shape[2] + 2 * pad, w = xv.shape[3] + 2 * pad;
  int64_t kh, kw, sh, sw, dh, dw;
  window_params(g, h, w, &kh, &kw, &sh, &sw, &dh, &dw, 3);
  int64_t os[4] = {xv.shape[0], xv.shape[1], win_out(h, kh, dh, sh),
                   win_out(w, kw, dw, sw)};
  int out = new_buffer(g, 4, os, xv.ty);
  fill(g, out, xv.ty, max ? (chance(g, 80) ? lowest(xv.ty) : "0") : "0");
  int64_t wsz[2] = {kh, kw};
  int win = new_alloc(g, 2, wsz, xv.ty);
  char ti[160], tw[160], to[160];
  type_str(&g->v[in], ti, sizeof ti);
  type_str(&g->v[win], tw, sizeof tw);
  type_str(&g->v[out], to, sizeof to);
  spm_strbuf_appendf(&g->body, "  linalg.pooling_nchw_%s {",
                     max ? "max" : "sum");
  attr2(g, "dilations", dh, dw);
  spm_strbuf_append_str(&g->body, ", ");
  attr2(g, "strides", sh, sw);
  spm_strbuf_appendf(&g->body, "} ins(%s, %s : %s, %s) outs(%s : %s)\n",
                     g->v[in].name, g->v[win].name, ti, tw, g->v[out].name,
                     to);
  add_act(g, out);
  return out;
}

static int step_eltwise(gen_t *g, int x) {
  val_t xv = g->v[x];
  int r = xv.rank;
  opnd_t ins[3];
  int nins = 0;
  ins[nins].v = x;
  id_map(r, ins[nins++].map);
  // a residual: an earlier activation of the same shape and type
  int cands[64], nc = 0;
  for (int i = 0; i < g->nacts; ++i) {
    const val_t *a = &g->v[g->acts[i]];
    if (g->acts[i] != x && a->rank == r && a->ty == xv.ty &&
        !memcmp(a->shape, xv.shape, sizeof(int64_t) * (size_t)r))
      cands[nc++] = g->acts[i];
  }
  if (nc && chance(g, 70)) {
    ins[nins].v = cands[pick(g, nc)];
    id_map(r, ins[nins++].map);
  }
  if (chance(g, 30)) { // broadcast along one dim
    int d = (int)pick(g, r);
    int64_t bs[1] = {xv.shape[d]};
    ins[nins].v = new_arg(g, 1, bs, xv.ty);
    snprintf(ins[nins++].map, 160, "%s -> (d%d)",
             r == 4 ? "(d0, d1, d2, d3)" : "(d0, d1)", d);
  }
  opnd_t out;
  int k = (int)pick(g, 10);
  if (k < 2 && !xv.strided) { // in place: the body may read the output
    out.v = x;
    id_map(r, out.map);
    memmove(ins, ins + 1, sizeof(opnd_t) * (size_t)(nins - 1));
    nins--;
    generic(g, r, ins, nins, &out, BODY_RANDOM);
    return x;
  }
  if (k < 4) { // transpose the last two dims
    int64_t s[4];
    memcpy(s, xv.shape, sizeof s);
    s[r - 1] = xv.shape[r - 2];
    s[r - 2] = xv.shape[r - 1];
    out.v = act_buffer(g, r, s, xv.ty);
    snprintf(out.map, sizeof out.map, "%s",
             r == 4 ? "(d0, d1, d2, d3) -> (d0, d1, d3, d2)"
                    : "(d0, d1) -> (d1, d0)");
    generic(g, r, ins, 1, &out, BODY_RANDOM);
    add_act(g, out.v);
    return out.v;
  }
  out.v = act_buffer(g, r, xv.shape, xv.ty);
  id_map(r, out.map);
  generic(g, r, ins, nins, &out, BODY_RANDOM);
  add_act(g, out.v);
  return out.v;
}

static int step_window(gen_t *g, int x) {
  val_t xv = g->v[x];
  int64_t off[4], size[4], step[4];
  for (int i = 0; i < xv.rank; ++i) {
    bool spatial = xv.rank == 2 || i >= 2;
    step[i] = spatial && chance(g, 40) ? 2 : 1;
    off[i] = spatial && xv.shape[i] > 1 ? pick(g, 2) : 0;
    size[i] = (xv.shape[i] - off[i] - 1) / step[i] + 1;
    if (size[i] > 1 && chance(g, 30))
      size[i]--;
  }
  return subview(g, x, off, size, step);
}

static int step_flatten(gen_t *g, int x) {
  val_t xv = g->v[x];
  int64_t hw = xv.shape[2] * xv.shape[3];
  int64_t s[2] = {xv.shape[0], xv.shape[1] * hw};
  opnd_t in = {x, ""}, out;
  id_map(4, in.map);
  out.v = new_buffer(g, 2, s, xv.ty);
  snprintf(out.map, sizeof out.map,
           "(d0, d1, d2, d3) -> (d0, d1 * %lld + d2 * %lld + d3)",
           (long long)hw, (long long)xv.shape[3]);
  generic(g, 4, &in, 1, &out, chance(g, 50) ? BODY_COPY : BODY_RANDOM);
  add_act(g, out.v);
  return out.v;
}

static int step_unflatten(gen_t *g, int x) {
  val_t xv = g->v[x];
  int64_t n = xv.shape[1], c = 1, h = 1, w = n;
  static const int64_t f[] = {2, 3, 5, 7};
  for (int i = 0; i < 4; ++i)
    if (w % f[i] == 0 && chance(g, 60)) {
      w /= f[i];
      c *= f[i];
    }
  for (int i = 0; i < 4; ++i)
    if (w % f[i] == 0 && chance(g, 50)) {
      w /= f[i];
      h *= f[i];
    }
  int64_t s[4] = {xv.shape[0], c, h, w};
  opnd_t in = {x, ""}, out;
  snprintf(in.map, sizeof in.map,
           "(d0, d1, d2, d3) -> (d0, d1 * %lld + d2 * %lld + d3)",
           (long long)(h * w), (long long)w);
  out.v = act_buffer(g, 4, s, xv.ty);
  id_map(4, out.map);
  generic(g, 4, &in, 1, &out, BODY_COPY);
  add_act(g, out.v);
  return out.v;
}

static int step_matmul(gen_t *g, int x) {
  val_t xv = g->v[x];
  bool left = chance(g, 70); // x * W, else W * x
  int64_t p = from(g, mat_dims, 11);
  int64_t ws[2], os[2];
  if (left) {
    ws[0] = xv.shape[1], ws[1] = p;
    os[0] = xv.shape[0], os[1] = p;
  } else {
    ws[0] = p, ws[1] = xv.shape[0];
    os[0] = p, os[1] = xv.shape[1];
  }
  int wt = new_arg(g, 2, ws, xv.ty);
  ty_t at = g->act == I8 && chance(g, 85) ? I32 : g->act;
  int acc;
  if (chance(g, 20)) { // accumulate onto a seeded output argument
    acc = new_arg(g, 2, os, at);
  } else {
    acc = new_buffer(g, 2, os, at);
    fill(g, acc, at, chance(g, 80) ? "0" : small_const(g, at));
  }
  int a = left ? x : wt, b = left ? wt : x;
  char ta[160], tb[160], to[160];
  type_str(&g->v[a], ta, sizeof ta);
  type_str(&g->v[b], tb, sizeof tb);
  type_str(&g->v[acc], to, sizeof to);
  spm_strbuf_appendf(&g->body,
                     "  linalg.matmul ins(%s, %s : %s, %s) outs(%s : %s)\n",
                     g->v[a].name, g->v[b].name, ta, tb, g->v[acc].name, to);
  int before = g->nacts;
  epilogue(g, acc, 1);
  return g->nacts > before ? g->acts[g->nacts - 1] : acc;
}

static void options(gen_t *g, FILE *out) {
  static const char *presets[] = {"gemmini", "tpuv1", "nvdla-small",
                                  "nvdla-large", "eyeriss"};
  static const int64_t caps[] = {512,  768,  1024,  1536,  2048, 3072,
                                 4096, 6144, 8192, 16384, 65536};
  static const int64_t aligns[] = {4, 8, 16, 32, 64, 128};
  static const int64_t lats[] = {0, 1, 10, 100, 1000};
  int64_t al = from(g, aligns, 6);
  int64_t cap = from(g, caps, 11);
  cap = (cap + al - 1) / al * al;
  fprintf(out,
          "// spm-opt: \"--spm-target=%s{capacity=%lld alignment=%lld "
          "dma_latency=%lld}\"",
          presets[pick(g, 5)], (long long)cap, (long long)al,
          (long long)from(g, lats, 5));
  static const char *algs[] = {"auto", "auto", "heuristic", "exact"};
  const char *alg = algs[pick(g, 4)];
  if (chance(g, 10)) { // spm-allocate alone: spm-place only if needed
    fprintf(out, " --spm-allocate=algorithm=%s", alg);
  } else {
    static const char *reserve[] = {"0.1", "0.05", "0.25"};
    fprintf(out,
            " --spm-place=\"strategy=%s double-buffer=%s fuse=%s chain=%s "
            "residency=%s reserve=%s report=none\" --spm-allocate=algorithm=%s",
            chance(g, 15) ? "static" : "reuse",
            chance(g, 70) ? "true" : "false", chance(g, 80) ? "true" : "false",
            chance(g, 80) ? "true" : "false",
            chance(g, 70) ? "cost" : "reuse-distance", reserve[pick(g, 3)],
            alg);
  }
  fprintf(out, " --spm-lower\n");
}

void spm_fuzz_gen(uint64_t seed, FILE *out) {
  gen_t g;
  memset(&g, 0, sizeof g);
  g.s = seed * 0x2545f4914f6cdd1dULL + 1;
  int m = (int)pick(&g, 10);
  g.act = m < 5 ? F32 : m < 8 ? I8 : I32;
  g.acc = g.act == I8 ? I32 : g.act;
  int x;
  if (chance(&g, 65)) {
    int64_t s[4] = {chance(&g, 80) ? 1 : 2, from(&g, small_dims, 7),
                    from(&g, side_dims, 12), from(&g, side_dims, 12)};
    x = new_arg(&g, 4, s, g.act);
  } else {
    int64_t s[2] = {from(&g, mat_dims, 11), from(&g, mat_dims, 11)};
    x = new_arg(&g, 2, s, g.act);
  }
  add_act(&g, x);
  int nsteps = 3 + (int)pick(&g, 7);
  for (int i = 0; i < nsteps; ++i) {
    int k = (int)pick(&g, 100);
    const val_t *xv = &g.v[x];
    if (xv->rank == 4) {
      bool small = xv->shape[2] * xv->shape[3] <= 1;
      if (k < 25)
        x = step_conv(&g, x);
      else if (k < 45 && !small)
        x = step_pool(&g, x);
      else if (k < 70)
        x = step_eltwise(&g, x);
      else if (k < 80 && !small && !xv->strided)
        x = step_window(&g, x);
      else if (k < 90 && numel(xv) <= 2048)
        x = step_flatten(&g, x);
      else
        x = step_eltwise(&g, x);
    } else {
      if (k < 40)
        x = step_matmul(&g, x);
      else if (k < 75)
        x = step_eltwise(&g, x);
      else if (k < 85 && !xv->strided && numel(xv) > 1)
        x = step_window(&g, x);
      else if (xv->shape[0] <= 2 && xv->shape[1] > 1)
        x = step_unflatten(&g, x);
      else
        x = step_eltwise(&g, x);
    }
    if (g.overflow)
      break;
  }
  // the result: an output argument
  if (!g.v[x].arg || chance(&g, 30)) {
    int64_t s[4];
    memcpy(s, g.v[x].shape, sizeof s);
    int o = new_arg(&g, g.v[x].rank, s, g.v[x].ty);
    copy_into(&g, x, o);
  }

  fprintf(out, "// spm-fuzz-gen seed %llu\n", (unsigned long long)seed);
  options(&g, out);
  fprintf(out, "func.func @fuzz(");
  for (int i = 0; i < g.nargs; ++i) {
    char t[160];
    type_str(&g.v[g.args[i]], t, sizeof t);
    fprintf(out, "%s%s: %s", i ? ", " : "", g.v[g.args[i]].name, t);
  }
  fprintf(out, ") {\n%s  return\n}\n", spm_strbuf_cstr(&g.body));
  spm_strbuf_free(&g.body);
}
