// spm_run ISA: the in-memory form of a lowered accelerator program, the
// input of the interpreter (machine.h) and of the binary / listing codecs
// (encode.h). Plain C, no MLIR. docs/isa.md is the reference for every
// field and instruction; this header states the structures and who owns
// what.
//
// A PROGRAM is
//   - a header: the format version (SPM_RUN_ISA_VERSION) and the target
//     description (spm_target_t, by value) it was compiled for;
//   - a table of global (DRAM) tensors: id = index, name, element type
//     (f32 / i8 / i32), static shape of rank 0..SPM_RUN_MAX_TENSOR_RANK,
//     role (input / output / weight / scratch) and optional constant data
//     (dense row-major, the tensor's exact byte size);
//   - a table of scratchpad buffers: id = index, name, absolute byte offset
//     in the scratchpad and byte size -- what spm.alloc with its assigned
//     offset becomes. The interpreter checks every access against them;
//   - a flat instruction stream (no control flow), executed in order.
//
// INSTRUCTIONS (docs/isa.md has the exact semantics):
//   ALLOC b / DEALLOC b          start / end buffer b's lifetime (0 cycles)
//   DMA_LOAD / DMA_STORE         asynchronous copy between a strided window
//                                of a tensor and dense row-major bytes at
//                                buffer b + byte offset; tagged with a token
//   WAIT t                       blocks until every transfer tagged t is done
//   MATMUL                       C[M,N] (+)= A[M,K] * B[K,N]
//   CONV2D                       NCHW input, FCHW filter (F, C/groups, KH, KW)
//                                -> NFHW output, stride/dilation/padding
//   POOL                         max or sum over a KHxKW window per channel
//   FILL                         every element of a view := a constant
//   ELTWISE                      up to 4 input views -> 1 output view, one
//                                micro-op program (spm_run_uop_t) per element
// Compute ops address the scratchpad through VIEWS: buffer id, byte offset
// within the buffer, element type, shape and element strides (rank 1..4;
// stride 0 broadcasts, allowed on inputs only).
//
// Offsets in instructions (DMA buf_offset, view offset) are relative to the
// buffer's start; the buffer table gives the absolute placement.
//
// Ownership: a spm_run_program_t owns everything it points to (tables,
// constant data, micro-ops); create it with spm_run_program_create(), fill
// it with the spm_run_program_add_* calls (which copy their arguments) and
// release it with spm_run_program_free(). Its fields are public for
// reading; mutate it only through the functions below. Statuses follow
// support/status.h.
#ifndef SPM_RUN_ISA_H
#define SPM_RUN_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/status.h"
#include "target/target.h" // spm_target_t only (no MLIR calls)

