// spm_tile: the analytical DRAM-traffic model of one tiled compute op and the
// tile-size / loop-order search over it (plain C, no MLIR). The placement
// pass calls it for each op (conv2d, matmul, elementwise, pooling) whose
// working set does not fit the scratchpad. See docs/tiling.md.
//
// THE OP. A perfect loop nest over `ndims` (1..8) iteration dims i_j with
// static extents E[j] >= 1 (0 <= i_j < E[j]); each dim is parallel or
// reduction (the kind is informational: the model below depends only on the
// access maps). Each operand X (1..8 of them) is an array of rank 0..8 with
// full shape S[d] >= 1 and element size `elem_bytes`, accessed through
//     index_d = sum_j coef[d][j] * i_j + offset[d],   coef[d][j] >= 0
// (conv input H index = stride*p + dil*r - pad). Only coef[d][0..ndims) is
// read. X *depends on* dim j when coef[d][j] > 0 for some d; R(X) is the set
// of those dims. Role READ: an input. Role OUTPUT: written; the op may also
// accumulate into it over loops it does not depend on (read-modify-write,
// like linalg outs). `resident`: the whole array already lives in the
// scratchpad (the caller's choice): no traffic, no buffer space, and the
// search ignores it. `needs_initial_read` (OUTPUT only): the previous
// contents must be loaded from DRAM before the first accumulation; false
// when the caller materialises the initial value in the scratchpad (a zero
// fill fused per tile). `scratch` (OUTPUT only, without
// needs_initial_read): an intermediate that lives only inside the op's tile
// -- a producer's output consumed by an epilogue fused into the same tile
// (passes/place.c) -- so it never crosses DRAM: no traffic, one buffer (not
// double-buffered), and a tiling is legal only when each of its tiles is
// visited once (its partial results are never set aside): every loop it
// does not depend on with n > 1 must be inner to its innermost dependent
// loop (reuse factor m(X) = 1 below).
//
// A TILING. A tile size T[j] in [1, E[j]] per dim and a loop order (a
// permutation of the dims, outer to inner) of the tile loops. Dim j has
// n[j] = ceil(E[j] / T[j]) tiles; tile k covers [k*T[j], k*T[j] + t) with
// t = min(T[j], E[j] - k*T[j]) (the last one may be partial). A *tile
// iteration* is one point (k_0..k_{ndims-1}) of the tile-loop nest, visited
// in lexicographic order of the loop order.
//
// FOOTPRINT. In a tile iteration, X's footprint is the bounding box of the
// image of the tile box under its map, clipped exactly, by position, to the
// array: in array dim d, lo = offset[d] + sum_j coef[d][j]*k_j*T[j] and
// hi = lo + sum_j coef[d][j]*(t_j - 1); the extent is
// max(0, min(hi, S[d]-1) - max(lo, 0) + 1). Bytes = elem_bytes * product of
// extents. (For maps that stay inside the array, which is every op without
// padding, no clipping happens and the extent is sum_j coef*(t_j-1) + 1.)
// A footprint of 0 bytes (a tile wholly in the padding) moves nothing and
// costs no transfer.
//
// TRANSFER POLICY (what the pass implements): one current tile per operand,
// identified by the tile indices k_j of the dims in R(X) -- the pass tests
// loop indices, not box coordinates.
//   - READ: loaded at the first tile iteration and whenever its identity
//     changes, i.e. when a loop it depends on advances or is reset. Loops it
//     does not depend on that are inner to its innermost dependent loop
//     (with n > 1) never reload it; those outer to it do.
//   - OUTPUT: stays on chip while consecutive iterations keep its identity
//     (accumulating over inner loops it does not depend on). When the
//     identity changes, and at the end, it is stored. When an identity comes
//     back (an outer loop X does not depend on -- a reduction loop for a
//     linalg op -- advanced), the partial result is loaded again before
//     continuing; the first visit loads only if `needs_initial_read`.
//   Each load or store of a non-empty footprint is one transfer (one DMA
//   descriptor). Traffic = bytes read + bytes written.
// Closed form: let L(X) be the innermost loop position holding a dim of R(X)
// with n > 1, m(X) the product of n[j] over the dims outer to L(X) that are
// not in R(X), F(X) the sum of X's footprint bytes over the distinct tile
// identities and C(X) how many of those are non-empty. Then READ: read
// m*F bytes in m*C transfers; OUTPUT: write m*F bytes in m*C transfers and
// read (m - 1 + needs_initial_read)*F bytes in as many times C transfers.
// spm_tile_evaluate() computes this; spm_tile_count_exact() simulates it.
//
// SPACE AND COST. Space = sum over non-resident operands of
// max-footprint bytes, rounded up to a multiple of the alignment (each
// buffer is allocated at an aligned offset), x (2 when double buffering and
// not scratch, else 1);
// a tiling is legal (`fits`) when space <= budget_bytes, every scratch
// operand has m(X) = 1 and, if max_tiles > 0, it has at most max_tiles tile
// iterations (the product of n[j]: a caller that unrolls the tiles bounds
// its output so). Cost = traffic_bytes + transfers *
// per_transfer_bytes (the bytes a transfer's latency is worth: DMA latency x
// bandwidth).
//
// SEARCH (spm_tile_search). Exhaustive over its candidate set: every
// combination of candidate tile sizes (per dim: every divisor of E, every
// power of two below E, and E; or every size 1..E with
// SPM_TILE_CANDIDATES_ALL) that is legal (budget, scratch, max_tiles), each
// with every loop order that can be optimal. Loop orders are enumerated as
// classes: the traffic of an order depends only on, per operand, the set of
// loops inner to its innermost dependent loop; orders with equal sets are
// one class, and a class whose every m(X) is a superset-product of another's
// is dropped (never better). Tilings are pruned by a monotone lower bound on
// the space (the footprint of the first tile). Minimises cost, then
// transfers, then prefers larger tiles in lower-numbered dims (the outer
// dims of the op's own nest), then the first order class enumerated; the
// plan is then recomputed by spm_tile_evaluate(). The smallest tiling (all
// T = 1) has the smallest space of all tilings, so when it does not fit,
// nothing does. When tilings fit the budget but none within max_tiles,
// OUT_OF_RANGE too, with plan->tiles the fewest tile iterations of those
// (plan otherwise zero).
//
// Ownership: every struct here is plain data owned by the caller; nothing is
// retained or allocated across calls. Statuses follow support/status.h.
#ifndef SPM_PLACE_TILE_MODEL_H
#define SPM_PLACE_TILE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SPM_TILE_MAX_DIMS 8
#define SPM_TILE_MAX_OPERANDS 8
#define SPM_TILE_MAX_RANK 8

