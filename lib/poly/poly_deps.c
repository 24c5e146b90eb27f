// spm_poly_compute_deps: value-based flow dependences through isl's dataflow
// analysis on tagged accesses, memory-based anti/output (and optionally flow)
// dependences pairwise, all split by depth. See poly.h.
//
// The work is done per array ("bucket" of the accesses to one array), which
// keeps it linear in the number of arrays, and the result of a bucket is
// memoised under a canonical description (statements and array renamed), so
// repeated layers of a network (isomorphic buckets) are analysed once.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/flow.h>
#include <isl/union_map.h>
#include <isl/set.h>
#include <isl/val.h>

#include "poly/poly_internal.h"
#include "support/strbuf.h"

// [S[i] -> tag[]] -> S[i] for access `a` over its statement's domain.
static __isl_give isl_map *untagger(const spm_poly_program_t *p, int a) {
  isl_set *dom = isl_set_copy(p->stmts[p->accs[a].stmt].domain);
  isl_space *ts =
      isl_space_set_from_params(isl_space_params(isl_set_get_space(dom)));
  ts = isl_space_set_tuple_id(ts, isl_dim_set, isl_id_copy(p->accs[a].tag));
  return isl_map_domain_map(
      isl_map_from_domain_and_range(dom, isl_set_universe(ts)));
}

// [S[i] -> tag[]] -> [S'[j] -> tag'[]]  to  S[i] -> S'[j].
static __isl_give isl_map *untag(__isl_take isl_map *m) {
  return isl_map_range_factor_domain(isl_map_domain_factor_domain(m));
}

// Accesses grouped by array: order[] lists access indices sorted by array
// name (then index); bucket b is order[start[b] .. start[b + 1]). Grouping
// keeps the work linear in the number of arrays: isl's dataflow analysis
// compares every sink with every source map otherwise.
typedef struct {
  int *order;
  size_t *start;
  size_t nbuckets;
} spm_poly_buckets_t;

static const spm_poly_program_t *spm_poly_sort_program;

static const char *acc_array(const spm_poly_program_t *p, int a) {
  const char *n = isl_map_get_tuple_name(p->accs[a].relation, isl_dim_out);
  return n ? n : "";
}

static int cmp_by_array(const void *x, const void *y) {
  int a = *(const int *)x, b = *(const int *)y;
  int c = strcmp(acc_array(spm_poly_sort_program, a),
                 acc_array(spm_poly_sort_program, b));
  return c ? c : (a > b) - (a < b);
}

static spm_status_t buckets_build(const spm_poly_program_t *p,
                                  spm_poly_buckets_t *bk) {
  size_t n = p->naccs;
  bk->order = malloc((n + 1) * sizeof *bk->order);
  bk->start = malloc((n + 2) * sizeof *bk->start);
  bk->nbuckets = 0;
  if (!bk->order || !bk->start) {
    free(bk->order);
    free(bk->start);
    bk->order = NULL;
    bk->start = NULL;
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < n; ++i)
    bk->order[i] = (int)i;
  spm_poly_sort_program = p; // qsort has no context argument in C11
  qsort(bk->order, n, sizeof *bk->order, cmp_by_array);
  spm_poly_sort_program = NULL;
  for (size_t i = 0; i < n; ++i)
    if (i == 0 || strcmp(acc_array(p, bk->order[i - 1]),
                         acc_array(p, bk->order[i])) != 0)
      bk->start[bk->nbuckets++] = i;
  bk->start[bk->nbuckets] = n;
  return SPM_OK;
}

static void buckets_free(spm_poly_buckets_t *bk) {
  free(bk->order);
  free(bk->start);
}


