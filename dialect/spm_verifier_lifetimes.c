// The verifier's rule that buffers allocated at the same time (between their
// spm.alloc and spm.dealloc in one block) do not share bytes: the check that
// makes an allocation bug a verifier error (and, at run time, wrong numbers).
#include <stdint.h>
#include <stdlib.h>

#include "dialect/spm_dialect.h"
#include "dialect/spm_verifier_internal.h"
#include "mlir-c/BuiltinAttributes.h"
#include "support/mlir_util.h"

// The allocations live at a point of the block, by first byte. They are
// pairwise disjoint (an spm.alloc that overlaps one is reported and not
// added), so the one with the largest first byte at or below a point and
// the next one above it are all a new allocation can meet first: a treap
// keyed by first byte makes the check O(log live) an op, where the scan of
// every live allocation was O(live) (20,000 allocations live at once took
// 3.2 s to verify).
typedef struct spm_life_node_s {
  MlirOperation alloc;
  int64_t lo, hi; // bytes [lo, hi)
  uint64_t prio;
  int32_t kid[2]; // -1: none
} spm_life_node_t;

typedef struct spm_life_set_s {
  spm_life_node_t *node; // owned; nodes by index
  int32_t n, cap, root;
  int32_t free; // erased nodes, linked through kid[0]
  uint64_t rng;
} spm_life_set_t;

static uint64_t spm_life_random(spm_life_set_t *s) {
  s->rng ^= s->rng << 13;
  s->rng ^= s->rng >> 7;
  s->rng ^= s->rng << 17;
  return s->rng;
}

// Splits tree t into keys < key (*l) and keys >= key (*r).
static void spm_life_split(spm_life_set_t *s, int32_t t, int64_t key,
                           int32_t *l, int32_t *r) {
  if (t < 0) {
    *l = *r = -1;
    return;
  }
  spm_life_node_t *x = &s->node[t];
  if (x->lo < key) {
    spm_life_split(s, x->kid[1], key, &x->kid[1], r);
    *l = t;
  } else {
    spm_life_split(s, x->kid[0], key, l, &x->kid[0]);
    *r = t;
  }
}

// Joins trees a and b, every key of a below every key of b.
static int32_t spm_life_merge(spm_life_set_t *s, int32_t a, int32_t b) {
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  if (s->node[a].prio > s->node[b].prio) {
    s->node[a].kid[1] = spm_life_merge(s, s->node[a].kid[1], b);
    return a;
  }
  s->node[b].kid[0] = spm_life_merge(s, a, s->node[b].kid[0]);
  return b;
}

static void spm_life_insert(spm_life_set_t *s, MlirOperation alloc, int64_t lo,
                            int64_t hi) {
  int32_t i = s->free;
  if (i >= 0) {
    s->free = s->node[i].kid[0];
  } else {
    if (s->n == s->cap) {
      s->cap = s->cap ? 2 * s->cap : 64;
      s->node = realloc(s->node, (size_t)s->cap * sizeof *s->node);
      if (!s->node)
        abort();
    }
    i = s->n++;
  }
  s->node[i] = (spm_life_node_t){alloc, lo, hi, spm_life_random(s), {-1, -1}};
  int32_t l, r;
  spm_life_split(s, s->root, lo, &l, &r);
  s->root = spm_life_merge(s, spm_life_merge(s, l, i), r);
}

// Removes the allocation made by `alloc` at first byte lo, if it is live.
static void spm_life_erase(spm_life_set_t *s, MlirOperation alloc, int64_t lo) {
  int32_t l, m, r;
  spm_life_split(s, s->root, lo, &l, &r);
  spm_life_split(s, r, lo + 1, &m, &r); // lo < INT64_MAX
  if (m >= 0 && mlirOperationEqual(s->node[m].alloc, alloc)) {
    s->node[m].kid[0] = s->free;
    s->free = m;
    m = -1;
  }
  s->root = spm_life_merge(s, spm_life_merge(s, l, m), r);
}

// The live allocation with the lowest bytes among those overlapping
// [lo, hi), or NULL.
static const spm_life_node_t *spm_life_first_overlap(const spm_life_set_t *s,
                                                     int64_t lo, int64_t hi) {
  const spm_life_node_t *below = NULL, *above = NULL; // key <= lo, key > lo
  for (int32_t t = s->root; t >= 0;) {
    const spm_life_node_t *x = &s->node[t];
    if (x->lo <= lo) {
      below = x;
      t = x->kid[1];
    } else {
      above = x;
      t = x->kid[0];
    }
  }
  if (below && below->hi > lo)
    return below;
  if (above && above->lo < hi)
    return above;
  return NULL;
}

// The bytes [*lo, *hi) that spm.alloc `op` (borrowed) takes; false when it
// is not placed (offset -1) or malformed (the per-op checks report that).
static bool spm_life_bytes(spm_verifier_t *v, MlirOperation op, int64_t *lo,
                           int64_t *hi) {
  if (mlirOperationGetNumResults(op) != 1)
    return false;
  MlirAttribute oa = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("offset"));
  if (mlirAttributeIsNull(oa) || !mlirAttributeIsAInteger(oa))
    return false;
  spm_buf_type_t bt;
  MlirType t = mlirValueGetType(mlirOperationGetResult(op, 0));
  spm_status_t st = spm_verifier_buf_type(v, t, &bt);
  int64_t bytes = spm_status_is_ok(st) ? spm_buf_type_bytes(&bt) : -1;
  spm_status_free(st);
  int64_t off;
  if (bytes <= 0 || !spm_int_attr_i64(oa, &off) || off < 0 ||
      off > INT64_MAX - bytes)
    return false;
  *lo = off;
  *hi = off + bytes;
  return true;
}

void spm_verify_block_lifetimes(spm_verifier_t *v, MlirBlock block) {
  spm_life_set_t s = {.root = -1, .free = -1, .rng = 0x9e3779b97f4a7c15ULL};
  for (MlirOperation op = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    int64_t lo, hi;
    if (spm_op_is(op, "spm.dealloc") && mlirOperationGetNumOperands(op) == 1) {
      MlirValue b = mlirOperationGetOperand(op, 0);
      if (!mlirValueIsAOpResult(b))
        continue;
      MlirOperation def = mlirOpResultGetOwner(b);
      MlirAttribute oa = mlirOperationGetAttributeByName(
          def, mlirStringRefCreateFromCString("offset"));
      if (s.root >= 0 && spm_op_is(def, "spm.alloc") &&
          !mlirAttributeIsNull(oa) && mlirAttributeIsAInteger(oa) &&
          spm_int_attr_i64(oa, &lo) && lo >= 0 && lo < INT64_MAX)
        spm_life_erase(&s, def, lo); // a live node keyed lo is def's
      continue;
    }
    if (!spm_op_is(op, "spm.alloc") || !spm_life_bytes(v, op, &lo, &hi))
      continue;
    const spm_life_node_t *x = spm_life_first_overlap(&s, lo, hi);
    if (!x) {
      spm_life_insert(&s, op, lo, hi);
      continue;
    }
    MlirStringRef file;
    unsigned line = 0, col = 0;
    spm_location_file_line_col(mlirOperationGetLocation(x->alloc), &file, &line,
                               &col);
    SPM_VERIFY_ERROR(v, op,
                     "'spm.alloc' op bytes [%lld, %lld) overlap "
                     "[%lld, %lld) of the spm.alloc at line %u, which is "
                     "still allocated (no spm.dealloc in between)",
                     (long long)lo, (long long)hi, (long long)x->lo,
                     (long long)x->hi, line);
  }
  free(s.node);
}
