// spm_tile: validation, the closed-form model (spm_tile_evaluate), the
// iteration-by-iteration reference (spm_tile_count_exact) and the problem
// constructors. See tile_model.h for the model.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/tile_internal.h"
#include "place/tile_model.h"

spm_tile_options_t spm_tile_options_default(void) {
  spm_tile_options_t o;
  memset(&o, 0, sizeof(o));
  o.budget_bytes = INT64_MAX;
  o.double_buffer = false;
  o.per_transfer_bytes = 0;
  o.candidates = SPM_TILE_CANDIDATES_DIVISORS_POW2;
  o.exact_iteration_limit = (int64_t)1 << 24;
  o.max_tiles = 0;
  o.alignment = 1;
  return o;
}

// --- validation ---------------------------------------------------------------

static const char *dim_label(const spm_tile_problem_t *p, int j) {
  return p->dim[j].name[0] ? p->dim[j].name : "?";
}
static const char *op_label(const spm_tile_operand_t *x) {
  return x->name[0] ? x->name : "?";
}

spm_status_t spm_tile_problem_validate(const spm_tile_problem_t *p) {
  if (!p)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: problem is NULL");
  if (p->ndims < 1 || p->ndims > SPM_TILE_MAX_DIMS)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: ndims = %d, must be in 1..%d", p->ndims,
                           SPM_TILE_MAX_DIMS);
  if (p->noperands < 1 || p->noperands > SPM_TILE_MAX_OPERANDS)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: noperands = %d, must be in 1..%d",
                           p->noperands, SPM_TILE_MAX_OPERANDS);
  for (int j = 0; j < p->ndims; ++j) {
    int64_t e = p->dim[j].extent;
    if (e < 1 || e > SPM_TILE_MAX_EXTENT)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: dim %d (%s) has extent %lld; extents "
                             "must be in 1..2^32",
                             j, dim_label(p, j), (long long)e);
    if (p->dim[j].kind != SPM_TILE_PARALLEL &&
        p->dim[j].kind != SPM_TILE_REDUCTION)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: dim %d (%s) has an unknown kind %d", j,
                             dim_label(p, j), (int)p->dim[j].kind);
    uint32_t m = p->dim[j].whole_if_tiled;
    if ((m >> p->ndims) != 0 || (m >> j & 1u))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: dim %d (%s) has whole_if_tiled 0x%x: "
                             "bits must name other dims below %d",
                             j, dim_label(p, j), (unsigned)m, p->ndims);
  }
  for (int x = 0; x < p->noperands; ++x) {
    const spm_tile_operand_t *o = &p->operand[x];
    if (o->role != SPM_TILE_READ && o->role != SPM_TILE_OUTPUT)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: operand %d (%s) has an unknown role %d",
                             x, op_label(o), (int)o->role);
    if (o->scratch && (o->role != SPM_TILE_OUTPUT || o->needs_initial_read))
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: operand %d (%s) is scratch: it must "
                             "be an OUTPUT without needs_initial_read",
                             x, op_label(o));
    if (o->rank < 0 || o->rank > SPM_TILE_MAX_RANK)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: operand %d (%s) has rank %d, must be "
                             "in 0..%d",
                             x, op_label(o), o->rank, SPM_TILE_MAX_RANK);
    if (o->elem_bytes < 1 || o->elem_bytes > SPM_TILE_MAX_ELEM_BYTES)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: operand %d (%s) has elem_bytes %lld, "
                             "must be in 1..2^20",
                             x, op_label(o), (long long)o->elem_bytes);
    for (int d = 0; d < o->rank; ++d) {
      if (o->shape[d] < 1 || o->shape[d] > SPM_TILE_MAX_EXTENT)
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "spm_tile: operand %d (%s) has shape[%d] = "
                               "%lld, must be in 1..2^32",
                               x, op_label(o), d, (long long)o->shape[d]);
      if (o->offset[d] < -SPM_TILE_MAX_OFFSET ||
          o->offset[d] > SPM_TILE_MAX_OFFSET)
        return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                               "spm_tile: operand %d (%s) has offset[%d] = "
                               "%lld, |offset| must be <= 2^40",
                               x, op_label(o), d, (long long)o->offset[d]);
      for (int j = 0; j < p->ndims; ++j)
        if (o->coef[d][j] < 0 || o->coef[d][j] > SPM_TILE_MAX_COEF)
          return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                                 "spm_tile: operand %d (%s) has coef[%d][%d] "
                                 "= %lld, must be in 0..2^20",
                                 x, op_label(o), d, j,
                                 (long long)o->coef[d][j]);
    }
  }
  return SPM_OK;
}

