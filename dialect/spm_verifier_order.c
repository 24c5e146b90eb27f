// The spm verifier's rules on the order of ops (spm_verifier_internal.h):
// what a buffer and a transfer may see before and after their end.
//
//   - a buffer is not used after its spm.dealloc, not freed twice, and not
//     freed inside a loop that does not also contain its spm.alloc (the
//     second iteration would free it again);
//   - a transfer's token is waited for (a token with no use at all is an
//     error; one passed on to another op escapes and is not followed), and
//     not waited for twice;
//   - between a transfer and its spm.wait, no op touches the elements being
//     transferred: none after a spm.dma_load into them, and no write or
//     spm.dealloc of them during a spm.dma_store from them.
//
// "After" is the order of the ops in the deepest block that holds both
// (each op stands for the op of that block it is nested in); two ops in
// different regions of one op (the branches of an affine.if) are not
// ordered and never conflict. An op nested in the same op of the block as
// the transfer's spm.wait is not checked against the transfer. Element
// ranges of spm.view windows are compared as spans (first..last element),
// as the in-place rule does. spm-run checks the same rules at run time
// (docs/spm-run.md); these give the error at the op, before lowering.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/spm_verifier_internal.h"
#include "support/mlir_util.h"

// --- where an op is ---------------------------------------------------------

static unsigned spm_op_line(MlirOperation op) {
  MlirStringRef file;
  unsigned line = 0, col = 0;
  spm_location_file_line_col(mlirOperationGetLocation(op), &file, &line, &col);
  return line;
}

static const char *spm_op_name_cstr(MlirOperation op, char *buf, size_t n) {
  MlirStringRef s = mlirIdentifierStr(mlirOperationGetName(op));
  snprintf(buf, n, "%.*s", (int)s.length, s.data);
  return buf;
}

// The op of `block` that `op` is (or is nested in); null if none.
static MlirOperation spm_ancestor_in(MlirOperation op, MlirBlock block) {
  while (!mlirOperationIsNull(op)) {
    MlirBlock b = mlirOperationGetBlock(op);
    if (mlirBlockIsNull(b))
      break;
    if (mlirBlockEqual(b, block))
      return op;
    op = mlirBlockGetParentOperation(b);
  }
  return (MlirOperation){NULL};
}

// -1 if `x` comes before `y`, +1 if after, 0 if they are not ordered (the
// same op, different regions of one op, or no common block).
static int spm_order(MlirOperation x, MlirOperation y) {
  for (MlirOperation yo = y; !mlirOperationIsNull(yo);) {
    MlirBlock b = mlirOperationGetBlock(yo);
    if (mlirBlockIsNull(b))
      break;
    MlirOperation xo = spm_ancestor_in(x, b);
    if (!mlirOperationIsNull(xo)) {
      if (mlirOperationEqual(xo, yo))
        return 0;
      return mlirOperationIsBeforeInBlock(xo, yo) ? -1 : 1;
    }
    yo = mlirBlockGetParentOperation(b);
  }
  return 0;
}

static bool spm_is_loop(MlirOperation op) {
  static const char *const loops[] = {"affine.for",   "affine.parallel",
                                      "scf.for",      "scf.while",
                                      "scf.parallel", "scf.forall"};
  for (size_t i = 0; i < sizeof loops / sizeof *loops; ++i)
    if (spm_op_is(op, loops[i]))
      return true;
  return false;
}

// --- the uses of a buffer ---------------------------------------------------

typedef struct {
  MlirOperation owner;
  unsigned line, col; // owner's position, for the order of the errors
} spm_use_t;

typedef struct {
  spm_use_t *v;
  size_t n, cap;
} spm_uses_t;

// Whether operand `i` of `op` is written by it: the output of a compute op
// (the last operand), the target of spm.dma_load, an spm.dealloc. Ops
// outside the spm dialect may do anything with a buffer: a write.
static bool spm_operand_written(MlirOperation op, intptr_t i) {
  if (spm_op_is(op, "spm.dma_store"))
    return false;
  if (spm_op_is(op, "spm.dma_load") || spm_op_is(op, "spm.dealloc"))
    return true;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  if (n.length >= 4 && memcmp(n.data, "spm.", 4) == 0)
    return i == mlirOperationGetNumOperands(op) - 1;
  return true;
}

