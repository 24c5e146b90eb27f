// spm_poly program building: statements, accesses, validation, accessors,
// and the dependence list container. See poly.h.
#include "poly/poly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/id.h>
#include <isl/space.h>

#include "poly/poly_internal.h"

spm_status_t spm_poly_isl_error(isl_ctx *ctx, const char *what) {
  const char *msg = ctx ? isl_ctx_last_error_msg(ctx) : NULL;
  return spm_status_make(SPM_STATUS_INTERNAL, "isl failed in %s%s%s", what,
                         msg ? ": " : "", msg ? msg : "");
}

// --- program -----------------------------------------------------------------

spm_poly_program_t *spm_poly_program_create(isl_ctx *ctx) {
  if (!ctx)
    return NULL;
  spm_poly_program_t *p = calloc(1, sizeof(*p));
  if (p)
    p->ctx = ctx;
  return p;
}

void spm_poly_program_free(spm_poly_program_t *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->nstmts; ++i) {
    isl_set_free(p->stmts[i].domain);
    isl_map_free(p->stmts[i].schedule);
  }
  for (size_t i = 0; i < p->naccs; ++i) {
    isl_map_free(p->accs[i].relation);
    isl_id_free(p->accs[i].tag);
  }
  free(p->stmts);
  free(p->accs);
  free(p);
}

isl_ctx *spm_poly_program_get_ctx(const spm_poly_program_t *p) {
  return p ? p->ctx : NULL;
}

static void set_status(spm_status_t *status, spm_status_t s) {
  if (status)
    *status = s;
  else
    spm_status_free(s);
}

// Checks a new statement; NULL when valid. Keeps its arguments.
static spm_status_t check_statement(const spm_poly_program_t *p,
                                    __isl_keep isl_set *domain,
                                    __isl_keep isl_map *schedule, int nloops,
                                    const int *loop_ids) {
  if (!domain || !schedule)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement: missing %s",
                           domain ? "schedule" : "domain");
  if (nloops < 0 || nloops > SPM_POLY_MAX_LOOPS)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "statement: %d loops (at most %d supported)",
                           nloops, SPM_POLY_MAX_LOOPS);
  if (nloops > 0 && !loop_ids)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement: %d loops but no loop ids", nloops);
  const char *name = isl_set_get_tuple_name(domain);
  if (!name || !*name)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement: the domain has no tuple name");
  if (isl_set_is_wrapping(domain) != isl_bool_false)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the domain is a wrapped relation",
                           name);
  for (size_t i = 0; i < p->nstmts; ++i)
    if (!strcmp(name, isl_set_get_tuple_name(p->stmts[i].domain)))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "statement %s: name already used by statement "
                             "%zu",
                             name, i);
  isl_size dim = isl_set_dim(domain, isl_dim_set);
  if (dim < 0)
    return spm_poly_isl_error(p->ctx, "isl_set_dim");
  if (dim != nloops)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the domain has %d dimensions but "
                           "%d loops are given",
                           name, (int)dim, nloops);
  isl_space *ds = isl_set_get_space(domain);
  isl_space *ss = isl_map_get_space(schedule);
  isl_bool eq = isl_space_tuple_is_equal(ds, isl_dim_set, ss, isl_dim_in);
  isl_bool wrapped = isl_space_range_is_wrapping(ss);
  isl_size sdim = isl_space_dim(ss, isl_dim_out);
  isl_bool same_range = isl_bool_true;
  isl_size first_sdim = sdim;
  if (p->nstmts > 0) {
    isl_space *fs = isl_map_get_space(p->stmts[0].schedule);
    same_range = isl_space_tuple_is_equal(fs, isl_dim_out, ss, isl_dim_out);
    first_sdim = isl_space_dim(fs, isl_dim_out);
    isl_space_free(fs);
  }
  isl_space_free(ds);
  isl_space_free(ss);
  if (eq < 0 || wrapped < 0 || sdim < 0 || same_range < 0 || first_sdim < 0)
    return spm_poly_isl_error(p->ctx, "statement space checks");
  if (!eq)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the schedule's domain is not the "
                           "statement's space",
                           name);
  if (wrapped)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the schedule's range is a wrapped "
                           "relation",
                           name);
  if (!same_range)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: schedule space with %d dimensions "
                           "differs from the first statement's (%d)",
                           name, (int)sdim, (int)first_sdim);
  // The schedule must be a function defined on the whole domain.
  isl_map *s = isl_map_intersect_domain(isl_map_copy(schedule),
                                        isl_set_copy(domain));
  isl_set *sdom = isl_map_domain(isl_map_copy(s));
  isl_bool covers = isl_set_is_subset(domain, sdom);
  isl_bool single = isl_map_is_single_valued(s);
  isl_set_free(sdom);
  isl_map_free(s);
  if (covers < 0 || single < 0)
    return spm_poly_isl_error(p->ctx, "schedule checks");
  if (!covers)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the schedule is not defined on the "
                           "whole domain",
                           name);
  if (!single)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "statement %s: the schedule is not single-valued",
                           name);
  return SPM_OK;
}

