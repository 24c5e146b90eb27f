// spm-place: residency across ops, tiling and DMA (see place.h).
//
// Walks the ops in order with the set R of intermediates resident in the
// scratchpad. At each op:
//   1. the op's tiling (place_plan.c) gets the space R leaves; when no
//      tiling fits, residents are evicted, furthest next use first;
//   2. an intermediate first written here becomes resident when the op's
//      tiling with it resident costs no more than streaming it (its tiles'
//      stores plus one read per later reader);
//   3. a resident not used here is evicted when the space it frees lowers
//      the op's cost by more than the eviction costs (write-back if dirty,
//      plus one read per later reader) -- furthest next use first;
//   4. the op is emitted as tiles (place_op.c).
// A linalg.fill is deferred to the tensor's next use (place_fill.c).
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "passes/pass.h"
#include "passes/place_internal.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

spm_place_options_t spm_place_options_default(void) {
  spm_place_options_t o;
  memset(&o, 0, sizeof o);
  o.strategy = SPM_PLACE_REUSE;
  o.reserve = 0.1;
  o.double_buffer = true;
  o.fuse = true;
  o.chain = true;
  o.residency = SPM_PLACE_RESIDENCY_COST;
  o.report = SPM_PLACE_REPORT_SUMMARY;
  o.max_tiles = SPM_PLACE_MAX_TILES_DEFAULT;
  return o;
}


int64_t spm_pl_aligned(const spm_pl_t *p, int64_t bytes) {
  int64_t a = p->t->alignment > 0 ? p->t->alignment : 1;
  return (bytes + a - 1) / a * a;
}

bool spm_pl_uses(const spm_place_op_t *op, int t, bool *reads,
                        bool *writes) {
  bool u = false;
  *reads = *writes = false;
  for (int k = 0; k < op->noperands; ++k)
    if (op->operands[k].tensor == t) {
      u = true;
      *reads = *reads || op->operands[k].read;
      *writes = *writes || op->operands[k].output;
    }
  return u;
}

// Ops from `from` on that read tensor t.
int64_t spm_pl_readers_from(const spm_pl_t *p, int t, size_t from) {
  int64_t n = 0;
  for (size_t j = from; j < p->m->nops && (int)j <= p->m->tensors[t].last;
       ++j) {
    bool r, w;
    if (spm_pl_uses(&p->m->ops[j], t, &r, &w) && r)
      n++;
  }
  return n;
}

// The first op from `from` on using t, or INT32_MAX.
static int spm_pl_next_use_from(const spm_pl_t *p, int t, size_t from) {
  for (size_t j = from; j < p->m->nops && (int)j <= p->m->tensors[t].last;
       ++j) {
    bool r, w;
    if (spm_pl_uses(&p->m->ops[j], t, &r, &w))
      return (int)j;
  }
  return INT32_MAX;
}

static void spm_pl_request(const spm_pl_t *p, const spm_place_op_t *op,
                           const bool *extra_resident, int64_t budget,
                           spm_place_plan_request_t *r) {
  memset(r, 0, sizeof *r);
  r->op = op;
  r->model = p->m;
  r->budget = budget;
  r->per_transfer_bytes = p->per_transfer;
  r->allow_double_buffer =
      p->o->double_buffer && p->o->strategy == SPM_PLACE_REUSE;
  r->max_tiles = p->o->max_tiles;
  r->alignment = p->t->alignment;
  for (int k = 0; k < op->noperands; ++k) {
    const spm_place_operand_t *o = &op->operands[k];
    const spm_pt_state_t *s = &p->st[o->tensor];
    r->resident[k] = s->resident || o->shape_only ||
                     (extra_resident && extra_resident[o->tensor]);
    // a deferred fill applied per tile: first visits load nothing
    r->no_initial_read[k] = spm_pl_fill_per_tile(p, op, k);
  }
}

// Whether a failed plan failed on max-tiles: the tilings that fit have
// more tiles (out->tiles of spm_pl_plan), rather than none fits.
static bool spm_pl_too_many_tiles(const spm_pl_t *p,
                                  const spm_place_plan_t *plan) {
  return plan->tiles > p->o->max_tiles;
}

// The plan for op within budget: untiled when the whole op fits (single
// buffered: there is nothing to overlap), else the tile search, which takes
// no tiling with more than max-tiles tiles. When every tiling that fits
// has more, OUT_OF_RANGE as when none fits (so residents are evicted for
// the op, and a trial that needs it is not taken), with out->tiles the
// fewest (spm_pl_too_many_tiles tells the two apart). The count is
// arithmetic: nothing is emitted yet.
spm_status_t spm_pl_plan(const spm_pl_t *p, const spm_place_op_t *op,
                                const bool *extra, int64_t budget,
                                spm_place_plan_t *out) {
  spm_place_plan_request_t r;
  spm_pl_request(p, op, extra, budget, &r);
  spm_place_plan_untiled(&r, out);
  if (out->space <= budget)
    return SPM_OK;
  return spm_place_plan_op(&r, out);
}

