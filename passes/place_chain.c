// spm-place, part 5: a producer and its windowed consumer as one tiled chain
// (consumer fusion with a halo; see place_internal.h, docs/passes.md).
//
// Pattern: op F (usually a conv fused with its bias/ReLU epilogue) writes a
// box of an intermediate T -- write-only, unit steps, each parallel loop of
// F to its own dim of T, every other loop of F a reduction -- and nothing
// else; the next op Q (fills of other tensors aside) is T's only reader and
// reads it once (a max pool with overlapping 3x3/2 windows, say); nothing
// else writes T but deferred fills; T does not fit in the space left.
//
// Then per tile of Q's parallel loops (its reductions whole), in loop order:
//   - T's box that the tile reads is a scratch buffer; T's pending fills
//     (a -inf border) are applied to it;
//   - F runs on the part of that box it writes, untiled: neighbouring tiles
//     compute the overlap (the halo) twice, T never goes to DRAM;
//   - Q runs on it; its output tile (with a deferred fill applied per tile)
//     is stored.
// Streamed inputs (of F and Q) are loaded when their box changes from the
// previous tile (the weights once while the channel tile stays the same);
// resident tensors are used in place. Single-buffered: each tile waits for
// its loads. The tile sizes are chosen by exact counting over the tiles:
// the fewest DRAM bytes (plus a per-transfer cost) whose buffers fit; the
// chain is taken when it costs no more than F and Q placed apart.
#include <stdlib.h>
#include <string.h>

#include "passes/place_internal.h"
#include "place/tile_model.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "support/strbuf.h"

#define CH_MAX_TILES 1024 // candidate tilings with more tiles are skipped
                          // (and those with more than max-tiles)

typedef struct {
  int64_t lo[SPM_PLACE_MAX_RANK], len[SPM_PLACE_MAX_RANK];
} ch_box_t;

typedef struct {
  spm_pl_t *p;
  const spm_place_op_t *F, *Q;
  int kt;    // F's operand writing T
  int qt;    // Q's operand reading T
  int qu;    // Q's output operand
  int T, U;  // tensors
  MlirOperation ufill; // Q's output: a deferred fill applied per tile
  int64_t tile[SPM_PLACE_MAX_DIMS]; // Q's tile sizes (reductions: whole)
  int64_t nt[SPM_PLACE_MAX_DIMS], n;
} ch_t;

typedef struct {
  int64_t read, written, transfers, space;
  int64_t points; // F's iteration points over all tiles (halos recomputed)
  double cost;
} ch_eval_t;

// The most F's work may grow by recomputing halos (25%).
#define CH_MAX_RECOMPUTE 1.25

// --- geometry -----------------------------------------------------------------

static void ch_set_tiles(ch_t *c, const int64_t *tile) {
  c->n = 1;
  for (int j = 0; j < c->Q->ndims; ++j) {
    c->tile[j] = tile[j];
    c->nt[j] = (c->Q->extent[j] + tile[j] - 1) / tile[j];
    c->n *= c->nt[j];
  }
}

// Q's iteration box of tile k (dim 0 outermost).
static void ch_qbox(const ch_t *c, int64_t k, int64_t *lo, int64_t *len) {
  const spm_place_op_t *Q = c->Q;
  for (int j = Q->ndims - 1; j >= 0; --j) {
    int64_t pos = k % c->nt[j];
    k /= c->nt[j];
    lo[j] = pos * c->tile[j];
    len[j] = Q->extent[j] - lo[j] < c->tile[j] ? Q->extent[j] - lo[j]
                                                : c->tile[j];
  }
}

// Root box of operand o of op for the iteration box lo/len (rank o->rank):
// first root index and extent per dim.
static void ch_root_box(const spm_place_op_t *op, const spm_place_operand_t *o,
                        const int64_t *lo, const int64_t *len, ch_box_t *b) {
  int64_t vlo[SPM_PLACE_MAX_RANK], vlen[SPM_PLACE_MAX_RANK];
  spm_place_operand_box(op, o, lo, len, vlo, vlen);
  for (int d = 0; d < o->rank; ++d) {
    b->lo[d] = o->off[d] + o->step[d] * vlo[d];
    b->len[d] = o->step[d] * (vlen[d] - 1) + 1;
  }
}

// The tile's T box (root), and F's iteration box writing into it (false:
// F writes nothing there).
static bool ch_tile(const ch_t *c, int64_t k, int64_t *qlo, int64_t *qlen,
                    ch_box_t *tb, int64_t *flo, int64_t *flen) {
  ch_qbox(c, k, qlo, qlen);
  ch_root_box(c->Q, &c->Q->operands[c->qt], qlo, qlen, tb);
  const spm_place_op_t *F = c->F;
  const spm_place_operand_t *o = &F->operands[c->kt];
  for (int j = 0; j < F->ndims; ++j) {
    flo[j] = 0;
    flen[j] = F->extent[j];
  }
  bool any = true;
  for (int d = 0; d < o->rank; ++d) {
    int j = -1;
    for (int i = 0; i < F->ndims; ++i)
      if (o->coef[d][i])
        j = i;
    int64_t a = tb->lo[d] - o->off[d], b = a + tb->len[d];
    if (a < 0)
      a = 0;
    if (b > o->shape[d])
      b = o->shape[d];
    flo[j] = a;
    flen[j] = b - a;
    any = any && b > a;
  }
  return any;
}

