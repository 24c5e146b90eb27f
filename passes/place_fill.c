// spm-place: deferred fills (see place.c for the walk they belong to).
//
// A linalg.fill (of a whole tensor, or of a box of it: a view with unit
// steps) is deferred to the tensor's next use; up to two are pending, the
// second inside the first (a padded buffer zeroed, then its interior set to
// -inf for a max pool). At that use: done in place if the tensor becomes
// resident; the last one applied per tile on first visit (no DRAM traffic)
// when the writer covers exactly its box; the parts of earlier fills (and of
// the last one) that the writer overwrites without reading them are never
// written: only the rest (a padding border) is emitted, as tiled fills of
// boxes; otherwise each is emitted whole, as its own tiled op.
#include <stdlib.h>
#include <string.h>

#include "passes/place_internal.h"

static bool spm_pl_unit_steps(const spm_place_operand_t *o) {
  for (int d = 0; d < o->rank; ++d)
    if (o->step[d] != 1)
      return false;
  return true;
}

// Whether the root box of operand a equals / lies inside that of b (both
// with unit steps, same tensor).
static bool spm_pl_box_eq(const spm_place_operand_t *a,
                          const spm_place_operand_t *b) {
  for (int d = 0; d < a->rank; ++d)
    if (a->off[d] != b->off[d] || a->shape[d] != b->shape[d])
      return false;
  return true;
}

static bool spm_pl_box_in(const spm_place_operand_t *a,
                          const spm_place_operand_t *b) {
  for (int d = 0; d < a->rank; ++d)
    if (a->off[d] < b->off[d] ||
        a->off[d] + a->shape[d] > b->off[d] + b->shape[d])
      return false;
  return true;
}

// The box (operand) of the last pending fill of t, or NULL.
static const spm_place_operand_t *spm_pl_fill_box_of(const spm_pl_t *p,
                                                     int t) {
  const spm_pt_state_t *s = &p->st[t];
  return s->nfills ? &p->m->ops[s->fills[s->nfills - 1]].operands[0] : NULL;
}

// Emits fill f (a model fill op) on the box [off, off + size) of its tensor
// (root coordinates) into global memory, as its own tiled op.
static spm_status_t spm_pl_fill_box(spm_pl_t *p, const spm_place_op_t *f,
                                    const int64_t *off, const int64_t *size) {
  spm_place_op_t b = *f;
  spm_place_operand_t *o = &b.operands[0];
  b.macs = 1;
  for (int d = 0; d < o->rank; ++d) {
    o->off[d] = off[d];
    o->shape[d] = size[d];
    b.extent[d] = size[d];
    b.macs *= size[d];
  }
  p->st[o->tensor].born = true;
  return spm_pl_emit_plain(p, &b, p->cap - p->resident_bytes);
}

// Emits fill f on its box minus the box of `in` (inside it): in each dim d,
// the slabs below and above `in`, with the dims before d restricted to it.
static spm_status_t spm_pl_fill_outside(spm_pl_t *p, const spm_place_op_t *f,
                                        const spm_place_operand_t *in) {
  const spm_place_operand_t *o = &f->operands[0];
  int64_t lo[SPM_PLACE_MAX_RANK], hi[SPM_PLACE_MAX_RANK];
  for (int d = 0; d < o->rank; ++d) {
    lo[d] = o->off[d];
    hi[d] = o->off[d] + o->shape[d];
  }
  for (int d = 0; d < o->rank; ++d) {
    int64_t ilo = in->off[d], ihi = in->off[d] + in->shape[d];
    int64_t slab[2][2] = {{lo[d], ilo}, {ihi, hi[d]}};
    for (int k = 0; k < 2; ++k) {
      if (slab[k][1] <= slab[k][0])
        continue;
      int64_t off[SPM_PLACE_MAX_RANK], size[SPM_PLACE_MAX_RANK];
      for (int e = 0; e < o->rank; ++e) {
        off[e] = lo[e];
        size[e] = hi[e] - lo[e];
      }
      off[d] = slab[k][0];
      size[d] = slab[k][1] - slab[k][0];
      spm_status_t s = spm_pl_fill_box(p, f, off, size);
      if (!spm_status_is_ok(s))
        return s;
    }
    lo[d] = ilo;
    hi[d] = ihi;
  }
  return SPM_OK;
}

// Emits the pending fills of t whole, earliest first.
spm_status_t spm_pl_fills_emit(spm_pl_t *p, int t) {
  spm_pt_state_t *s = &p->st[t];
  spm_status_t st = SPM_OK;
  for (int i = 0; i < s->nfills && spm_status_is_ok(st); ++i) {
    const spm_place_op_t *f = &p->m->ops[s->fills[i]];
    st = spm_pl_fill_box(p, f, f->operands[0].off, f->operands[0].shape);
  }
  s->nfills = 0;
  return st;
}