// The schedules of accesses acc[0..n) of one bucket, extended by one
// trailing dimension (0 for reads, 1 + k for the k-th access if it writes:
// reads precede writes within an instance, writes in access order), without
// the dimensions that all of them fix to the same constant (the 2d+1
// positions they share): the order among these accesses is unchanged, isl's
// dataflow and lexicographic-order computations get cheaper with fewer
// dimensions, and the result no longer depends on global positions (so
// isomorphic buckets get equal schedules). Returns NULL on an isl error.
static isl_map **bucket_schedules(const spm_poly_program_t *p, const int *acc,
                                  size_t n) {
  isl_map **out = calloc(n + 1, sizeof *out);
  if (!out)
    return NULL;
  for (size_t k = 0; k < n; ++k) {
    isl_map *m = isl_map_copy(p->stmts[p->accs[acc[k]].stmt].schedule);
    isl_size d = isl_map_dim(m, isl_dim_out);
    m = isl_map_add_dims(m, isl_dim_out, 1);
    out[k] = d < 0 ? isl_map_free(m)
                   : isl_map_fix_si(m, isl_dim_out, (unsigned)d,
                                    spm_poly_acc_writes(p->accs[acc[k]].kind)
                                        ? 1 + (int)k
                                        : 0);
  }
  isl_size dims = n && out[0] ? isl_map_dim(out[0], isl_dim_out) : 0;
  for (int d = (int)dims - 1; d >= 0; --d) {
    isl_val *first = NULL;
    bool same = true;
    for (size_t k = 0; k < n && same; ++k) {
      isl_val *v = out[k] ? isl_map_plain_get_val_if_fixed(out[k], isl_dim_out,
                                                            (unsigned)d)
                          : NULL;
      if (!v || !isl_val_is_int(v))
        same = false;
      else if (!first)
        first = isl_val_copy(v);
      else
        same = isl_val_eq(first, v) == isl_bool_true;
      isl_val_free(v);
    }
    isl_val_free(first);
    if (!same)
      continue;
    for (size_t k = 0; k < n; ++k)
      out[k] = isl_map_project_out(out[k], isl_dim_out, (unsigned)d, 1);
  }
  // Dimensions every access fixes to a constant (statement positions):
  // only the relative order of the values matters, so number them by rank.
  dims = n && out[0] ? isl_map_dim(out[0], isl_dim_out) : 0;
  long *vals = calloc(n + 1, sizeof *vals);
  for (int d = 0; vals && d < (int)dims; ++d) {
    bool fixed = true;
    for (size_t k = 0; k < n && fixed; ++k) {
      isl_val *v = out[k] ? isl_map_plain_get_val_if_fixed(out[k], isl_dim_out,
                                                            (unsigned)d)
                          : NULL;
      fixed = v && isl_val_is_int(v);
      if (fixed)
        vals[k] = isl_val_get_num_si(v);
      isl_val_free(v);
    }
    if (!fixed)
      continue;
    for (size_t k = 0; k < n; ++k) {
      int rank = 0;
      for (size_t j = 0; j < n; ++j) {
        bool smaller_distinct = vals[j] < vals[k];
        for (size_t i = 0; i < j && smaller_distinct; ++i)
          if (vals[i] == vals[j])
            smaller_distinct = false; // count each value once
        rank += smaller_distinct;
      }
      out[k] = isl_map_project_out(out[k], isl_dim_out, (unsigned)d, 1);
      out[k] = isl_map_insert_dims(out[k], isl_dim_out, (unsigned)d, 1);
      out[k] = isl_map_fix_si(out[k], isl_dim_out, (unsigned)d, rank);
    }
  }
  bool ok = vals != NULL;
  free(vals);
  for (size_t k = 0; k < n; ++k)
    ok = ok && out[k];
  if (!ok) {
    for (size_t j = 0; j < n; ++j)
      isl_map_free(out[j]);
    free(out);
    return NULL;
  }
  return out;
}

static void schedules_free(isl_map **s, size_t n) {
  if (!s)
    return;
  for (size_t k = 0; k < n; ++k)
    isl_map_free(s[k]);
  free(s);
}