// Validation limits, so that index arithmetic cannot overflow int64.
#define SPM_TILE_MAX_EXTENT ((int64_t)1 << 32) // E[j] and S[d]
#define SPM_TILE_MAX_COEF ((int64_t)1 << 20)
#define SPM_TILE_MAX_OFFSET ((int64_t)1 << 40) // |offset[d]|
#define SPM_TILE_MAX_ELEM_BYTES ((int64_t)1 << 20)
// SPM_TILE_CANDIDATES_ALL accepts extents up to this.
#define SPM_TILE_ALL_MAX_EXTENT ((int64_t)1 << 16)

typedef enum spm_tile_dim_kind_e {
  SPM_TILE_PARALLEL,
  SPM_TILE_REDUCTION,
} spm_tile_dim_kind_t;

typedef enum spm_tile_role_e {
  SPM_TILE_READ,
  SPM_TILE_OUTPUT,
} spm_tile_role_t;

typedef struct spm_tile_dim_s {
  int64_t extent; // E[j] >= 1
  spm_tile_dim_kind_t kind;
  bool whole;   // not tiled: the only tile size is the extent
  // Loops (bit k: loop k) that must be whole whenever this loop's tile is
  // above 1: an output dim indexed by several loops (a flattening map
  // d1 * 6 + d2 * 2 + d3) has disjoint tile boxes only when, from the
  // largest factor down, the tiles are 1, ..., 1, any, whole, ..., whole.
  // A tiling that breaks it is not legal (`fits` false; the search skips
  // it). 0: no such rule.
  uint32_t whole_if_tiled;
  char name[8]; // for messages and dumps ("" is fine)
} spm_tile_dim_t;

