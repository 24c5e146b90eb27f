// spm_tile_search: exhaustive search over candidate tile sizes x loop-order
// classes, pruned by a monotone space bound. See tile_model.h.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "place/tile_internal.h"
#include "place/tile_model.h"

// A loop-order class: per (non-resident, searched) operand, the dims it does
// not depend on that lie outer to its innermost dependent loop. Its reuse
// factor under a tiling is the product of their trips.
typedef struct order_class_s {
  uint8_t outer[SPM_TILE_MAX_OPERANDS];
  int order[SPM_TILE_MAX_DIMS]; // a representative, outer to inner
} order_class_t;

typedef struct table_s {
  spm_tile_stats_t *v; // NULL: too large, computed at each use
  unsigned char *done;
  int nd;                         // dims of the component
  int dim[SPM_TILE_MAX_DIMS];     // which
  int64_t stride[SPM_TILE_MAX_DIMS]; // index stride of each (by position)
} table_t;

typedef struct search_s {
  const spm_tile_problem_t *p;
  const spm_tile_options_t *o;
  int nd, nops;
  int op[SPM_TILE_MAX_OPERANDS]; // problem index of each searched operand
  spm_tile_opinfo_t info[SPM_TILE_MAX_OPERANDS];
  order_class_t *cls;
  int ncls, capcls;
  int64_t *cand[SPM_TILE_MAX_DIMS];
  int ncand[SPM_TILE_MAX_DIMS];
  table_t tab[SPM_TILE_MAX_OPERANDS][SPM_TILE_MAX_RANK];
  int ci[SPM_TILE_MAX_DIMS];
  int64_t tile[SPM_TILE_MAX_DIMS];
  int64_t nbuf;
  bool have;
  int64_t best_cost, best_tr, best_tile[SPM_TILE_MAX_DIMS];
  int best_cls;
  int64_t span[SPM_TILE_MAX_OPERANDS][SPM_TILE_MAX_RANK]; // first-tile box
  int64_t leaves;
  int64_t fewest_over; // fewest tiles of a tiling legal but for max_tiles
  bool oom;
} search_t;

// --- loop-order classes -----------------------------------------------------------

static void add_class(search_t *s, const uint8_t *outer, const int *order) {
  for (int c = 0; c < s->ncls; ++c)
    if (memcmp(s->cls[c].outer, outer, SPM_TILE_MAX_OPERANDS) == 0)
      return;
  if (s->ncls == s->capcls) {
    int cap = s->capcls ? 2 * s->capcls : 16;
    order_class_t *n = realloc(s->cls, (size_t)cap * sizeof(*n));
    if (!n) {
      s->oom = true;
      return;
    }
    s->cls = n;
    s->capcls = cap;
  }
  order_class_t *c = &s->cls[s->ncls++];
  memcpy(c->outer, outer, SPM_TILE_MAX_OPERANDS);
  memcpy(c->order, order, sizeof(c->order));
}

// Builds orders from the innermost loop outwards. An operand *closes* when
// its first dependent dim is placed; its suffix is what was placed before.
// Consecutive dims that close nothing commute, so they are placed in
// ascending order only. Once every operand has closed, the outer loops do
// not matter: they go outermost in ascending order.
static void enum_orders(search_t *s, uint32_t placed, uint32_t open,
                        int last_free, int depth, int *seq,
                        uint32_t *suffix) {
  uint32_t all = (1u << s->nd) - 1;
  for (int j = 0; j < s->nd && !s->oom; ++j) {
    if (placed & (1u << j))
      continue;
    uint32_t closes = 0;
    for (int a = 0; a < s->nops; ++a)
      if ((open & (1u << a)) && (s->info[a].relevant & (1u << j)))
        closes |= 1u << a;
    if (!closes && j < last_free)
      continue;
    seq[depth] = j;
    uint32_t saved[SPM_TILE_MAX_OPERANDS];
    memcpy(saved, suffix, sizeof(saved));
    for (int a = 0; a < s->nops; ++a)
      if (closes & (1u << a))
        suffix[a] = placed;
    uint32_t nopen = open & ~closes;
    if (nopen == 0) {
      uint8_t outer[SPM_TILE_MAX_OPERANDS] = {0};
      for (int a = 0; a < s->nops; ++a)
        if (s->info[a].relevant)
          outer[a] = (uint8_t)(all & ~s->info[a].relevant & ~suffix[a]);
      int order[SPM_TILE_MAX_DIMS], n = 0;
      uint32_t now = placed | (1u << j);
      for (int i = 0; i < s->nd; ++i)
        if (!(now & (1u << i)))
          order[n++] = i;
      for (int d = depth; d >= 0; --d)
        order[n++] = seq[d];
      add_class(s, outer, order);
    } else {
      enum_orders(s, placed | (1u << j), nopen, closes ? -1 : j, depth + 1,
                  seq, suffix);
    }
    memcpy(suffix, saved, sizeof(saved));
  }
}

