// spm-place, part 4: one op as a sequence of tiles (see place_op.h).
#include <stdlib.h>
#include <string.h>

#include "passes/place_op.h"

typedef struct {
  int64_t vlo[SPM_PLACE_MAX_RANK], vlen[SPM_PLACE_MAX_RANK];
} spm_po_box_t;

typedef struct {
  spm_place_buf_t b;
  MlirValue tok;
  bool live, has_tok;
} spm_po_slot_t;

typedef struct {
  spm_place_emit_t *e;
  const spm_place_model_t *m;
  const spm_place_op_t *op;
  const spm_place_plan_t *plan;
  const spm_place_operand_home_t *home;
  int64_t nt[SPM_PLACE_MAX_DIMS]; // tiles per dim
  int64_t n;                      // tile iterations
} spm_po_t;

// Tile iteration k's position per dim (k enumerates the plan's loop order,
// innermost fastest) and its box lo/len.
static void spm_po_iter(const spm_po_t *p, int64_t k, int64_t *lo,
                        int64_t *len) {
  const spm_place_op_t *op = p->op;
  for (int j = 0; j < op->ndims; ++j) {
    lo[j] = 0;
    len[j] = op->extent[j];
  }
  for (int t = op->ndims - 1; t >= 0; --t) {
    int j = p->plan->order[t];
    int64_t pos = k % p->nt[j];
    k /= p->nt[j];
    lo[j] = pos * p->plan->tile[j];
    len[j] = op->extent[j] - lo[j] < p->plan->tile[j]
                 ? op->extent[j] - lo[j]
                 : p->plan->tile[j];
  }
}

static void spm_po_box(const spm_po_t *p, int64_t k, int x, spm_po_box_t *b) {
  int64_t lo[SPM_PLACE_MAX_DIMS], len[SPM_PLACE_MAX_DIMS];
  spm_po_iter(p, k, lo, len);
  spm_place_operand_box(p->op, &p->op->operands[x], lo, len, b->vlo, b->vlen);
}

static bool spm_po_box_eq(const spm_po_box_t *a, const spm_po_box_t *b,
                          int rank) {
  for (int d = 0; d < rank; ++d)
    if (a->vlo[d] != b->vlo[d] || a->vlen[d] != b->vlen[d])
      return false;
  return true;
}

// Whether operand x's box at k differs from the one at k - 1 (k == 0: new).
static bool spm_po_new_visit(const spm_po_t *p, int64_t k, int x) {
  if (k == 0)
    return true;
  spm_po_box_t a, b;
  spm_po_box(p, k - 1, x, &a);
  spm_po_box(p, k, x, &b);
  return !spm_po_box_eq(&a, &b, p->op->operands[x].rank);
}

// The first visit of an output box: every dim the output does not depend
// on is at its first tile (the loop order is lexicographic, so that is the
// earliest iteration with this box).
static bool spm_po_first_visit(const spm_po_t *p, int64_t k, int x) {
  int64_t lo[SPM_PLACE_MAX_DIMS], len[SPM_PLACE_MAX_DIMS];
  spm_po_iter(p, k, lo, len);
  const spm_place_operand_t *o = &p->op->operands[x];
  for (int j = 0; j < p->op->ndims; ++j) {
    bool rel = false;
    for (int d = 0; d < o->rank; ++d)
      rel = rel || o->coef[d][j] != 0;
    if (!rel && lo[j] != 0)
      return false;
  }
  return true;
}

// The global (root) window of operand x's box.
static void spm_po_window(const spm_po_t *p, int x, const spm_po_box_t *b,
                          int64_t *off, int64_t *step) {
  const spm_place_operand_t *o = &p->op->operands[x];
  for (int d = 0; d < o->rank; ++d) {
    off[d] = o->off[d] + o->step[d] * b->vlo[d];
    step[d] = o->step[d];
  }
}