bool spm_tile_nesting_ok(const spm_tile_problem_t *p, const int64_t *tile) {
  for (int j = 0; j < p->ndims; ++j) {
    if (p->dim[j].whole && tile[j] != p->dim[j].extent)
      return false;
    if (tile[j] > 1)
      for (int k = 0; k < p->ndims; ++k)
        if ((p->dim[j].whole_if_tiled >> k & 1u) && tile[k] != p->dim[k].extent)
          return false;
  }
  return true;
}

spm_status_t spm_tile_validate_tiling(const spm_tile_problem_t *p,
                                      const int *order, const int64_t *tile) {
  if (!order || !tile)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: order or tile is NULL");
  bool seen[SPM_TILE_MAX_DIMS] = {false};
  for (int i = 0; i < p->ndims; ++i) {
    int j = order[i];
    if (j < 0 || j >= p->ndims || seen[j])
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: order is not a permutation of "
                             "0..%d (order[%d] = %d %s)",
                             p->ndims - 1, i, j,
                             (j < 0 || j >= p->ndims) ? "is out of range"
                                                      : "is repeated");
    seen[j] = true;
  }
  for (int j = 0; j < p->ndims; ++j)
    if (tile[j] < 1 || tile[j] > p->dim[j].extent)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "spm_tile: tile[%d] (%s) = %lld, must be in "
                             "1..%lld (the extent)",
                             j, dim_label(p, j), (long long)tile[j],
                             (long long)p->dim[j].extent);
  return SPM_OK;
}

spm_status_t spm_tile_validate_options(const spm_tile_options_t *o) {
  if (o->budget_bytes < 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: budget_bytes = %lld, must be >= 0",
                           (long long)o->budget_bytes);
  if (o->per_transfer_bytes < 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: per_transfer_bytes = %lld, must be >= 0",
                           (long long)o->per_transfer_bytes);
  if (o->max_tiles < 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: max_tiles = %lld, must be >= 0 (0: no "
                           "limit)",
                           (long long)o->max_tiles);
  if (o->alignment < 1)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: alignment = %lld, must be >= 1",
                           (long long)o->alignment);
  if (o->candidates != SPM_TILE_CANDIDATES_DIVISORS_POW2 &&
      o->candidates != SPM_TILE_CANDIDATES_ALL)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: unknown candidates mode %d",
                           (int)o->candidates);
  return SPM_OK;
}

// --- factorised footprints ------------------------------------------------------

static uint32_t row_dims(const spm_tile_problem_t *p, const spm_tile_operand_t *o,
                         int d) {
  uint32_t m = 0;
  for (int j = 0; j < p->ndims; ++j)
    if (o->coef[d][j] > 0)
      m |= 1u << j;
  return m;
}

void spm_tile_analyze_operand(const spm_tile_problem_t *p, int x,
                              spm_tile_opinfo_t *info) {
  const spm_tile_operand_t *o = &p->operand[x];
  memset(info, 0, sizeof(*info));
  uint32_t rd[SPM_TILE_MAX_RANK];
  int comp_of[SPM_TILE_MAX_RANK];
  for (int d = 0; d < o->rank; ++d) {
    rd[d] = row_dims(p, o, d);
    info->relevant |= rd[d];
    comp_of[d] = -1;
  }
  // Components: grow from each unassigned row by shared dims.
  for (int d = 0; d < o->rank; ++d) {
    if (comp_of[d] >= 0)
      continue;
    spm_tile_comp_t *c = &info->comp[info->ncomp];
    c->rows = 1u << d;
    c->dims = rd[d];
    comp_of[d] = info->ncomp;
    bool grew = true;
    while (grew && c->dims) {
      grew = false;
      for (int e = 0; e < o->rank; ++e)
        if (comp_of[e] < 0 && (rd[e] & c->dims)) {
          comp_of[e] = info->ncomp;
          c->rows |= 1u << e;
          c->dims |= rd[e];
          grew = true;
        }
    }
    c->in_bounds = true;
    for (int e = 0; e < o->rank; ++e) {
      if (!(c->rows & (1u << e)))
        continue;
      int64_t hi = o->offset[e];
      for (int j = 0; j < p->ndims; ++j)
        hi += o->coef[e][j] * (p->dim[j].extent - 1);
      if (o->offset[e] < 0 || hi > o->shape[e] - 1)
        c->in_bounds = false;
    }
    info->ncomp++;
  }
}

