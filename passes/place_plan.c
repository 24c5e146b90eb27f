// spm-place, part 2: the tiling of one op (see place_plan.h).
#include <stdio.h>
#include <string.h>

#include "passes/place_plan.h"
#include "place/tile_model.h"

// The op as a tile problem: its loops, and its streamed operands with
// their view shapes and access coefficients (resident ones marked so).
static void spm_pp_problem(const spm_place_plan_request_t *r,
                           spm_tile_problem_t *p) {
  const spm_place_op_t *op = r->op;
  memset(p, 0, sizeof *p);
  p->ndims = op->ndims;
  for (int j = 0; j < op->ndims; ++j) {
    p->dim[j].extent = op->extent[j];
    p->dim[j].kind = op->reduction[j] ? SPM_TILE_REDUCTION : SPM_TILE_PARALLEL;
  }
  p->noperands = op->noperands;
  for (int k = 0; k < op->noperands; ++k) {
    const spm_place_operand_t *o = &op->operands[k];
    const spm_place_tensor_t *t = &r->model->tensors[o->tensor];
    spm_tile_operand_t *x = &p->operand[k];
    snprintf(x->name, sizeof x->name, "%.15s", t->name);
    x->role = o->output ? SPM_TILE_OUTPUT : SPM_TILE_READ;
    x->resident = r->resident[k];
    x->scratch = o->scratch;
    x->needs_initial_read =
        o->output && o->read && !o->scratch && !r->no_initial_read[k];
    x->rank = o->rank;
    x->elem_bytes = t->elem_bytes;
    // tiles of an output stored from the scratchpad must not overlap
    if (o->output && !o->scratch && !x->resident) {
      bool whole[SPM_PLACE_MAX_DIMS] = {false};
      uint32_t nest[SPM_PLACE_MAX_DIMS] = {0};
      spm_place_output_dense(op, o, whole, nest);
      for (int j = 0; j < op->ndims; ++j) {
        p->dim[j].whole = p->dim[j].whole || whole[j];
        p->dim[j].whole_if_tiled |= nest[j];
      }
    }
    for (int d = 0; d < o->rank; ++d) {
      x->shape[d] = o->shape[d];
      for (int j = 0; j < op->ndims; ++j)
        x->coef[d][j] = o->coef[d][j];
    }
  }
}

static void spm_pp_from_tile(const spm_tile_plan_t *t, bool db,
                             int64_t per_transfer, spm_place_plan_t *out) {
  memset(out, 0, sizeof *out);
  for (int j = 0; j < t->ndims; ++j) {
    out->order[j] = t->order[j];
    out->tile[j] = t->tile[j];
  }
  out->double_buffer = db;
  out->space = t->space_bytes;
  out->read = t->bytes_read;
  out->written = t->bytes_written;
  out->transfers = t->transfers;
  out->tiles = t->tiles;
  out->cost = (double)t->traffic_bytes + (double)t->transfers * per_transfer;
}

spm_status_t spm_place_plan_op(const spm_place_plan_request_t *r,
                               spm_place_plan_t *out) {
  spm_tile_problem_t p;
  spm_pp_problem(r, &p);
  spm_tile_options_t o = spm_tile_options_default();
  o.budget_bytes = r->budget > 0 ? r->budget : 0;
  o.per_transfer_bytes = r->per_transfer_bytes;
  o.max_tiles = r->max_tiles;
  o.alignment = r->alignment > 1 ? r->alignment : 1;
  memset(out, 0, sizeof *out);
  spm_tile_plan_t t;
  if (r->allow_double_buffer) {
    o.double_buffer = true;
    spm_status_t s = spm_tile_search(&p, &o, &t);
    if (spm_status_is_ok(s)) {
      spm_pp_from_tile(&t, true, r->per_transfer_bytes, out);
      // Single buffering can be much cheaper when the budget is tight
      // (bigger tiles): take it when it moves fewer bytes.
      o.double_buffer = false;
      spm_tile_plan_t t1;
      spm_status_t s1 = spm_tile_search(&p, &o, &t1);
      if (spm_status_is_ok(s1) && t1.cost * 10 < t.cost * 9)
        spm_pp_from_tile(&t1, false, r->per_transfer_bytes, out);
      spm_status_free(s1);
      return SPM_OK;
    }
    if (spm_status_code(s) != SPM_STATUS_OUT_OF_RANGE)
      return s;
    spm_status_free(s);
  }
  o.double_buffer = false;
  spm_status_t s = spm_tile_search(&p, &o, &t);
  if (!spm_status_is_ok(s)) {
    out->tiles = t.tiles; // the fewest when only max_tiles excludes them
    return s;
  }
  spm_pp_from_tile(&t, false, r->per_transfer_bytes, out);
  return SPM_OK;
}

void spm_place_plan_untiled(const spm_place_plan_request_t *r,
                            spm_place_plan_t *out) {
  spm_tile_problem_t p;
  spm_pp_problem(r, &p);
  spm_tile_options_t o = spm_tile_options_default();
  o.alignment = r->alignment > 1 ? r->alignment : 1;
  int order[SPM_PLACE_MAX_DIMS];
  for (int j = 0; j < r->op->ndims; ++j)
    order[j] = j;
  spm_tile_plan_t t;
  spm_status_t s = spm_tile_evaluate(&p, &o, order, r->op->extent, &t);
  if (!spm_status_is_ok(s)) {
    spm_status_free(s);
    memset(out, 0, sizeof *out);
    out->space = INT64_MAX;
    return;
  }
  spm_pp_from_tile(&t, false, r->per_transfer_bytes, out);
}
