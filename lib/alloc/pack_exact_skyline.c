// The skyline-order search.
//
// Each step places one unplaced buffer b "on the skyline": at minoff[b], the
// lowest aligned offset above every placed buffer that conflicts with it.
// Take a packing Q within the capacity whose sum of offsets is minimal.
// Re-placing Q's buffers on the skyline in the order of their offsets moves
// none of them up, so by minimality Q is exactly that skyline packing: the
// search only needs orders in which the offsets never decrease, and equal
// offsets (non-conflicting buffers) come in a fixed order: o->rank, the
// static order's, or inside an independent piece of a split (solved from
// scratch) the piece's own ranking by the order's keys on what is left.
//
// Pruning, each valid for that Q (so the search stays exact):
//   - canonical order: a step may not place a buffer below the previous one
//     (or at the same offset with a smaller index);
//   - dominance: a step may not place b at or above minoff[w] + size[w] of
//     another unplaced w -- w would fit entirely below b, contradicting the
//     minimality of Q;
//   - symmetry: identical buffers are placed in index order;
//   - sections: on every section the unplaced buffers live there stack up,
//     the lowest at or above its skyline (or above the last offset, if the
//     canonical order forbids its skyline now), so one of them must start
//     low enough for all of them to end within the capacity.
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

static int spm_pack_search_node(spm_pack_exact_t *x, spm_pack_order_t *o,
                                const spm_pack_part_t *p, int64_t last,
                                int64_t last_rank);

// Places buffer i at offset off: takes it out of its sections' lists of
// unplaced buffers and raises the skyline of its unplaced neighbours,
// recording their old values.
static void spm_pack_place(spm_pack_order_t *o, uint32_t i, int64_t off) {
  spm_pack_place_common(o, i, off, NULL);
}

static void spm_pack_unplace(spm_pack_order_t *o, uint32_t i, size_t mark_min) {
  while (o->ntmin > mark_min) {
    spm_pack_trail_t t = o->tmin[--o->ntmin];
    o->minoff[t.idx] = t.old;
  }
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s) {
    o->total[s] += o->size[i];
    o->sec_cnt[s]++; // i sits right behind the unplaced ones
  }
  o->off[i] = -1;
}

// The section bound after placing the buffer of rank last_rank at offset
// `last`. The unplaced buffers live in a section s stack up (they all
// conflict), so the lowest of them must be placeable at or below capacity -
// total[s]. Each one's lowest possible offset is its skyline minoff, unless
// the canonical order forbids that now (below `last`, or at `last` with a
// smaller rank): then it can only go above `last`, once something raises
// its skyline. (A skyline is never below the placed buffers of its sections
// nor, for an allowed buffer, below `last`, so this subsumes "floor + total
// <= capacity" and the monotone floor.) Counts the list entries it reads.
static bool spm_pack_section_ok(const spm_pack_order_t *o, uint32_t s,
                                int64_t last, int64_t last_rank, int64_t cap,
                                uint64_t *work) {
  uint32_t cnt = o->sec_cnt[s];
  if (cnt == 0)
    return true;
  int64_t need = cap - o->total[s];
  if (need < last)
    return false;
  const uint32_t *list = o->sec_buf + o->sec_off[s];
  for (uint32_t e = 0; e < cnt; ++e) {
    ++*work;
    uint32_t w = list[e];
    int64_t m = o->minoff[w];
    if (m < last || (m == last && (int64_t)o->rank[w] <= last_rank))
      m = spm_pack_align_up(last + 1, o->align[w]);
    if (m <= need)
      return true;
  }
  return false;
}