bool spm_tile_comp_stats(const spm_tile_problem_t *p, int x,
                         const spm_tile_comp_t *c, const int64_t *tile,
                         spm_tile_stats_t *out) {
  const spm_tile_operand_t *o = &p->operand[x];
  int dims[SPM_TILE_MAX_DIMS], nd = 0;
  for (int j = 0; j < p->ndims; ++j)
    if (c->dims & (1u << j))
      dims[nd++] = j;
  out->sum = out->count = out->max = 0;
  if (c->in_bounds) {
    // Extents depend only on the tile sizes: each dim has floor(E/T) full
    // tiles and possibly one partial one; sum over the 2^nd size classes.
    int64_t count = 1;
    for (int a = 0; a < nd; ++a)
      if (spm_tile_mul_ov(count, spm_tile_trips(p->dim[dims[a]].extent,
                                                tile[dims[a]]),
                          &count))
        return false;
    for (uint32_t cls = 0; cls < (1u << nd); ++cls) {
      int64_t mult = 1, t[SPM_TILE_MAX_DIMS];
      bool empty = false;
      for (int a = 0; a < nd; ++a) {
        int j = dims[a];
        int64_t e = p->dim[j].extent, tj = tile[j];
        if (cls & (1u << a)) { // the partial tile
          if (e % tj == 0) {
            empty = true;
            break;
          }
          t[j] = e % tj;
        } else {
          t[j] = tj;
          mult *= e / tj; // <= E: no overflow before the product check
        }
      }
      if (empty)
        continue;
      int64_t prod = 1;
      for (int d = 0; d < o->rank; ++d) {
        if (!(c->rows & (1u << d)))
          continue;
        int64_t ext = 1;
        for (int a = 0; a < nd; ++a)
          ext += o->coef[d][dims[a]] * (t[dims[a]] - 1);
        if (spm_tile_mul_ov(prod, ext, &prod))
          return false;
      }
      if (cls == 0)
        out->max = prod; // all full: the largest
      int64_t s;
      if (spm_tile_mul_ov(prod, mult, &s) ||
          spm_tile_add_ov(out->sum, s, &out->sum))
        return false;
    }
    out->count = count;
    return true;
  }
  // Out of bounds somewhere (padding): enumerate the component's tile
  // identities and clip each box by position.
  int64_t k[SPM_TILE_MAX_DIMS] = {0};
  for (;;) {
    int64_t prod = 1;
    for (int d = 0; d < o->rank && prod > 0; ++d) {
      if (!(c->rows & (1u << d)))
        continue;
      int64_t lo = o->offset[d], hi;
      int64_t span = 0;
      for (int a = 0; a < nd; ++a) {
        int j = dims[a];
        int64_t e = p->dim[j].extent, tj = tile[j];
        int64_t start = k[a] * tj;
        int64_t t = e - start < tj ? e - start : tj;
        lo += o->coef[d][j] * start;
        span += o->coef[d][j] * (t - 1);
      }
      hi = lo + span;
      if (lo < 0)
        lo = 0;
      if (hi > o->shape[d] - 1)
        hi = o->shape[d] - 1;
      int64_t ext = hi >= lo ? hi - lo + 1 : 0;
      if (spm_tile_mul_ov(prod, ext, &prod))
        return false;
    }
    if (prod > 0) {
      out->count++;
      if (spm_tile_add_ov(out->sum, prod, &out->sum))
        return false;
      if (prod > out->max)
        out->max = prod;
    }
    int a = nd - 1;
    for (; a >= 0; --a) {
      int j = dims[a];
      if (++k[a] < spm_tile_trips(p->dim[j].extent, tile[j]))
        break;
      k[a] = 0;
    }
    if (a < 0)
      break;
  }
  return true;
}

