// Brute-force reference for lib/poly (see poly_bruteforce.h).
#include "poly/poly_bruteforce.h"

#include <stdlib.h>
#include <string.h>

#include "support/status.h"

#define BF_MAX_TRIP 8

// --- pairs -------------------------------------------------------------------

void bf_pairs_push(bf_pairs_t *ps, const bf_pair_t *p) {
  if (ps->n == ps->cap) {
    ps->cap = ps->cap ? 2 * ps->cap : 64;
    ps->v = realloc(ps->v, ps->cap * sizeof(*ps->v));
    if (!ps->v)
      abort();
  }
  ps->v[ps->n++] = *p;
}

int bf_pair_cmp(const bf_pair_t *a, const bf_pair_t *b) {
  if (a->src != b->src)
    return a->src < b->src ? -1 : 1;
  if (a->dst != b->dst)
    return a->dst < b->dst ? -1 : 1;
  for (int k = 0; k < BF_MAX_LOOPS; ++k)
    if (a->s[k] != b->s[k])
      return a->s[k] < b->s[k] ? -1 : 1;
  for (int k = 0; k < BF_MAX_LOOPS; ++k)
    if (a->t[k] != b->t[k])
      return a->t[k] < b->t[k] ? -1 : 1;
  return 0;
}

static int pair_qcmp(const void *a, const void *b) { return bf_pair_cmp(a, b); }

void bf_pairs_sort(bf_pairs_t *ps) {
  if (ps->n > 1)
    qsort(ps->v, ps->n, sizeof(*ps->v), pair_qcmp);
}

void bf_pairs_free(bf_pairs_t *ps) {
  free(ps->v);
  memset(ps, 0, sizeof(*ps));
}

void bf_deps_free(bf_deps_t *d) {
  bf_pairs_free(&d->flow);
  bf_pairs_free(&d->memflow);
  bf_pairs_free(&d->anti);
  bf_pairs_free(&d->output);
}

// --- random programs ---------------------------------------------------------