static spm_po_slot_t spm_po_open(spm_po_t *p, int64_t k, int x, bool load) {
  const spm_place_operand_t *o = &p->op->operands[x];
  const spm_place_tensor_t *t = &p->m->tensors[o->tensor];
  spm_po_box_t b;
  spm_po_box(p, k, x, &b);
  spm_po_slot_t s;
  memset(&s, 0, sizeof s);
  s.b = spm_place_emit_alloc(p->e, o->rank, b.vlen, t->elem);
  s.live = true;
  if (load) {
    int64_t off[SPM_PLACE_MAX_RANK], step[SPM_PLACE_MAX_RANK];
    spm_po_window(p, x, &b, off, step);
    s.tok = spm_place_emit_load(p->e, p->home[x].global, s.b.buf, o->rank,
                                off, b.vlen, step, t->elem_bytes);
    s.has_tok = true;
  }
  return s;
}

static MlirValue spm_po_store(spm_po_t *p, int64_t k, int x,
                              const spm_po_slot_t *s) {
  const spm_place_operand_t *o = &p->op->operands[x];
  const spm_place_tensor_t *t = &p->m->tensors[o->tensor];
  spm_po_box_t b;
  spm_po_box(p, k, x, &b);
  int64_t off[SPM_PLACE_MAX_RANK], step[SPM_PLACE_MAX_RANK];
  spm_po_window(p, x, &b, off, step);
  return spm_place_emit_store(p->e, s->b.buf, p->home[x].global, o->rank, off,
                              b.vlen, step, t->elem_bytes);
}

// Whether streamed operand x needs its contents loaded when its tile at k
// opens.
static bool spm_po_needs_load(spm_po_t *p, int64_t k, int x) {
  const spm_place_operand_t *o = &p->op->operands[x];
  if (o->scratch)
    return false; // produced and consumed in the tile
  if (!o->output)
    return true;
  if (!o->read)
    return false;
  if (!spm_po_first_visit(p, k, x))
    return true; // partial sums stored earlier
  return mlirOperationIsNull(p->home[x].fill);
}

// Clones `what` (the producer, or with `epilogue` the fused epilogue) with
// its memref operands replaced by val[] (indexed like op->operands).
static void spm_po_clone(spm_place_emit_t *e, MlirOperation what,
                         const spm_place_op_t *op, const MlirValue *val,
                         bool epilogue) {
  int idx[SPM_PLACE_MAX_OPERANDS], n = 0;
  MlirValue v[SPM_PLACE_MAX_OPERANDS];
  for (int x = 0; x < op->noperands; ++x) {
    int i = epilogue ? op->operands[x].epi_index : op->operands[x].index;
    if (i >= 0) {
      idx[n] = i;
      v[n++] = val[x];
    }
  }
  spm_place_emit_clone(e, what, n, idx, v);
}