static int64_t ch_box_elems(const int64_t *len, int rank) {
  int64_t n = 1;
  for (int d = 0; d < rank; ++d)
    n *= len[d];
  return n;
}

static bool ch_box_eq(const ch_box_t *a, const ch_box_t *b, int rank) {
  for (int d = 0; d < rank; ++d)
    if (a->lo[d] != b->lo[d] || a->len[d] != b->len[d])
      return false;
  return true;
}

// How an operand of F or Q (other than T, and than Q's output) lives.
typedef enum { CH_AS_IS, CH_RESIDENT, CH_SCRATCH, CH_STREAMED } ch_kind_t;

static ch_kind_t ch_kind(const ch_t *c, const spm_place_operand_t *o) {
  if (o->shape_only)
    return CH_AS_IS;
  if (c->p->st[o->tensor].resident)
    return CH_RESIDENT;
  return o->scratch ? CH_SCRATCH : CH_STREAMED;
}

// --- cost of a tiling (exact, by walking the tiles) --------------------------

static void ch_evaluate(ch_t *c, ch_eval_t *ev) {
  const spm_place_op_t *F = c->F, *Q = c->Q;
  spm_pl_t *p = c->p;
  memset(ev, 0, sizeof *ev);
  ch_box_t prevF[SPM_PLACE_MAX_OPERANDS], prevQ[SPM_PLACE_MAX_OPERANDS];
  bool hasF[SPM_PLACE_MAX_OPERANDS] = {0}, hasQ[SPM_PLACE_MAX_OPERANDS] = {0};
  int64_t maxF[SPM_PLACE_MAX_OPERANDS] = {0}, maxQ[SPM_PLACE_MAX_OPERANDS] = {0};
  int64_t maxT = 0;
  const spm_place_tensor_t *tt = &p->m->tensors[c->T];
  for (int64_t k = 0; k < c->n; ++k) {
    int64_t qlo[SPM_PLACE_MAX_DIMS], qlen[SPM_PLACE_MAX_DIMS];
    int64_t flo[SPM_PLACE_MAX_DIMS], flen[SPM_PLACE_MAX_DIMS];
    ch_box_t tb;
    bool fr = ch_tile(c, k, qlo, qlen, &tb, flo, flen);
    if (fr)
      ev->points += ch_box_elems(flen, F->ndims);
    int64_t tbytes = spm_pl_aligned(p, ch_box_elems(tb.len, tt->rank) *
                                           tt->elem_bytes);
    if (tbytes > maxT)
      maxT = tbytes;
    for (int x = 0; x < F->noperands && fr; ++x) {
      const spm_place_operand_t *o = &F->operands[x];
      ch_kind_t kind = ch_kind(c, o);
      if (x == c->kt || kind == CH_AS_IS || kind == CH_RESIDENT)
        continue;
      const spm_place_tensor_t *xt = &p->m->tensors[o->tensor];
      ch_box_t b;
      ch_root_box(F, o, flo, flen, &b);
      int64_t bytes = ch_box_elems(b.len, o->rank) * xt->elem_bytes;
      if (spm_pl_aligned(p, bytes) > maxF[x])
        maxF[x] = spm_pl_aligned(p, bytes);
      if (kind == CH_STREAMED && (!hasF[x] || !ch_box_eq(&b, &prevF[x],
                                                         o->rank))) {
        ev->read += bytes;
        ev->transfers++;
      }
      prevF[x] = b;
      hasF[x] = true;
    }
    for (int x = 0; x < Q->noperands; ++x) {
      const spm_place_operand_t *o = &Q->operands[x];
      ch_kind_t kind = ch_kind(c, o);
      if (x == c->qt || kind == CH_AS_IS || kind == CH_RESIDENT)
        continue;
      const spm_place_tensor_t *xt = &p->m->tensors[o->tensor];
      ch_box_t b;
      ch_root_box(Q, o, qlo, qlen, &b);
      int64_t bytes = ch_box_elems(b.len, o->rank) * xt->elem_bytes;
      if (spm_pl_aligned(p, bytes) > maxQ[x])
        maxQ[x] = spm_pl_aligned(p, bytes);
      if (x == c->qu) {
        ev->written += bytes;
        ev->transfers++;
        if (o->read && mlirOperationIsNull(c->ufill)) {
          ev->read += bytes;
          ev->transfers++;
        }
      } else if (!hasQ[x] || !ch_box_eq(&b, &prevQ[x], o->rank)) {
        ev->read += bytes;
        ev->transfers++;
      }
      prevQ[x] = b;
      hasQ[x] = true;
    }
  }
  ev->space = maxT;
  for (int x = 0; x < SPM_PLACE_MAX_OPERANDS; ++x)
    ev->space += maxF[x] + maxQ[x];
  ev->cost = (double)(ev->read + ev->written) +
             (double)ev->transfers * (double)p->per_transfer;
}