static spm_status_t overflow(const char *what) {
  return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                         "spm_tile: %s overflows int64", what);
}

// Totals, space and cost from the per-operand numbers.
// `revisited`: some scratch operand's tile is visited more than once.
static spm_status_t finish_plan(const spm_tile_problem_t *p,
                                const spm_tile_options_t *o, bool revisited,
                                spm_tile_plan_t *plan) {
  for (int x = 0; x < p->noperands; ++x) {
    const spm_tile_operand_traffic_t *t = &plan->operand[x];
    int64_t nbuf = o->double_buffer && !p->operand[x].scratch ? 2 : 1;
    int64_t sp;
    if (spm_tile_add_ov(plan->bytes_read, t->bytes_read, &plan->bytes_read) ||
        spm_tile_add_ov(plan->bytes_written, t->bytes_written,
                        &plan->bytes_written) ||
        spm_tile_add_ov(plan->transfers, t->reads, &plan->transfers) ||
        spm_tile_add_ov(plan->transfers, t->writes, &plan->transfers) ||
        spm_tile_mul_ov(spm_tile_align_up(t->max_footprint, o->alignment),
                        nbuf, &sp) ||
        spm_tile_add_ov(plan->space_bytes, sp, &plan->space_bytes))
      return overflow("a total");
  }
  int64_t tc;
  if (spm_tile_add_ov(plan->bytes_read, plan->bytes_written,
                      &plan->traffic_bytes) ||
      spm_tile_mul_ov(plan->transfers, o->per_transfer_bytes, &tc) ||
      spm_tile_add_ov(plan->traffic_bytes, tc, &plan->cost))
    return overflow("the cost");
  plan->fits = plan->space_bytes <= o->budget_bytes && !revisited &&
               (o->max_tiles == 0 || plan->tiles <= o->max_tiles) &&
               spm_tile_nesting_ok(p, plan->tile);
  return SPM_OK;
}

// Validates everything, then zeroes *plan and records the tiling. `order`
// and `tile` may point into *plan (they are copied first).
static spm_status_t start_plan(const spm_tile_problem_t *p,
                               const spm_tile_options_t **o,
                               spm_tile_options_t *defaults, const int *order_in,
                               const int64_t *tile_in, spm_tile_plan_t *plan) {
  if (!plan)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: plan is NULL");
  int order[SPM_TILE_MAX_DIMS];
  int64_t tile[SPM_TILE_MAX_DIMS];
  spm_status_t st = spm_tile_problem_validate(p);
  if (spm_status_is_ok(st) && order_in && tile_in) {
    memcpy(order, order_in, sizeof(int) * (size_t)p->ndims);
    memcpy(tile, tile_in, sizeof(int64_t) * (size_t)p->ndims);
  }
  memset(plan, 0, sizeof(*plan));
  SPM_RETURN_IF_ERROR(st);
  if (!order_in || !tile_in)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile: order or tile is NULL");
  if (!*o) {
    *defaults = spm_tile_options_default();
    *o = defaults;
  }
  SPM_RETURN_IF_ERROR(spm_tile_validate_options(*o));
  SPM_RETURN_IF_ERROR(spm_tile_validate_tiling(p, order, tile));
  plan->ndims = p->ndims;
  plan->noperands = p->noperands;
  plan->tiles = 1;
  for (int j = 0; j < p->ndims; ++j) {
    plan->order[j] = order[j];
    plan->tile[j] = tile[j];
    plan->trips[j] = spm_tile_trips(p->dim[j].extent, tile[j]);
    plan->tiles = spm_tile_sat_mul(plan->tiles, plan->trips[j]);
  }
  return SPM_OK;
}

