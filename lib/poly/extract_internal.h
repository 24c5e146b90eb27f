// Private to lib/poly's extraction (extract.c, extract_views.c,
// extract_affine.c, extract_control.c): the walk state, the alias table and
// the helpers the four files share. Not part of the public API (extract.h).
#ifndef SPM_POLY_EXTRACT_INTERNAL_H
#define SPM_POLY_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/IR.h"
#include "poly/extract.h"
#include "support/strbuf.h"

#define SPM_MAX_DEPTH 64

// A root buffer or, for views, how view coordinates map to the parent's.
typedef struct {
  MlirValue value;
  int root;        // index into arrays; -1 while unknown
  bool whole;      // accesses through it cover the whole root (unknown map)
  const char *why; // reason for `whole`
  int parent;      // alias index of the parent view, -1 for a root
  int rank;        // view rank
  char **exprs;    // parent coordinate k in terms of v0..v{rank-1}
  int nexprs;      // parent rank
} spm_alias_t;

typedef struct {
  MlirOperation op;
  int nloops;
  int loop_ids[SPM_POLY_MAX_LOOPS];
  char *ivs;         // "i1, i4"
  char *constraints; // conjunction over ivs and params ("" = true)
  char *sched;       // schedule elements, comma separated, before padding
  int sched_len;
  int path_len;
  MlirBlock path_block[SPM_MAX_DEPTH];
  int path_pos[SPM_MAX_DEPTH];
} spm_stmt_t;

typedef struct {
  int stmt;
  int array;
  spm_poly_access_kind_t kind;
  char *rel; // "A3[...] : constraints" range part of the relation
  MlirOperation op;
} spm_access_t;

// The walk's position: enclosing loops, constraints and schedule prefix.
typedef struct spm_scope_s {
  int nloops;
  int loop_ids[SPM_POLY_MAX_LOOPS];
  MlirValue loop_ivs[SPM_POLY_MAX_LOOPS];
  spm_strbuf_t constraints;
  spm_strbuf_t sched;
  int sched_len;
  int path_len;
  MlirBlock path_block[SPM_MAX_DEPTH];
  int path_pos[SPM_MAX_DEPTH];
} spm_scope_t;

struct spm_poly_func_s {
  isl_ctx *ctx;
  unsigned flags;
  spm_poly_program_t *program;
  spm_alias_t *aliases;
  size_t naliases;
  int *array_alias; // array index -> alias index of its root
  size_t narrays;
  MlirValue *params;
  size_t nparams;
  spm_stmt_t *stmts;
  size_t nstmts;
  spm_access_t *accesses;
  size_t naccesses;
  int next_loop_id;
  MlirOperation root;       // what was extracted (borrowed)
  bool has_asm_state;       // asm_state/asm_flags created (value names)
  MlirOpPrintingFlags asm_flags;
  MlirAsmState asm_state;   // one numbering of root's values, reused
};

// --- small helpers (extract_views.c) ----------------------------------------
void *spm_x_xrealloc(void *p, size_t n); // aborts on out of memory
char *spm_x_xstrdup(const char *s);
bool spm_x_op_is(MlirOperation op, const char *name);
MlirAttribute spm_x_attr(MlirOperation op, const char *name);
bool spm_x_value_is_memref(MlirValue v);
char **spm_x_exprs_new(int n);

// --- buffers and views (extract_views.c) ------------------------------------
// Alias index of `v`, or -1.
int spm_x_alias_find(spm_poly_func_t *f, MlirValue v);
// Appends an alias entry (may move f->aliases); returns its index.
int spm_x_alias_push(spm_poly_func_t *f, spm_alias_t a);
// A new root array for alias `alias`; returns the array index.
int spm_x_array_new(spm_poly_func_t *f, int alias);
// The alias entry of buffer `v`, creating a root for unknown buffers
// (may move f->aliases: index it afterwards).
int spm_x_alias_of(spm_poly_func_t *f, MlirValue v);
// Registers view-like ops; true if `op` was one.
bool spm_x_handle_view(spm_poly_func_t *f, MlirOperation op);

// --- affine expressions (extract_affine.c) ----------------------------------
bool spm_x_operand_name(spm_poly_func_t *f, const spm_scope_t *s,
                        MlirValue v, spm_strbuf_t *out);
bool spm_x_defined_inside(MlirValue v, MlirOperation anc);
bool spm_x_expr_to_isl(MlirAffineExpr e, char **names, spm_strbuf_t *o);
char **spm_x_map_names(spm_poly_func_t *f, const spm_scope_t *s,
                       MlirValue *operands, intptr_t n, intptr_t ndims);
void spm_x_map_names_free(char **names, intptr_t n);

// --- the walk (extract.c) ---------------------------------------------------
// A scope owns its two string buffers: spm_x_scope_copy gives `dst` copies
// of `src`'s (free them with spm_x_scope_free).
void spm_x_scope_copy(spm_scope_t *dst, const spm_scope_t *src);
void spm_x_scope_free(spm_scope_t *s);
// Conjoins constraint `c` (isl notation over the ivs and parameters).
void spm_x_scope_add_constraint(spm_scope_t *s, const char *c);
// Appends a schedule element (an iv name, or an integer position).
void spm_x_scope_sched(spm_scope_t *s, const char *elem);
void spm_x_scope_sched_int(spm_scope_t *s, long long v);
// An opaque statement reading and may-writing all of every buffer defined
// outside `op` that `op` or its nested ops use; a remark says `why`.
void spm_x_opaque_op(spm_poly_func_t *f, const spm_scope_t *s,
                     MlirOperation op, const char *why);
// Walks the ops of `block` in scope `s` (each op gets its position appended
// to the schedule).
void spm_x_walk_block(spm_poly_func_t *f, MlirBlock block, spm_scope_t *s);

// --- loops and conditions (extract_control.c) -------------------------------
// The body of `op` in a scope constrained by its bounds and step (by its
// condition, and its negation for the else region); an opaque op if the
// bounds or condition are not affine.
void spm_x_affine_for(spm_poly_func_t *f, spm_scope_t *s, MlirOperation op);
void spm_x_affine_if(spm_poly_func_t *f, spm_scope_t *s, MlirOperation op);

#endif