// Candidate sizes of a dim of extent e: ceil(e / m) for m = 1..32, distinct.
static int ch_sizes(int64_t e, int64_t *out) {
  int n = 0;
  for (int64_t m = 1; m <= 32 && m <= e; ++m) {
    int64_t s = (e + m - 1) / m;
    if (n == 0 || out[n - 1] != s)
      out[n++] = s;
  }
  return n;
}

// The cheapest tiling of Q's parallel loops whose buffers fit `budget`
// and whose output boxes are disjoint (false: none).
static bool ch_search(ch_t *c, int64_t budget, ch_eval_t *best) {
  const spm_place_op_t *Q = c->Q;
  int64_t sizes[SPM_PLACE_MAX_DIMS][32];
  int nsizes[SPM_PLACE_MAX_DIMS], idx[SPM_PLACE_MAX_DIMS] = {0};
  // The rules that keep the tile boxes of Q's output U disjoint when it is
  // stored tile by tile, as the tile model applies them to every stored
  // output (spm_place_output_dense; spm_tile_nesting_ok). Without them a
  // flattening map d1 * 78 + d2 * 6 + d3 was tiled 7 x 5 x 6 of 7 x 13 x 6,
  // and each tile stored bytes it never wrote over another's.
  spm_tile_problem_t rules;
  memset(&rules, 0, sizeof rules);
  rules.ndims = Q->ndims;
  bool whole[SPM_PLACE_MAX_DIMS] = {false};
  uint32_t nest[SPM_PLACE_MAX_DIMS] = {0};
  if (!c->p->st[c->U].resident)
    spm_place_output_dense(Q, &Q->operands[c->qu], whole, nest);
  for (int j = 0; j < Q->ndims; ++j) {
    rules.dim[j].extent = Q->extent[j];
    rules.dim[j].whole = whole[j];
    rules.dim[j].whole_if_tiled = nest[j];
  }
  for (int j = 0; j < Q->ndims; ++j) {
    if (Q->reduction[j]) {
      sizes[j][0] = Q->extent[j];
      nsizes[j] = 1;
    } else {
      nsizes[j] = ch_sizes(Q->extent[j], sizes[j]);
    }
  }
  bool found = false;
  int64_t best_tile[SPM_PLACE_MAX_DIMS];
  for (;;) {
    int64_t tile[SPM_PLACE_MAX_DIMS], n = 1;
    for (int j = 0; j < Q->ndims; ++j) {
      tile[j] = sizes[j][idx[j]];
      n *= (Q->extent[j] + tile[j] - 1) / tile[j];
    }
    if (n <= CH_MAX_TILES && n <= c->p->o->max_tiles &&
        spm_tile_nesting_ok(&rules, tile)) {
      ch_set_tiles(c, tile);
      ch_eval_t ev = {0};
      ch_evaluate(c, &ev);
      int64_t pts = ch_box_elems(c->F->extent, c->F->ndims);
      if (ev.space <= budget &&
          (double)ev.points <= CH_MAX_RECOMPUTE * (double)pts &&
          (!found || ev.cost < best->cost)) {
        *best = ev;
        memcpy(best_tile, tile, sizeof tile);
        found = true;
      }
    }
    int j = Q->ndims - 1;
    while (j >= 0 && ++idx[j] == nsizes[j])
      idx[j--] = 0;
    if (j < 0)
      break;
  }
  if (found)
    ch_set_tiles(c, best_tile);
  return found;
}

// --- the pattern ----------------------------------------------------------------

// F's operand writing T: the only output that is not a scratch, write-only,
// unit steps, each view dim one loop with coefficient 1 (distinct), every
// other loop a reduction.
static int ch_writer_operand(const spm_place_op_t *F) {
  int kt = -1;
  for (int k = 0; k < F->noperands; ++k) {
    const spm_place_operand_t *o = &F->operands[k];
    if (!o->output || o->scratch)
      continue;
    if (kt >= 0)
      return -1;
    kt = k;
  }
  if (kt < 0)
    return -1;
  const spm_place_operand_t *o = &F->operands[kt];
  if (o->read)
    return -1;
  uint32_t mapped = 0;
  for (int d = 0; d < o->rank; ++d) {
    if (o->step[d] != 1)
      return -1;
    int j1 = -1;
    for (int j = 0; j < F->ndims; ++j)
      if (o->coef[d][j]) {
        if (j1 >= 0 || o->coef[d][j] != 1 || F->reduction[j])
          return -1;
        j1 = j;
      }
    if (j1 < 0 || (mapped & (1u << j1)))
      return -1;
    mapped |= 1u << j1;
  }
  for (int j = 0; j < F->ndims; ++j)
    if (!F->reduction[j] && !(mapped & (1u << j)))
      return -1;
  return kt;
}