uint64_t bf_rand(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

int bf_rand_range(uint64_t *state, int lo, int hi) {
  return lo + (int)((bf_rand(state) >> 33) % (uint64_t)(hi - lo + 1));
}

static bool chance(uint64_t *rng, int percent) {
  return bf_rand_range(rng, 0, 99) < percent;
}

static void gen_loop(bf_loop_t *l, int level, uint64_t *rng) {
  memset(l, 0, sizeof(*l));
  l->lo.c = bf_rand_range(rng, 0, 2);
  l->hi.c = l->lo.c + bf_rand_range(rng, 1, 4);
  for (int m = 0; m < level; ++m) {
    if (chance(rng, 25))
      l->lo.k[m] = chance(rng, 50) ? 1 : -1;
    l->hi.k[m] = l->lo.k[m];
    if (chance(rng, 25))
      l->hi.k[m] += chance(rng, 50) ? 1 : -1;
  }
}

static int gen_coef(uint64_t *rng) {
  static const int coefs[] = {0, 0, 0, 1, 1, -1, 2};
  return coefs[bf_rand_range(rng, 0, 6)];
}

void bf_generate(bf_program_t *prog, uint64_t *rng, bool may_writes) {
  memset(prog, 0, sizeof(*prog));
  prog->narrays = bf_rand_range(rng, 1, BF_MAX_ARRAYS);
  for (int a = 0; a < prog->narrays; ++a)
    prog->array_dims[a] = bf_rand_range(rng, 1, BF_MAX_ARRAY_DIMS);
  prog->nstmts = bf_rand_range(rng, 1, BF_MAX_STMTS);
  for (int s = 0; s < prog->nstmts; ++s) {
    bf_stmt_t *st = &prog->stmts[s];
    const bf_stmt_t *prev = s ? &prog->stmts[s - 1] : NULL;
    int share = prev ? bf_rand_range(rng, 0, prev->nloops) : 0;
    // Mostly share at least one loop with the previous statement.
    if (prev && share == 0 && prev->nloops > 0 && chance(rng, 50))
      share = bf_rand_range(rng, 1, prev->nloops);
    st->nloops = share + bf_rand_range(rng, 0, BF_MAX_LOOPS - share);
    if (st->nloops == 0 && chance(rng, 70))
      st->nloops = 1;
    for (int l = 0; l < share; ++l) {
      st->loop_ids[l] = prev->loop_ids[l];
      st->pos[l] = prev->pos[l];
    }
    st->pos[share] = prev ? prev->pos[share] + 1 : 0;
    for (int l = share; l < st->nloops; ++l) {
      st->loop_ids[l] = prog->nloops;
      gen_loop(&prog->loops[prog->nloops++], l, rng);
    }
    int nacc = bf_rand_range(rng, 1, BF_MAX_ACCS_PER_STMT);
    for (int i = 0; i < nacc; ++i) {
      bf_access_t *a = &prog->accs[prog->naccs++];
      a->stmt = s;
      a->array = bf_rand_range(rng, 0, prog->narrays - 1);
      a->kind = chance(rng, 50) ? SPM_POLY_READ : SPM_POLY_WRITE;
      if (a->kind == SPM_POLY_WRITE && may_writes && chance(rng, 20))
        a->kind = SPM_POLY_MAY_WRITE;
      for (int d = 0; d < prog->array_dims[a->array]; ++d) {
        a->idx[d].c = bf_rand_range(rng, -1, 2);
        for (int m = 0; m < st->nloops; ++m)
          a->idx[d].k[m] = gen_coef(rng);
      }
    }
  }
}

// --- isl model ---------------------------------------------------------------

// Appends "c + k0*i0 + ..." to buf.
static void aff_str(char *buf, size_t size, const bf_aff_t *a, int nloops) {
  size_t n = strlen(buf);
  n += (size_t)snprintf(buf + n, size - n, "%d", a->c);
  for (int m = 0; m < nloops && n < size; ++m) {
    if (a->k[m] > 0)
      n += (size_t)snprintf(buf + n, size - n, " + %d*i%d", a->k[m], m);
    else if (a->k[m] < 0)
      n += (size_t)snprintf(buf + n, size - n, " - %d*i%d", -a->k[m], m);
  }
}

static void cat(char *buf, size_t size, const char *s) {
  size_t n = strlen(buf);
  snprintf(buf + n, size - n, "%s", s);
}

static void tuple_str(char *buf, size_t size, const char *name, int id,
                      int nloops) {
  size_t n = strlen(buf);
  n += (size_t)snprintf(buf + n, size - n, "%s%d[", name, id);
  for (int m = 0; m < nloops; ++m)
    n += (size_t)snprintf(buf + n, size - n, "%si%d", m ? ", " : "", m);
  snprintf(buf + n, size - n, "]");
}

spm_poly_program_t *bf_build(const bf_program_t *prog, isl_ctx *ctx,
                             spm_status_t *status) {
  spm_poly_program_t *p = spm_poly_program_create(ctx);
  char buf[1024];
  *status = SPM_OK;
  for (int s = 0; s < prog->nstmts && !*status; ++s) {
    const bf_stmt_t *st = &prog->stmts[s];
    buf[0] = 0;
    cat(buf, sizeof(buf), "{ ");
    tuple_str(buf, sizeof(buf), "S", s, st->nloops);
    for (int l = 0; l < st->nloops; ++l) {
      const bf_loop_t *lp = &prog->loops[st->loop_ids[l]];
      cat(buf, sizeof(buf), l ? " and " : " : ");
      aff_str(buf, sizeof(buf), &lp->lo, l);
      size_t n = strlen(buf);
      snprintf(buf + n, sizeof(buf) - n, " <= i%d < ", l);
      aff_str(buf, sizeof(buf), &lp->hi, l);
    }
    cat(buf, sizeof(buf), " }");
    isl_set *dom = isl_set_read_from_str(ctx, buf);
    buf[0] = 0;
    cat(buf, sizeof(buf), "{ ");
    tuple_str(buf, sizeof(buf), "S", s, st->nloops);
    cat(buf, sizeof(buf), " -> [");
    for (int l = 0; l < BF_MAX_LOOPS; ++l) {
      size_t n = strlen(buf);
      if (l < st->nloops)
        snprintf(buf + n, sizeof(buf) - n, "%d, i%d, ", st->pos[l], l);
      else if (l == st->nloops)
        snprintf(buf + n, sizeof(buf) - n, "%d, 0, ", st->pos[l]);
      else
        snprintf(buf + n, sizeof(buf) - n, "0, 0, ");
    }
    cat(buf, sizeof(buf), "0] }");
    isl_map *sched = isl_map_read_from_str(ctx, buf);
    spm_poly_program_add_statement(p, dom, sched, st->nloops, st->loop_ids,
                                   NULL, status);
  }
  for (int i = 0; i < prog->naccs && !*status; ++i) {
    const bf_access_t *a = &prog->accs[i];
    int nloops = prog->stmts[a->stmt].nloops;
    buf[0] = 0;
    cat(buf, sizeof(buf), "{ ");
    tuple_str(buf, sizeof(buf), "S", a->stmt, nloops);
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof(buf) - n, " -> A%d[", a->array);
    for (int d = 0; d < prog->array_dims[a->array]; ++d) {
      if (d)
        cat(buf, sizeof(buf), ", ");
      aff_str(buf, sizeof(buf), &a->idx[d], nloops);
    }
    cat(buf, sizeof(buf), "] }");
    spm_poly_program_add_access(p, a->stmt, a->kind,
                                isl_map_read_from_str(ctx, buf), NULL, status);
  }
  if (*status) {
    spm_poly_program_free(p);
    return NULL;
  }
  return p;
}