spm_status_t spm_tile_evaluate(const spm_tile_problem_t *p,
                               const spm_tile_options_t *o, const int *order,
                               const int64_t *tile, spm_tile_plan_t *plan) {
  spm_tile_options_t defaults;
  SPM_RETURN_IF_ERROR(start_plan(p, &o, &defaults, order, tile, plan));
  order = plan->order; // the caller's arrays may alias *plan
  tile = plan->tile;
  bool revisited = false;
  for (int x = 0; x < p->noperands; ++x) {
    const spm_tile_operand_t *op = &p->operand[x];
    spm_tile_operand_traffic_t *t = &plan->operand[x];
    if (op->resident)
      continue;
    spm_tile_opinfo_t info;
    spm_tile_analyze_operand(p, x, &info);
    int64_t F = op->elem_bytes, C = 1, M = op->elem_bytes;
    for (int c = 0; c < info.ncomp; ++c) {
      spm_tile_stats_t s;
      if (!spm_tile_comp_stats(p, x, &info.comp[c], tile, &s) ||
          spm_tile_mul_ov(F, s.sum, &F) || spm_tile_mul_ov(C, s.count, &C) ||
          spm_tile_mul_ov(M, s.max, &M))
        return overflow("a footprint sum");
    }
    // m: trips of the loops outer to the innermost dependent loop (n > 1)
    // that X does not depend on.
    int last = -1;
    for (int i = 0; i < p->ndims; ++i)
      if ((info.relevant & (1u << order[i])) && plan->trips[order[i]] > 1)
        last = i;
    int64_t m = 1;
    for (int i = 0; i < last; ++i)
      if (!(info.relevant & (1u << order[i])) &&
          spm_tile_mul_ov(m, plan->trips[order[i]], &m))
        return overflow("the reuse factor");
    t->reuse_factor = m;
    t->max_footprint = M;
    if (op->scratch) { // no traffic; each tile must be visited once
      revisited = revisited || m > 1;
      continue;
    }
    int64_t fm, cm;
    if (spm_tile_mul_ov(F, m, &fm) || spm_tile_mul_ov(C, m, &cm))
      return overflow("the traffic");
    if (op->role == SPM_TILE_READ) {
      t->bytes_read = fm;
      t->reads = cm;
    } else {
      t->bytes_written = fm;
      t->writes = cm;
      int64_t r = m - 1 + (op->needs_initial_read ? 1 : 0);
      if (spm_tile_mul_ov(F, r, &t->bytes_read) ||
          spm_tile_mul_ov(C, r, &t->reads))
        return overflow("the traffic");
    }
  }
  return finish_plan(p, o, revisited, plan);
}

// --- the reference simulation ---------------------------------------------------

// Footprint bytes of operand o in the tile iteration k, straight from the
// definition: the box of the tile's image, clipped by position.
static int64_t exact_footprint(const spm_tile_problem_t *p,
                               const spm_tile_operand_t *o, const int64_t *k,
                               const int64_t *tile) {
  int64_t bytes = o->elem_bytes;
  for (int d = 0; d < o->rank; ++d) {
    int64_t lo = o->offset[d], hi = o->offset[d];
    for (int j = 0; j < p->ndims; ++j) {
      int64_t first = k[j] * tile[j];
      int64_t last = first + tile[j] - 1;
      if (last > p->dim[j].extent - 1)
        last = p->dim[j].extent - 1;
      lo += o->coef[d][j] * first;
      hi += o->coef[d][j] * last;
    }
    if (lo < 0)
      lo = 0;
    if (hi >= o->shape[d])
      hi = o->shape[d] - 1;
    if (hi < lo)
      return 0;
    bytes *= hi - lo + 1;
  }
  return bytes;
}