// Whether Q (model op q) reads T once and writes one other tensor, and
// nothing between F and Q (but fills) uses T; fills its fields of c.
static bool ch_consumer(ch_t *c, size_t lo, size_t q) {
  const spm_pl_t *p = c->p;
  const spm_place_op_t *Q = &p->m->ops[q], *F = c->F;
  if (Q->is_fill)
    return false;
  c->Q = Q;
  c->qt = c->qu = -1;
  for (int k = 0; k < Q->noperands; ++k) {
    const spm_place_operand_t *o = &Q->operands[k];
    if (o->tensor == c->T) {
      if (c->qt >= 0 || o->output || o->shape_only)
        return false;
      c->qt = k;
    } else if (o->output) {
      if (c->qu >= 0)
        return false;
      c->qu = k;
    }
  }
  if (c->qt < 0 || c->qu < 0)
    return false;
  c->U = Q->operands[c->qu].tensor;
  bool r, w;
  if (spm_pl_uses(F, c->U, &r, &w))
    return false;
  for (int k = 0; k < Q->noperands; ++k) // Q's inputs: none written by F
    if (k != c->qt && spm_pl_uses(F, Q->operands[k].tensor, &r, &w) && w)
      return false;
  const spm_place_tensor_t *t = &p->m->tensors[c->T];
  if (t->last != (int)q)
    return false;
  for (size_t i = (size_t)(t->first >= 0 ? t->first : 0); i < q; ++i) {
    const spm_place_op_t *op = &p->m->ops[i];
    if (i < lo && !op->is_fill && spm_pl_uses(op, c->T, &r, &w))
      return false; // (T's fills are pending: T is not born)
  }
  return true;
}

// Pending fills: T's (at most 2, applied to each T tile), F's scratch
// operands' (at most one, on the whole scratch: applied per tile), none on
// the streamed inputs.
static bool ch_fills_ok(const ch_t *c) {
  const spm_pl_t *p = c->p;
  for (int k = 0; k < c->F->noperands; ++k) {
    const spm_place_operand_t *o = &c->F->operands[k];
    const spm_pt_state_t *s = &p->st[o->tensor];
    if (k == c->kt || s->resident || s->nfills == 0 || o->shape_only)
      continue;
    if (!o->scratch || s->nfills != 1)
      return false;
    const spm_place_operand_t *f = &p->m->ops[s->fills[0]].operands[0];
    for (int d = 0; d < o->rank; ++d)
      if (f->off[d] != o->off[d] || f->shape[d] != o->shape[d])
        return false;
  }
  for (int k = 0; k < c->Q->noperands; ++k) {
    const spm_place_operand_t *o = &c->Q->operands[k];
    const spm_pt_state_t *s = &p->st[o->tensor];
    if (k != c->qt && k != c->qu && !s->resident && !o->shape_only &&
        s->nfills)
      return false;
  }
  return true;
}

// --- emission -------------------------------------------------------------------

typedef struct {
  spm_place_buf_t b;
  ch_box_t box;
  bool live;
} ch_slot_t;

// A streamed input's buffer for box b: kept when b is the previous box,
// else the old one freed and a new one loaded (its token in toks).
static void ch_stream(ch_t *c, ch_slot_t *s, const spm_place_operand_t *o,
                      const ch_box_t *b, MlirValue *toks, int *ntoks) {
  spm_pl_t *p = c->p;
  if (s->live && ch_box_eq(&s->box, b, o->rank))
    return;
  if (s->live)
    spm_place_emit_dealloc(&p->e, s->b.buf);
  const spm_place_tensor_t *x = &p->m->tensors[o->tensor];
  int64_t step[SPM_PLACE_MAX_RANK], size[SPM_PLACE_MAX_RANK];
  for (int d = 0; d < o->rank; ++d) {
    step[d] = o->step[d];
    size[d] = (b->len[d] - 1) / o->step[d] + 1;
  }
  s->b = spm_place_emit_alloc(&p->e, o->rank, size, x->elem);
  s->box = *b;
  s->live = true;
  toks[(*ntoks)++] = spm_place_emit_load(&p->e, x->value, s->b.buf, o->rank,
                                         b->lo, size, step, x->elem_bytes);
}