int bf_common_loops(const bf_program_t *prog, int sa, int sb) {
  const bf_stmt_t *a = &prog->stmts[sa], *b = &prog->stmts[sb];
  int n = 0;
  while (n < a->nloops && n < b->nloops && a->loop_ids[n] == b->loop_ids[n])
    ++n;
  return n;
}

bool bf_before_in_common_block(const bf_program_t *prog, int sa, int sb) {
  int c = bf_common_loops(prog, sa, sb);
  return sa != sb && prog->stmts[sa].pos[c] < prog->stmts[sb].pos[c];
}

void bf_print(const bf_program_t *prog, FILE *f) {
  spm_status_t s;
  isl_ctx *ctx = isl_ctx_alloc();
  spm_poly_program_t *p = bf_build(prog, ctx, &s);
  if (!p) {
    fprintf(f, "  (model fails: %s)\n", spm_status_message(s));
    spm_status_free(s);
  } else {
    fprintf(f, "  program with %d statements, %d accesses:\n", prog->nstmts,
            prog->naccs);
    char buf[1024];
    for (int i = 0; i < prog->nstmts; ++i) {
      const bf_stmt_t *st = &prog->stmts[i];
      fprintf(f, "  S%d loops", i);
      for (int l = 0; l < st->nloops; ++l)
        fprintf(f, " L%d", st->loop_ids[l]);
      fprintf(f, " pos");
      for (int l = 0; l <= st->nloops; ++l)
        fprintf(f, " %d", st->pos[l]);
      fprintf(f, "\n");
    }
    for (int i = 0; i < prog->naccs; ++i) {
      const bf_access_t *a = &prog->accs[i];
      buf[0] = 0;
      for (int d = 0; d < prog->array_dims[a->array]; ++d) {
        if (d)
          cat(buf, sizeof(buf), ", ");
        aff_str(buf, sizeof(buf), &a->idx[d], prog->stmts[a->stmt].nloops);
      }
      const char *k = a->kind == SPM_POLY_READ    ? "read"
                      : a->kind == SPM_POLY_WRITE ? "write"
                                                  : "may-write";
      fprintf(f, "  access %d: S%d %s A%d[%s]\n", i, a->stmt, k, a->array,
              buf);
    }
    for (int l = 0; l < prog->nloops; ++l) {
      buf[0] = 0;
      aff_str(buf, sizeof(buf), &prog->loops[l].lo, BF_MAX_LOOPS);
      cat(buf, sizeof(buf), " <= iv < ");
      aff_str(buf, sizeof(buf), &prog->loops[l].hi, BF_MAX_LOOPS);
      fprintf(f, "  L%d: %s\n", l, buf);
    }
  }
  spm_poly_program_free(p);
  isl_ctx_free(ctx);
}

// --- enumeration -------------------------------------------------------------

typedef struct bf_event_s {
  int acc;
  int inst[BF_MAX_LOOPS];
  int time[BF_SCHED_DIM + 1]; // schedule, then 0 read / 1 + access write
  int array, elem[BF_MAX_ARRAY_DIMS];
} bf_event_t;

typedef struct bf_events_s {
  bf_event_t *v;
  size_t n, cap;
} bf_events_t;

static int eval(const bf_aff_t *a, const int *iv, int n) {
  int v = a->c;
  for (int m = 0; m < n; ++m)
    v += a->k[m] * iv[m];
  return v;
}

// Calls fn for every instance of statement s; false if a loop is too long.
typedef void (*bf_inst_fn)(const bf_program_t *prog, int s, const int *iv,
                           void *user);

static bool enum_rec(const bf_program_t *prog, int s, int level, int *iv,
                     bf_inst_fn fn, void *user) {
  const bf_stmt_t *st = &prog->stmts[s];
  if (level >= st->nloops || level >= BF_MAX_LOOPS) {
    fn(prog, s, iv, user);
    return true;
  }
  const bf_loop_t *l = &prog->loops[st->loop_ids[level]];
  int lo = eval(&l->lo, iv, level), hi = eval(&l->hi, iv, level);
  if (hi - lo > BF_MAX_TRIP)
    return false;
  for (iv[level] = lo; iv[level] < hi; ++iv[level])
    if (!enum_rec(prog, s, level + 1, iv, fn, user))
      return false;
  iv[level] = 0;
  return true;
}