static bool subset(uint8_t a, uint8_t b) { return (a & ~b) == 0; }

// Drops every class that another class dominates (each operand's outer set
// a subset of this one's: its reuse factors are never larger).
static void prune_dominated(search_t *s) {
  int kept = 0;
  for (int c = 0; c < s->ncls; ++c) {
    bool dominated = false;
    for (int d = 0; d < s->ncls && !dominated; ++d) {
      if (d == c)
        continue;
      bool all = true;
      for (int a = 0; a < s->nops && all; ++a)
        all = subset(s->cls[d].outer[a], s->cls[c].outer[a]);
      dominated = all; // classes are distinct, so d is strictly better
    }
    if (!dominated)
      s->cls[kept++] = s->cls[c];
  }
  s->ncls = kept;
}

// --- candidates ---------------------------------------------------------------------

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

// The loops that must not be tiled and the nesting rules, as "d1,d3 whole;
// d2 whole if d1 is tiled" (NULL when there are none).
static const char *whole_dims(const spm_tile_problem_t *p) {
  static _Thread_local char buf[64 * SPM_TILE_MAX_DIMS];
  size_t n = 0;
  buf[0] = 0;
  for (int j = 0; j < p->ndims; ++j)
    if (p->dim[j].whole && n < sizeof buf)
      n += (size_t)snprintf(buf + n, sizeof buf - n, "%sd%d", n ? "," : "",
                            j);
  if (n && n < sizeof buf)
    n += (size_t)snprintf(buf + n, sizeof buf - n, " whole");
  for (int j = 0; j < p->ndims; ++j)
    for (int k = 0; k < p->ndims; ++k)
      if ((p->dim[j].whole_if_tiled >> k & 1u) && n < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "%sd%d whole if d%d is tiled", n ? "; " : "", k,
                              j);
  return n ? buf : NULL;
}

// Whether the tiles of dims 0..j keep the rules among themselves (the
// tiles of the dims after j are not chosen yet).
static bool nesting_ok_upto(const search_t *s, int j) {
  const spm_tile_problem_t *p = s->p;
  for (int a = 0; a <= j; ++a) {
    if (p->dim[a].whole && s->tile[a] != p->dim[a].extent)
      return false;
    if (s->tile[a] > 1)
      for (int k = 0; k <= j; ++k)
        if ((p->dim[a].whole_if_tiled >> k & 1u) &&
            s->tile[k] != p->dim[k].extent)
          return false;
  }
  return true;
}

static bool make_candidates(search_t *s, int j) {
  int64_t e = s->p->dim[j].extent;
  size_t n = 0, cap;
  int64_t *v;
  if (s->p->dim[j].whole) {
    v = malloc(sizeof(*v));
    if (!v)
      return false;
    v[n++] = e;
  } else if (s->o->candidates == SPM_TILE_CANDIDATES_ALL) {
    cap = (size_t)e;
    v = malloc(cap * sizeof(*v));
    if (!v)
      return false;
    for (int64_t t = 1; t <= e; ++t)
      v[n++] = t;
  } else {
    cap = 2 * 64 + 2 * 2048; // divisors of n <= 2^32 number < 2048 pairs
    v = malloc(cap * sizeof(*v));
    if (!v)
      return false;
    for (int64_t d = 1; d * d <= e; ++d)
      if (e % d == 0) {
        v[n++] = d;
        if (d != e / d)
          v[n++] = e / d;
      }
    for (int64_t t = 1; t < e; t *= 2)
      v[n++] = t;
    qsort(v, n, sizeof(*v), cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < n; ++i)
      if (u == 0 || v[u - 1] != v[i])
        v[u++] = v[i];
    n = u;
  }
  s->cand[j] = v;
  s->ncand[j] = (int)n;
  return true;
}

// --- tables of component statistics ------------------------------------------------

#define TABLE_MAX ((int64_t)1 << 16)