// The value of operand o (not T, not Q's output) for root box b.
static MlirValue ch_value(ch_t *c, const spm_place_operand_t *o,
                          const ch_box_t *b, ch_slot_t *slot) {
  spm_pl_t *p = c->p;
  int64_t size[SPM_PLACE_MAX_RANK];
  for (int d = 0; d < o->rank; ++d)
    size[d] = (b->len[d] - 1) / o->step[d] + 1;
  switch (ch_kind(c, o)) {
  case CH_AS_IS:
    return spm_place_emit_subview(&p->e, p->m->tensors[o->tensor].value,
                                  o->rank, b->lo, size, o->step);
  case CH_RESIDENT:
    return spm_place_emit_subview(&p->e, p->st[o->tensor].b.mem, o->rank,
                                  b->lo, size, o->step);
  default:
    return slot->b.mem;
  }
}

// A view of the T tile (root box tb) at root box b with steps `step`.
static MlirValue ch_tview(ch_t *c, MlirValue tmem, const ch_box_t *tb,
                          const ch_box_t *b, const int64_t *step, int rank) {
  int64_t off[SPM_PLACE_MAX_RANK], size[SPM_PLACE_MAX_RANK];
  for (int d = 0; d < rank; ++d) {
    off[d] = b->lo[d] - tb->lo[d];
    size[d] = (b->len[d] - 1) / step[d] + 1;
  }
  return spm_place_emit_subview(&c->p->e, tmem, rank, off, size, step);
}

// Clones fill op f onto the part of its box inside the T tile.
static void ch_fill_tile(ch_t *c, MlirOperation f, const spm_place_operand_t *fo,
                         MlirValue tmem, const ch_box_t *tb, int rank) {
  ch_box_t in;
  int64_t one[SPM_PLACE_MAX_RANK];
  for (int d = 0; d < rank; ++d) {
    int64_t a = fo->off[d] > tb->lo[d] ? fo->off[d] : tb->lo[d];
    int64_t e1 = fo->off[d] + fo->shape[d], e2 = tb->lo[d] + tb->len[d];
    int64_t b = e1 < e2 ? e1 : e2;
    if (b <= a)
      return;
    in.lo[d] = a;
    in.len[d] = b - a;
    one[d] = 1;
  }
  MlirValue v = ch_tview(c, tmem, tb, &in, one, rank);
  int last = (int)mlirOperationGetNumOperands(f) - 1;
  spm_place_emit_clone(&c->p->e, f, 1, &last, &v);
}