spm_status_t spm_tile_count_exact(const spm_tile_problem_t *p,
                                  const spm_tile_options_t *o,
                                  const int *order, const int64_t *tile,
                                  spm_tile_plan_t *plan) {
  spm_tile_options_t defaults;
  SPM_RETURN_IF_ERROR(start_plan(p, &o, &defaults, order, tile, plan));
  order = plan->order; // the caller's arrays may alias *plan
  tile = plan->tile;
  int64_t total = 1;
  for (int j = 0; j < p->ndims; ++j)
    if (spm_tile_mul_ov(total, plan->trips[j], &total) ||
        total > o->exact_iteration_limit)
      return spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                             "spm_tile_count_exact: more than %lld tile "
                             "iterations",
                             (long long)o->exact_iteration_limit);
  // Per operand: the current identity (tile indices of the dims it
  // depends on, as a mixed-radix number), its footprint, and for outputs
  // the identities already visited.
  int64_t cur_id[SPM_TILE_MAX_OPERANDS], cur_bytes[SPM_TILE_MAX_OPERANDS];
  unsigned char *visited[SPM_TILE_MAX_OPERANDS] = {NULL};
  bool dep[SPM_TILE_MAX_OPERANDS][SPM_TILE_MAX_DIMS];
  for (int x = 0; x < p->noperands; ++x) {
    const spm_tile_operand_t *op = &p->operand[x];
    int64_t ids = 1;
    for (int j = 0; j < p->ndims; ++j) {
      dep[x][j] = false;
      for (int d = 0; d < op->rank; ++d)
        if (op->coef[d][j] > 0)
          dep[x][j] = true;
      if (dep[x][j])
        ids *= plan->trips[j];
    }
    if (op->role == SPM_TILE_OUTPUT && !op->resident) {
      visited[x] = calloc((size_t)ids, 1);
      if (!visited[x]) {
        for (int y = 0; y < x; ++y)
          free(visited[y]);
        return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
      }
    }
    cur_id[x] = -1;
    cur_bytes[x] = 0;
  }
  int64_t k[SPM_TILE_MAX_DIMS] = {0};
  bool revisited = false;
  for (int64_t it = 0; it < total; ++it) {
    for (int x = 0; x < p->noperands; ++x) {
      const spm_tile_operand_t *op = &p->operand[x];
      spm_tile_operand_traffic_t *t = &plan->operand[x];
      if (op->resident)
        continue;
      int64_t id = 0;
      for (int j = 0; j < p->ndims; ++j)
        if (dep[x][j])
          id = id * plan->trips[j] + k[j];
      int64_t bytes = exact_footprint(p, op, k, tile);
      if (bytes > t->max_footprint)
        t->max_footprint = bytes;
      if (id == cur_id[x])
        continue;
      if (op->scratch) { // never moves; a second visit is illegal
        revisited = revisited || visited[x][id];
        visited[x][id] = 1;
        cur_id[x] = id;
        cur_bytes[x] = bytes;
        continue;
      }
      if (op->role == SPM_TILE_OUTPUT && cur_id[x] >= 0 && cur_bytes[x] > 0) {
        t->bytes_written += cur_bytes[x];
        t->writes++;
      }
      bool load = op->role == SPM_TILE_READ;
      if (op->role == SPM_TILE_OUTPUT) {
        load = visited[x][id] || op->needs_initial_read;
        visited[x][id] = 1;
      }
      if (load && bytes > 0) {
        t->bytes_read += bytes;
        t->reads++;
      }
      cur_id[x] = id;
      cur_bytes[x] = bytes;
    }
    // Next tile iteration: the innermost loop of `order` moves fastest.
    for (int i = p->ndims - 1; i >= 0; --i) {
      int j = order[i];
      if (++k[j] < plan->trips[j])
        break;
      k[j] = 0;
    }
  }
  for (int x = 0; x < p->noperands; ++x) {
    spm_tile_operand_traffic_t *t = &plan->operand[x];
    if (visited[x] && cur_bytes[x] > 0 && !p->operand[x].scratch) {
      t->bytes_written += cur_bytes[x];
      t->writes++;
    }
    free(visited[x]);
  }
  // reuse_factor is not observable iteration by iteration in general (empty
  // footprints move nothing); derive it the way the definition states.
  for (int x = 0; x < p->noperands; ++x) {
    if (p->operand[x].resident)
      continue;
    int last = -1;
    for (int i = 0; i < p->ndims; ++i)
      if (dep[x][order[i]] && plan->trips[order[i]] > 1)
        last = i;
    int64_t m = 1;
    for (int i = 0; i < last; ++i)
      if (!dep[x][order[i]])
        m *= plan->trips[order[i]]; // <= total iterations
    plan->operand[x].reuse_factor = m;
  }
  return finish_plan(p, o, revisited, plan);
}

// --- constructors -----------------------------------------------------------------

static void set_dim(spm_tile_problem_t *p, int j, const char *name, int64_t e,
                    spm_tile_dim_kind_t kind) {
  p->dim[j].extent = e;
  p->dim[j].kind = kind;
  snprintf(p->dim[j].name, sizeof(p->dim[j].name), "%s", name);
}