// The op's name for diagnostics: 'linalg.matmul', or a fused pair's
// 'linalg.matmul' fused with 'linalg.generic'.
static void spm_pl_op_name(const spm_place_op_t *op, spm_strbuf_t *b) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op->op));
  spm_strbuf_appendf(b, "'%.*s'", (int)n.length, n.data);
  if (!mlirOperationIsNull(op->epilogue)) {
    MlirStringRef en = mlirIdentifierStr(mlirOperationGetName(op->epilogue));
    spm_strbuf_appendf(b, " fused with '%.*s'", (int)en.length, en.data);
  }
}

// The error at op when every tiling of it within `budget` bytes has more
// tiles than max-tiles (plan->tiles: the fewest); returns FAILED
// (reported).
static spm_status_t spm_pl_tiles_error(const spm_pl_t *p,
                                       const spm_place_op_t *op,
                                       const spm_place_plan_t *plan,
                                       int64_t budget) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&b, "cannot place ");
  spm_pl_op_name(op, &b);
  if (plan->tiles == INT64_MAX)
    spm_strbuf_append_str(&b, ": it needs at least 2^63 - 1 tiles");
  else
    spm_strbuf_appendf(&b, ": it needs %lld tiles", (long long)plan->tiles);
  spm_strbuf_appendf(&b, " to fit in the %lld bytes of scratchpad left for "
                     "it, more than the limit of %lld tile%s per op (the "
                     "output is unrolled, one copy of the op per tile); "
                     "give it a larger scratchpad (option capacity=BYTES), "
                     "split it into smaller ops, or raise the limit (option "
                     "max-tiles=N of spm-place or spm-allocate)",
                     (long long)budget, (long long)p->o->max_tiles,
                     p->o->max_tiles == 1 ? "" : "s");
  spm_pl_error(op->op, spm_strbuf_cstr(&b));
  spm_strbuf_free(&b);
  return spm_status_make(SPM_STATUS_FAILED, "placement failed");
}

// Whether `tiles` more would take the function past its limit of
// SPM_PLACE_FUNCTION_TILES_FACTOR x max-tiles tiles in all.
static int64_t spm_pl_function_tile_limit(const spm_pl_t *p) {
  return p->o->max_tiles > INT64_MAX / SPM_PLACE_FUNCTION_TILES_FACTOR
             ? INT64_MAX
             : p->o->max_tiles * SPM_PLACE_FUNCTION_TILES_FACTOR;
}

bool spm_pl_function_tiles_over(const spm_pl_t *p, int64_t tiles) {
  return tiles > spm_pl_function_tile_limit(p) - p->stats->tiles;
}

// The error at op when its `tiles` would take the function past that
// limit; returns FAILED (reported).
static spm_status_t spm_pl_function_tiles_error(const spm_pl_t *p,
                                                const spm_place_op_t *op,
                                                int64_t tiles) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&b, "cannot place ");
  spm_pl_op_name(op, &b);
  spm_strbuf_appendf(&b,
                     ": its %lld tile%s would unroll the function into "
                     "more than %lld tiles in all (%d x max-tiles; %lld "
                     "before this op); split the function, give it a larger "
                     "scratchpad (option capacity=BYTES) or raise the limit "
                     "(option max-tiles=N of spm-place or spm-allocate)",
                     (long long)tiles, spm_plural((unsigned long long)tiles),
                     (long long)spm_pl_function_tile_limit(p),
                     SPM_PLACE_FUNCTION_TILES_FACTOR,
                     (long long)p->stats->tiles);
  spm_pl_error(op->op, spm_strbuf_cstr(&b));
  spm_strbuf_free(&b);
  return spm_status_make(SPM_STATUS_FAILED, "placement failed");
}

// Evicts resident t; written back when dirty and used from op `from` on.
void spm_pl_evict(spm_pl_t *p, int t, size_t from) {
  spm_pt_state_t *s = &p->st[t];
  const spm_place_tensor_t *x = &p->m->tensors[t];
  if (s->dirty && spm_pl_next_use_from(p, t, from) != INT32_MAX) {
    int64_t off[SPM_PLACE_MAX_RANK] = {0}, step[SPM_PLACE_MAX_RANK];
    for (int d = 0; d < x->rank; ++d)
      step[d] = 1;
    MlirValue tok = spm_place_emit_store(&p->e, s->b.buf, x->value, x->rank,
                                         off, x->shape, step, x->elem_bytes);
    p->stats->predicted_written += x->bytes; // a write-back: exact
    p->stats->evicted_bytes += x->bytes;
    spm_place_emit_wait(&p->e, &tok, 1);
    s->dram_home = true;
  }
  spm_place_emit_dealloc(&p->e, s->b.buf);
  s->resident = false;
  s->dirty = false;
  p->resident_bytes -= spm_pl_aligned(p, x->bytes);
}