#ifdef __cplusplus
extern "C" {
#endif

#define SPM_RUN_ISA_VERSION 1u
#define SPM_RUN_MAX_TENSOR_RANK 8
#define SPM_RUN_MAX_RANK 4   // DMA windows and views
#define SPM_RUN_MAX_INPUTS 4 // ELTWISE input views
#define SPM_RUN_MAX_UOPS 64  // micro-ops per ELTWISE
#define SPM_RUN_NUM_REGS 32  // micro-op registers r0..r31
#define SPM_RUN_NAME_MAX 64  // bytes of a name including the NUL
#define SPM_RUN_MAX_TOKEN 65535u
// Limits on sizes, so that no index or byte count can overflow int64.
#define SPM_RUN_MAX_DIM ((int64_t)1 << 31)   // one extent / stride
#define SPM_RUN_MAX_BYTES ((int64_t)1 << 40) // one tensor / buffer

// Value types. Tensors and views hold F32, I8 or I32 ("storage types");
// micro-op registers may also hold I1, I16 and I64.
typedef enum spm_run_type_e {
  SPM_RUN_F32 = 0,
  SPM_RUN_I8 = 1,
  SPM_RUN_I32 = 2,
  SPM_RUN_I1 = 3,
  SPM_RUN_I16 = 4,
  SPM_RUN_I64 = 5,
  SPM_RUN_TYPE_COUNT
} spm_run_type_t;

typedef enum spm_run_role_e {
  SPM_RUN_ROLE_INPUT = 0,   // set by the caller (or the seeded generator)
  SPM_RUN_ROLE_OUTPUT = 1,  // read by the caller after the run
  SPM_RUN_ROLE_WEIGHT = 2,  // constant data, or seeded when absent
  SPM_RUN_ROLE_SCRATCH = 3, // DRAM spill space, starts zeroed
  SPM_RUN_ROLE_COUNT
} spm_run_role_t;

typedef struct spm_run_tensor_s {
  char name[SPM_RUN_NAME_MAX]; // [A-Za-z0-9_.-]+, unique among tensors
  spm_run_type_t elem;         // F32, I8 or I32
  spm_run_role_t role;
  int rank;                                // 0..SPM_RUN_MAX_TENSOR_RANK
  int64_t shape[SPM_RUN_MAX_TENSOR_RANK]; // >= 1; 0 beyond rank
  uint8_t *data; // constant contents (owned by the program) or NULL
} spm_run_tensor_t;

typedef struct spm_run_buffer_s {
  char name[SPM_RUN_NAME_MAX]; // [A-Za-z0-9_.-]+, unique among buffers
  int64_t offset;              // absolute scratchpad byte offset, aligned
  int64_t size;                // bytes, >= 1; offset + size <= capacity
} spm_run_buffer_t;

// A strided window of a scratchpad buffer.
typedef struct spm_run_view_s {
  uint32_t buffer;   // buffer id
  spm_run_type_t elem;
  int rank;          // 1..SPM_RUN_MAX_RANK
  int64_t offset;    // bytes from the buffer's start, >= 0
  int64_t shape[SPM_RUN_MAX_RANK];  // >= 1; 0 beyond rank
  int64_t stride[SPM_RUN_MAX_RANK]; // elements, >= 0; 0 beyond rank
} spm_run_view_t;

typedef enum spm_run_opcode_e {
  SPM_RUN_OP_ALLOC = 1,
  SPM_RUN_OP_DEALLOC = 2,
  SPM_RUN_OP_DMA_LOAD = 3,
  SPM_RUN_OP_DMA_STORE = 4,
  SPM_RUN_OP_WAIT = 5,
  SPM_RUN_OP_MATMUL = 6,
  SPM_RUN_OP_CONV2D = 7,
  SPM_RUN_OP_POOL = 8,
  SPM_RUN_OP_FILL = 9,
  SPM_RUN_OP_ELTWISE = 10,
  SPM_RUN_OP_END_ // one past the last opcode
} spm_run_opcode_t;

// DMA_LOAD: tensor[offset + sum_d i_d * strides[d]] for 0 <= i_d < sizes[d]
// -> the scratchpad bytes at buffer + buf_offset, dense row-major.
// DMA_STORE: the reverse. Elements are of the tensor's type.
typedef struct spm_run_dma_s {
  uint32_t tensor;
  uint32_t buffer;
  uint32_t token; // 0..SPM_RUN_MAX_TOKEN
  int rank;       // 1..SPM_RUN_MAX_RANK
  int64_t offset; // elements, >= 0
  int64_t buf_offset;                // bytes from the buffer's start
  int64_t sizes[SPM_RUN_MAX_RANK];   // >= 1; 0 beyond rank
  int64_t strides[SPM_RUN_MAX_RANK]; // elements, >= 0; 0 beyond rank
} spm_run_dma_t;

// C[M,N] = (accumulate ? C : 0) + sum_k A[M,K] * B[K,N], k ascending.
// f32 x f32 -> f32, or integer (i8/i32) x integer -> i8/i32, computed like
// arith.extsi + arith.muli + arith.addi in the output width (wrapping).
typedef struct spm_run_matmul_s {
  bool accumulate;
  spm_run_view_t a, b, c; // rank 2 each
} spm_run_matmul_t;

// out[n,f,oh,ow] (+)= sum_{c,kh,kw} in[n, g*C/G + c, ih, iw] *
// filter[f, c, kh, kw], g = f / (F/G), ih = oh*stride[0] - pad[0] +
// kh*dilation[0] (iw alike); input positions outside the input read as 0.
// Types as MATMUL. Rank 4 views.
typedef struct spm_run_conv_s {
  bool accumulate;
  int64_t groups; // >= 1, divides C and F
  int64_t stride[2], dilation[2], pad[2]; // [h, w]; stride, dil >= 1
  spm_run_view_t in, filter, out;
} spm_run_conv_t;

typedef enum spm_run_pool_kind_e {
  SPM_RUN_POOL_MAX = 0, // arith.maximumf / arith.maxsi
  SPM_RUN_POOL_SUM = 1, // arith.addf / arith.addi
} spm_run_pool_kind_t;

// out[n,c,oh,ow] = reduce(accumulate ? out : identity, in[n,c,ih,iw] over
// the window); window positions outside the input are skipped (MAX) or
// add 0 (SUM). Integer inputs are sign-extended to the output type.
typedef struct spm_run_pool_s {
  spm_run_pool_kind_t kind;
  bool accumulate;
  int64_t window[2], stride[2], dilation[2], pad[2]; // [h, w]
  spm_run_view_t in, out; // rank 4, NCHW
} spm_run_pool_t;

// out := value. `value` holds the f32 bit pattern (low 32 bits) for F32,
// the sign-extended integer otherwise.
typedef struct spm_run_fill_s {
  uint64_t value;
  spm_run_view_t out;
} spm_run_fill_t;

typedef struct spm_run_eltwise_s {
  int ninputs; // 0..SPM_RUN_MAX_INPUTS
  spm_run_view_t in[SPM_RUN_MAX_INPUTS]; // each of the output's shape
  spm_run_view_t out;
  uint32_t uop_first; // into program->uops (set by add_instr)
  uint32_t nuops;     // 1..SPM_RUN_MAX_UOPS, the last one is YIELD
} spm_run_eltwise_t;

typedef struct spm_run_instr_s {
  spm_run_opcode_t op;
  union {
    uint32_t buffer; // ALLOC, DEALLOC
    uint32_t token;  // WAIT
    spm_run_dma_t dma;
    spm_run_matmul_t matmul;
    spm_run_conv_t conv;
    spm_run_pool_t pool;
    spm_run_fill_t fill;
    spm_run_eltwise_t eltwise;
  };
} spm_run_instr_t;

// --- micro-ops (ELTWISE bodies) ---------------------------------------------
// A tiny statically typed register machine, run once per output element.
// `type` is the result type; operand types are those of the registers read
// (checked by spm_run_program_validate). One arith op = one micro-op, same
// name, same semantics (docs/isa.md). Integer values wrap in their width;
// f32 follows IEEE-754 (no contraction). Operations that are poison or UB
// in arith (division by zero, signed overflow of divsi, shift >= width,
// fptosi out of range) stop the run with an error.
typedef enum spm_run_uop_op_e {
  SPM_RUN_UOP_LOAD = 0,  // dst := input view `imm` at this element
  SPM_RUN_UOP_CONST,     // dst := imm (f32 bits or sign-extended int)
  SPM_RUN_UOP_YIELD,     // output element := a (the last micro-op)
  SPM_RUN_UOP_ADD,       // addi / addf
  SPM_RUN_UOP_SUB,       // subi / subf
  SPM_RUN_UOP_MUL,       // muli / mulf
  SPM_RUN_UOP_DIV,       // divsi / divf
  SPM_RUN_UOP_DIVU,      // divui
  SPM_RUN_UOP_REM,       // remsi / remf
  SPM_RUN_UOP_REMU,      // remui
  SPM_RUN_UOP_MAX,       // maxsi / maximumf
  SPM_RUN_UOP_MIN,       // minsi / minimumf
  SPM_RUN_UOP_MAXU,      // maxui
  SPM_RUN_UOP_MINU,      // minui
  SPM_RUN_UOP_MAXNUM,    // maxnumf
  SPM_RUN_UOP_MINNUM,    // minnumf
  SPM_RUN_UOP_NEG,       // negf (float only)
  SPM_RUN_UOP_AND,       // andi
  SPM_RUN_UOP_OR,        // ori
  SPM_RUN_UOP_XOR,       // xori
  SPM_RUN_UOP_SHL,       // shli
  SPM_RUN_UOP_SHRS,      // shrsi
  SPM_RUN_UOP_SHRU,      // shrui
  SPM_RUN_UOP_TRUNC,     // trunci (wrapping)
  SPM_RUN_UOP_EXTS,      // extsi
  SPM_RUN_UOP_EXTU,      // extui
  SPM_RUN_UOP_SITOFP,    // sitofp
  SPM_RUN_UOP_UITOFP,    // uitofp
  SPM_RUN_UOP_FPTOSI,    // fptosi
  SPM_RUN_UOP_FPTOUI,    // fptoui
  SPM_RUN_UOP_CMP,       // cmpi / cmpf with `pred`, result i1
  SPM_RUN_UOP_SELECT,    // dst := a ? b : c (a is i1)
  SPM_RUN_UOP_COUNT
} spm_run_uop_op_t;

// CMP predicates: integer ones (cmpi) and float ones (cmpf), named as in
// arith.
typedef enum spm_run_pred_e {
  SPM_RUN_PRED_EQ = 0, SPM_RUN_PRED_NE, SPM_RUN_PRED_SLT, SPM_RUN_PRED_SLE,
  SPM_RUN_PRED_SGT, SPM_RUN_PRED_SGE, SPM_RUN_PRED_ULT, SPM_RUN_PRED_ULE,
  SPM_RUN_PRED_UGT, SPM_RUN_PRED_UGE, // cmpi: 0..9
  SPM_RUN_PRED_F_FALSE = 16, SPM_RUN_PRED_F_OEQ, SPM_RUN_PRED_F_OGT,
  SPM_RUN_PRED_F_OGE, SPM_RUN_PRED_F_OLT, SPM_RUN_PRED_F_OLE,
  SPM_RUN_PRED_F_ONE, SPM_RUN_PRED_F_ORD, SPM_RUN_PRED_F_UEQ,
  SPM_RUN_PRED_F_UGT, SPM_RUN_PRED_F_UGE, SPM_RUN_PRED_F_ULT,
  SPM_RUN_PRED_F_ULE, SPM_RUN_PRED_F_UNE, SPM_RUN_PRED_F_UNO,
  SPM_RUN_PRED_F_TRUE, // cmpf: 16..31
} spm_run_pred_t;

// Fields a micro-op does not use must be 0 (so every encoding is canonical).
typedef struct spm_run_uop_s {
  uint8_t op;   // spm_run_uop_op_t
  uint8_t type; // spm_run_type_t of the result (YIELD: of the output)
  uint8_t pred; // CMP only
  uint8_t dst;  // register written (not YIELD)
  uint8_t a, b, c; // registers read
  int64_t imm;  // LOAD: input index; CONST: value
} spm_run_uop_t;

typedef struct spm_run_program_s {
  uint32_t version; // SPM_RUN_ISA_VERSION
  spm_target_t target;
  spm_run_tensor_t *tensors;
  size_t ntensors, tensors_cap;
  spm_run_buffer_t *buffers;
  size_t nbuffers, buffers_cap;
  spm_run_instr_t *instrs;
  size_t ninstrs, instrs_cap;
  spm_run_uop_t *uops; // the ELTWISE bodies, referenced by uop_first
  size_t nuops, uops_cap;
} spm_run_program_t;

// --- building ------------------------------------------------------------

// Creates an empty program for `target` (copied). Caller owns *out.
spm_status_t spm_run_program_create(const spm_target_t *target,
                                    spm_run_program_t **out);
// Releases the program and everything it owns (NULL is fine).
void spm_run_program_free(spm_run_program_t *p);

// Appends a tensor; `data` (may be NULL) is copied: numel * elem-size bytes.
// *id (may be NULL) receives its id. INVALID_ARGUMENT for a bad name,
// type, role, rank or shape.
spm_status_t spm_run_program_add_tensor(spm_run_program_t *p,
                                        const char *name,
                                        spm_run_type_t elem,
                                        spm_run_role_t role, int rank,
                                        const int64_t *shape,
                                        const void *data, uint32_t *id);

// Sets (copies) or clears (data == NULL) a tensor's constant data.
spm_status_t spm_run_program_set_tensor_data(spm_run_program_t *p,
                                             uint32_t id, const void *data);

// Appends a buffer; *id (may be NULL) receives its id.
spm_status_t spm_run_program_add_buffer(spm_run_program_t *p,
                                        const char *name, int64_t offset,
                                        int64_t size, uint32_t *id);

// Appends an instruction (copied). For ELTWISE, `uops[0..nuops)` is the
// body (copied; eltwise.uop_first/nuops of `in` are ignored and set);
// otherwise pass NULL, 0. Only counts are checked here; the full check is
// spm_run_program_validate().
spm_status_t spm_run_program_add_instr(spm_run_program_t *p,
                                       const spm_run_instr_t *in,
                                       const spm_run_uop_t *uops,
                                       size_t nuops);

// Checks everything docs/isa.md requires: version, target sanity, names,
// shapes, ids, buffer placement within capacity and alignment, DMA windows
// within their tensor and buffer, view bounds, op shapes and types,
// micro-op typing, zero unused fields. Returns INVALID_ARGUMENT naming the
// first problem (and the instruction index).
spm_status_t spm_run_program_validate(const spm_run_program_t *p);

// Operand types of MATMUL / CONV2D / POOL (y NULL for POOL): all f32, or all
// integer. INVALID_ARGUMENT ("operand types ... mix f32 and integers")
// otherwise; part of spm_run_program_validate(), also for the lowering.
spm_status_t spm_run_check_kinds(const spm_run_view_t *x,
                                 const spm_run_view_t *y,
                                 const spm_run_view_t *out);

// MATMUL, CONV2D and POOL must not write bytes they read: the byte span of
// the output view ([offset, offset + size of the last element reached))
// may not intersect the span of an input view in the same buffer.
// INVALID_ARGUMENT naming both spans otherwise; OK for other instructions
// (ELTWISE may work in place) and for views too malformed to have a span
// (the rest of the validation reports them). Part of
// spm_run_program_validate(), also for the lowering.
spm_status_t spm_run_check_no_overlap(const spm_run_instr_t *in);

// --- helpers ---------------------------------------------------------------

// Bytes per element (I1 counts 1); 0 for an invalid type.
int64_t spm_run_type_size(spm_run_type_t t);
// "f32", "i8", ...; borrowed static strings ("?" when invalid).
const char *spm_run_type_name(spm_run_type_t t);
bool spm_run_type_is_storage(spm_run_type_t t); // F32, I8, I32
bool spm_run_type_is_int(spm_run_type_t t);
int spm_run_type_bits(spm_run_type_t t); // 32 for F32, 1 for I1, ...
const char *spm_run_role_name(spm_run_role_t r);
const char *spm_run_opcode_name(spm_run_opcode_t op); // "dma_load", ...
const char *spm_run_uop_name(spm_run_uop_op_t op);   // "add", ...
const char *spm_run_pred_name(spm_run_pred_t p);     // "slt", "oeq", ...

// Elements of a tensor (1 for rank 0).
int64_t spm_run_tensor_numel(const spm_run_tensor_t *t);
int64_t spm_run_view_numel(const spm_run_view_t *v);
// A dense row-major view of `shape` at `offset` bytes into `buffer`.
spm_run_view_t spm_run_view_dense(uint32_t buffer, int64_t offset,
                                  spm_run_type_t elem, int rank,
                                  const int64_t *shape);

#ifdef __cplusplus
}
#endif
#endif