int spm_poly_program_add_statement(spm_poly_program_t *p,
                                   __isl_take isl_set *domain,
                                   __isl_take isl_map *schedule, int nloops,
                                   const int *loop_ids, void *user,
                                   spm_status_t *status) {
  if (status)
    *status = SPM_OK;
  spm_status_t s =
      p ? check_statement(p, domain, schedule, nloops, loop_ids)
        : spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "statement: no program");
  if (!s && p->nstmts == p->cap_stmts) {
    size_t cap = p->cap_stmts ? 2 * p->cap_stmts : 8;
    spm_poly_stmt_t *v = realloc(p->stmts, cap * sizeof(*v));
    if (!v)
      s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    else {
      p->stmts = v;
      p->cap_stmts = cap;
    }
  }
  if (s) {
    isl_set_free(domain);
    isl_map_free(schedule);
    set_status(status, s);
    return -1;
  }
  spm_poly_stmt_t *st = &p->stmts[p->nstmts];
  memset(st, 0, sizeof(*st));
  st->schedule = isl_map_intersect_domain(schedule, isl_set_copy(domain));
  st->domain = domain;
  st->nloops = nloops;
  if (nloops > 0)
    memcpy(st->loop_ids, loop_ids, (size_t)nloops * sizeof(int));
  st->user = user;
  if (!st->schedule || !st->domain) {
    isl_set_free(st->domain);
    isl_map_free(st->schedule);
    set_status(status, spm_poly_isl_error(p->ctx, "add_statement"));
    return -1;
  }
  return (int)p->nstmts++;
}

// Checks a new access; NULL when valid. Keeps its arguments.
static spm_status_t check_access(const spm_poly_program_t *p, int stmt,
                                 spm_poly_access_kind_t kind,
                                 __isl_keep isl_map *relation) {
  if (stmt < 0 || (size_t)stmt >= p->nstmts)
    return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                           "access: no statement %d (%zu statements)", stmt,
                           p->nstmts);
  if (kind != SPM_POLY_READ && kind != SPM_POLY_WRITE &&
      kind != SPM_POLY_MAY_WRITE)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "access: invalid kind %d", (int)kind);
  const spm_poly_stmt_t *st = &p->stmts[stmt];
  const char *sname = isl_set_get_tuple_name(st->domain);
  if (!relation)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "access of %s: missing relation", sname);
  const char *array = isl_map_get_tuple_name(relation, isl_dim_out);
  if (!array || !*array)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "access of %s: the array tuple has no name", sname);
  isl_space *ds = isl_set_get_space(st->domain);
  isl_space *rs = isl_map_get_space(relation);
  isl_bool eq = isl_space_tuple_is_equal(ds, isl_dim_set, rs, isl_dim_in);
  isl_bool wrapped = isl_space_range_is_wrapping(rs);
  isl_size adim = isl_space_dim(rs, isl_dim_out);
  isl_space_free(ds);
  isl_space_free(rs);
  if (eq < 0 || wrapped < 0 || adim < 0)
    return spm_poly_isl_error(p->ctx, "access space checks");
  if (!eq)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "access of %s to %s: the relation's domain is not "
                           "the statement's space",
                           sname, array);
  if (wrapped)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "access of %s to %s: the array is a wrapped "
                           "relation",
                           sname, array);
  for (size_t i = 0; i < p->naccs; ++i) {
    isl_map *o = p->accs[i].relation;
    if (strcmp(array, isl_map_get_tuple_name(o, isl_dim_out)))
      continue;
    isl_size odim = isl_map_dim(o, isl_dim_out);
    if (odim != adim)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "access of %s to %s: %d subscripts, but access "
                             "%zu uses %d",
                             sname, array, (int)adim, i, (int)odim);
  }
  return SPM_OK;
}

int spm_poly_program_add_access(spm_poly_program_t *p, int stmt,
                                spm_poly_access_kind_t kind,
                                __isl_take isl_map *relation, void *user,
                                spm_status_t *status) {
  if (status)
    *status = SPM_OK;
  spm_status_t s =
      p ? check_access(p, stmt, kind, relation)
        : spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "access: no program");
  if (!s && p->naccs == p->cap_accs) {
    size_t cap = p->cap_accs ? 2 * p->cap_accs : 16;
    spm_poly_acc_t *v = realloc(p->accs, cap * sizeof(*v));
    if (!v)
      s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    else {
      p->accs = v;
      p->cap_accs = cap;
    }
  }
  if (s) {
    isl_map_free(relation);
    set_status(status, s);
    return -1;
  }
  char tag[32];
  snprintf(tag, sizeof(tag), "spm_acc%zu", p->naccs);
  spm_poly_acc_t *a = &p->accs[p->naccs];
  memset(a, 0, sizeof(*a));
  a->stmt = stmt;
  a->kind = kind;
  a->relation = isl_map_intersect_domain(
      relation, isl_set_copy(p->stmts[stmt].domain));
  a->tag = isl_id_alloc(p->ctx, tag, NULL);
  a->user = user;
  if (!a->relation || !a->tag) {
    isl_map_free(a->relation);
    isl_id_free(a->tag);
    set_status(status, spm_poly_isl_error(p->ctx, "add_access"));
    return -1;
  }
  return (int)p->naccs++;
}