static void ch_emit(ch_t *c) {
  spm_pl_t *p = c->p;
  const spm_place_op_t *F = c->F, *Q = c->Q;
  const spm_place_tensor_t *tt = &p->m->tensors[c->T];
  ch_slot_t sf[SPM_PLACE_MAX_OPERANDS], sq[SPM_PLACE_MAX_OPERANDS];
  memset(sf, 0, sizeof sf);
  memset(sq, 0, sizeof sq);
  const spm_pt_state_t *ts = &p->st[c->T];
  for (int64_t k = 0; k < c->n; ++k) {
    int64_t qlo[SPM_PLACE_MAX_DIMS], qlen[SPM_PLACE_MAX_DIMS];
    int64_t flo[SPM_PLACE_MAX_DIMS], flen[SPM_PLACE_MAX_DIMS];
    ch_box_t tb, fb[SPM_PLACE_MAX_OPERANDS], qb[SPM_PLACE_MAX_OPERANDS];
    bool fr = ch_tile(c, k, qlo, qlen, &tb, flo, flen);
    MlirValue toks[2 * SPM_PLACE_MAX_OPERANDS];
    int ntoks = 0;
    for (int x = 0; x < F->noperands && fr; ++x) {
      ch_root_box(F, &F->operands[x], flo, flen, &fb[x]);
      if (x != c->kt && ch_kind(c, &F->operands[x]) == CH_STREAMED)
        ch_stream(c, &sf[x], &F->operands[x], &fb[x], toks, &ntoks);
    }
    for (int x = 0; x < Q->noperands; ++x) {
      ch_root_box(Q, &Q->operands[x], qlo, qlen, &qb[x]);
      if (x != c->qt && x != c->qu &&
          ch_kind(c, &Q->operands[x]) == CH_STREAMED)
        ch_stream(c, &sq[x], &Q->operands[x], &qb[x], toks, &ntoks);
    }
    // Q's output tile: a buffer (loaded only if Q accumulates into
    // contents no fill provides), or the resident tensor in place.
    const spm_place_operand_t *uo = &Q->operands[c->qu];
    const spm_place_tensor_t *ut = &p->m->tensors[c->U];
    bool u_res = p->st[c->U].resident;
    int64_t usize[SPM_PLACE_MAX_RANK];
    for (int d = 0; d < uo->rank; ++d)
      usize[d] = (qb[c->qu].len[d] - 1) / uo->step[d] + 1;
    spm_place_buf_t ub = {0};
    MlirValue uval;
    if (u_res) {
      uval = spm_place_emit_subview(&p->e, p->st[c->U].b.mem, uo->rank,
                                    qb[c->qu].lo, usize, uo->step);
    } else {
      ub = spm_place_emit_alloc(&p->e, uo->rank, usize, ut->elem);
      uval = ub.mem;
      if (uo->read && mlirOperationIsNull(c->ufill))
        toks[ntoks++] = spm_place_emit_load(&p->e, ut->value, ub.buf,
                                            uo->rank, qb[c->qu].lo, usize,
                                            uo->step, ut->elem_bytes);
    }
    spm_place_emit_wait(&p->e, toks, ntoks);
    // The T tile with T's pending fills (its border).
    spm_place_buf_t tbuf =
        spm_place_emit_alloc(&p->e, tt->rank, tb.len, tt->elem);
    for (int i = 0; i < ts->nfills; ++i) {
      const spm_place_op_t *f = &p->m->ops[ts->fills[i]];
      ch_fill_tile(c, f->op, &f->operands[0], tbuf.mem, &tb, tt->rank);
    }
    // F on the part of the tile it writes.
    if (fr) {
      MlirValue val[SPM_PLACE_MAX_OPERANDS];
      spm_place_buf_t scratch[SPM_PLACE_MAX_OPERANDS];
      bool has_scratch[SPM_PLACE_MAX_OPERANDS] = {0};
      for (int x = 0; x < F->noperands; ++x) {
        const spm_place_operand_t *o = &F->operands[x];
        if (x == c->kt) {
          val[x] = ch_tview(c, tbuf.mem, &tb, &fb[x], o->step, o->rank);
        } else if (ch_kind(c, o) == CH_SCRATCH) {
          int64_t size[SPM_PLACE_MAX_RANK];
          for (int d = 0; d < o->rank; ++d)
            size[d] = (fb[x].len[d] - 1) / o->step[d] + 1;
          scratch[x] = spm_place_emit_alloc(
              &p->e, o->rank, size, p->m->tensors[o->tensor].elem);
          has_scratch[x] = true;
          val[x] = scratch[x].mem;
          const spm_pt_state_t *s = &p->st[o->tensor];
          if (s->nfills) {
            MlirOperation f = p->m->ops[s->fills[0]].op;
            int last = (int)mlirOperationGetNumOperands(f) - 1;
            spm_place_emit_clone(&p->e, f, 1, &last, &val[x]);
          }
        } else {
          val[x] = ch_value(c, o, &fb[x], &sf[x]);
        }
      }
      for (int pass = 0; pass < 2; ++pass) {
        MlirOperation what = pass ? F->epilogue : F->op;
        if (mlirOperationIsNull(what))
          break;
        int idx[SPM_PLACE_MAX_OPERANDS], n = 0;
        MlirValue v[SPM_PLACE_MAX_OPERANDS];
        for (int x = 0; x < F->noperands; ++x) {
          int i = pass ? F->operands[x].epi_index : F->operands[x].index;
          if (i >= 0) {
            idx[n] = i;
            v[n++] = val[x];
          }
        }
        spm_place_emit_clone(&p->e, what, n, idx, v);
      }
      for (int x = 0; x < F->noperands; ++x)
        if (has_scratch[x])
          spm_place_emit_dealloc(&p->e, scratch[x].buf);
    }
    // Q on the tile.
    {
      MlirValue val[SPM_PLACE_MAX_OPERANDS];
      int idx[SPM_PLACE_MAX_OPERANDS];
      for (int x = 0; x < Q->noperands; ++x) {
        const spm_place_operand_t *o = &Q->operands[x];
        idx[x] = o->index;
        if (x == c->qt)
          val[x] = ch_tview(c, tbuf.mem, &tb, &qb[x], o->step, o->rank);
        else if (x == c->qu)
          val[x] = uval;
        else
          val[x] = ch_value(c, o, &qb[x], &sq[x]);
      }
      if (!u_res && !mlirOperationIsNull(c->ufill)) {
        int last = (int)mlirOperationGetNumOperands(c->ufill) - 1;
        spm_place_emit_clone(&p->e, c->ufill, 1, &last, &uval);
      }
      spm_place_emit_clone(&p->e, Q->op, Q->noperands, idx, val);
    }
    spm_place_emit_dealloc(&p->e, tbuf.buf);
    if (!u_res) {
      MlirValue tok = spm_place_emit_store(&p->e, ub.buf, ut->value, uo->rank,
                                           qb[c->qu].lo, usize, uo->step,
                                           ut->elem_bytes);
      spm_place_emit_wait(&p->e, &tok, 1);
      spm_place_emit_dealloc(&p->e, ub.buf);
    }
  }
  for (int x = 0; x < SPM_PLACE_MAX_OPERANDS; ++x) {
    if (sf[x].live)
      spm_place_emit_dealloc(&p->e, sf[x].b.buf);
    if (sq[x].live)
      spm_place_emit_dealloc(&p->e, sq[x].b.buf);
  }
}

// --- the decision -----------------------------------------------------------------