static bool enum_instances(const bf_program_t *prog, int s, bf_inst_fn fn,
                           void *user) {
  int iv[BF_MAX_LOOPS] = {0};
  return enum_rec(prog, s, 0, iv, fn, user);
}

static void add_events(const bf_program_t *prog, int s, const int *iv,
                       void *user) {
  bf_events_t *ev = user;
  const bf_stmt_t *st = &prog->stmts[s];
  for (int i = 0; i < prog->naccs; ++i) {
    const bf_access_t *a = &prog->accs[i];
    if (a->stmt != s)
      continue;
    if (ev->n == ev->cap) {
      ev->cap = ev->cap ? 2 * ev->cap : 256;
      ev->v = realloc(ev->v, ev->cap * sizeof(*ev->v));
      if (!ev->v)
        abort();
    }
    bf_event_t *e = &ev->v[ev->n++];
    memset(e, 0, sizeof(*e));
    e->acc = i;
    for (int m = 0; m < st->nloops; ++m)
      e->inst[m] = iv[m];
    for (int l = 0; l < BF_MAX_LOOPS; ++l) {
      e->time[2 * l] = l <= st->nloops ? st->pos[l] : 0;
      e->time[2 * l + 1] = l < st->nloops ? iv[l] : 0;
    }
    e->time[BF_SCHED_DIM - 1] = 0;
    e->time[BF_SCHED_DIM] = a->kind == SPM_POLY_READ ? 0 : 1 + i;
    e->array = a->array;
    for (int d = 0; d < prog->array_dims[a->array]; ++d)
      e->elem[d] = eval(&a->idx[d], iv, st->nloops);
  }
}

static int time_cmp(const bf_event_t *a, const bf_event_t *b) {
  for (int k = 0; k <= BF_SCHED_DIM; ++k)
    if (a->time[k] != b->time[k])
      return a->time[k] < b->time[k] ? -1 : 1;
  return 0;
}

static int event_qcmp(const void *x, const void *y) {
  const bf_event_t *a = x, *b = y;
  if (a->array != b->array)
    return a->array < b->array ? -1 : 1;
  for (int d = 0; d < BF_MAX_ARRAY_DIMS; ++d)
    if (a->elem[d] != b->elem[d])
      return a->elem[d] < b->elem[d] ? -1 : 1;
  int c = time_cmp(a, b);
  if (c)
    return c;
  return a->acc < b->acc ? -1 : a->acc > b->acc;
}

static void make_pair(bf_pair_t *p, const bf_event_t *s, const bf_event_t *t,
                      bool must) {
  memset(p, 0, sizeof(*p));
  p->src = s->acc;
  p->dst = t->acc;
  memcpy(p->s, s->inst, sizeof(p->s));
  memcpy(p->t, t->inst, sizeof(p->t));
  p->must = must;
}

static bool is_write(const bf_program_t *prog, const bf_event_t *e) {
  return prog->accs[e->acc].kind != SPM_POLY_READ;
}

static bool is_must(const bf_program_t *prog, const bf_event_t *e) {
  return prog->accs[e->acc].kind == SPM_POLY_WRITE;
}

// Dependences among the events of one element, sorted by time.
static void group_deps(const bf_program_t *prog, const bf_event_t *g, size_t n,
                       bf_deps_t *d) {
  bf_pair_t p;
  for (size_t j = 0; j < n; ++j) {
    const bf_event_t *t = &g[j];
    bool tw = is_write(prog, t);
    // Events strictly before t: i < j with time < t's (ties are unordered).
    size_t before = j;
    while (before > 0 && time_cmp(&g[before - 1], t) == 0)
      --before;
    for (size_t i = 0; i < before; ++i) {
      const bf_event_t *s = &g[i];
      bool sw = is_write(prog, s);
      if (sw && tw) {
        make_pair(&p, s, t, false);
        bf_pairs_push(&d->output, &p);
      } else if (!sw && tw) {
        make_pair(&p, s, t, false);
        bf_pairs_push(&d->anti, &p);
      } else if (sw && !tw) {
        make_pair(&p, s, t, false);
        bf_pairs_push(&d->memflow, &p);
      }
    }
    if (tw)
      continue;
    // Value-based flow to read t: writes not followed (strictly) by a
    // must-write before t.
    const bf_event_t *last_must = NULL;
    for (size_t i = 0; i < before; ++i)
      if (is_must(prog, &g[i]))
        last_must = &g[i];
    for (size_t i = 0; i < before; ++i) {
      const bf_event_t *s = &g[i];
      if (!is_write(prog, s) ||
          (last_must && time_cmp(s, last_must) < 0))
        continue;
      // Certain when s is a must-write and no other write happens in
      // [time(s), time(t)).
      bool must = is_must(prog, s);
      for (size_t k = 0; k < before && must; ++k)
        if (k != i && is_write(prog, &g[k]) && time_cmp(&g[k], s) >= 0)
          must = false;
      make_pair(&p, s, t, must);
      bf_pairs_push(&d->flow, &p);
    }
  }
}