static bool make_tables(search_t *s) {
  for (int a = 0; a < s->nops; ++a)
    for (int c = 0; c < s->info[a].ncomp; ++c) {
      table_t *t = &s->tab[a][c];
      int64_t size = 1;
      for (int j = 0; j < s->nd; ++j)
        if (s->info[a].comp[c].dims & (1u << j)) {
          t->dim[t->nd] = j;
          t->stride[t->nd++] = size;
          size = spm_tile_sat_mul(size, s->ncand[j]);
        }
      if (size > TABLE_MAX)
        continue;
      t->v = malloc((size_t)size * sizeof(*t->v));
      t->done = calloc((size_t)size, 1);
      if (!t->v || !t->done)
        return false;
    }
  return true;
}

static void free_search(search_t *s) {
  free(s->cls);
  for (int j = 0; j < SPM_TILE_MAX_DIMS; ++j)
    free(s->cand[j]);
  for (int a = 0; a < SPM_TILE_MAX_OPERANDS; ++a)
    for (int c = 0; c < SPM_TILE_MAX_RANK; ++c) {
      free(s->tab[a][c].v);
      free(s->tab[a][c].done);
    }
}

static spm_tile_stats_t comp_stats(search_t *s, int a, int c) {
  table_t *t = &s->tab[a][c];
  const spm_tile_comp_t *comp = &s->info[a].comp[c];
  spm_tile_stats_t st;
  int64_t idx = 0;
  if (t->v) {
    for (int i = 0; i < t->nd; ++i)
      idx += t->stride[i] * s->ci[t->dim[i]];
    if (t->done[idx])
      return t->v[idx];
  }
  if (!spm_tile_comp_stats(s->p, s->op[a], comp, s->tile, &st))
    st.sum = st.count = st.max = INT64_MAX; // saturate: never chosen
  if (t->v) {
    t->v[idx] = st;
    t->done[idx] = 1;
  }
  return st;
}

// --- the tile-size DFS ---------------------------------------------------------------

// Sets tile[j], keeping span[a][d] = sum_j coef[d][j] * (tile[j] - 1).
static void set_tile(search_t *s, int j, int64_t v) {
  int64_t delta = v - s->tile[j];
  s->tile[j] = v;
  for (int a = 0; a < s->nops; ++a) {
    const spm_tile_operand_t *o = &s->p->operand[s->op[a]];
    for (int d = 0; d < o->rank; ++d)
      s->span[a][d] += o->coef[d][j] * delta;
  }
}

// Space of the first tile of every operand (dims not yet chosen at their
// current, smallest value): monotone in every tile size and <= the space.
static int64_t space_lower_bound(const search_t *s) {
  int64_t total = 0;
  for (int a = 0; a < s->nops; ++a) {
    const spm_tile_operand_t *o = &s->p->operand[s->op[a]];
    int64_t b = o->elem_bytes;
    for (int d = 0; d < o->rank && b > 0; ++d) {
      int64_t lo = o->offset[d], hi = lo + s->span[a][d];
      if (lo < 0)
        lo = 0;
      if (hi > o->shape[d] - 1)
        hi = o->shape[d] - 1;
      b = hi >= lo ? spm_tile_sat_mul(b, hi - lo + 1) : 0;
    }
    total = spm_tile_sat_add(
        total, spm_tile_sat_mul(spm_tile_align_up(b, s->o->alignment),
                                o->scratch ? 1 : s->nbuf));
  }
  return total;
}