// F and Q placed apart (T streamed), the cheaper of Q's output streamed (its
// later reads from DRAM added) and resident (if it fits); -1 if neither
// plans.
static double ch_apart_cost(ch_t *c, size_t q, int64_t budget) {
  spm_pl_t *p = c->p;
  double best = -1;
  const spm_place_tensor_t *ut = &p->m->tensors[c->U];
  double later = (double)ut->bytes * (double)spm_pl_readers_from(p, c->U,
                                                                  q + 1);
  for (int res = 0; res < 2; ++res) {
    bool *ex = p->extra;
    memset(ex, 0, p->m->ntensors * sizeof *ex);
    int64_t b = budget;
    if (res) {
      if (ut->is_arg || p->st[c->U].resident)
        break;
      int64_t need = spm_pl_aligned(p, ut->bytes);
      if (need > budget)
        break;
      ex[c->U] = true;
      b -= need;
    }
    spm_place_plan_t pf, pq;
    spm_status_t s1 = spm_pl_plan(p, c->F, ex, b, &pf);
    spm_status_t s2 = spm_pl_plan(p, c->Q, ex, b, &pq);
    if (spm_status_is_ok(s1) && spm_status_is_ok(s2)) {
      double cost = pf.cost + pq.cost + (res ? 0.0 : later);
      if (best < 0 || cost < best)
        best = cost;
    }
    spm_status_free(s1);
    spm_status_free(s2);
    ex[c->U] = false;
  }
  return best;
}

static void ch_report(ch_t *c, const ch_eval_t *ev, int64_t rd, int64_t wr) {
  spm_pl_t *p = c->p;
  spm_strbuf_t b = SPM_STRBUF_INIT;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(c->F->op));
  spm_strbuf_appendf(&b, "spm-place: %.*s", (int)n.length, n.data);
  if (!mlirOperationIsNull(c->F->epilogue)) {
    MlirStringRef en =
        mlirIdentifierStr(mlirOperationGetName(c->F->epilogue));
    spm_strbuf_appendf(&b, " + %.*s", (int)en.length, en.data);
  }
  MlirStringRef qn = mlirIdentifierStr(mlirOperationGetName(c->Q->op));
  spm_strbuf_appendf(&b, " + %.*s (chained with halo, no DRAM for %s): "
                     "%lld tiles [",
                     (int)qn.length, qn.data, p->m->tensors[c->T].name,
                     (long long)c->n);
  for (int j = 0; j < c->Q->ndims; ++j)
    spm_strbuf_appendf(&b, "%s%lld", j ? "x" : "", (long long)c->tile[j]);
  spm_strbuf_appendf(&b, "] of the consumer; DRAM read %lld B, written %lld B "
                     "(model %lld, %lld); resident:",
                     (long long)rd, (long long)wr, (long long)ev->read,
                     (long long)ev->written);
  bool any = false;
  for (size_t t = 0; t < p->m->ntensors; ++t)
    if (p->st[t].resident) {
      bool r, w;
      if (spm_pl_uses(c->F, (int)t, &r, &w) ||
          spm_pl_uses(c->Q, (int)t, &r, &w)) {
        spm_strbuf_appendf(&b, " %s", p->m->tensors[t].name);
        any = true;
      }
    }
  if (!any)
    spm_strbuf_append_str(&b, " none");
  spm_diag_emit(mlirOperationGetLocation(c->F->op), SPM_DIAG_REMARK, "%s",
                spm_strbuf_cstr(&b));
  spm_strbuf_free(&b);
}