// Appends the ops that use `buf` and, through spm.view, its windows (the
// views themselves are not uses), once per operand.
static void spm_collect_uses(MlirValue buf, spm_uses_t *u) {
  for (MlirOpOperand o = mlirValueGetFirstUse(buf); !mlirOpOperandIsNull(o);
       o = mlirOpOperandGetNextUse(o)) {
    MlirOperation owner = mlirOpOperandGetOwner(o);
    if (spm_op_is(owner, "spm.view")) {
      if (mlirOperationGetNumResults(owner) == 1)
        spm_collect_uses(mlirOperationGetResult(owner, 0), u);
      continue;
    }
    if (u->n == u->cap) {
      u->cap = u->cap ? 2 * u->cap : 16;
      u->v = realloc(u->v, u->cap * sizeof *u->v);
      if (!u->v)
        abort();
    }
    MlirStringRef file;
    unsigned line = 0, col = 0;
    spm_location_file_line_col(mlirOperationGetLocation(owner), &file, &line,
                               &col);
    u->v[u->n++] = (spm_use_t){owner, line, col};
  }
}

// By position in the file, then by op: the errors come in the file's order
// and each op's uses are next to each other.
static int spm_use_cmp(const void *a, const void *b) {
  const spm_use_t *x = a, *y = b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  uintptr_t p = (uintptr_t)x->owner.ptr, q = (uintptr_t)y->owner.ptr;
  return p < q ? -1 : p > q;
}

// --- buffers: spm.dealloc ---------------------------------------------------

static void spm_verify_alloc_order(spm_verifier_t *v, MlirOperation alloc) {
  if (mlirOperationGetNumResults(alloc) != 1)
    return;
  MlirBlock home = mlirOperationGetBlock(alloc);
  spm_uses_t u = {0};
  spm_collect_uses(mlirOperationGetResult(alloc, 0), &u);
  if (u.n)
    qsort(u.v, u.n, sizeof *u.v, spm_use_cmp);
  char name[64];
  for (size_t i = 0; i < u.n; ++i) {
    MlirOperation d = u.v[i].owner;
    if (!spm_op_is(d, "spm.dealloc"))
      continue;
    // a loop between the spm.dealloc and the block of the spm.alloc
    for (MlirOperation p = mlirBlockGetParentOperation(mlirOperationGetBlock(d));
         !mlirOperationIsNull(p) && !mlirBlockIsNull(home) &&
         !mlirBlockEqual(mlirOperationGetBlock(d), home);
         p = mlirBlockGetParentOperation(mlirOperationGetBlock(p))) {
      if (spm_is_loop(p)) {
        SPM_VERIFY_ERROR(v, d, "'spm.dealloc' op frees, inside the '%s' at "
                         "line %u, a buffer allocated outside it (the "
                         "spm.alloc at line %u): a second iteration would free "
                         "it again", spm_op_name_cstr(p, name, sizeof name),
                         spm_op_line(p), spm_op_line(alloc));
        break;
      }
      if (mlirBlockEqual(mlirOperationGetBlock(p), home))
        break;
    }
  }
  // each use after an spm.dealloc (a second spm.dealloc among them), once
  for (size_t j = 0; j < u.n; ++j) {
    MlirOperation w = u.v[j].owner;
    if (j && mlirOperationEqual(u.v[j - 1].owner, w))
      continue; // the same op's other operand
    for (size_t i = 0; i < u.n; ++i) {
      MlirOperation d = u.v[i].owner;
      if (i == j || !spm_op_is(d, "spm.dealloc") || spm_order(d, w) >= 0)
        continue;
      if (spm_op_is(w, "spm.dealloc"))
        SPM_VERIFY_ERROR(v, w, "'spm.dealloc' op frees a buffer already freed "
                         "by the spm.dealloc at line %u", spm_op_line(d));
      else
        SPM_VERIFY_ERROR(v, w, "'%s' op uses a buffer after its spm.dealloc "
                         "at line %u (the spm.alloc at line %u)",
                         spm_op_name_cstr(w, name, sizeof name),
                         spm_op_line(d), spm_op_line(alloc));
      break;
    }
  }
  free(u.v);
}

// --- transfers: spm.wait ----------------------------------------------------