typedef struct spm_tile_operand_s {
  char name[16]; // for messages and dumps
  spm_tile_role_t role;
  bool resident;           // whole array in the scratchpad: ignored
  bool needs_initial_read; // OUTPUT: load the previous contents first
  bool scratch;            // OUTPUT: lives in the tile only (see above)
  int rank;                // 0..SPM_TILE_MAX_RANK
  int64_t elem_bytes;      // >= 1
  int64_t shape[SPM_TILE_MAX_RANK];                   // S[d] >= 1
  int64_t coef[SPM_TILE_MAX_RANK][SPM_TILE_MAX_DIMS]; // [d][j] >= 0
  int64_t offset[SPM_TILE_MAX_RANK];                  // c_d (may be < 0)
} spm_tile_operand_t;

typedef struct spm_tile_problem_s {
  int ndims; // 1..SPM_TILE_MAX_DIMS
  spm_tile_dim_t dim[SPM_TILE_MAX_DIMS];
  int noperands; // 1..SPM_TILE_MAX_OPERANDS
  spm_tile_operand_t operand[SPM_TILE_MAX_OPERANDS];
} spm_tile_problem_t;

typedef enum spm_tile_candidates_e {
  SPM_TILE_CANDIDATES_DIVISORS_POW2, // divisors of E, powers of two < E, E
  SPM_TILE_CANDIDATES_ALL,           // every size 1..E (small problems)
} spm_tile_candidates_t;

typedef struct spm_tile_options_s {
  int64_t budget_bytes;       // scratchpad bytes for the op's tiles, >= 0
  bool double_buffer;         // count two buffers per operand
  int64_t per_transfer_bytes; // cost of one transfer in bytes, >= 0
  spm_tile_candidates_t candidates;
  int64_t exact_iteration_limit; // spm_tile_count_exact: max tile iterations
  int64_t max_tiles; // a legal tiling has at most this many tile
                     // iterations (product of the trips); 0: no limit
  int64_t alignment; // each buffer's bytes are rounded up to a multiple
                     // of this (the scratchpad's alignment), >= 1
} spm_tile_options_t;

// Defaults: unlimited budget (INT64_MAX), single buffering, 0 bytes per
// transfer, divisor/power-of-two candidates, 1<<24 exact iterations, no
// limit on tile iterations, alignment 1.
spm_tile_options_t spm_tile_options_default(void);

typedef struct spm_tile_operand_traffic_s {
  int64_t bytes_read;
  int64_t bytes_written;
  int64_t reads;  // transfers DRAM -> scratchpad (non-empty footprints)
  int64_t writes; // transfers scratchpad -> DRAM
  int64_t max_footprint; // bytes of one buffer (0 for a resident operand)
  int64_t reuse_factor;  // m(X) above: times each tile is brought in
} spm_tile_operand_traffic_t;

typedef struct spm_tile_plan_s {
  int ndims, noperands;
  int order[SPM_TILE_MAX_DIMS];     // tile loops, outer to inner
  int64_t tile[SPM_TILE_MAX_DIMS];  // T[j]
  int64_t trips[SPM_TILE_MAX_DIMS]; // n[j] = ceil(E[j] / T[j])
  int64_t tiles; // tile iterations, the product of trips[] (INT64_MAX if it
                 // overflows); spm_tile_search failing on max_tiles: the
                 // fewest of any tiling that is legal but for max_tiles
  spm_tile_operand_traffic_t operand[SPM_TILE_MAX_OPERANDS];
  int64_t bytes_read, bytes_written;
  int64_t traffic_bytes; // bytes_read + bytes_written
  int64_t transfers;     // reads + writes over all operands
  int64_t space_bytes;   // buffer space (double buffering applied)
  int64_t cost;          // traffic_bytes + transfers * per_transfer_bytes
  bool fits;             // space_bytes <= budget_bytes, scratch m(X) = 1,
                         // tiles <= max_tiles (if set)
  // spm_tile_search only (0 otherwise):
  int64_t tilings_evaluated; // candidate tile-size vectors within budget
  int64_t order_classes;     // loop-order classes tried per tiling
  double seconds;
} spm_tile_plan_t;

// Whether `tile` (tile[j] for each of problem->ndims dims) keeps the rules
// that keep an output's tile boxes disjoint: every `whole` dim at its
// extent, and every dim in the whole_if_tiled of a dim tiled above 1 at its
// extent. Only ndims and the dims' extent, whole and whole_if_tiled are
// read, so a caller may fill just those (spm-place's chains do).
bool spm_tile_nesting_ok(const spm_tile_problem_t *problem,
                         const int64_t *tile);