// The resident tensor not used by `op` (which ends at op index hi) with
// the furthest next use, or -1 (then, if `any`, also those used by op).
static int spm_pl_victim(const spm_pl_t *p, const spm_place_op_t *op,
                         size_t hi, bool any) {
  int best = -1, best_next = -1;
  for (size_t t = 0; t < p->m->ntensors; ++t) {
    if (!p->st[t].resident)
      continue;
    bool r, w;
    if (!any && spm_pl_uses(op, (int)t, &r, &w))
      continue;
    int nx = spm_pl_next_use_from(p, (int)t, hi + 1);
    if (nx > best_next) {
      best = (int)t;
      best_next = nx;
    }
  }
  return best;
}

void spm_pl_error(MlirOperation op, const char *msg) {
  spm_diag_emit(mlirOperationGetLocation(op), SPM_DIAG_ERROR, "spm-place: %s",
                msg);
}

// Emits op with the current residency within `budget` (no decisions).
// Where each operand of op lives for its emission: resident (in place), as
// is (shape only), or streamed from its global home (which an intermediate
// then keeps); with `fused_fill`, streamed outputs apply a deferred fill.
static void spm_pl_homes(spm_pl_t *p, const spm_place_op_t *op,
                         bool fused_fill, spm_place_operand_home_t *home) {
  memset(home, 0, SPM_PLACE_MAX_OPERANDS * sizeof *home);
  for (int k = 0; k < op->noperands; ++k) {
    const spm_place_operand_t *o = &op->operands[k];
    spm_pt_state_t *ts = &p->st[o->tensor];
    home[k].resident = ts->resident && !o->shape_only;
    home[k].as_is = o->shape_only;
    home[k].mem = ts->b.mem;
    home[k].global = p->m->tensors[o->tensor].value;
    // a shape-only operand is used as it is: its memref.alloc stays too
    if ((!ts->resident || o->shape_only) && !o->scratch &&
        !p->m->tensors[o->tensor].is_arg)
      ts->dram_home = true;
    if (fused_fill && o->output && !ts->resident && ts->nfills == 1)
      home[k].fill = p->m->ops[ts->fills[0]].op;
  }
}

spm_status_t spm_pl_emit_plain(spm_pl_t *p, const spm_place_op_t *op,
                               int64_t budget) {
  spm_place_plan_t plan;
  spm_status_t s = spm_pl_plan(p, op, NULL, budget, &plan);
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE &&
        spm_pl_too_many_tiles(p, &plan)) {
      spm_status_free(s);
      return spm_pl_tiles_error(p, op, &plan, budget);
    }
    return s;
  }
  spm_place_operand_home_t home[SPM_PLACE_MAX_OPERANDS];
  spm_pl_homes(p, op, false, home);
  spm_place_emit_op(&p->e, p->m, op, &plan, home);
  p->stats->predicted_read += plan.read;
  p->stats->predicted_written += plan.written;
  return SPM_OK;
}

// The intermediate a fused op keeps in its tiles.
static const char *spm_pl_scratch_name(const spm_pl_t *p,
                                       const spm_place_op_t *op) {
  for (int k = 0; k < op->noperands; ++k)
    if (op->operands[k].scratch)
      return p->m->tensors[op->operands[k].tensor].name;
  return "?";
}

static void spm_pl_report_op(spm_pl_t *p, const spm_place_op_t *op,
                             const spm_place_plan_t *plan, int64_t rd,
                             int64_t wr, int64_t tiles) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op->op));
  spm_strbuf_appendf(&b, "spm-place: %.*s", (int)n.length, n.data);
  if (!mlirOperationIsNull(op->epilogue)) {
    MlirStringRef en = mlirIdentifierStr(mlirOperationGetName(op->epilogue));
    spm_strbuf_appendf(&b, " + %.*s (fused, no DRAM for %s)", (int)en.length,
                       en.data, spm_pl_scratch_name(p, op));
  }
  spm_strbuf_append_str(&b, ": ");
  if (tiles == 1)
    spm_strbuf_append_str(&b, "not tiled");
  else {
    spm_strbuf_appendf(&b, "%lld tiles [", (long long)tiles);
    for (int j = 0; j < op->ndims; ++j)
      spm_strbuf_appendf(&b, "%s%lld", j ? "x" : "", (long long)plan->tile[j]);
    spm_strbuf_append_str(&b, "] order (");
    for (int j = 0; j < op->ndims; ++j)
      spm_strbuf_appendf(&b, "%sd%d", j ? "," : "", plan->order[j]);
    spm_strbuf_appendf(&b, ")%s", plan->double_buffer ? " double-buffered"
                                                      : "");
  }
  spm_strbuf_appendf(&b, "; DRAM read %lld B, written %lld B (model %lld, "
                     "%lld); resident:",
                     (long long)rd, (long long)wr, (long long)plan->read,
                     (long long)plan->written);
  bool any = false;
  for (int k = 0; k < op->noperands; ++k)
    if (p->st[op->operands[k].tensor].resident) {
      spm_strbuf_appendf(&b, " %s",
                         p->m->tensors[op->operands[k].tensor].name);
      any = true;
    }
  if (!any)
    spm_strbuf_append_str(&b, " none");
  spm_diag_emit(mlirOperationGetLocation(op->op), SPM_DIAG_REMARK, "%s",
                spm_strbuf_cstr(&b));
  spm_strbuf_free(&b);
}