static void leaf(search_t *s) {
  int64_t F[SPM_TILE_MAX_OPERANDS], C[SPM_TILE_MAX_OPERANDS];
  int64_t space = 0;
  for (int a = 0; a < s->nops; ++a) {
    const spm_tile_operand_t *o = &s->p->operand[s->op[a]];
    int64_t f = o->elem_bytes, cnt = 1, m = o->elem_bytes;
    for (int c = 0; c < s->info[a].ncomp; ++c) {
      spm_tile_stats_t st = comp_stats(s, a, c);
      f = spm_tile_sat_mul(f, st.sum);
      cnt = spm_tile_sat_mul(cnt, st.count);
      m = spm_tile_sat_mul(m, st.max);
    }
    F[a] = f;
    C[a] = cnt;
    space = spm_tile_sat_add(
        space, spm_tile_sat_mul(spm_tile_align_up(m, s->o->alignment),
                                o->scratch ? 1 : s->nbuf));
  }
  if (space > s->o->budget_bytes)
    return;
  s->leaves++;
  int64_t n[SPM_TILE_MAX_DIMS];
  for (int j = 0; j < s->nd; ++j)
    n[j] = spm_tile_trips(s->p->dim[j].extent, s->tile[j]);
  int64_t w[SPM_TILE_MAX_OPERANDS];
  for (int a = 0; a < s->nops; ++a)
    w[a] = spm_tile_sat_add(F[a],
                            spm_tile_sat_mul(C[a], s->o->per_transfer_bytes));
  int64_t bc = INT64_MAX, bt = INT64_MAX;
  int bk = -1;
  for (int k = 0; k < s->ncls; ++k) {
    int64_t cost = 0, tr = 0;
    bool legal = true;
    for (int a = 0; a < s->nops && legal; ++a) {
      int64_t m = 1;
      for (uint32_t b = s->cls[k].outer[a]; b; b &= b - 1)
        m = spm_tile_sat_mul(m, n[__builtin_ctz(b)]);
      const spm_tile_operand_t *o = &s->p->operand[s->op[a]];
      if (o->scratch) { // no traffic; its tiles must not be revisited
        legal = m == 1;
        continue;
      }
      int64_t times = m;
      if (o->role == SPM_TILE_OUTPUT) // stores m, loads m - 1 (+ 1)
        times = spm_tile_sat_add(spm_tile_sat_mul(m, 2),
                                 o->needs_initial_read ? 0 : -1);
      cost = spm_tile_sat_add(cost, spm_tile_sat_mul(w[a], times));
      tr = spm_tile_sat_add(tr, spm_tile_sat_mul(C[a], times));
    }
    if (legal && (cost < bc || (cost == bc && tr < bt))) {
      bc = cost;
      bt = tr;
      bk = k;
    }
  }
  if (bk < 0)
    return; // no loop order keeps a scratch tile in one visit
  if (s->o->max_tiles > 0) {
    int64_t tiles = 1;
    for (int j = 0; j < s->nd; ++j)
      tiles = spm_tile_sat_mul(tiles, n[j]);
    if (tiles > s->o->max_tiles) {
      if (s->fewest_over == 0 || tiles < s->fewest_over)
        s->fewest_over = tiles;
      return;
    }
  }
  bool better = !s->have || bc < s->best_cost ||
                (bc == s->best_cost && bt < s->best_tr);
  if (!better && s->have && bc == s->best_cost && bt == s->best_tr)
    for (int j = 0; j < s->nd; ++j)
      if (s->tile[j] != s->best_tile[j]) {
        better = s->tile[j] > s->best_tile[j];
        break;
      }
  if (better) {
    s->have = true;
    s->best_cost = bc;
    s->best_tr = bt;
    s->best_cls = bk;
    memcpy(s->best_tile, s->tile, sizeof(s->tile));
  }
}

static void dfs(search_t *s, int j) {
  if (j == s->nd) {
    leaf(s);
    return;
  }
  for (int c = 0; c < s->ncand[j]; ++c) {
    s->ci[j] = c;
    set_tile(s, j, s->cand[j][c]);
    if (space_lower_bound(s) > s->o->budget_bytes)
      break; // larger candidates only grow the bound
    if (!nesting_ok_upto(s, j))
      continue; // an output's tiles would overlap
    dfs(s, j + 1);
  }
  s->ci[j] = 0;
  set_tile(s, j, 1);
}