// The section bound on every section of part p after placing buffer i.
// Most calls fail (most candidates of a node do), so the sections likeliest
// to fail are checked first: the one that failed last (o->sky_fail), then
// those of i, where the totals and skylines just changed. A call counts one
// unit of work per section of p, also when it stops early (the portfolio's
// budgets were tuned so: this keeps the runs' node counts and saves time),
// and one per list entry read.
static bool spm_pack_sections_ok(spm_pack_order_t *o, const spm_pack_part_t *p,
                                 uint32_t i, int64_t last, int64_t last_rank,
                                 int64_t cap, uint64_t *work) {
  *work += p->shi - p->slo;
  uint32_t h = o->sky_fail;
  if (h >= p->slo && h < p->shi &&
      !spm_pack_section_ok(o, h, last, last_rank, cap, work))
    return false;
  for (uint32_t s = o->slo[i]; s < o->shi[i]; ++s)
    if (s >= p->slo && s < p->shi &&
        !spm_pack_section_ok(o, s, last, last_rank, cap, work)) {
      o->sky_fail = s;
      return false;
    }
  for (uint32_t s = p->slo; s < p->shi; ++s)
    if (!spm_pack_section_ok(o, s, last, last_rank, cap, work)) {
      o->sky_fail = s;
      return false;
    }
  return true;
}

// The entry point: counts the depth (see SPM_PACK_MAX_DEPTH).
int spm_pack_search(spm_pack_exact_t *x, spm_pack_order_t *o,
                    const spm_pack_part_t *p, int64_t last, int64_t last_rank) {
  if (x->depth >= SPM_PACK_MAX_DEPTH) {
    x->abort_kind = 3;
    return SPM_PACK_ABORT;
  }
  x->depth++;
  int r = spm_pack_search_node(x, o, p, last, last_rank);
  x->depth--;
  return r;
}

static int spm_pack_search_node(spm_pack_exact_t *x, spm_pack_order_t *o,
                                const spm_pack_part_t *p, int64_t last,
                                int64_t last_rank) {
  if (!spm_pack_node_enter(x))
    return SPM_PACK_ABORT;
  unsigned flags = x->flags;
  // The lowest top any unplaced buffer can have: nothing may be placed at
  // or above it (dominance).
  int64_t min_top = INT64_MAX;
  bool any = false;
  for (size_t k = 0; k < p->nb; ++k) {
    uint32_t i = p->b[k];
    if (o->off[i] >= 0)
      continue;
    any = true;
    int64_t t = o->minoff[i] + o->size[i];
    if (t < min_top)
      min_top = t;
  }
  if (!any)
    return SPM_PACK_FOUND_R;
  x->work += 2 * p->nb;
  size_t cbeg = o->ncand;
  for (size_t k = 0; k < p->nb; ++k) {
    uint32_t i = p->b[k];
    if (o->off[i] >= 0)
      continue;
    int64_t m = o->minoff[i];
    if (m < last || (m == last && (int64_t)o->rank[i] <= last_rank))
      continue; // canonical order
    if (!(flags & SPM_PACK_NO_DOMINANCE) && m >= min_top)
      continue;
    if (!(flags & SPM_PACK_NO_SYMMETRY) && o->ident_prev[i] != SPM_PACK_NONE &&
        o->off[o->ident_prev[i]] < 0)
      continue; // an identical buffer with a smaller index goes first
    if (m + o->size[i] > x->cap)
      continue;
    if (!spm_pack_cand_push(o, m, i))
      return SPM_PACK_ABORT;
  }
  size_t cend = o->ncand;
  spm_pack_cand_sort(x, o, cbeg, cend);
  int r = SPM_PACK_NOTFOUND;
  for (size_t c = cbeg; c < cend && r == SPM_PACK_NOTFOUND; ++c) {
    spm_pack_cand_t cd = o->cand[c];
    size_t mark_min = o->ntmin;
    spm_pack_place(o, cd.i, cd.o);
    x->work += spm_pack_place_work(o, cd.i);
    if (o->oom) {
      r = SPM_PACK_ABORT;
    } else if ((flags & SPM_PACK_NO_SECTIONS) ||
               spm_pack_sections_ok(o, p, cd.i, cd.o, cd.r, x->cap, &x->work)) {
      bool split = false;
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t s = o->slo[cd.i]; s + 1 < o->shi[cd.i]; ++s)
          split |= --o->cuts[s] == 0;
      r = split ? spm_pack_split(x, o, p, false)
                : spm_pack_search(x, o, p, cd.o, cd.r);
      if (!(flags & SPM_PACK_NO_DECOMPOSE))
        for (uint32_t s = o->slo[cd.i]; s + 1 < o->shi[cd.i]; ++s)
          o->cuts[s]++;
    }
    spm_pack_unplace(o, cd.i, mark_min);
  }
  o->ncand = cbeg;
  return r;
}