bool bf_compute(const bf_program_t *prog, size_t max_pairs, bf_deps_t *d) {
  memset(d, 0, sizeof(*d));
  bf_events_t ev = {0};
  for (int s = 0; s < prog->nstmts; ++s)
    if (!enum_instances(prog, s, add_events, &ev)) {
      free(ev.v);
      return false;
    }
  d->events = ev.n;
  if (ev.n > 1)
    qsort(ev.v, ev.n, sizeof(*ev.v), event_qcmp);
  for (size_t i = 0; i < ev.n;) {
    size_t j = i + 1;
    while (j < ev.n && ev.v[j].array == ev.v[i].array &&
           !memcmp(ev.v[j].elem, ev.v[i].elem, sizeof(ev.v[i].elem)))
      ++j;
    group_deps(prog, &ev.v[i], j - i, d);
    if (d->output.n + d->anti.n + d->memflow.n > max_pairs) {
      free(ev.v);
      bf_deps_free(d);
      return false;
    }
    i = j;
  }
  free(ev.v);
  bf_pairs_sort(&d->flow);
  bf_pairs_sort(&d->memflow);
  bf_pairs_sort(&d->anti);
  bf_pairs_sort(&d->output);
  return true;
}

// --- compat ------------------------------------------------------------------

typedef struct bf_insts_s {
  int (*v)[BF_MAX_LOOPS];
  size_t n, cap;
} bf_insts_t;

static void add_inst(const bf_program_t *prog, int s, const int *iv,
                     void *user) {
  bf_insts_t *in = user;
  if (in->n == in->cap) {
    in->cap = in->cap ? 2 * in->cap : 64;
    in->v = realloc(in->v, in->cap * sizeof(*in->v));
    if (!in->v)
      abort();
  }
  memcpy(in->v[in->n++], iv, sizeof(in->v[0]));
}

static void set_bound(spm_poly_bound_t *b, int v, bool first) {
  if (first || v < b->lb)
    b->lb = v;
  if (first || v > b->ub)
    b->ub = v;
  b->lb_infinite = b->ub_infinite = false;
}

void bf_compat(const bf_program_t *prog, int src, int dst, int depth,
               bool src_before_dst, bool *has_dep,
               spm_poly_bound_t components[BF_MAX_LOOPS]) {
  *has_dep = false;
  const bf_access_t *a = &prog->accs[src], *b = &prog->accs[dst];
  int c = bf_common_loops(prog, a->stmt, b->stmt);
  if (a->array != b->array ||
      (a->kind == SPM_POLY_READ && b->kind == SPM_POLY_READ) ||
      (depth == c + 1 && !src_before_dst))
    return;
  bf_insts_t is = {0}, it = {0};
  enum_instances(prog, a->stmt, add_inst, &is);
  enum_instances(prog, b->stmt, add_inst, &it);
  int na = prog->stmts[a->stmt].nloops, nb = prog->stmts[b->stmt].nloops;
  for (size_t i = 0; i < is.n; ++i) {
    for (size_t j = 0; j < it.n; ++j) {
      const int *s = is.v[i], *t = it.v[j];
      bool ok = true;
      for (int d = 0; d < prog->array_dims[a->array] && ok; ++d)
        ok = eval(&a->idx[d], s, na) == eval(&b->idx[d], t, nb);
      for (int k = 0; k < c && k < depth - 1 && ok; ++k)
        ok = s[k] == t[k];
      if (ok && depth <= c)
        ok = s[depth - 1] < t[depth - 1];
      if (!ok)
        continue;
      for (int k = 0; k < c; ++k)
        set_bound(&components[k], t[k] - s[k], !*has_dep);
      *has_dep = true;
    }
  }
  free(is.v);
  free(it.v);
}