size_t spm_poly_program_num_statements(const spm_poly_program_t *p) {
  return p ? p->nstmts : 0;
}

size_t spm_poly_program_num_accesses(const spm_poly_program_t *p) {
  return p ? p->naccs : 0;
}

static bool valid_access(const spm_poly_program_t *p, int a) {
  return p && a >= 0 && (size_t)a < p->naccs;
}

int spm_poly_access_statement(const spm_poly_program_t *p, int access) {
  return valid_access(p, access) ? p->accs[access].stmt : -1;
}

spm_poly_access_kind_t spm_poly_access_kind(const spm_poly_program_t *p,
                                            int access) {
  return valid_access(p, access) ? p->accs[access].kind : SPM_POLY_READ;
}

void *spm_poly_access_user(const spm_poly_program_t *p, int access) {
  return valid_access(p, access) ? p->accs[access].user : NULL;
}

void *spm_poly_statement_user(const spm_poly_program_t *p, int stmt) {
  return p && stmt >= 0 && (size_t)stmt < p->nstmts ? p->stmts[stmt].user
                                                     : NULL;
}

int spm_poly_common_loops(const spm_poly_program_t *p, int stmt_a,
                          int stmt_b) {
  if (!p || stmt_a < 0 || stmt_b < 0 || (size_t)stmt_a >= p->nstmts ||
      (size_t)stmt_b >= p->nstmts)
    return 0;
  const spm_poly_stmt_t *a = &p->stmts[stmt_a], *b = &p->stmts[stmt_b];
  int n = 0;
  while (n < a->nloops && n < b->nloops && a->loop_ids[n] == b->loop_ids[n])
    ++n;
  return n;
}

bool spm_poly_same_array(const spm_poly_program_t *p, int a, int b) {
  const char *na = isl_map_get_tuple_name(p->accs[a].relation, isl_dim_out);
  const char *nb = isl_map_get_tuple_name(p->accs[b].relation, isl_dim_out);
  return na && nb && !strcmp(na, nb);
}

__isl_give isl_map *spm_poly_access_schedule(const spm_poly_program_t *p,
                                             int a) {
  isl_map *s = isl_map_copy(p->stmts[p->accs[a].stmt].schedule);
  isl_size n = isl_map_dim(s, isl_dim_out);
  if (n < 0)
    return isl_map_free(s);
  s = isl_map_add_dims(s, isl_dim_out, 1);
  return isl_map_fix_si(s, isl_dim_out, (unsigned)n,
                        spm_poly_acc_writes(p->accs[a].kind) ? 1 + a : 0);
}

// --- dependence list ---------------------------------------------------------

spm_status_t spm_poly_deps_push(spm_poly_deps_t *d, spm_poly_dep_t *dep) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 16;
    spm_poly_dep_t *v = realloc(d->v, cap * sizeof(*v));
    if (!v) {
      dep->relation = isl_map_free(dep->relation);
      return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
    }
    d->v = v;
    d->cap = cap;
  }
  d->v[d->n++] = *dep;
  dep->relation = NULL;
  return SPM_OK;
}

static int dep_cmp(const void *x, const void *y) {
  const spm_poly_dep_t *a = x, *b = y;
  if (a->src_access != b->src_access)
    return a->src_access < b->src_access ? -1 : 1;
  if (a->dst_access != b->dst_access)
    return a->dst_access < b->dst_access ? -1 : 1;
  if (a->depth != b->depth)
    return a->depth < b->depth ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return 0;
}

void spm_poly_deps_sort(spm_poly_deps_t *d) {
  if (d->n > 1)
    qsort(d->v, d->n, sizeof(*d->v), dep_cmp);
}

size_t spm_poly_deps_count(const spm_poly_deps_t *d) { return d ? d->n : 0; }

const spm_poly_dep_t *spm_poly_deps_get(const spm_poly_deps_t *d, size_t i) {
  return d && i < d->n ? &d->v[i] : NULL;
}

void spm_poly_deps_free(spm_poly_deps_t *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n; ++i)
    isl_map_free(d->v[i].relation);
  free(d->v);
  free(d);
}

char *spm_poly_map_to_str(__isl_keep isl_map *map) {
  return map ? isl_map_to_str(map) : NULL;
}