// --- fusion of a producer and its element-wise epilogue ----------------------

// Whether operand o covers its whole tensor x with a map that is a
// permutation: view dim d is loop perm[d] with coefficient 1 (perm may be
// NULL).
static bool spm_pl_whole_perm(const spm_place_op_t *op,
                              const spm_place_operand_t *o,
                              const spm_place_tensor_t *x, int *perm) {
  if (o->rank != x->rank)
    return false;
  uint32_t seen = 0;
  for (int d = 0; d < o->rank; ++d) {
    if (o->off[d] != 0 || o->step[d] != 1 || o->shape[d] != x->shape[d])
      return false;
    int j1 = -1;
    for (int j = 0; j < op->ndims; ++j)
      if (o->coef[d][j] != 0) {
        if (j1 >= 0 || o->coef[d][j] != 1)
          return false;
        j1 = j;
      }
    if (j1 < 0 || (seen & (1u << j1)))
      return false;
    seen |= 1u << j1;
    if (perm)
      perm[d] = j1;
  }
  return true;
}

// Whether ops i (the producer P) and i + 1 (an element-wise epilogue E)
// can run as one tiled op, and that op in *f. Conditions: P has one output,
// a whole intermediate T written by nothing else (a deferred fill aside)
// and read only by E, through a permutation map; E is all-parallel with
// one loop per dim of T and reads T once the same way; E touches none of
// P's other tensors. E's operands are then indexed by P's loops through T.
bool spm_pl_fusable(const spm_pl_t *p, size_t i, size_t *je,
                           spm_place_op_t *f) {
  if (p->o->strategy != SPM_PLACE_REUSE || !p->o->fuse)
    return false;
  const spm_place_op_t *P = &p->m->ops[i];
  if (P->is_fill)
    return false;
  int kp = -1;
  for (int k = 0; k < P->noperands; ++k)
    if (P->operands[k].output) {
      if (kp >= 0)
        return false;
      kp = k;
    }
  if (kp < 0)
    return false;
  int t = P->operands[kp].tensor;
  // E: the next op but fills of tensors P does not touch (they commute
  // with P; the caller places them first).
  size_t j = i + 1;
  for (; j < p->m->nops && p->m->ops[j].is_fill; ++j) {
    bool r, w;
    if (spm_pl_uses(P, p->m->ops[j].operands[0].tensor, &r, &w))
      return false;
  }
  if (j >= p->m->nops)
    return false;
  const spm_place_op_t *E = &p->m->ops[j];
  if (!spm_op_is(E->op, "linalg.generic"))
    return false;
  const spm_place_tensor_t *x = &p->m->tensors[t];
  const spm_pt_state_t *ts = &p->st[t];
  if (x->is_arg || ts->born || ts->resident || x->last != (int)j)
    return false;
  if (P->operands[kp].read && ts->nfills == 0)
    return false; // accumulates into contents that only DRAM would hold
  for (int k = 0; k < P->noperands; ++k)
    if (k != kp && P->operands[k].tensor == t)
      return false;
  int pt[SPM_PLACE_MAX_RANK], et[SPM_PLACE_MAX_RANK];
  if (!spm_pl_whole_perm(P, &P->operands[kp], x, pt))
    return false;
  int ke = -1;
  for (int j = 0; j < E->ndims; ++j)
    if (E->reduction[j])
      return false;
  for (int k = 0; k < E->noperands; ++k) {
    const spm_place_operand_t *o = &E->operands[k];
    if (o->tensor == t) {
      if (ke >= 0 || o->output || o->shape_only)
        return false;
      ke = k;
      continue;
    }
    bool r, w;
    if (spm_pl_uses(P, o->tensor, &r, &w))
      return false;
  }
  if (ke < 0 || E->ndims != x->rank ||
      !spm_pl_whole_perm(E, &E->operands[ke], x, et) ||
      P->noperands + E->noperands - 1 > SPM_PLACE_MAX_OPERANDS)
    return false;
  *je = j;
  // E's loop et[d] is P's loop pt[d].
  int to_p[SPM_PLACE_MAX_DIMS];
  for (int d = 0; d < x->rank; ++d)
    to_p[et[d]] = pt[d];
  *f = *P;
  f->epilogue = E->op;
  f->macs = P->macs + E->macs;
  f->operands[kp].scratch = true;
  f->operands[kp].epi_index = E->operands[ke].index;
  for (int k = 0; k < E->noperands; ++k) {
    if (k == ke)
      continue;
    spm_place_operand_t *o = &f->operands[f->noperands++];
    *o = E->operands[k];
    o->index = -1;
    o->epi_index = E->operands[k].index;
    memset(o->coef, 0, sizeof o->coef);
    for (int d = 0; d < o->rank; ++d)
      for (int j = 0; j < E->ndims; ++j)
        o->coef[d][to_p[j]] = E->operands[k].coef[d][j];
  }
  return true;
}

