// The listing parser (assembler): the inverse of spm_run_listing_write().
// Line oriented; "//" starts a comment. Errors name the line.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/encode.h"
#include "run/run_internal.h"

#define MAX_TOKENS 32

typedef struct parser_s {
  spm_run_program_t *p;
  int line;
  spm_status_t err;
  bool *wants_data; // per tensor: declared with "data"
  size_t wants_cap;
} parser_t;

static bool fail(parser_t *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(parser_t *ps, const char *fmt, ...) {
  if (ps->err)
    return false;
  spm_strbuf_t b = SPM_STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  spm_strbuf_vappendf(&b, fmt, ap);
  va_end(ap);
  ps->err = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "listing line %d: %s",
                            ps->line, spm_strbuf_cstr(&b));
  spm_strbuf_free(&b);
  return false;
}

// --- scalars -------------------------------------------------------------------

static bool p_i64(const char *s, int64_t *out) {
  if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
    return false;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

static bool p_u64(const char *s, uint64_t *out) {
  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

static bool p_id(const char *s, char prefix, uint32_t *out) {
  uint64_t v;
  if (s[0] != prefix || !p_u64(s + 1, &v) || v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

static bool p_f64(const char *s, double *out) {
  if (!*s)
    return false;
  char *end;
  *out = strtod(s, &end);
  return *end == 0;
}

// f32 literal: 0x%08x bits, or a decimal float.
static bool p_f32(const char *s, uint32_t *bits) {
  if (s[0] == '0' && s[1] == 'x') {
    char *end;
    unsigned long long v = strtoull(s + 2, &end, 16);
    if (*end || !s[2] || v > UINT32_MAX)
      return false;
    *bits = (uint32_t)v;
    return true;
  }
  if (!*s)
    return false;
  char *end;
  float f = strtof(s, &end);
  if (*end)
    return false;
  memcpy(bits, &f, 4);
  return true;
}

static bool p_type(const char *s, spm_run_type_t *t) {
  for (int k = 0; k < SPM_RUN_TYPE_COUNT; ++k)
    if (strcmp(s, spm_run_type_name((spm_run_type_t)k)) == 0) {
      *t = (spm_run_type_t)k;
      return true;
    }
  return false;
}

// "[a,b,c]" (or "[]") of at most `max` integers; *n gets the count.
static bool p_list(const char *s, int max, int64_t *out, int *n) {
  size_t len = strlen(s);
  if (len < 2 || s[0] != '[' || s[len - 1] != ']')
    return false;
  *n = 0;
  if (len == 2)
    return true;
  char buf[256];
  if (len - 2 >= sizeof buf)
    return false;
  memcpy(buf, s + 1, len - 2);
  buf[len - 2] = 0;
  char *save = NULL;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (*n >= max || !p_i64(t, &out[*n]))
      return false;
    (*n)++;
  }
  return true;
}

static bool p_pair(const char *s, int64_t *out) {
  const char *x = strchr(s, 'x');
  if (!x)
    return false;
  char a[32];
  if ((size_t)(x - s) >= sizeof a)
    return false;
  memcpy(a, s, (size_t)(x - s));
  a[x - s] = 0;
  return p_i64(a, &out[0]) && p_i64(x + 1, &out[1]);
}

// "b<id>+<offset>:<type>[shape](strides)"
static bool p_view(const char *s, spm_run_view_t *v) {
  memset(v, 0, sizeof *v);
  char buf[256];
  if (strlen(s) >= sizeof buf)
    return false;
  strcpy(buf, s);
  char *plus = strchr(buf, '+'), *colon = strchr(buf, ':');
  char *lb = strchr(buf, '['), *rb = strchr(buf, ']');
  if (!plus || !colon || !lb || !rb || !(plus < colon && colon < lb && lb < rb))
    return false;
  if (rb[1] != '(' || rb[strlen(rb) - 1] != ')')
    return false;
  *plus = *colon = 0;
  char type[8];
  if ((size_t)(lb - colon - 1) >= sizeof type)
    return false;
  memcpy(type, colon + 1, (size_t)(lb - colon - 1));
  type[lb - colon - 1] = 0;
  char shape[256], strides[256];
  size_t sl = (size_t)(rb - lb + 1);
  memcpy(shape, lb, sl);
  shape[sl] = 0;
  size_t tl = strlen(rb + 1);
  strcpy(strides, rb + 1);
  strides[0] = '[';
  strides[tl - 1] = ']';
  int n1, n2;
  if (!p_id(buf, 'b', &v->buffer) || !p_i64(plus + 1, &v->offset) ||
      !p_type(type, &v->elem) ||
      !p_list(shape, SPM_RUN_MAX_RANK, v->shape, &n1) ||
      !p_list(strides, SPM_RUN_MAX_RANK, v->stride, &n2) || n1 != n2)
    return false;
  v->rank = n1;
  return true;
}

// --- key=value tokens ----------------------------------------------------------

typedef struct kv_s {
  char *tok[MAX_TOKENS];
  int n;
  bool used[MAX_TOKENS];
} kv_t;

static const char *kv_get(kv_t *kv, const char *key) {
  size_t kl = strlen(key);
  for (int i = 0; i < kv->n; ++i)
    if (strncmp(kv->tok[i], key, kl) == 0 && kv->tok[i][kl] == '=') {
      kv->used[i] = true;
      return kv->tok[i] + kl + 1;
    }
  return NULL;
}

// Requires `key`; parses it with the given parser.
#define NEED(ps, kv, key, parser, ...)                                         \
  do {                                                                         \
    const char *v_ = kv_get(kv, key);                                          \
    if (!v_)                                                                   \
      return fail(ps, "missing %s=", key);                                     \
    if (!parser(v_, __VA_ARGS__))                                              \
      return fail(ps, "bad value in %s=%s", key, v_);                          \
  } while (0)

static bool kv_done(parser_t *ps, kv_t *kv) {
  for (int i = 0; i < kv->n; ++i)
    if (!kv->used[i])
      return fail(ps, "unexpected '%s'", kv->tok[i]);
  return true;
}

// Splits `s` in place on blanks.
static int split(char *s, char **tok, int max) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(s, " \t\r", &save); t;
       t = strtok_r(NULL, " \t\r", &save)) {
    if (n == max)
      return -1;
    tok[n++] = t;
  }
  return n;
}

static bool p_bool(const char *s, bool *b) {
  if (strcmp(s, "0") && strcmp(s, "1"))
    return false;
  *b = s[0] == '1';
  return true;
}

// --- header lines ----------------------------------------------------------------

static bool p_name(const char *s, char *out, size_t width) {
  if (strlen(s) >= width)
    return false;
  strcpy(out, s);
  return spm_run_name_ok(out);
}

static bool parse_target(parser_t *ps, kv_t *kv) {
  spm_target_t *t = &ps->p->target;
  NEED(ps, kv, "name", p_name, t->name, sizeof t->name);
  NEED(ps, kv, "capacity", p_i64, &t->capacity);
  NEED(ps, kv, "alignment", p_i64, &t->alignment);
  NEED(ps, kv, "banks", p_i64, &t->banks);
  NEED(ps, kv, "dma_bandwidth", p_f64, &t->dma_bandwidth);
  NEED(ps, kv, "dma_latency", p_i64, &t->dma_latency);
  NEED(ps, kv, "macs_per_cycle", p_i64, &t->macs_per_cycle);
  NEED(ps, kv, "clock_mhz", p_i64, &t->clock_mhz);
  NEED(ps, kv, "dram_pj_per_byte", p_f64, &t->dram_pj_per_byte);
  NEED(ps, kv, "spm_pj_per_byte", p_f64, &t->spm_pj_per_byte);
  NEED(ps, kv, "mac_pj", p_f64, &t->mac_pj);
  return kv_done(ps, kv);
}

static bool p_role(const char *s, spm_run_role_t *r) {
  for (int k = 0; k < SPM_RUN_ROLE_COUNT; ++k)
    if (strcmp(s, spm_run_role_name((spm_run_role_t)k)) == 0) {
      *r = (spm_run_role_t)k;
      return true;
    }
  return false;
}

static bool parse_tensor(parser_t *ps, char **tok, int n) {
  uint32_t id;
  if (n < 1 || !p_id(tok[0], 't', &id) || id != ps->p->ntensors)
    return fail(ps, "expected tensor t%zu", ps->p->ntensors);
  bool data = n > 1 && strcmp(tok[n - 1], "data") == 0;
  kv_t kv = {{0}, 0, {0}};
  for (int i = 1; i < n - (data ? 1 : 0); ++i)
    kv.tok[kv.n++] = tok[i];
  char name[SPM_RUN_NAME_MAX];
  spm_run_role_t role;
  spm_run_type_t type;
  int64_t shape[SPM_RUN_MAX_TENSOR_RANK];
  int rank;
  NEED(ps, &kv, "name", p_name, name, sizeof name);
  NEED(ps, &kv, "role", p_role, &role);
  NEED(ps, &kv, "type", p_type, &type);
  NEED(ps, &kv, "shape", p_list, SPM_RUN_MAX_TENSOR_RANK, shape, &rank);
  if (!kv_done(ps, &kv))
    return false;
  spm_status_t s =
      spm_run_program_add_tensor(ps->p, name, type, role, rank, shape, NULL, NULL);
  if (!spm_status_is_ok(s)) {
    fail(ps, "%s", spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  if (ps->p->ntensors > ps->wants_cap) {
    size_t c = ps->wants_cap ? 2 * ps->wants_cap : 16;
    bool *w = realloc(ps->wants_data, c * sizeof *w);
    if (!w)
      return fail(ps, "out of memory");
    ps->wants_data = w;
    ps->wants_cap = c;
  }
  ps->wants_data[id] = data;
  return true;
}

static bool parse_buffer(parser_t *ps, char **tok, int n) {
  uint32_t id;
  if (n < 1 || !p_id(tok[0], 'b', &id) || id != ps->p->nbuffers)
    return fail(ps, "expected buffer b%zu", ps->p->nbuffers);
  kv_t kv = {{0}, 0, {0}};
  for (int i = 1; i < n; ++i)
    kv.tok[kv.n++] = tok[i];
  char name[SPM_RUN_NAME_MAX];
  int64_t off, size;
  NEED(ps, &kv, "name", p_name, name, sizeof name);
  NEED(ps, &kv, "offset", p_i64, &off);
  NEED(ps, &kv, "size", p_i64, &size);
  if (!kv_done(ps, &kv))
    return false;
  spm_status_t s = spm_run_program_add_buffer(ps->p, name, off, size, NULL);
  if (!spm_status_is_ok(s)) {
    fail(ps, "%s", spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  return true;
}

// --- instructions ------------------------------------------------------------------

static bool p_buf_off(const char *s, uint32_t *b, int64_t *off) {
  const char *plus = strchr(s, '+');
  char id[32];
  if (!plus || (size_t)(plus - s) >= sizeof id)
    return false;
  memcpy(id, s, (size_t)(plus - s));
  id[plus - s] = 0;
  return p_id(id, 'b', b) && p_i64(plus + 1, off);
}

static bool parse_dma(parser_t *ps, spm_run_instr_t *in, char **tok, int n) {
  bool load = in->op == SPM_RUN_OP_DMA_LOAD;
  spm_run_dma_t *d = &in->dma;
  // src offset=.. sizes=.. strides=.. -> dst token=..
  if (n != 7 || strcmp(tok[4], "->") != 0)
    return fail(ps, "expected SRC offset= sizes= strides= -> DST token=");
  const char *g = load ? tok[0] : tok[5], *b = load ? tok[5] : tok[0];
  if (!p_id(g, 't', &d->tensor))
    return fail(ps, "bad tensor '%s'", g);
  if (!p_buf_off(b, &d->buffer, &d->buf_offset))
    return fail(ps, "bad buffer+offset '%s'", b);
  kv_t kv = {{tok[1], tok[2], tok[3], tok[6]}, 4, {0}};
  int n1, n2;
  uint64_t token;
  NEED(ps, &kv, "offset", p_i64, &d->offset);
  NEED(ps, &kv, "sizes", p_list, SPM_RUN_MAX_RANK, d->sizes, &n1);
  NEED(ps, &kv, "strides", p_list, SPM_RUN_MAX_RANK, d->strides, &n2);
  NEED(ps, &kv, "token", p_u64, &token);
  if (n1 != n2)
    return fail(ps, "sizes and strides differ in rank");
  if (token > UINT32_MAX)
    return fail(ps, "token out of range");
  d->rank = n1;
  d->token = (uint32_t)token;
  return kv_done(ps, &kv);
}

static bool p_uop_name(const char *s, spm_run_uop_t *u) {
  const char *dot = strchr(s, '.');
  if (!dot)
    return false;
  spm_run_type_t t;
  if (!p_type(dot + 1, &t))
    return false;
  u->type = (uint8_t)t;
  for (int k = 0; k < SPM_RUN_UOP_COUNT; ++k) {
    const char *nm = spm_run_uop_name((spm_run_uop_op_t)k);
    if (strlen(nm) == (size_t)(dot - s) && strncmp(s, nm, (size_t)(dot - s)) == 0) {
      u->op = (uint8_t)k;
      return true;
    }
  }
  return false;
}

static bool p_reg(const char *s, uint8_t *r) {
  uint32_t v;
  if (!p_id(s, 'r', &v) || v > 255)
    return false;
  *r = (uint8_t)v;
  return true;
}

static bool p_pred(const char *s, uint8_t *pred) {
  for (int k = 0; k < 32; ++k)
    if (strcmp(s, spm_run_pred_name((spm_run_pred_t)k)) == 0 && strcmp(s, "?")) {
      *pred = (uint8_t)k;
      return true;
    }
  return false;
}

// One micro-op: "yield.T rA" or "rD = op.T operands".
static bool parse_uop(parser_t *ps, char *text, spm_run_uop_t *u, int k) {
  memset(u, 0, sizeof *u);
  for (char *c = text; *c; ++c)
    if (*c == ',')
      *c = ' ';
  char *tok[8];
  int n = split(text, tok, 8);
  if (n >= 2 && strncmp(tok[0], "yield.", 6) == 0) {
    if (n != 2 || !p_uop_name(tok[0], u) || !p_reg(tok[1], &u->a))
      return fail(ps, "micro-op %d: expected yield.TYPE rN", k);
    return true;
  }
  if (n < 4 || strcmp(tok[1], "=") || !p_reg(tok[0], &u->dst) ||
      !p_uop_name(tok[2], u))
    return fail(ps, "micro-op %d: expected rD = OP.TYPE ...", k);
  char **arg = tok + 3;
  int na = n - 3;
  bool ok;
  switch (u->op) {
  case SPM_RUN_UOP_LOAD: {
    uint64_t v;
    ok = na == 1 && arg[0][0] == 'i' && arg[0][1] == 'n' &&
         p_u64(arg[0] + 2, &v) && v < 64;
    u->imm = ok ? (int64_t)v : 0;
    break;
  }
  case SPM_RUN_UOP_CONST:
    if (u->type == SPM_RUN_F32) {
      uint32_t bits;
      ok = na == 1 && p_f32(arg[0], &bits);
      u->imm = ok ? bits : 0;
    } else
      ok = na == 1 && p_i64(arg[0], &u->imm);
    break;
  case SPM_RUN_UOP_CMP:
    ok = na == 3 && p_pred(arg[0], &u->pred) && p_reg(arg[1], &u->a) &&
         p_reg(arg[2], &u->b);
    break;
  case SPM_RUN_UOP_SELECT:
    ok = na == 3 && p_reg(arg[0], &u->a) && p_reg(arg[1], &u->b) &&
         p_reg(arg[2], &u->c);
    break;
  case SPM_RUN_UOP_YIELD: ok = false; break;
  default:
    ok = (na == 1 && p_reg(arg[0], &u->a)) ||
         (na == 2 && p_reg(arg[0], &u->a) && p_reg(arg[1], &u->b));
    break;
  }
  if (!ok)
    return fail(ps, "micro-op %d: bad operands for %s", k,
                spm_run_uop_name((spm_run_uop_op_t)u->op));
  return true;
}

static bool add_instr(parser_t *ps, const spm_run_instr_t *in,
                      const spm_run_uop_t *u, size_t nu) {
  spm_status_t s = spm_run_program_add_instr(ps->p, in, u, nu);
  if (!spm_status_is_ok(s)) {
    fail(ps, "%s", spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  return true;
}

static bool parse_eltwise(parser_t *ps, spm_run_instr_t *in, char **tok,
                          int n, char *body) {
  kv_t kv = {{0}, 0, {0}};
  for (int i = 0; i < n; ++i)
    kv.tok[kv.n++] = tok[i];
  spm_run_eltwise_t *e = &in->eltwise;
  for (e->ninputs = 0; e->ninputs < SPM_RUN_MAX_INPUTS; ++e->ninputs) {
    char key[16];
    snprintf(key, sizeof key, "in%d", e->ninputs);
    const char *v = kv_get(&kv, key);
    if (!v)
      break;
    if (!p_view(v, &e->in[e->ninputs]))
      return fail(ps, "bad view in %s=%s", key, v);
  }
  NEED(ps, &kv, "out", p_view, &e->out);
  if (!kv_done(ps, &kv))
    return false;
  spm_run_uop_t u[SPM_RUN_MAX_UOPS];
  size_t nu = 0;
  char *save = NULL;
  for (char *t = strtok_r(body, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
    if (nu == SPM_RUN_MAX_UOPS)
      return fail(ps, "more than %d micro-ops", SPM_RUN_MAX_UOPS);
    if (!parse_uop(ps, t, &u[nu], (int)nu))
      return false;
    nu++;
  }
  if (!nu)
    return fail(ps, "empty eltwise body");
  // ult/ule/ugt/uge name both a cmpi and a cmpf predicate: the type of the
  // compared register (its latest definition) decides.
  for (size_t k = 0; k < nu; ++k) {
    if (u[k].op != SPM_RUN_UOP_CMP || u[k].pred < SPM_RUN_PRED_ULT ||
        u[k].pred > SPM_RUN_PRED_UGE)
      continue;
    for (size_t j = k; j-- > 0;)
      if (u[j].op != SPM_RUN_UOP_YIELD && u[j].dst == u[k].a) {
        if (u[j].type == SPM_RUN_F32) {
          static const uint8_t fp[4] = {SPM_RUN_PRED_F_ULT, SPM_RUN_PRED_F_ULE,
                                        SPM_RUN_PRED_F_UGT, SPM_RUN_PRED_F_UGE};
          u[k].pred = fp[u[k].pred - SPM_RUN_PRED_ULT];
        }
        break;
      }
  }
  return add_instr(ps, in, u, nu);
}

static bool parse_instr(parser_t *ps, char *line) {
  char *body = NULL, *lb = strchr(line, '{');
  if (lb) {
    char *rb = strrchr(line, '}');
    if (!rb || rb < lb)
      return fail(ps, "unbalanced { }");
    for (char *c = rb + 1; *c; ++c)
      if (*c != ' ' && *c != '\t' && *c != '\r')
        return fail(ps, "text after }");
    *lb = *rb = 0;
    body = lb + 1;
  }
  char *tok[MAX_TOKENS];
  int n = split(line, tok, MAX_TOKENS);
  if (n < 2)
    return fail(ps, "expected INDEX: OPCODE ...");
  uint64_t idx;
  size_t l0 = strlen(tok[0]);
  if (tok[0][l0 - 1] != ':')
    return fail(ps, "expected INDEX:");
  tok[0][l0 - 1] = 0;
  if (!p_u64(tok[0], &idx) || idx != ps->p->ninstrs)
    return fail(ps, "expected instruction index %zu", ps->p->ninstrs);
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  int op = 0;
  for (int k = SPM_RUN_OP_ALLOC; k < SPM_RUN_OP_END_; ++k)
    if (strcmp(tok[1], spm_run_opcode_name((spm_run_opcode_t)k)) == 0)
      op = k;
  if (!op)
    return fail(ps, "unknown opcode '%s'", tok[1]);
  in.op = (spm_run_opcode_t)op;
  if ((op == SPM_RUN_OP_ELTWISE) != (body != NULL))
    return fail(ps, "a { } body belongs to eltwise only");
  char **arg = tok + 2;
  int na = n - 2;
  kv_t kv = {{0}, 0, {0}};
  switch (op) {
  case SPM_RUN_OP_ALLOC:
  case SPM_RUN_OP_DEALLOC:
    if (na != 1 || !p_id(arg[0], 'b', &in.buffer))
      return fail(ps, "expected %s bN", tok[1]);
    return add_instr(ps, &in, NULL, 0);
  case SPM_RUN_OP_WAIT: {
    uint64_t t;
    if (na != 1 || !p_u64(arg[0], &t) || t > UINT32_MAX)
      return fail(ps, "expected wait TOKEN");
    in.token = (uint32_t)t;
    return add_instr(ps, &in, NULL, 0);
  }
  case SPM_RUN_OP_DMA_LOAD:
  case SPM_RUN_OP_DMA_STORE:
    return parse_dma(ps, &in, arg, na) && add_instr(ps, &in, NULL, 0);
  case SPM_RUN_OP_ELTWISE:
    return parse_eltwise(ps, &in, arg, na, body);
  default: break;
  }
  if (op == SPM_RUN_OP_POOL) {
    if (na < 1 || (strcmp(arg[0], "max") && strcmp(arg[0], "sum")))
      return fail(ps, "expected pool max|sum");
    in.pool.kind = arg[0][0] == 's' ? SPM_RUN_POOL_SUM : SPM_RUN_POOL_MAX;
    arg++;
    na--;
  }
  for (int i = 0; i < na; ++i)
    kv.tok[kv.n++] = arg[i];
  switch (op) {
  case SPM_RUN_OP_MATMUL:
    NEED(ps, &kv, "acc", p_bool, &in.matmul.accumulate);
    NEED(ps, &kv, "a", p_view, &in.matmul.a);
    NEED(ps, &kv, "b", p_view, &in.matmul.b);
    NEED(ps, &kv, "c", p_view, &in.matmul.c);
    break;
  case SPM_RUN_OP_CONV2D:
    NEED(ps, &kv, "acc", p_bool, &in.conv.accumulate);
    NEED(ps, &kv, "groups", p_i64, &in.conv.groups);
    NEED(ps, &kv, "stride", p_pair, in.conv.stride);
    NEED(ps, &kv, "dilation", p_pair, in.conv.dilation);
    NEED(ps, &kv, "pad", p_pair, in.conv.pad);
    NEED(ps, &kv, "in", p_view, &in.conv.in);
    NEED(ps, &kv, "filter", p_view, &in.conv.filter);
    NEED(ps, &kv, "out", p_view, &in.conv.out);
    break;
  case SPM_RUN_OP_POOL:
    NEED(ps, &kv, "acc", p_bool, &in.pool.accumulate);
    NEED(ps, &kv, "window", p_pair, in.pool.window);
    NEED(ps, &kv, "stride", p_pair, in.pool.stride);
    NEED(ps, &kv, "dilation", p_pair, in.pool.dilation);
    NEED(ps, &kv, "pad", p_pair, in.pool.pad);
    NEED(ps, &kv, "in", p_view, &in.pool.in);
    NEED(ps, &kv, "out", p_view, &in.pool.out);
    break;
  case SPM_RUN_OP_FILL: {
    NEED(ps, &kv, "out", p_view, &in.fill.out);
    const char *v = kv_get(&kv, "value");
    if (!v)
      return fail(ps, "missing value=");
    if (in.fill.out.elem == SPM_RUN_F32) {
      uint32_t bits;
      if (!p_f32(v, &bits))
        return fail(ps, "bad f32 value '%s'", v);
      in.fill.value = bits;
    } else {
      int64_t x;
      if (!p_i64(v, &x))
        return fail(ps, "bad integer value '%s'", v);
      in.fill.value = (uint64_t)x;
    }
    break;
  }
  default: break;
  }
  return kv_done(ps, &kv) && add_instr(ps, &in, NULL, 0);
}

// --- data sections -------------------------------------------------------------------

typedef struct data_s {
  int64_t tensor; // -1: none open
  uint8_t *bytes;
  size_t n, cap;
} data_t;

static bool data_close(parser_t *ps, data_t *d) {
  if (d->tensor < 0)
    return true;
  const spm_run_tensor_t *t = &ps->p->tensors[d->tensor];
  size_t want = (size_t)(spm_run_tensor_numel(t) * spm_run_type_size(t->elem));
  if (d->n != want)
    return fail(ps, "data of tensor '%s': %zu bytes, expected %zu", t->name,
                d->n, want);
  spm_status_t s = spm_run_program_set_tensor_data(ps->p, (uint32_t)d->tensor,
                                                   d->bytes);
  if (!spm_status_is_ok(s)) {
    fail(ps, "%s", spm_status_message(s));
    spm_status_free(s);
    return false;
  }
  d->tensor = -1;
  d->n = 0;
  return true;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static bool data_hex(parser_t *ps, data_t *d, const char *h) {
  if (d->tensor < 0)
    return fail(ps, ".hex outside a data section");
  size_t len = strlen(h);
  if (len % 2)
    return fail(ps, "odd number of hex digits");
  if (d->n + len / 2 > d->cap) {
    size_t c = d->cap ? d->cap : 256;
    while (c < d->n + len / 2)
      c *= 2;
    uint8_t *b = realloc(d->bytes, c);
    if (!b)
      return fail(ps, "out of memory");
    d->bytes = b;
    d->cap = c;
  }
  for (size_t i = 0; i < len; i += 2) {
    int hi = hexval(h[i]), lo = hexval(h[i + 1]);
    if (hi < 0 || lo < 0)
      return fail(ps, "bad hex digit");
    d->bytes[d->n++] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

// --- driver ------------------------------------------------------------------------------

typedef enum { S_VERSION, S_TARGET, S_TABLES, S_CODE, S_DATA } state_t;

static bool parse_line(parser_t *ps, state_t *st, data_t *d, char *line) {
  char *c = strstr(line, "//");
  if (c)
    *c = 0;
  char *tok[MAX_TOKENS];
  if (*st == S_CODE) {
    char *s = line;
    while (*s == ' ' || *s == '\t' || *s == '\r')
      s++;
    if (!*s)
      return true;
    if (strncmp(s, "end", 3) == 0 && split(s, tok, 2) == 1 &&
        strcmp(tok[0], "end") == 0) {
      *st = S_DATA;
      return true;
    }
    return parse_instr(ps, s);
  }
  int n = split(line, tok, MAX_TOKENS);
  if (n == 0)
    return true;
  if (n < 0)
    return fail(ps, "too many tokens");
  kv_t kv = {{0}, 0, {0}};
  for (int i = 1; i < n; ++i)
    kv.tok[kv.n++] = tok[i];
  switch (*st) {
  case S_VERSION: {
    uint64_t v;
    if (strcmp(tok[0], "spm_run"))
      return fail(ps, "expected 'spm_run version=N'");
    NEED(ps, &kv, "version", p_u64, &v);
    if (v != SPM_RUN_ISA_VERSION)
      return fail(ps, "version %llu, this build reads version %u",
                  (unsigned long long)v, SPM_RUN_ISA_VERSION);
    *st = S_TARGET;
    return kv_done(ps, &kv);
  }
  case S_TARGET:
    if (strcmp(tok[0], "target"))
      return fail(ps, "expected 'target ...'");
    *st = S_TABLES;
    return parse_target(ps, &kv);
  case S_TABLES:
    if (strcmp(tok[0], "tensor") == 0) {
      if (ps->p->nbuffers)
        return fail(ps, "tensors come before buffers");
      return parse_tensor(ps, tok + 1, n - 1);
    }
    if (strcmp(tok[0], "buffer") == 0)
      return parse_buffer(ps, tok + 1, n - 1);
    if (strcmp(tok[0], "code") == 0 && n == 1) {
      *st = S_CODE;
      return true;
    }
    return fail(ps, "expected tensor, buffer or code");
  case S_DATA:
    if (strcmp(tok[0], "data") == 0 && n == 2) {
      uint32_t id;
      if (!data_close(ps, d))
        return false;
      if (!p_id(tok[1], 't', &id) || id >= ps->p->ntensors)
        return fail(ps, "bad tensor '%s'", tok[1]);
      if (!ps->wants_data[id] || ps->p->tensors[id].data)
        return fail(ps, "tensor t%u is not declared with data, or has it "
                        "already", id);
      d->tensor = id;
      return true;
    }
    if (strcmp(tok[0], ".hex") == 0 && n == 2)
      return data_hex(ps, d, tok[1]);
    return fail(ps, "expected 'data tN' or '.hex ...'");
  default: return false;
  }
}

spm_status_t spm_run_listing_parse(const char *text, spm_run_program_t **out) {
  *out = NULL;
  spm_target_t zero;
  memset(&zero, 0, sizeof zero);
  parser_t ps = {NULL, 0, SPM_OK, NULL, 0};
  SPM_RETURN_IF_ERROR(spm_run_program_create(&zero, &ps.p));
  state_t st = S_VERSION;
  data_t d = {-1, NULL, 0, 0};
  spm_strbuf_t line = SPM_STRBUF_INIT;
  const char *s = text;
  bool ok = true;
  while (ok && *s) {
    const char *e = strchr(s, '\n');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    spm_strbuf_clear(&line);
    spm_strbuf_append(&line, s, len);
    ps.line++;
    ok = parse_line(&ps, &st, &d, line.data);
    s += len + (e ? 1 : 0);
  }
  if (ok)
    ok = data_close(&ps, &d);
  if (ok && st != S_DATA)
    ok = fail(&ps, "unexpected end of listing (missing 'code' or 'end')");
  for (size_t i = 0; ok && i < ps.p->ntensors; ++i)
    if (ps.wants_data[i] && !ps.p->tensors[i].data)
      ok = fail(&ps, "tensor t%zu is declared with data but has none", i);
  spm_strbuf_free(&line);
  free(d.bytes);
  free(ps.wants_data);
  spm_status_t s2 = ps.err;
  if (spm_status_is_ok(s2))
    s2 = spm_run_program_validate(ps.p);
  if (!spm_status_is_ok(s2)) {
    spm_run_program_free(ps.p);
    return s2;
  }
  *out = ps.p;
  return SPM_OK;
}