// Memory-based dependences of every kind in `kinds` (bit 1 << kind) between
// every ordered pair of accesses of one bucket. Built depth by depth: the
// schedule orders instances by their common loops first (poly.h), so only
// the loop-independent piece needs the lexicographic order of the schedules.
static spm_status_t memory_based_bucket(const spm_poly_program_t *p,
                                        unsigned kinds, const int *acc,
                                        size_t n, isl_map **rs,
                                        spm_poly_deps_t *out) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int a = acc[i], c = acc[j];
      const spm_poly_acc_t *x = &p->accs[a], *y = &p->accs[c];
      bool wx = spm_poly_acc_writes(x->kind), wy = spm_poly_acc_writes(y->kind);
      if (!wx && !wy)
        continue;
      spm_poly_dep_kind_t kind = !wx  ? SPM_POLY_DEP_ANTI
                                 : wy ? SPM_POLY_DEP_OUTPUT
                                      : SPM_POLY_DEP_FLOW;
      if (!(kinds & (1u << kind)))
        continue;
      int ncommon = spm_poly_common_loops(p, x->stmt, y->stmt);
      isl_map *base = isl_map_apply_range(
          isl_map_copy(x->relation), isl_map_reverse(isl_map_copy(y->relation)));
      bool may = x->kind == SPM_POLY_MAY_WRITE || y->kind == SPM_POLY_MAY_WRITE;
      for (int depth = 1; depth <= ncommon + 1; ++depth) {
        isl_map *piece =
            spm_poly_restrict_depth(isl_map_copy(base), ncommon, depth);
        if (depth == ncommon + 1)
          piece = isl_map_intersect(
              piece,
              isl_map_lex_lt_map(isl_map_copy(rs[i]), isl_map_copy(rs[j])));
        isl_bool empty = isl_map_is_empty(piece);
        spm_status_t st = SPM_OK;
        if (empty < 0)
          st = spm_poly_isl_error(p->ctx, "memory-based dependences");
        if (empty)
          isl_map_free(piece);
        else if (!st)
          st = spm_poly_push_piece(p, kind, a, c, depth, ncommon, piece, NULL,
                                   may, out);
        else
          isl_map_free(piece);
        if (st) {
          isl_map_free(base);
          return st;
        }
      }
      isl_map_free(base);
    }
  }
  return SPM_OK;
}