// Whether fusing pays: the fused op's plan costs no more than P (op i)
// and E (op j) apart, with T streamed or (if it fits) resident.
static bool spm_pl_fuse_pays(const spm_pl_t *p, size_t i, size_t j,
                             const spm_place_op_t *f) {
  int64_t budget = p->cap - p->resident_bytes;
  spm_place_plan_t pf, pp, pe;
  spm_status_t s = spm_pl_plan(p, f, NULL, budget, &pf);
  bool ok = spm_status_is_ok(s);
  spm_status_free(s);
  if (!ok)
    return false;
  double apart = -1;
  s = spm_pl_plan(p, &p->m->ops[i], NULL, budget, &pp);
  spm_status_t s2 = spm_pl_plan(p, &p->m->ops[j], NULL, budget, &pe);
  if (spm_status_is_ok(s) && spm_status_is_ok(s2))
    apart = pp.cost + pe.cost;
  spm_status_free(s);
  spm_status_free(s2);
  int t = -1;
  for (int k = 0; k < f->noperands; ++k)
    if (f->operands[k].scratch)
      t = f->operands[k].tensor;
  int64_t need = spm_pl_aligned(p, p->m->tensors[t].bytes);
  if (need <= budget) {
    bool *ex = p->extra;
    memset(ex, 0, p->m->ntensors * sizeof *ex);
    ex[t] = true;
    s = spm_pl_plan(p, &p->m->ops[i], ex, budget - need, &pp);
    s2 = spm_pl_plan(p, &p->m->ops[j], ex, budget - need, &pe);
    if (spm_status_is_ok(s) && spm_status_is_ok(s2) &&
        (apart < 0 || pp.cost + pe.cost < apart))
      apart = pp.cost + pe.cost;
    spm_status_free(s);
    spm_status_free(s2);
    ex[t] = false;
  }
  return apart < 0 || pf.cost <= apart;
}

