// The bottom-left search's nogoods (see pack_exact_bl.c for the failure
// windows they rest on).
//
// A failed node's window and its state there (floors, floor_by, which
// buffers live there are unplaced) are remembered: by the window argument
// in pack_exact_bl.c, every later state that agrees with it on the window
// fails as well, so a node that meets such a state fails at once instead of
// refuting it again. The state of a window is hashed: each section keeps the sum of a
// key of its floor and the random keys of its unplaced buffers, updated as
// floors and placements change, and a window's key sums its sections. A
// nogood is looked up where it was found -- from the valley [a, b) that its
// node branched on, which lies in the window, so a matching state has the
// same valley. Buffers are keyed by their original index and the symmetry
// rules follow the original index too, so a nogood depends on nothing but
// the capacity: not on the order (static or random), the budget, or which
// choices led to it. They are kept across all runs at one capacity.

#include <stdlib.h>
#include <string.h>

#include "alloc/pack_exact.h"

enum {
  SPM_PACK_NG_MAX = 1u << 20, // stored window states at most (8 MB)
  SPM_PACK_NG_WINDOWS = 16,   // windows per valley state at most
};

static void spm_pack_ng_clear(spm_pack_nogoods_t *ng) {
  memset(ng->set, 0, ng->cap * sizeof *ng->set);
  memset(ng->val, 0, ng->vcap * sizeof *ng->val);
  ng->count = ng->vcount = ng->nwin = 0;
}

bool spm_pack_bl_nogood_begin(spm_pack_exact_t *x, spm_pack_order_t *o) {
  spm_pack_nogoods_t *ng = &x->ng;
  if (!ng->set) {
    ng->cap = ng->vcap = 1u << 12;
    ng->set = malloc(ng->cap * sizeof *ng->set);
    ng->val = malloc(ng->vcap * sizeof *ng->val);
    if (!ng->set || !ng->val) {
      o->oom = true;
      return false;
    }
    spm_pack_ng_clear(ng);
    ng->capacity = x->cap;
  }
  if (ng->capacity != x->cap) {
    spm_pack_ng_clear(ng);
    ng->capacity = x->cap;
  }
  if (!o->ng_sec) {
    o->ng_z = malloc(o->n * sizeof *o->ng_z);
    o->ng_sec = malloc(o->nsec * sizeof *o->ng_sec);
    if (!o->ng_z || !o->ng_sec) {
      o->oom = true;
      return false;
    }
    for (size_t k = 0; k < o->n; ++k)
      o->ng_z[k] = spm_pack_mix(0x5DEECE66Dull * ((uint64_t)o->perm[k] + 1));
  }
  for (uint32_t s = 0; s < o->nsec; ++s) {
    uint64_t h = spm_pack_ng_section_floor_key(o, s);
    for (size_t e = o->sec_off[s]; e < o->sec_off[s + 1]; ++e)
      h += o->ng_z[o->sec_buf[e]];
    o->ng_sec[s] = h;
  }
  return true;
}

// The key of the current state of sections [lo, hi) (never 0).
static uint64_t spm_pack_ng_key(spm_pack_exact_t *x, const spm_pack_order_t *o,
                                uint32_t lo, uint32_t hi) {
  uint64_t h = spm_pack_mix(((uint64_t)lo << 32) | hi);
  for (uint32_t s = lo; s < hi; ++s)
    h += o->ng_sec[s];
  x->work += hi - lo;
  h = spm_pack_mix(h);
  return h ? h : 1;
}

// The slot of key k in the set: where it is, or the empty slot ending its
// probe sequence.
static size_t spm_pack_ng_slot(const spm_pack_nogoods_t *ng, uint64_t k) {
  size_t mask = ng->cap - 1, i = (size_t)k & mask;
  while (ng->set[i] != 0 && ng->set[i] != k)
    i = (i + 1) & mask;
  return i;
}

// The same in the table of valley states.
static size_t spm_pack_ng_vslot(const spm_pack_nogoods_t *ng, uint64_t k) {
  size_t mask = ng->vcap - 1, i = (size_t)k & mask;
  while (ng->val[i].key != 0 && ng->val[i].key != k)
    i = (i + 1) & mask;
  return i;
}

// The key of the valley [a, b) and the state of its sections and its
// two neighbours (never 0): the windows recorded at a valley are chained
// from its state, so that a lookup only tries the windows of nogoods found
// at this very valley state.
static uint64_t spm_pack_ng_valley_key(spm_pack_exact_t *x,
                                       const spm_pack_order_t *o, uint32_t a,
                                       uint32_t b) {
  uint32_t lo = a > 0 ? a - 1 : 0, hi = b < o->nsec ? b + 1 : b;
  uint64_t h = spm_pack_mix(((uint64_t)a << 32) ^ b ^ 0x7F4A7C159E3779B9ull);
  for (uint32_t s = lo; s < hi; ++s)
    h += o->ng_sec[s];
  x->work += hi - lo;
  h = spm_pack_mix(h ^ 0x94D049BB133111EBull);
  return h ? h : 1;
}