// Checks that `dma`'s token is waited for, and not twice. Returns the first
// spm.wait of the token in the transfer's block (and, in `*anc`, the op of
// that block it is nested in), or null when the token is used only by other
// ops (it escapes: not followed).
static MlirOperation spm_verify_dma_wait(spm_verifier_t *v, MlirOperation dma,
                                         const char *name,
                                         MlirOperation *anc) {
  *anc = (MlirOperation){NULL};
  MlirValue token = mlirOperationGetResult(dma, 0);
  if (mlirOpOperandIsNull(mlirValueGetFirstUse(token))) {
    SPM_VERIFY_ERROR(v, dma, "'%s' op transfer is never waited for: its "
                     "token has no use (add an spm.wait)", name);
    return (MlirOperation){NULL};
  }
  MlirBlock block = mlirOperationGetBlock(dma);
  MlirOperation first = {NULL};
  for (MlirOpOperand o = mlirValueGetFirstUse(token); !mlirOpOperandIsNull(o);
       o = mlirOpOperandGetNextUse(o)) {
    MlirOperation w = mlirOpOperandGetOwner(o);
    if (!spm_op_is(w, "spm.wait"))
      continue;
    for (MlirOpOperand p = mlirValueGetFirstUse(token);
         !mlirOpOperandIsNull(p); p = mlirOpOperandGetNextUse(p)) {
      MlirOperation e = mlirOpOperandGetOwner(p);
      if (spm_op_is(e, "spm.wait") && spm_order(e, w) < 0) {
        SPM_VERIFY_ERROR(v, w, "'spm.wait' op waits again for the %s at line "
                         "%u, already waited for by the spm.wait at line %u",
                         name, spm_op_line(dma), spm_op_line(e));
        break;
      }
    }
    MlirOperation a = spm_ancestor_in(w, block);
    if (!mlirOperationIsNull(a) &&
        (mlirOperationIsNull(*anc) || mlirOperationIsBeforeInBlock(a, *anc))) {
      first = w;
      *anc = a;
    }
  }
  return first;
}

// --- transfers: elements in flight ------------------------------------------
//
// One sweep over each block: the transfers issued in it are in flight from
// their op to the op of the block that holds their first spm.wait; every op
// in between (and every op nested in it) is checked against the transfers in
// flight on its buffers. Transfers are found by buffer through a hash table,
// so a block of n transfers all waited for at its end costs O(n), not O(n^2).

typedef struct {
  MlirOperation dma, wait, wait_anc;
  MlirValue root; // the buffer transferred, or the buffer of its window
  int64_t lo, hi; // the elements transferred (a span of root's)
  bool load;
  long next; // the next transfer in flight on `root`, -1 at the end
} spm_flight_t;

// Open addressing, pointer -> index; keys are never removed (a value of -1
// stands for "none").
typedef struct {
  const void **keys;
  long *vals;
  size_t cap, n; // cap a power of two, or 0
} spm_ptr_map_t;

static size_t spm_ptr_hash(const void *p, size_t cap) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x & (cap - 1);
}

static long *spm_ptr_map_slot(spm_ptr_map_t *m, const void *key) {
  if (2 * (m->n + 1) > m->cap) {
    spm_ptr_map_t g = {NULL, NULL, m->cap ? 2 * m->cap : 64, 0};
    g.keys = calloc(g.cap, sizeof *g.keys);
    g.vals = malloc(g.cap * sizeof *g.vals);
    if (!g.keys || !g.vals)
      abort();
    for (size_t i = 0; i < m->cap; ++i)
      if (m->keys[i])
        *spm_ptr_map_slot(&g, m->keys[i]) = m->vals[i];
    free(m->keys);
    free(m->vals);
    *m = g;
  }
  size_t i = spm_ptr_hash(key, m->cap);
  while (m->keys[i] && m->keys[i] != key)
    i = (i + 1) & (m->cap - 1);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->vals[i] = -1;
    m->n++;
  }
  return &m->vals[i];
}

static long spm_ptr_map_get(const spm_ptr_map_t *m, const void *key) {
  if (!m->cap)
    return -1;
  size_t i = spm_ptr_hash(key, m->cap);
  while (m->keys[i] && m->keys[i] != key)
    i = (i + 1) & (m->cap - 1);
  return m->keys[i] ? m->vals[i] : -1;
}

typedef struct {
  spm_verifier_t *v;
  spm_flight_t *f;
  size_t n, cap;
  spm_ptr_map_t by_root; // root buffer -> first transfer in flight on it
  spm_ptr_map_t by_dma;  // transfer op -> its index in f
} spm_sweep_t;

// The buffer that `x` is, or is a window of.
static MlirValue spm_root_of(MlirValue x) {
  if (mlirValueIsAOpResult(x)) {
    MlirOperation d = mlirOpResultGetOwner(x);
    if (spm_op_is(d, "spm.view") && mlirOperationGetNumOperands(d) == 1)
      return mlirOperationGetOperand(d, 0);
  }
  return x;
}

// Ends the transfers whose first spm.wait is `op` or nested in it.
static MlirWalkResult spm_sweep_waits(MlirOperation op, void *user) {
  spm_sweep_t *s = user;
  if (!spm_op_is(op, "spm.wait"))
    return MlirWalkResultAdvance;
  for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
    MlirValue t = mlirOperationGetOperand(op, i);
    if (!mlirValueIsAOpResult(t))
      continue;
    long k = spm_ptr_map_get(&s->by_dma, mlirOpResultGetOwner(t).ptr);
    if (k < 0 || !mlirOperationEqual(s->f[k].wait, op))
      continue;
    long *link = spm_ptr_map_slot(&s->by_root, s->f[k].root.ptr);
    while (*link >= 0 && *link != k)
      link = &s->f[*link].next;
    if (*link == k)
      *link = s->f[k].next; // unlinked: no longer in flight
  }
  return MlirWalkResultAdvance;
}