// Checks a problem: dims/operands/ranks in range, extents, shapes, element
// sizes, coefficients and offsets within the limits above. Returns OK or
// INVALID_ARGUMENT naming the first offending field.
spm_status_t spm_tile_problem_validate(const spm_tile_problem_t *problem);

// The model in closed form (factorised over the independent parts of each
// map; cost independent of the number of tile iterations for maps that stay
// in bounds). `order` is a permutation of 0..ndims-1 (outer to inner),
// `tile[j]` in [1, E[j]]. `options` may be NULL (defaults). Fills *plan;
// `order` and `tile` may point into *plan (plan->order, plan->tile).
// INVALID_ARGUMENT for a bad problem, order or tile; OUT_OF_RANGE if a
// count overflows int64.
spm_status_t spm_tile_evaluate(const spm_tile_problem_t *problem,
                               const spm_tile_options_t *options,
                               const int *order, const int64_t *tile,
                               spm_tile_plan_t *plan);

// The reference: simulates the tile-loop nest iteration by iteration with
// the transfer policy above and counts bytes, transfers and footprints
// (shares no counting code with spm_tile_evaluate). Same arguments and
// result; OUT_OF_RANGE when the nest has more than
// options->exact_iteration_limit tile iterations.
spm_status_t spm_tile_count_exact(const spm_tile_problem_t *problem,
                                  const spm_tile_options_t *options,
                                  const int *order, const int64_t *tile,
                                  spm_tile_plan_t *plan);

// The search described above. Fills *plan with the best tiling.
// OUT_OF_RANGE when even the smallest tiling exceeds options->budget_bytes
// (the message gives the bytes it needs, per operand), or when no tiling
// within the budget visits each scratch tile once; INVALID_ARGUMENT for a
// bad problem or options.
spm_status_t spm_tile_search(const spm_tile_problem_t *problem,
                             const spm_tile_options_t *options,
                             spm_tile_plan_t *plan);

// --- constructors ------------------------------------------------------------
// Each fills *problem (zeroing it first) and validates it.

// 2-D convolution, NCHW input [N,C,H,W], FCHW filter [K,C,R,S], output
// [N,K,P,Q]. Dims, in this order: n k p q (parallel) c r s (reduction).
// Input H index = stride_h*p + dil_h*r - pad_h (W likewise). h/w = 0 derive
// the input size: H = (P-1)*stride_h + (R-1)*dil_h + 1 - 2*pad_h.
// stride/dil = 0 mean 1.
typedef struct spm_tile_conv2d_s {
  int64_t n, k, c, p, q, r, s;
  int64_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int64_t h, w;
  int64_t in_bytes, weight_bytes, out_bytes;
  bool out_needs_initial_read;
} spm_tile_conv2d_t;
spm_status_t spm_tile_problem_conv2d(const spm_tile_conv2d_t *conv,
                                     spm_tile_problem_t *problem);

// C[M,N] (+)= A[M,K] * B[K,N]. Dims m n (parallel) k (reduction).
spm_status_t spm_tile_problem_matmul(int64_t m, int64_t n, int64_t k,
                                     int64_t a_bytes, int64_t b_bytes,
                                     int64_t c_bytes,
                                     bool c_needs_initial_read,
                                     spm_tile_problem_t *problem);

// out = f(in_0, ..., in_{ninputs-1}), all of shape shape[0..rank), identity
// maps; dims d0.. (parallel). ninputs in 1..SPM_TILE_MAX_OPERANDS-1.
spm_status_t spm_tile_problem_elementwise(int rank, const int64_t *shape,
                                          int ninputs,
                                          const int64_t *in_bytes,
                                          int64_t out_bytes,
                                          spm_tile_problem_t *problem);

// 2-D pooling: input [N,C,H,W] -> output [N,C,P,Q] over an R x S window
// (stride_h, stride_w; 0 means 1; H = (P-1)*stride_h + R, W likewise).
// Dims n c p q (parallel) r s (reduction). The output's initial value
// (-inf or 0) is materialised on chip: needs_initial_read is false.
spm_status_t spm_tile_problem_pooling(int64_t n, int64_t c, int64_t p,
                                      int64_t q, int64_t r, int64_t s,
                                      int64_t stride_h, int64_t stride_w,
                                      int64_t in_bytes, int64_t out_bytes,
                                      spm_tile_problem_t *problem);

#ifdef __cplusplus
}
#endif
#endif