void spm_place_emit_op(spm_place_emit_t *e, const spm_place_model_t *m,
                       const spm_place_op_t *op, const spm_place_plan_t *plan,
                       const spm_place_operand_home_t *home) {
  spm_po_t p = {e, m, op, plan, home, {0}, 1};
  for (int j = 0; j < op->ndims; ++j) {
    p.nt[j] = (op->extent[j] + plan->tile[j] - 1) / plan->tile[j];
    p.n *= p.nt[j];
  }
  int no = op->noperands;
  spm_po_slot_t cur[SPM_PLACE_MAX_OPERANDS], nxt[SPM_PLACE_MAX_OPERANDS],
      pending[SPM_PLACE_MAX_OPERANDS];
  memset(cur, 0, sizeof cur);
  memset(nxt, 0, sizeof nxt);
  memset(pending, 0, sizeof pending);
  bool db = plan->double_buffer;
  for (int64_t k = 0; k < p.n; ++k) {
    // Inputs of this tile: opened now (single buffering, or the first
    // tile), or prefetched during the previous tile.
    for (int x = 0; x < no; ++x) {
      if (home[x].resident || home[x].as_is || op->operands[x].output)
        continue;
      if (!spm_po_new_visit(&p, k, x))
        continue;
      if (db && k > 0) {
        cur[x] = nxt[x];
        nxt[x].live = false;
      } else {
        cur[x] = spm_po_open(&p, k, x, true);
      }
    }
    // Prefetch the next tile's changed inputs.
    if (db && k + 1 < p.n)
      for (int x = 0; x < no; ++x)
        if (!home[x].resident && !home[x].as_is &&
            !op->operands[x].output && spm_po_new_visit(&p, k + 1, x))
          nxt[x] = spm_po_open(&p, k + 1, x, true);
    // Outputs: a buffer when the box changes (loaded if it holds partial
    // sums or the op accumulates into existing contents).
    for (int x = 0; x < no; ++x)
      if (!home[x].resident && op->operands[x].output &&
          spm_po_new_visit(&p, k, x))
        cur[x] = spm_po_open(&p, k, x, spm_po_needs_load(&p, k, x));
    MlirValue toks[SPM_PLACE_MAX_OPERANDS];
    int ntoks = 0;
    for (int x = 0; x < no; ++x)
      if (!home[x].resident && cur[x].live && cur[x].has_tok) {
        toks[ntoks++] = cur[x].tok;
        cur[x].has_tok = false;
      }
    spm_place_emit_wait(e, toks, ntoks);
    // The operands of the compute: tiles, or views of resident tensors.
    MlirValue val[SPM_PLACE_MAX_OPERANDS];
    for (int x = 0; x < no; ++x) {
      const spm_place_operand_t *o = &op->operands[x];
      if (home[x].resident || home[x].as_is) {
        spm_po_box_t b;
        spm_po_box(&p, k, x, &b);
        int64_t off[SPM_PLACE_MAX_RANK], step[SPM_PLACE_MAX_RANK];
        spm_po_window(&p, x, &b, off, step);
        val[x] = spm_place_emit_subview(
            e, home[x].as_is ? home[x].global : home[x].mem, o->rank, off,
            b.vlen, step);
      } else {
        val[x] = cur[x].b.mem;
        if (o->output && !mlirOperationIsNull(home[x].fill) &&
            spm_po_new_visit(&p, k, x) && spm_po_first_visit(&p, k, x)) {
          // the fused fill: its output is the tile
          MlirOperation f = home[x].fill;
          intptr_t last = mlirOperationGetNumOperands(f) - 1;
          int fi = (int)last;
          spm_place_emit_clone(e, f, 1, &fi, &val[x]);
        }
      }
    }
    spm_po_clone(e, op->op, op, val, false);
    // A fused epilogue runs on the producer's tile once it is complete
    // (the search keeps the reduction loops inside it).
    if (!mlirOperationIsNull(op->epilogue))
      for (int x = 0; x < no; ++x)
        if (op->operands[x].scratch &&
            (k + 1 == p.n || spm_po_new_visit(&p, k + 1, x))) {
          spm_po_clone(e, op->epilogue, op, val, true);
          break;
        }
    // Stores of outputs whose box ends here; they overlap the next tile
    // when double buffering (waited after its compute).
    MlirValue stoks[SPM_PLACE_MAX_OPERANDS];
    int nstoks = 0;
    for (int x = 0; x < no; ++x)
      if (!home[x].resident && pending[x].live) {
        stoks[nstoks++] = pending[x].tok;
      }
    spm_place_emit_wait(e, stoks, nstoks);
    for (int x = 0; x < no; ++x)
      if (!home[x].resident && pending[x].live) {
        spm_place_emit_dealloc(e, pending[x].b.buf);
        pending[x].live = false;
      }
    bool last = k + 1 == p.n;
    for (int x = 0; x < no; ++x) {
      if (home[x].resident || !cur[x].live)
        continue;
      bool ends = last || spm_po_new_visit(&p, k + 1, x);
      if (!ends)
        continue;
      if (op->operands[x].scratch) {
        spm_place_emit_dealloc(e, cur[x].b.buf);
        cur[x].live = false;
      } else if (op->operands[x].output) {
        pending[x] = cur[x];
        pending[x].tok = spm_po_store(&p, k, x, &cur[x]);
        pending[x].has_tok = true;
        cur[x].live = false;
        if (!db || last) {
          spm_place_emit_wait(e, &pending[x].tok, 1);
          spm_place_emit_dealloc(e, pending[x].b.buf);
          pending[x].live = false;
        }
      } else {
        spm_place_emit_dealloc(e, cur[x].b.buf);
        cur[x].live = false;
      }
    }
  }
}
