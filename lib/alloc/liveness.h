// Live ranges of a function's local buffers, from its dependence graph.
//
// Positions are the indices of the function body's top-level ops (an op
// nested in a loop counts as its top-level ancestor). A buffer (a
// memref.alloc/alloca root; views are folded onto it by the analysis) is
// live over the union of intervals [write op, read op] of its value-based
// flow dependences: a region overwritten before being read ends the earlier
// range. A write never read still occupies its op, as does a read of data
// never written. The hull [first, last] is what allocation packs; views and
// other users of the buffer extend the hull so that the allocation dominates
// them.
#ifndef SPM_ALLOC_LIVENESS_H
#define SPM_ALLOC_LIVENESS_H

#include <stdint.h>

#include "mlir-c/IR.h"
#include "poly/deps_graph.h"
#include "support/status.h"
#include "support/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_live_interval_s {
  int64_t first, last; // top-level op indices, inclusive
} spm_live_interval_t;

typedef struct spm_live_buffer_s {
  MlirOperation alloc;   // the memref.alloc / memref.alloca (borrowed)
  MlirValue value;       // its result
  char *name;            // "%alloc" (owned)
  int64_t bytes;         // static size; -1 if it has none (size_problem)
  const char *size_problem; // why bytes is -1 ("dynamic size", ...;
                            // static storage), NULL otherwise
  spm_live_interval_t *intervals; // merged, sorted (owned); may be empty
  size_t nintervals;
  int64_t first, last;   // hull including every user op; first > last if
                         // the buffer is never used
  bool escapes;          // its address flows where the analysis does not
                         // follow: returned, passed to a call, yielded or
                         // branched on, bound to a region's memref
                         // argument, or turned into a pointer
} spm_live_buffer_t;

typedef struct spm_liveness_s {
  MlirOperation func;     // borrowed
  MlirOperation *ops;     // top-level ops of the body, in order (borrowed)
  size_t nops;
  spm_live_buffer_t *buffers; // one per memref.alloc/alloca in the body
  size_t nbuffers;
} spm_liveness_t;

// Computes the live ranges of `func`'s local buffers from `graph` (its
// dependence graph, borrowed). Caller frees with spm_liveness_free().
spm_status_t spm_liveness_compute(spm_deps_graph_t *graph,
                                  spm_liveness_t **out);
void spm_liveness_free(spm_liveness_t *l);

// Appends "%name: N bytes, live [a, b] [c, d] (from OP@L:C to OP@L:C)"
// (or its size_problem / "never accessed") for buffer `b` of `l`.
void spm_liveness_describe(const spm_liveness_t *l, const spm_live_buffer_t *b,
                           spm_strbuf_t *out);

// Index of `op`'s top-level ancestor in l->ops, or -1.
int64_t spm_liveness_position(const spm_liveness_t *l, MlirOperation op);

#ifdef __cplusplus
}
#endif
#endif