static spm_tile_operand_t *add_operand(spm_tile_problem_t *p, const char *name,
                                       spm_tile_role_t role, int rank,
                                       int64_t elem_bytes) {
  spm_tile_operand_t *o = &p->operand[p->noperands++];
  snprintf(o->name, sizeof(o->name), "%s", name);
  o->role = role;
  o->rank = rank;
  o->elem_bytes = elem_bytes;
  return o;
}

static int64_t or1(int64_t v) { return v == 0 ? 1 : v; }

spm_status_t spm_tile_problem_conv2d(const spm_tile_conv2d_t *cv,
                                     spm_tile_problem_t *p) {
  if (!cv || !p)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_conv2d: NULL argument");
  memset(p, 0, sizeof(*p));
  int64_t sh = or1(cv->stride_h), sw = or1(cv->stride_w);
  int64_t dh = or1(cv->dil_h), dw = or1(cv->dil_w);
  if (sh < 0 || sw < 0 || dh < 0 || dw < 0 || cv->pad_h < 0 || cv->pad_w < 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_conv2d: negative stride, "
                           "dilation or padding");
  int64_t h = cv->h ? cv->h : (cv->p - 1) * sh + (cv->r - 1) * dh + 1 -
                                  2 * cv->pad_h;
  int64_t w = cv->w ? cv->w : (cv->q - 1) * sw + (cv->s - 1) * dw + 1 -
                                  2 * cv->pad_w;
  enum { N, K, P, Q, C, R, S };
  p->ndims = 7;
  set_dim(p, N, "n", cv->n, SPM_TILE_PARALLEL);
  set_dim(p, K, "k", cv->k, SPM_TILE_PARALLEL);
  set_dim(p, P, "p", cv->p, SPM_TILE_PARALLEL);
  set_dim(p, Q, "q", cv->q, SPM_TILE_PARALLEL);
  set_dim(p, C, "c", cv->c, SPM_TILE_REDUCTION);
  set_dim(p, R, "r", cv->r, SPM_TILE_REDUCTION);
  set_dim(p, S, "s", cv->s, SPM_TILE_REDUCTION);
  spm_tile_operand_t *in = add_operand(p, "input", SPM_TILE_READ, 4,
                                       cv->in_bytes);
  in->shape[0] = cv->n, in->coef[0][N] = 1;
  in->shape[1] = cv->c, in->coef[1][C] = 1;
  in->shape[2] = h, in->coef[2][P] = sh, in->coef[2][R] = dh;
  in->offset[2] = -cv->pad_h;
  in->shape[3] = w, in->coef[3][Q] = sw, in->coef[3][S] = dw;
  in->offset[3] = -cv->pad_w;
  spm_tile_operand_t *f = add_operand(p, "filter", SPM_TILE_READ, 4,
                                      cv->weight_bytes);
  f->shape[0] = cv->k, f->coef[0][K] = 1;
  f->shape[1] = cv->c, f->coef[1][C] = 1;
  f->shape[2] = cv->r, f->coef[2][R] = 1;
  f->shape[3] = cv->s, f->coef[3][S] = 1;
  spm_tile_operand_t *out = add_operand(p, "output", SPM_TILE_OUTPUT, 4,
                                        cv->out_bytes);
  out->needs_initial_read = cv->out_needs_initial_read;
  out->shape[0] = cv->n, out->coef[0][N] = 1;
  out->shape[1] = cv->k, out->coef[1][K] = 1;
  out->shape[2] = cv->p, out->coef[2][P] = 1;
  out->shape[3] = cv->q, out->coef[3][Q] = 1;
  return spm_tile_problem_validate(p);
}

spm_status_t spm_tile_problem_matmul(int64_t m, int64_t n, int64_t k,
                                     int64_t a_bytes, int64_t b_bytes,
                                     int64_t c_bytes, bool c_initial,
                                     spm_tile_problem_t *p) {
  if (!p)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_matmul: problem is NULL");
  memset(p, 0, sizeof(*p));
  p->ndims = 3;
  set_dim(p, 0, "m", m, SPM_TILE_PARALLEL);
  set_dim(p, 1, "n", n, SPM_TILE_PARALLEL);
  set_dim(p, 2, "k", k, SPM_TILE_REDUCTION);
  spm_tile_operand_t *a = add_operand(p, "A", SPM_TILE_READ, 2, a_bytes);
  a->shape[0] = m, a->coef[0][0] = 1, a->shape[1] = k, a->coef[1][2] = 1;
  spm_tile_operand_t *b = add_operand(p, "B", SPM_TILE_READ, 2, b_bytes);
  b->shape[0] = k, b->coef[0][2] = 1, b->shape[1] = n, b->coef[1][1] = 1;
  spm_tile_operand_t *c = add_operand(p, "C", SPM_TILE_OUTPUT, 2, c_bytes);
  c->shape[0] = m, c->coef[0][0] = 1, c->shape[1] = n, c->coef[1][1] = 1;
  c->needs_initial_read = c_initial;
  return spm_tile_problem_validate(p);
}