// Places `op`: model op lo, or (fused) ops lo..hi.
spm_status_t spm_pl_op(spm_pl_t *p, const spm_place_op_t *op,
                              size_t lo, size_t hi) {
  // A fused op runs where its epilogue was: the epilogue's operands (a
  // padded buffer allocated after the producer, say) are defined there, and
  // what lies in between commutes with the producer (fills of other
  // tensors, allocs, views).
  p->e.before =
      mlirOperationIsNull(op->epilogue) ? op->op : op->epilogue;
  p->e.loc = mlirOperationGetLocation(op->op);
  bool deferred;
  spm_status_t s = spm_pl_defer_fill(p, op, &deferred);
  if (!spm_status_is_ok(s) || deferred)
    return s;
  bool reuse = p->o->strategy == SPM_PLACE_REUSE;
  int64_t budget = p->cap - p->resident_bytes;
  spm_place_plan_t plan;
  s = spm_pl_plan(p, op, NULL, budget, &plan);
  // 1. make room when nothing fits
  while (!spm_status_is_ok(s) && spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE) {
    int v = spm_pl_victim(p, op, hi, false);
    if (v < 0)
      v = spm_pl_victim(p, op, hi, true);
    if (v < 0)
      break;
    spm_status_free(s);
    spm_pl_evict(p, v, lo);
    budget = p->cap - p->resident_bytes;
    s = spm_pl_plan(p, op, NULL, budget, &plan);
  }
  if (!spm_status_is_ok(s)) {
    if (spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE &&
        spm_pl_too_many_tiles(p, &plan)) {
      spm_status_free(s);
      return spm_pl_tiles_error(p, op, &plan, budget);
    }
    if (spm_status_code(s) == SPM_STATUS_OUT_OF_RANGE) {
      spm_strbuf_t b = SPM_STRBUF_INIT;
      spm_strbuf_appendf(&b, "no tiling of this op fits the scratchpad (%lld "
                         "usable bytes of %lld): %s",
                         (long long)p->cap, (long long)p->t->capacity,
                         spm_status_message(s));
      spm_pl_error(op->op, spm_strbuf_cstr(&b));
      spm_strbuf_free(&b);
      spm_status_free(s);
      return spm_status_make(SPM_STATUS_FAILED, "placement failed");
    }
    return s;
  }
  // 2. residency of intermediates first written here
  bool *ex = p->extra; // tensors tried as resident for this op
  memset(ex, 0, p->m->ntensors * sizeof *ex);
  int newres[SPM_PLACE_MAX_OPERANDS], nnew = 0;
  for (int k = 0; k < op->noperands && reuse; ++k) {
    int t = op->operands[k].tensor;
    const spm_place_tensor_t *x = &p->m->tensors[t];
    spm_pt_state_t *ts = &p->st[t];
    if (!op->operands[k].output || op->operands[k].scratch || x->is_arg ||
        ts->born || ts->resident || ex[t])
      continue;
    int64_t need = spm_pl_aligned(p, x->bytes);
    if (need > budget)
      continue;
    // residency=reuse-distance: kept iff reused, and it and everything the
    // ops up to its reuse touch fit in the scratchpad together.
    bool by_distance = p->o->residency == SPM_PLACE_RESIDENCY_DISTANCE;
    if (by_distance) {
      int64_t rd = spm_place_reuse_distance(p->reuse, t, (int)hi);
      if (rd < 0 || rd + need > p->cap)
        continue;
    }
    ex[t] = true;
    spm_place_plan_t p1;
    spm_status_t s1 = spm_pl_plan(p, op, ex, budget - need, &p1);
    double stream_cost =
        plan.cost + (double)x->bytes * (double)spm_pl_readers_from(p, t, hi + 1);
    if (spm_status_is_ok(s1) && (by_distance || p1.cost <= stream_cost)) {
      plan = p1;
      budget -= need;
      newres[nnew++] = t;
    } else {
      ex[t] = false;
    }
    spm_status_free(s1);
  }
  // 3. evictions that pay for themselves
  while (reuse) {
    int v = spm_pl_victim(p, op, hi, false);
    if (v < 0)
      break;
    const spm_place_tensor_t *x = &p->m->tensors[v];
    int64_t freed = spm_pl_aligned(p, x->bytes);
    spm_place_plan_t p2;
    spm_status_t s2 = spm_pl_plan(p, op, ex, budget + freed, &p2);
    double evict_cost =
        (p->st[v].dirty ? (double)x->bytes : 0.0) +
        (double)x->bytes * (double)spm_pl_readers_from(p, v, lo);
    bool take = spm_status_is_ok(s2) && plan.cost - p2.cost > evict_cost;
    spm_status_free(s2);
    if (!take)
      break;
    spm_pl_evict(p, v, lo);
    budget += freed;
    plan = p2;
  }
  // 3b. streaming a resident input of op instead, when its space saves
  // more than its write-back and reloads (this op's read is in the plan)
  while (reuse) {
    int best = -1;
    double best_gain = 0;
    spm_place_plan_t best_plan;
    for (int k = 0; k < op->noperands; ++k) {
      int v = op->operands[k].tensor;
      bool r, w;
      spm_pl_uses(op, v, &r, &w);
      if (!p->st[v].resident || w || ex[v])
        continue;
      const spm_place_tensor_t *x = &p->m->tensors[v];
      int64_t freed = spm_pl_aligned(p, x->bytes);
      p->st[v].resident = false;
      spm_place_plan_t p2;
      spm_status_t s2 = spm_pl_plan(p, op, ex, budget + freed, &p2);
      p->st[v].resident = true;
      double evict_cost =
          (p->st[v].dirty ? (double)x->bytes : 0.0) +
          (double)x->bytes * (double)spm_pl_readers_from(p, v, hi + 1);
      double gain = spm_status_is_ok(s2) ? plan.cost - p2.cost - evict_cost : 0;
      spm_status_free(s2);
      if (gain > best_gain) {
        best = v;
        best_gain = gain;
        best_plan = p2;
      }
    }
    if (best < 0)
      break;
    budget += spm_pl_aligned(p, p->m->tensors[best].bytes);
    spm_pl_evict(p, best, lo);
    plan = best_plan;
  }
  if (spm_status_is_ok(s) && spm_pl_function_tiles_over(p, plan.tiles))
    return spm_pl_function_tiles_error(p, op, plan.tiles);
  // 4. emit: new residents, deferred fills, the tiles
  for (int n = 0; n < nnew; ++n) {
    int t = newres[n];
    const spm_place_tensor_t *x = &p->m->tensors[t];
    spm_pt_state_t *ts = &p->st[t];
    ts->b = spm_place_emit_alloc(&p->e, x->rank, x->shape, x->elem);
    ts->resident = true;
    ts->dirty = true;
    p->resident_bytes += spm_pl_aligned(p, x->bytes);
    for (int i = 0; i < ts->nfills; ++i) { // the pending fills, in place
      const spm_place_op_t *f = &p->m->ops[ts->fills[i]];
      const spm_place_operand_t *fo = &f->operands[0];
      MlirValue v = spm_place_emit_subview(&p->e, ts->b.mem, fo->rank,
                                           fo->off, fo->shape, fo->step);
      int last = mlirOperationGetNumOperands(f->op) - 1;
      spm_place_emit_clone(&p->e, f->op, 1, &last, &v);
    }
    ts->nfills = 0;
  }
  if (spm_status_is_ok(s))
    s = spm_pl_fills_before(p, op);
  int64_t rd0 = p->e.bytes_read, wr0 = p->e.bytes_written;
  if (spm_status_is_ok(s)) {
    spm_place_operand_home_t home[SPM_PLACE_MAX_OPERANDS];
    spm_pl_homes(p, op, true, home);
    spm_place_emit_op(&p->e, p->m, op, &plan, home);
    int64_t tiles = plan.tiles; // at most max-tiles (spm_pl_plan)
    bool fused = !mlirOperationIsNull(op->epilogue);
    p->stats->ops += fused ? 2 : 1;
    p->stats->fused += fused;
    p->stats->tiles += tiles;
    p->stats->tiled_ops += tiles > 1;
    p->stats->macs += op->macs;
    p->stats->predicted_read += plan.read;
    p->stats->predicted_written += plan.written;
    if (p->o->report == SPM_PLACE_REPORT_OPS)
      spm_pl_report_op(p, op, &plan, p->e.bytes_read - rd0,
                       p->e.bytes_written - wr0, tiles);
    for (int k = 0; k < op->noperands; ++k) {
      const spm_place_operand_t *o = &op->operands[k];
      spm_pt_state_t *ts = &p->st[o->tensor];
      if (o->output) {
        ts->born = true;
        ts->nfills = 0;
        if (ts->resident)
          ts->dirty = true;
      }
    }
    // residents whose last use this was
    for (int k = 0; k < op->noperands; ++k) {
      int t = op->operands[k].tensor;
      if (p->st[t].resident && p->m->tensors[t].last <= (int)hi) {
        p->st[t].dirty = false; // never read again: no write-back
        spm_pl_evict(p, t, hi + 1);
      }
    }
  }
  return s;
}