// Value-based flow dependences of one bucket: isl_union_access_info_
// compute_flow on tagged accesses ([S[i] -> tag[]] -> A[...]) so that the
// result relates accesses, not statements.
static spm_status_t value_based_flow_bucket(const spm_poly_program_t *p,
                                            const int *acc, size_t n,
                                            isl_map **rs,
                                            spm_poly_deps_t *out) {
  bool any_read = false, any_write = false;
  for (size_t k = 0; k < n; ++k) {
    bool w = spm_poly_acc_writes(p->accs[acc[k]].kind);
    any_write |= w;
    any_read |= !w;
  }
  if (!any_read || !any_write)
    return SPM_OK;
  isl_space **tspace = calloc(n, sizeof(*tspace));
  if (!tspace)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  isl_space *params = isl_space_params_alloc(p->ctx, 0);
  isl_union_map *sink = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *must = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *may = isl_union_map_empty(isl_space_copy(params));
  isl_union_map *sched = isl_union_map_empty(params);
  for (size_t k = 0; k < n; ++k) {
    int a = acc[k];
    isl_map *t = untagger(p, a);
    tspace[k] = isl_space_domain(isl_map_get_space(t));
    isl_map *m =
        isl_map_apply_range(isl_map_copy(t), isl_map_copy(p->accs[a].relation));
    sched = isl_union_map_add_map(sched,
                                  isl_map_apply_range(t, isl_map_copy(rs[k])));
    switch (p->accs[a].kind) {
    case SPM_POLY_READ:
      sink = isl_union_map_add_map(sink, m);
      break;
    case SPM_POLY_WRITE:
      must = isl_union_map_add_map(must, m);
      break;
    case SPM_POLY_MAY_WRITE:
      may = isl_union_map_add_map(may, m);
      break;
    }
  }
  isl_union_access_info *info = isl_union_access_info_from_sink(sink);
  info = isl_union_access_info_set_must_source(info, must);
  info = isl_union_access_info_set_may_source(info, may);
  info = isl_union_access_info_set_schedule_map(info, sched);
  isl_union_flow *flow = isl_union_access_info_compute_flow(info);
  isl_union_map *all_dep = isl_union_flow_get_may_dependence(flow);
  isl_union_map *must_dep = isl_union_flow_get_must_dependence(flow);
  isl_union_flow_free(flow);
  spm_status_t s = SPM_OK;
  if (!all_dep || !must_dep)
    s = spm_poly_isl_error(p->ctx, "dataflow analysis");
  for (size_t kw = 0; kw < n && !s; ++kw) {
    int w = acc[kw];
    if (!spm_poly_acc_writes(p->accs[w].kind))
      continue;
    for (size_t kr = 0; kr < n && !s; ++kr) {
      int r = acc[kr];
      if (p->accs[r].kind != SPM_POLY_READ)
        continue;
      // In the parameter space of the result (all statements' parameters).
      isl_space *sp = isl_space_map_from_domain_and_range(
          isl_space_align_params(isl_space_copy(tspace[kw]),
                                 isl_union_map_get_space(all_dep)),
          isl_space_align_params(isl_space_copy(tspace[kr]),
                                 isl_union_map_get_space(all_dep)));
      isl_map *rel = isl_union_map_extract_map(all_dep, isl_space_copy(sp));
      isl_map *mrel = isl_union_map_extract_map(must_dep, sp);
      isl_bool empty = isl_map_is_empty(rel);
      if (empty < 0 || !mrel) {
        s = spm_poly_isl_error(p->ctx, "dataflow analysis");
      } else if (!empty) {
        mrel = untag(mrel);
        s = spm_poly_split_and_push(p, SPM_POLY_DEP_FLOW, w, r,
                                    isl_map_coalesce(untag(rel)), mrel,
                                    p->accs[w].kind == SPM_POLY_MAY_WRITE,
                                    out);
        rel = NULL;
      }
      isl_map_free(rel);
      isl_map_free(mrel);
    }
  }
  isl_union_map_free(all_dep);
  isl_union_map_free(must_dep);
  for (size_t k = 0; k < n; ++k)
    isl_space_free(tspace[k]);
  free(tspace);
  return s;
}

// --- memoisation of isomorphic buckets ----------------------------------------

// Local number of access k's statement within the bucket (order of first
// appearance), so that isomorphic buckets get the same names.
static int local_stmt(const spm_poly_program_t *p, const int *acc, size_t k) {
  int stmt = p->accs[acc[k]].stmt, local = 0;
  for (size_t j = 0; j < k; ++j) {
    bool seen = false;
    for (size_t i = 0; i < j; ++i)
      seen |= p->accs[acc[i]].stmt == p->accs[acc[j]].stmt;
    if (p->accs[acc[j]].stmt == stmt)
      return local;
    if (!seen)
      ++local;
  }
  return local;
}

// Renames the dimensions of `type` to d0, d1, ... (loop ivs carry global
// loop ids in their names).
static __isl_give isl_map *canonical_dims(__isl_take isl_map *m,
                                          enum isl_dim_type type,
                                          const char *prefix) {
  isl_size n = isl_map_dim(m, type);
  for (isl_size i = 0; i < n; ++i) {
    char name[32];
    snprintf(name, sizeof name, "%s%d", prefix, (int)i);
    m = isl_map_set_dim_name(m, type, (unsigned)i, name);
  }
  return m;
}