// Whether a nogood recorded at the valley [a, b) in its current state
// holds now; if so, sets the failure window to its window.
bool spm_pack_ng_match(spm_pack_exact_t *x, spm_pack_order_t *o,
                              uint32_t a, uint32_t b) {
  const spm_pack_nogoods_t *ng = &x->ng;
  if (ng->vcount == 0)
    return false;
  uint64_t vk = spm_pack_ng_valley_key(x, o, a, b);
  const spm_pack_ngval_t *v = &ng->val[spm_pack_ng_vslot(ng, vk)];
  if (v->key != vk)
    return false;
  for (uint32_t w = v->head; w != SPM_PACK_NONE; w = ng->win[w].next) {
    const spm_pack_ngwin_t *e = &ng->win[w];
    uint64_t k = spm_pack_ng_key(x, o, e->lo, e->hi);
    if (ng->set[spm_pack_ng_slot(ng, k)] == k) {
      spm_pack_fail_at(x, o, e->lo, e->hi);
      return true;
    }
  }
  return false;
}

// Makes room for one more window state and one more valley state: doubles
// a table (rehashing) at half load, or, at the size limit, forgets
// everything -- nogoods only prune, so dropping them is always safe.
static bool spm_pack_ng_reserve(spm_pack_nogoods_t *ng) {
  if (ng->count + 1 > SPM_PACK_NG_MAX || ng->vcount + 1 > SPM_PACK_NG_MAX ||
      ng->nwin + 1 > SPM_PACK_NG_MAX) {
    spm_pack_ng_clear(ng);
    return true;
  }
  if (2 * (ng->count + 1) > ng->cap) {
    uint64_t *old = ng->set;
    size_t oldcap = ng->cap;
    uint64_t *set = calloc(2 * oldcap, sizeof *set);
    if (!set)
      return false;
    ng->set = set;
    ng->cap = 2 * oldcap;
    for (size_t i = 0; i < oldcap; ++i)
      if (old[i])
        ng->set[spm_pack_ng_slot(ng, old[i])] = old[i];
    free(old);
  }
  if (2 * (ng->vcount + 1) > ng->vcap) {
    spm_pack_ngval_t *old = ng->val;
    size_t oldcap = ng->vcap;
    spm_pack_ngval_t *val = calloc(2 * oldcap, sizeof *val);
    if (!val)
      return false;
    ng->val = val;
    ng->vcap = 2 * oldcap;
    for (size_t i = 0; i < oldcap; ++i)
      if (old[i].key)
        ng->val[spm_pack_ng_vslot(ng, old[i].key)] = old[i];
    free(old);
  }
  if (ng->nwin == ng->capwin) {
    size_t nc = ng->capwin ? 2 * ng->capwin : 256;
    spm_pack_ngwin_t *nw = realloc(ng->win, nc * sizeof *nw);
    if (!nw)
      return false;
    ng->win = nw;
    ng->capwin = nc;
  }
  return true;
}

// Records that the current state fails on the window [lo, hi), for lookup
// at the valley [a, b) (which lies in the window) in its current state.
void spm_pack_ng_record(spm_pack_exact_t *x, spm_pack_order_t *o,
                               uint32_t a, uint32_t b, uint32_t lo,
                               uint32_t hi) {
  spm_pack_nogoods_t *ng = &x->ng;
  if (!spm_pack_ng_reserve(ng))
    return; // out of memory: just do not record
  uint64_t vk = spm_pack_ng_valley_key(x, o, a, b);
  spm_pack_ngval_t *v = &ng->val[spm_pack_ng_vslot(ng, vk)];
  if (v->key == 0) {
    *v = (spm_pack_ngval_t){vk, SPM_PACK_NONE, 0};
    ng->vcount++;
  }
  uint32_t w = v->head;
  while (w != SPM_PACK_NONE && !(ng->win[w].lo == lo && ng->win[w].hi == hi))
    w = ng->win[w].next;
  if (w == SPM_PACK_NONE) {
    if (v->len >= SPM_PACK_NG_WINDOWS) {
      return; // could not be looked up
    }
    ng->win[ng->nwin] = (spm_pack_ngwin_t){lo, hi, v->head};
    v->head = (uint32_t)ng->nwin++;
    v->len++;
  }
  uint64_t k = spm_pack_ng_key(x, o, lo, hi);
  size_t i = spm_pack_ng_slot(ng, k);
  if (ng->set[i] == 0) {
    ng->set[i] = k;
    ng->count++;
  }
}