spm_status_t spm_tile_problem_elementwise(int rank, const int64_t *shape,
                                          int ninputs, const int64_t *in_bytes,
                                          int64_t out_bytes,
                                          spm_tile_problem_t *p) {
  if (!p || !shape || !in_bytes)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_elementwise: NULL argument");
  memset(p, 0, sizeof(*p));
  if (rank < 1 || rank > SPM_TILE_MAX_DIMS || ninputs < 1 ||
      ninputs > SPM_TILE_MAX_OPERANDS - 1)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_elementwise: rank %d (1..%d) or "
                           "ninputs %d (1..%d) out of range",
                           rank, SPM_TILE_MAX_DIMS, ninputs,
                           SPM_TILE_MAX_OPERANDS - 1);
  p->ndims = rank;
  for (int j = 0; j < rank; ++j) {
    char name[8] = {'d', (char)('0' + j), 0};
    set_dim(p, j, name, shape[j], SPM_TILE_PARALLEL);
  }
  for (int x = 0; x <= ninputs; ++x) {
    char name[16] = {'i', 'n', (char)('0' + x), 0};
    spm_tile_operand_t *o =
        x < ninputs ? add_operand(p, name, SPM_TILE_READ, rank, in_bytes[x])
                    : add_operand(p, "out", SPM_TILE_OUTPUT, rank, out_bytes);
    for (int d = 0; d < rank; ++d) {
      o->shape[d] = shape[d];
      o->coef[d][d] = 1;
    }
  }
  return spm_tile_problem_validate(p);
}

spm_status_t spm_tile_problem_pooling(int64_t n, int64_t c, int64_t pp,
                                      int64_t q, int64_t r, int64_t s,
                                      int64_t stride_h, int64_t stride_w,
                                      int64_t in_bytes, int64_t out_bytes,
                                      spm_tile_problem_t *p) {
  if (!p)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_pooling: problem is NULL");
  memset(p, 0, sizeof(*p));
  int64_t sh = or1(stride_h), sw = or1(stride_w);
  if (sh < 0 || sw < 0)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "spm_tile_problem_pooling: negative stride");
  enum { N, C, P, Q, R, S };
  p->ndims = 6;
  set_dim(p, N, "n", n, SPM_TILE_PARALLEL);
  set_dim(p, C, "c", c, SPM_TILE_PARALLEL);
  set_dim(p, P, "p", pp, SPM_TILE_PARALLEL);
  set_dim(p, Q, "q", q, SPM_TILE_PARALLEL);
  set_dim(p, R, "r", r, SPM_TILE_REDUCTION);
  set_dim(p, S, "s", s, SPM_TILE_REDUCTION);
  spm_tile_operand_t *in = add_operand(p, "input", SPM_TILE_READ, 4, in_bytes);
  in->shape[0] = n, in->coef[0][N] = 1;
  in->shape[1] = c, in->coef[1][C] = 1;
  in->shape[2] = (pp - 1) * sh + r, in->coef[2][P] = sh, in->coef[2][R] = 1;
  in->shape[3] = (q - 1) * sw + s, in->coef[3][Q] = sw, in->coef[3][S] = 1;
  spm_tile_operand_t *out = add_operand(p, "output", SPM_TILE_OUTPUT, 4,
                                        out_bytes);
  out->shape[0] = n, out->coef[0][N] = 1;
  out->shape[1] = c, out->coef[1][C] = 1;
  out->shape[2] = pp, out->coef[2][P] = 1;
  out->shape[3] = q, out->coef[3][Q] = 1;
  return spm_tile_problem_validate(p);
}