static void key_map(spm_strbuf_t *key, __isl_take isl_map *m, int in_local,
                    int out_local) {
  char name[32];
  m = canonical_dims(canonical_dims(m, isl_dim_in, "d"), isl_dim_out, "e");
  if (in_local >= 0) {
    snprintf(name, sizeof name, "L%d", in_local);
    m = isl_map_set_tuple_name(m, isl_dim_in, name);
  }
  if (out_local >= 0) {
    snprintf(name, sizeof name, "L%d", out_local);
    m = isl_map_set_tuple_name(m, isl_dim_out, name);
  } else if (out_local == -2) {
    m = isl_map_set_tuple_name(m, isl_dim_out, "X");
  }
  char *str = isl_map_to_str(m);
  spm_strbuf_append_str(key, str ? str : "?");
  spm_strbuf_append_str(key, "\n");
  free(str);
  isl_map_free(m);
}

// A canonical description of the bucket: everything the bucket's
// dependences are a function of, with statements renamed L0, L1, ... and the
// array X.
static char *bucket_key(const spm_poly_program_t *p, const int *acc, size_t n,
                        isl_map **rs, unsigned flags) {
  spm_strbuf_t key = SPM_STRBUF_INIT;
  spm_strbuf_appendf(&key, "flags %u n %zu\n", flags, n);
  for (size_t k = 0; k < n; ++k) {
    const spm_poly_acc_t *x = &p->accs[acc[k]];
    int l = local_stmt(p, acc, k);
    spm_strbuf_appendf(&key, "acc %d stmt %d\n", (int)x->kind, l);
    key_map(&key, isl_map_copy(x->relation), l, -2);
    key_map(&key, isl_map_copy(rs[k]), l, -1);
    key_map(&key, isl_map_from_range(isl_set_copy(p->stmts[x->stmt].domain)),
            -1, l);
    for (size_t j = 0; j < n; ++j)
      spm_strbuf_appendf(
          &key, "%d ", spm_poly_common_loops(p, x->stmt, p->accs[acc[j]].stmt));
    spm_strbuf_append_str(&key, "\n");
  }
  return key.data;
}

typedef struct {
  spm_poly_dep_t dep; // src/dst are local access numbers; no relation
  char *relation;     // canonical relation (statements L<k>)
} memo_dep_t;

typedef struct {
  char *key;
  memo_dep_t *deps;
  size_t ndeps;
} memo_entry_t;

typedef struct {
  memo_entry_t *v;
  size_t n;
} memo_t;

static void memo_free(memo_t *m) {
  for (size_t i = 0; i < m->n; ++i) {
    for (size_t j = 0; j < m->v[i].ndeps; ++j)
      free(m->v[i].deps[j].relation);
    free(m->v[i].deps);
    free(m->v[i].key);
  }
  free(m->v);
}

static size_t local_access(const int *acc, size_t n, int a) {
  for (size_t k = 0; k < n; ++k)
    if (acc[k] == a)
      return k;
  return n;
}