// report=reuse: per intermediate, at its memref.alloc: size, uses, reads,
// the reuse distance from each use to the next, where it ended up.
static void spm_pl_report_reuse(spm_pl_t *p) {
  for (size_t t = 0; t < p->m->ntensors; ++t) {
    const spm_place_tensor_t *x = &p->m->tensors[t];
    if (x->is_arg || x->first < 0)
      continue;
    int nuse = 0, nread = 0;
    for (size_t i = 0; i < p->m->nops; ++i) {
      bool r, w;
      if (spm_pl_uses(&p->m->ops[i], (int)t, &r, &w)) {
        nuse++;
        nread += r;
      }
    }
    spm_strbuf_t b = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&b, "spm-place: reuse of %s (%lld bytes): %d uses, "
                       "%d reading; reuse distances [",
                       x->name, (long long)x->bytes, nuse, nread);
    int n = 0;
    for (int i = x->first; i >= 0;
         i = spm_place_reuse_next_use(p->reuse, (int)t, i)) {
      int64_t d = spm_place_reuse_distance(p->reuse, (int)t, i);
      if (d < 0)
        break;
      spm_strbuf_appendf(&b, "%s%lld", n++ ? ", " : "", (long long)d);
    }
    spm_strbuf_appendf(&b, "] bytes; %s",
                       p->st[t].dram_home ? "global home" : "on chip");
    spm_diag_emit(mlirOperationGetLocation(x->alloc), SPM_DIAG_REMARK, "%s",
                  spm_strbuf_cstr(&b));
    spm_strbuf_free(&b);
  }
}