// A fill (with an identity map and unit steps) of a tensor that is not
// resident and is used later: deferred (*deferred). A pending fill whose
// box it equals is dead; one it does not lie inside (or a third one) is
// emitted first.
spm_status_t spm_pl_defer_fill(spm_pl_t *p, const spm_place_op_t *op,
                               bool *deferred) {
  *deferred = false;
  if (!op->is_fill || op->noperands != 1 ||
      p->o->strategy != SPM_PLACE_REUSE)
    return SPM_OK;
  const spm_place_operand_t *o = &op->operands[0];
  const spm_place_tensor_t *x = &p->m->tensors[o->tensor];
  spm_pt_state_t *s = &p->st[o->tensor];
  int i = (int)(op - p->m->ops);
  if (s->resident || x->last == i || !spm_pl_unit_steps(o) ||
      op->ndims != o->rank)
    return SPM_OK; // in place / nothing after it / its own op
  for (int d = 0; d < o->rank; ++d)
    for (int j = 0; j < op->ndims; ++j)
      if (o->coef[d][j] != (d == j))
        return SPM_OK;
  spm_status_t st = SPM_OK;
  const spm_place_operand_t *last = spm_pl_fill_box_of(p, o->tensor);
  if (last && spm_pl_box_eq(o, last))
    s->nfills--;
  else if (last && (s->nfills == 2 || !spm_pl_box_in(o, last)))
    st = spm_pl_fills_emit(p, o->tensor);
  if (!spm_status_is_ok(st))
    return st;
  s->fills[s->nfills++] = i;
  *deferred = true;
  return SPM_OK;
}

// How op's use of tensor t resolves t's pending fills: 0 emit them whole
// first (op reads t, or writes it otherwise than once in a box inside the
// last fill's); 1 the writer's box is the last fill's: that fill is applied
// per tile (first visits load nothing), earlier ones outside its box;
// 2 the writer overwrites its box without reading it: the fills are
// emitted outside it only.
static int spm_pl_fill_fate(const spm_pl_t *p, const spm_place_op_t *op,
                            int t, int *kw) {
  const spm_place_operand_t *last = spm_pl_fill_box_of(p, t), *w = NULL;
  for (int k = 0; k < op->noperands; ++k) {
    const spm_place_operand_t *o = &op->operands[k];
    if (o->tensor != t)
      continue;
    if (!o->output || w)
      return 0;
    w = o;
    *kw = k;
  }
  if (!w || !last || !spm_pl_unit_steps(w) || !spm_pl_box_in(w, last))
    return 0;
  if (spm_pl_box_eq(w, last))
    return 1;
  return w->read ? 0 : 2;
}

// Whether op's output operand k starts from a fill applied per tile.
bool spm_pl_fill_per_tile(const spm_pl_t *p, const spm_place_op_t *op,
                                 int k) {
  int t = op->operands[k].tensor, kw = -1;
  return op->operands[k].output && p->st[t].nfills > 0 &&
         !p->st[t].resident && spm_pl_fill_fate(p, op, t, &kw) == 1;
}

// Resolves the pending fills of the streamed tensors op uses (see
// spm_pl_fill_fate); a fill applied per tile stays the only one pending.
spm_status_t spm_pl_fills_before(spm_pl_t *p,
                                        const spm_place_op_t *op) {
  for (int k = 0; k < op->noperands; ++k) {
    int t = op->operands[k].tensor, kw = -1;
    spm_pt_state_t *s = &p->st[t];
    if (s->nfills == 0 || s->resident)
      continue;
    int fate = spm_pl_fill_fate(p, op, t, &kw);
    spm_status_t st = SPM_OK;
    if (fate == 0)
      st = spm_pl_fills_emit(p, t);
    else {
      const spm_place_op_t *lf = &p->m->ops[s->fills[s->nfills - 1]];
      if (s->nfills == 2)
        st = spm_pl_fill_outside(p, &p->m->ops[s->fills[0]],
                                 &lf->operands[0]);
      if (spm_status_is_ok(st) && fate == 2)
        st = spm_pl_fill_outside(p, lf, &op->operands[kw]);
      s->fills[0] = s->fills[s->nfills - 1];
      s->nfills = fate == 1 ? 1 : 0;
    }
    if (!spm_status_is_ok(st))
      return st;
  }
  return SPM_OK;
}