static double now_seconds(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

spm_status_t spm_tile_search(const spm_tile_problem_t *p,
                             const spm_tile_options_t *o,
                             spm_tile_plan_t *plan) {
  double t0 = now_seconds();
  if (!plan)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_search: plan is NULL");
  memset(plan, 0, sizeof(*plan));
  SPM_RETURN_IF_ERROR(spm_tile_problem_validate(p));
  spm_tile_options_t defaults = spm_tile_options_default();
  if (!o)
    o = &defaults;
  SPM_RETURN_IF_ERROR(spm_tile_validate_options(o));
  if (o->candidates == SPM_TILE_CANDIDATES_ALL)
    for (int j = 0; j < p->ndims; ++j)
      if (p->dim[j].extent > SPM_TILE_ALL_MAX_EXTENT)
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "spm_tile_search: SPM_TILE_CANDIDATES_ALL is "
                               "for small problems: dim %d has extent %lld > "
                               "%lld",
                               j, (long long)p->dim[j].extent,
                               (long long)SPM_TILE_ALL_MAX_EXTENT);

  // The smallest tiling has the smallest space of all (every footprint is
  // then at most one element): if it does not fit, nothing does.
  int ident[SPM_TILE_MAX_DIMS];
  int64_t ones[SPM_TILE_MAX_DIMS];
  for (int j = 0; j < p->ndims; ++j)
    ident[j] = j, ones[j] = 1;
  spm_tile_plan_t small;
  SPM_RETURN_IF_ERROR(spm_tile_evaluate(p, o, ident, ones, &small));
  if (small.space_bytes > o->budget_bytes) {
    char detail[512];
    size_t len = 0;
    detail[0] = 0;
    for (int x = 0; x < p->noperands && len < sizeof(detail); ++x)
      if (!p->operand[x].resident)
        len += (size_t)snprintf(detail + len, sizeof(detail) - len,
                                "%s%s %lld B", len ? ", " : "",
                                p->operand[x].name[0] ? p->operand[x].name
                                                      : "?",
                                (long long)small.operand[x].max_footprint);
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "spm_tile_search: no tiling fits the budget of "
                           "%lld bytes: the smallest tiling (every tile size "
                           "1) needs %lld bytes (%s%s%s)",
                           (long long)o->budget_bytes,
                           (long long)small.space_bytes, detail,
                           o->double_buffer ? ", each double-buffered" : "",
                           o->alignment > 1 ? ", each rounded up to the "
                                              "alignment" : "");
  }

  search_t *s = calloc(1, sizeof(*s));
  if (!s)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  s->p = p;
  s->o = o;
  s->nd = p->ndims;
  s->nbuf = o->double_buffer ? 2 : 1;
  for (int x = 0; x < p->noperands; ++x)
    if (!p->operand[x].resident) {
      s->op[s->nops] = x;
      spm_tile_analyze_operand(p, x, &s->info[s->nops]);
      s->nops++;
    }
  uint32_t open = 0;
  for (int a = 0; a < s->nops; ++a)
    if (s->info[a].relevant)
      open |= 1u << a;
  if (open == 0) {
    uint8_t outer[SPM_TILE_MAX_OPERANDS] = {0};
    add_class(s, outer, ident);
  } else {
    int seq[SPM_TILE_MAX_DIMS];
    uint32_t suffix[SPM_TILE_MAX_OPERANDS] = {0};
    enum_orders(s, 0, open, -1, 0, seq, suffix);
    prune_dominated(s);
  }
  bool ok = !s->oom;
  for (int j = 0; j < s->nd && ok; ++j)
    ok = make_candidates(s, j);
  ok = ok && make_tables(s);
  if (!ok) {
    free_search(s);
    free(s);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  for (int j = 0; j < s->nd; ++j)
    s->tile[j] = 1;
  dfs(s, 0);

  spm_status_t st = SPM_OK;
  if (!s->have && s->fewest_over > 0) {
    st = spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                         "spm_tile_search: every tiling within the budget "
                         "of %lld bytes has more than %lld tile iterations "
                         "(the fewest: %lld)",
                         (long long)o->budget_bytes, (long long)o->max_tiles,
                         (long long)s->fewest_over);
    plan->tiles = s->fewest_over;
  } else if (!s->have && whole_dims(p)) // the smallest tiling keeps them
    st = spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                         "spm_tile_search: no tiling within the budget of "
                         "%lld bytes keeps the boxes of an output's tiles "
                         "apart (%s)",
                         (long long)o->budget_bytes, whole_dims(p));
  else if (!s->have) // all-ones fits and is a candidate: only a scratch
                     // operand's one-visit rule can exclude every tiling
    st = spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                         "spm_tile_search: no tiling within the budget of "
                         "%lld bytes visits each scratch tile once",
                         (long long)o->budget_bytes);
  else {
    // Loops with one trip never move: list them outermost (dim order), then
    // the class's order of the others. The cost is the same (docs/tiling.md).
    int order[SPM_TILE_MAX_DIMS], n = 0;
    const int *rep = s->cls[s->best_cls].order;
    for (int pass = 0; pass < 2; ++pass)
      for (int i = 0; i < s->nd; ++i) {
        int j = pass == 0 ? i : rep[i];
        bool one = spm_tile_trips(p->dim[j].extent, s->best_tile[j]) == 1;
        if (one == (pass == 0))
          order[n++] = j;
      }
    st = spm_tile_evaluate(p, o, order, s->best_tile, plan);
  }
  if (spm_status_is_ok(st) &&
      (plan->cost != s->best_cost || plan->transfers != s->best_tr))
    st = spm_status_make(SPM_STATUS_INTERNAL,
                         "spm_tile_search: the plan's cost %lld (%lld "
                         "transfers) differs from the search's %lld (%lld)",
                         (long long)plan->cost, (long long)plan->transfers,
                         (long long)s->best_cost, (long long)s->best_tr);
  if (spm_status_is_ok(st)) {
    plan->tilings_evaluated = s->leaves;
    plan->order_classes = s->ncls;
    plan->seconds = now_seconds() - t0;
  }
  free_search(s);
  free(s);
  return st;
}