spm_status_t spm_pl_chain(spm_pl_t *p, const spm_place_op_t *F, size_t lo,
                          size_t hi, bool *handled, size_t *next) {
  *handled = false;
  size_t done = *next; // ops up to this one are placed already
  if (p->o->strategy != SPM_PLACE_REUSE || !p->o->chain || F->is_fill)
    return SPM_OK;
  ch_t c;
  memset(&c, 0, sizeof c);
  c.p = p;
  c.F = F;
  c.kt = ch_writer_operand(F);
  if (c.kt < 0)
    return SPM_OK;
  c.T = F->operands[c.kt].tensor;
  const spm_place_tensor_t *t = &p->m->tensors[c.T];
  const spm_pt_state_t *ts = &p->st[c.T];
  if (t->is_arg || ts->born || ts->resident ||
      spm_pl_aligned(p, t->bytes) <= p->cap - p->resident_bytes)
    return SPM_OK; // T can stay on chip: residency does better
  for (int k = 0; k < F->noperands; ++k)
    if (k != c.kt && F->operands[k].tensor == c.T)
      return SPM_OK;
  // Q: the next op but fills of tensors F does not touch.
  size_t q = hi + 1;
  for (; q < p->m->nops && p->m->ops[q].is_fill; ++q) {
    bool r, w;
    if (spm_pl_uses(F, p->m->ops[q].operands[0].tensor, &r, &w))
      return SPM_OK;
  }
  if (q >= p->m->nops || !ch_consumer(&c, lo, q))
    return SPM_OK;
  if (c.Q->noperands > SPM_PLACE_MAX_OPERANDS)
    return SPM_OK;
  // The fills in between commute with F: placed (deferred) first.
  for (size_t k = done + 1; k < q; ++k) {
    SPM_RETURN_IF_ERROR(spm_pl_op(p, &p->m->ops[k], k, k));
    *next = k;
  }
  // A consumer with an epilogue of its own is left to that fusion (its
  // output, an accumulator, would otherwise go to DRAM).
  spm_place_op_t qf;
  size_t qj;
  if (spm_pl_fusable(p, q, &qj, &qf))
    return SPM_OK;
  if (!ch_fills_ok(&c))
    return SPM_OK;
  // Q's output: its fills resolved as for Q alone (a border emitted, one
  // fill left to apply per tile); decided only once the chain is taken.
  const spm_pt_state_t *us = &p->st[c.U];
  bool ufill_per_tile = spm_pl_fill_per_tile(p, c.Q, c.qu);
  c.ufill = ufill_per_tile ? p->m->ops[us->fills[us->nfills - 1]].op
                           : (MlirOperation){NULL};
  int64_t budget = p->cap - p->resident_bytes;
  ch_eval_t ev = {0};
  if (!ch_search(&c, budget, &ev) || spm_pl_function_tiles_over(p, c.n))
    return SPM_OK; // (past the function's tile limit: placed apart)
  double apart = ch_apart_cost(&c, q, budget);
  double later = p->st[c.U].resident
                     ? 0.0
                     : (double)p->m->tensors[c.U].bytes *
                           (double)spm_pl_readers_from(p, c.U, q + 1);
  if (apart >= 0 && ev.cost + later > apart)
    return SPM_OK;
  // Taken: resolve Q's output fills, emit, update the state.
  p->e.before = c.Q->op;
  p->e.loc = mlirOperationGetLocation(F->op);
  // (T's own fills go into its tiles: hidden from that resolution.)
  int tfills = p->st[c.T].nfills;
  p->st[c.T].nfills = 0;
  spm_status_t fs = spm_pl_fills_before(p, c.Q);
  p->st[c.T].nfills = tfills;
  SPM_RETURN_IF_ERROR(fs);
  if (ufill_per_tile != spm_pl_fill_per_tile(p, c.Q, c.qu))
    return spm_status_make(SPM_STATUS_INTERNAL,
                           "spm-place: chain: the output fill changed");
  // Operands used from global memory (streamed, or shape-only views) keep
  // a global home.
  for (int pass = 0; pass < 2; ++pass) {
    const spm_place_op_t *op = pass ? c.Q : F;
    for (int k = 0; k < op->noperands; ++k) {
      const spm_place_operand_t *o = &op->operands[k];
      ch_kind_t kind = ch_kind(&c, o);
      if (o->tensor != c.T && !p->m->tensors[o->tensor].is_arg &&
          (kind == CH_AS_IS || kind == CH_STREAMED))
        p->st[o->tensor].dram_home = true;
    }
  }
  int64_t rd0 = p->e.bytes_read, wr0 = p->e.bytes_written;
  ch_emit(&c);
  if (!p->st[c.U].resident && !p->m->tensors[c.U].is_arg)
    p->st[c.U].dram_home = true;
  bool fused = !mlirOperationIsNull(F->epilogue);
  p->stats->ops += (fused ? 2 : 1) + 1;
  p->stats->fused += fused;
  p->stats->chained++;
  p->stats->tiles += c.n;
  p->stats->tiled_ops += c.n > 1;
  p->stats->macs += F->macs + c.Q->macs;
  p->stats->predicted_read += ev.read;
  p->stats->predicted_written += ev.written;
  if (p->o->report == SPM_PLACE_REPORT_OPS)
    ch_report(&c, &ev, p->e.bytes_read - rd0, p->e.bytes_written - wr0);
  // T and F's scratch tensors lived in the tiles only; U is written.
  spm_pt_state_t *tsw = &p->st[c.T];
  tsw->born = true;
  tsw->nfills = 0;
  for (int k = 0; k < F->noperands; ++k)
    if (F->operands[k].scratch) {
      p->st[F->operands[k].tensor].born = true;
      p->st[F->operands[k].tensor].nfills = 0;
    }
  spm_pt_state_t *usw = &p->st[c.U];
  usw->born = true;
  usw->nfills = 0;
  if (usw->resident)
    usw->dirty = true;
  // residents whose last use this was
  for (size_t x = 0; x < p->m->ntensors; ++x)
    if (p->st[x].resident && p->m->tensors[x].last <= (int)q &&
        p->m->tensors[x].last >= (int)lo) {
      p->st[x].dirty = false; // never read again: no write-back
      spm_pl_evict(p, (int)x, q + 1);
    }
  *handled = true;
  *next = q;
  return SPM_OK;
}