// Checks `op`'s buffer operands against the transfers in flight.
static MlirWalkResult spm_sweep_uses(MlirOperation op, void *user) {
  spm_sweep_t *s = user;
  char uname[64];
  for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
    MlirValue x = mlirOperationGetOperand(op, i);
    MlirValue root = spm_root_of(x);
    bool writes = spm_operand_written(op, i);
    for (long k = spm_ptr_map_get(&s->by_root, root.ptr); k >= 0;
         k = s->f[k].next) {
      const spm_flight_t *t = &s->f[k];
      const char *name = t->load ? "spm.dma_load" : "spm.dma_store";
      const char *dir = t->load ? "into" : "from";
      if (!t->load && !writes)
        continue;
      if (spm_op_is(op, "spm.dealloc")) {
        SPM_VERIFY_ERROR(s->v, op, "'spm.dealloc' op frees a buffer while "
                         "the %s at line %u %s its elements %lld..%lld is in "
                         "flight (its spm.wait is at line %u)", name,
                         spm_op_line(t->dma), dir, (long long)t->lo,
                         (long long)t->hi, spm_op_line(t->wait));
        return MlirWalkResultAdvance;
      }
      MlirValue r;
      int64_t ulo, uhi;
      if (!spm_verifier_buf_span(s->v, x, &r, &ulo, &uhi) || uhi < t->lo ||
          t->hi < ulo)
        continue;
      SPM_VERIFY_ERROR(s->v, op, "'%s' op %s elements %lld..%lld of a buffer "
                       "while the %s at line %u %s elements %lld..%lld is in "
                       "flight (its spm.wait is at line %u)",
                       spm_op_name_cstr(op, uname, sizeof uname),
                       writes ? "writes" : "reads", (long long)ulo,
                       (long long)uhi, name, spm_op_line(t->dma), dir,
                       (long long)t->lo, (long long)t->hi,
                       spm_op_line(t->wait));
      return MlirWalkResultAdvance; // one error per op
    }
  }
  return MlirWalkResultAdvance;
}

// Puts transfer `dma` (an op of the swept block) in flight, after checking
// its token's waits.
static void spm_sweep_issue(spm_sweep_t *s, MlirOperation dma, bool load) {
  const char *name = load ? "spm.dma_load" : "spm.dma_store";
  if (mlirOperationGetNumResults(dma) != 1 ||
      mlirOperationGetNumOperands(dma) != 2)
    return;
  MlirOperation anc;
  MlirOperation wait = spm_verify_dma_wait(s->v, dma, name, &anc);
  MlirValue root;
  int64_t lo, hi;
  if (mlirOperationIsNull(wait) ||
      !spm_verifier_buf_span(s->v, mlirOperationGetOperand(dma, load ? 1 : 0),
                             &root, &lo, &hi))
    return;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->f = realloc(s->f, s->cap * sizeof *s->f);
    if (!s->f)
      abort();
  }
  long k = (long)s->n++;
  long *head = spm_ptr_map_slot(&s->by_root, root.ptr);
  s->f[k] = (spm_flight_t){dma, wait, anc, root, lo, hi, load, *head};
  *head = k;
  *spm_ptr_map_slot(&s->by_dma, dma.ptr) = k;
}

static void spm_sweep_block(spm_verifier_t *v, MlirBlock block) {
  spm_sweep_t s = {.v = v};
  for (MlirOperation op = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    if (s.n) {
      mlirOperationWalk(op, spm_sweep_waits, &s, MlirWalkPreOrder);
      mlirOperationWalk(op, spm_sweep_uses, &s, MlirWalkPreOrder);
    }
    if (spm_op_is(op, "spm.dma_load"))
      spm_sweep_issue(&s, op, true);
    else if (spm_op_is(op, "spm.dma_store"))
      spm_sweep_issue(&s, op, false);
  }
  free(s.f);
  free(s.by_root.keys);
  free(s.by_root.vals);
  free(s.by_dma.keys);
  free(s.by_dma.vals);
}

// --- a block ------------------------------------------------------------------

void spm_verify_block_order(spm_verifier_t *v, MlirBlock block) {
  spm_sweep_block(v, block);
  for (MlirOperation op = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op))
    if (spm_op_is(op, "spm.alloc"))
      spm_verify_alloc_order(v, op);
}