// Records deps out->v[from..] (all of this bucket) under `key` (taken).
static spm_status_t memo_record(const spm_poly_program_t *p, memo_t *m,
                                char *key, const int *acc, size_t n,
                                const spm_poly_deps_t *out, size_t from) {
  memo_entry_t *v = realloc(m->v, (m->n + 1) * sizeof *v);
  if (!v) {
    free(key);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  m->v = v;
  memo_entry_t *e = &m->v[m->n++];
  e->key = key;
  e->ndeps = out->n - from;
  e->deps = calloc(e->ndeps + 1, sizeof *e->deps);
  if (!e->deps) {
    e->ndeps = 0;
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < e->ndeps; ++i) {
    const spm_poly_dep_t *d = &out->v[from + i];
    size_t ls = local_access(acc, n, d->src_access);
    size_t ld = local_access(acc, n, d->dst_access);
    spm_strbuf_t rel = SPM_STRBUF_INIT;
    key_map(&rel, isl_map_copy(d->relation), local_stmt(p, acc, ls),
            local_stmt(p, acc, ld));
    e->deps[i].dep = *d;
    e->deps[i].dep.relation = NULL;
    e->deps[i].dep.src_access = (int)ls;
    e->deps[i].dep.dst_access = (int)ld;
    e->deps[i].relation = rel.data;
  }
  return SPM_OK;
}

// Appends the memoised deps of `e` for the bucket acc[0..n).
static spm_status_t memo_replay(const spm_poly_program_t *p,
                                const memo_entry_t *e, const int *acc,
                                spm_poly_deps_t *out) {
  for (size_t i = 0; i < e->ndeps; ++i) {
    spm_poly_dep_t d = e->deps[i].dep;
    d.src_access = acc[d.src_access];
    d.dst_access = acc[d.dst_access];
    isl_map *rel = isl_map_read_from_str(p->ctx, e->deps[i].relation);
    rel = isl_map_set_tuple_id(
        rel, isl_dim_in,
        isl_set_get_tuple_id(p->stmts[p->accs[d.src_access].stmt].domain));
    rel = isl_map_set_tuple_id(
        rel, isl_dim_out,
        isl_set_get_tuple_id(p->stmts[p->accs[d.dst_access].stmt].domain));
    if (!rel)
      return spm_poly_isl_error(p->ctx, "memoised dependence");
    d.relation = rel;
    SPM_RETURN_IF_ERROR(spm_poly_deps_push(out, &d));
  }
  return SPM_OK;
}

spm_status_t spm_poly_compute_deps(const spm_poly_program_t *p, unsigned flags,
                                   spm_poly_deps_t **out) {
  if (out)
    *out = NULL;
  if (!p || !out)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "compute_deps: missing program or result");
  if (flags & ~(unsigned)SPM_POLY_FLOW_MEMORY_BASED)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "compute_deps: unknown flags 0x%x", flags);
  spm_poly_deps_t *d = calloc(1, sizeof(*d));
  if (!d)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  bool mem_flow = flags & SPM_POLY_FLOW_MEMORY_BASED;
  unsigned kinds = (1u << SPM_POLY_DEP_ANTI) | (1u << SPM_POLY_DEP_OUTPUT) |
                   (mem_flow ? 1u << SPM_POLY_DEP_FLOW : 0);
  spm_poly_buckets_t bk = {0};
  memo_t memo = {0};
  spm_status_t s = buckets_build(p, &bk);
  for (size_t b = 0; !s && b < bk.nbuckets; ++b) {
    const int *acc = bk.order + bk.start[b];
    size_t n = bk.start[b + 1] - bk.start[b];
    bool writes = false;
    for (size_t k = 0; k < n; ++k)
      writes |= spm_poly_acc_writes(p->accs[acc[k]].kind);
    if (!writes)
      continue; // read-only arrays have no dependences
    isl_map **rs = bucket_schedules(p, acc, n);
    if (!rs) {
      s = spm_poly_isl_error(p->ctx, "access schedules");
      break;
    }
    char *key = bucket_key(p, acc, n, rs, flags);
    const memo_entry_t *hit = NULL;
    for (size_t i = 0; key && i < memo.n && !hit; ++i)
      if (strcmp(memo.v[i].key, key) == 0)
        hit = &memo.v[i];
    if (hit) {
      free(key);
      s = memo_replay(p, hit, acc, d);
    } else {
      size_t from = d->n;
      s = memory_based_bucket(p, kinds, acc, n, rs, d);
      if (!s && !mem_flow)
        s = value_based_flow_bucket(p, acc, n, rs, d);
      if (!s && key)
        s = memo_record(p, &memo, key, acc, n, d, from);
      else
        free(key);
    }
    schedules_free(rs, n);
  }
  memo_free(&memo);
  buckets_free(&bk);
  if (s) {
    spm_poly_deps_free(d);
    return s;
  }
  spm_poly_deps_sort(d);
  *out = d;
  return SPM_OK;
}