// Removes the original ops and views, and the allocs that got no global
// home; marks the others `spm.global`.
static void spm_pl_cleanup(spm_pl_t *p) {
  for (size_t i = 0; i < p->m->nops; ++i)
    mlirOperationDestroy(p->m->ops[i].op);
  MlirBlock body =
      mlirRegionGetFirstBlock(mlirOperationGetRegion(p->m->func, 0));
  // dead views (last first, so views of views go too)
  bool changed = true;
  while (changed) {
    changed = false;
    for (MlirOperation op = mlirBlockGetFirstOperation(body);
         !mlirOperationIsNull(op);) {
      MlirOperation next = mlirOperationGetNextInBlock(op);
      if (spm_op_is(op, "memref.subview") &&
          mlirOpOperandIsNull(
              mlirValueGetFirstUse(mlirOperationGetResult(op, 0)))) {
        mlirOperationDestroy(op);
        changed = true;
      }
      op = next;
    }
  }
  for (size_t t = 0; t < p->m->ntensors; ++t) {
    const spm_place_tensor_t *x = &p->m->tensors[t];
    if (x->is_arg)
      continue;
    if (p->st[t].dram_home) {
      mlirOperationSetAttributeByName(
          x->alloc, mlirStringRefCreateFromCString("spm.global"),
          mlirUnitAttrGet(p->e.ctx));
      p->stats->spilled++;
      continue;
    }
    // only memref.dealloc users can remain
    for (MlirOpOperand u = mlirValueGetFirstUse(x->value);
         !mlirOpOperandIsNull(u);
         u = mlirValueGetFirstUse(x->value))
      mlirOperationDestroy(mlirOpOperandGetOwner(u));
    mlirOperationDestroy(x->alloc);
  }
}

spm_status_t spm_place_func(MlirOperation func, const spm_target_t *t,
                            const spm_place_options_t *o,
                            spm_place_stats_t *stats) {
  memset(stats, 0, sizeof *stats);
  spm_place_model_t *m;
  SPM_RETURN_IF_ERROR(spm_place_model_build(func, &m));
  spm_pl_t p;
  memset(&p, 0, sizeof p);
  p.m = m;
  p.t = t;
  p.o = o;
  p.stats = stats;
  p.st = calloc(m->ntensors + 1, sizeof *p.st);
  p.extra = calloc(m->ntensors + 1, sizeof *p.extra);
  p.reuse = spm_place_reuse_create(m);
  if (!p.st || !p.extra || !p.reuse)
    abort();
  p.e.ctx = mlirOperationGetContext(func);
  p.e.body = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  p.cap = (int64_t)((double)t->capacity * (1.0 - o->reserve));
  p.per_transfer = (int64_t)((double)t->dma_latency * t->dma_bandwidth);
  for (size_t k = 0; k < m->ntensors; ++k)
    p.st[k].born = m->tensors[k].is_arg;
  // compulsory traffic: each input argument (its first use reads it) read
  // once, each output argument (some op writes it) written once
  for (size_t k = 0; k < m->ntensors; ++k) {
    if (!m->tensors[k].is_arg)
      continue;
    bool rd = false, wr = false, first = true;
    for (size_t i = 0; i < m->nops; ++i) {
      bool r, w;
      if (spm_pl_uses(&m->ops[i], (int)k, &r, &w)) {
        rd = rd || (first && r);
        wr = wr || w;
        first = false;
      }
    }
    stats->compulsory += (rd + wr) * m->tensors[k].bytes;
  }
  spm_status_t s = SPM_OK;
  for (size_t i = 0; i < m->nops && spm_status_is_ok(s); ++i) {
    spm_place_op_t fused;
    const spm_place_op_t *op = &m->ops[i];
    size_t j, hi = i, skip_to = i;
    if (spm_pl_fusable(&p, i, &j, &fused)) {
      for (size_t k = i + 1; k < j && spm_status_is_ok(s); ++k)
        s = spm_pl_op(&p, &m->ops[k], k, k); // the fills in between
      if (!spm_status_is_ok(s))
        break;
      if (spm_pl_fuse_pays(&p, i, j, &fused)) {
        op = &fused;
        hi = skip_to = j;
      } else {
        skip_to = j - 1;
      }
    }
    // The op and a consumer reading its output through windows, as one
    // chain (place_chain.c), when that pays.
    bool chained = false;
    size_t next = skip_to > hi ? skip_to : hi;
    s = spm_pl_chain(&p, op, i, hi, &chained, &next);
    if (spm_status_is_ok(s) && !chained)
      s = spm_pl_op(&p, op, i, hi);
    if (next > skip_to)
      skip_to = next;
    i = skip_to;
  }
  if (spm_status_is_ok(s)) {
    for (size_t k = 0; k < m->ntensors; ++k)
      stats->resident += !m->tensors[k].is_arg && !p.st[k].dram_home &&
                         m->tensors[k].first >= 0;
    if (o->report == SPM_PLACE_REPORT_REUSE)
      spm_pl_report_reuse(&p);
    spm_pl_cleanup(&p);
  }
  stats->read = p.e.bytes_read;
  stats->written = p.e.bytes_written;
  stats->transfers = p.e.transfers;
  free(p.st);
  free(p.extra);
  spm_place_reuse_free(p.reuse);
  spm_place_model_free(m);
  return s;
}
