// spm-place unrolls each op into its tiles, so it takes no tiling with more
// than max-tiles tiles (default 32768): an op whose every tiling that fits
// has more is an error at the op, found by arithmetic before anything is
// emitted -- a 262144x262144 copy fails at once instead of unrolling 4M
// tiles (minutes, gigabytes) -- also under spm-allocate, which places by
// itself. Below the limit nothing changes; a lower limit makes the pass
// prefer tilings with fewer tiles: single buffering (bigger tiles), a
// matmul and its epilogue placed apart rather than fused, no chain.
// (`timeout`: without the limit the first two runs would not end.)
// RUN: not timeout 60 spm-opt --spm-target=gemmini --spm-place %S/Inputs/copy-262144.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not timeout 60 spm-opt --spm-target=gemmini --spm-allocate %S/Inputs/copy-262144.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefixes=HUGE,HUGE-ALLOC
// RUN: spm-opt --spm-target=gemmini --spm-place='capacity=4K max-tiles=8 report=ops' %S/Inputs/matmul.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=AT
// RUN: spm-opt --spm-target=gemmini --spm-place='capacity=4K max-tiles=8' %S/Inputs/matmul.mlir | spm-opt --spm-allocate -o /dev/null 2>&1 | FileCheck %s --check-prefix=AT-PACKED
// RUN: not spm-opt --spm-target=gemmini --spm-place='capacity=4K max-tiles=7' %S/Inputs/matmul.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=OVER
// RUN: spm-opt --spm-target=gemmini --spm-allocate='capacity=8K max-tiles=32' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLOC-AT
// RUN: not spm-opt --spm-target=gemmini --spm-allocate='capacity=8K max-tiles=31' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLOC-OVER
// RUN: spm-opt --spm-place='capacity=12K report=ops' %S/tiling.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=DB
// RUN: spm-opt --spm-place='capacity=12K report=ops max-tiles=4' %S/tiling.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=SB
// RUN: spm-opt --spm-target=gemmini --spm-place='capacity=16K report=ops' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSED
// RUN: spm-opt --spm-target=gemmini --spm-place='capacity=16K report=ops max-tiles=8' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=APART
// RUN: spm-opt --spm-place='report=ops max-tiles=5' %S/Inputs/pad-chain.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHAIN
// RUN: spm-opt --spm-place='report=ops max-tiles=4' %S/Inputs/pad-chain.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOCHAIN
// RUN: not spm-opt --spm-place=max-tiles=0 %s 2>&1 | FileCheck %s --check-prefix=BAD0
// RUN: not spm-opt --spm-place=max-tiles=99999999999999999999 %s 2>&1 | FileCheck %s --check-prefix=BADBIG
// RUN: not spm-opt --spm-allocate=max-tiles=lots %s 2>&1 | FileCheck %s --check-prefix=BADALLOC

// A tiling that fits in 90% of gemmini's 256 KiB has at least 4194304
// tiles (16384 elements, input and output single-buffered), 128 times the
// limit. No remark follows: nothing was placed.
// HUGE: copy-262144.mlir:6:3: error: spm-place: cannot place 'linalg.generic': it needs 4194304 tiles to fit in the 235929 bytes of scratchpad left for it, more than the limit of 32768 tiles per op (the output is unrolled, one copy of the op per tile); give it a larger scratchpad (option capacity=BYTES), split it into smaller ops, or raise the limit (option max-tiles=N of spm-place or spm-allocate)
// HUGE-NEXT: linalg.generic
// HUGE-NOT: remark: spm-place
// HUGE-ALLOC-NOT: remark: spm-allocate

// At the limit: 8 tiles are allowed, and spm-allocate packs the result.
// AT: matmul.mlir:3:3: remark: spm-place: linalg.matmul: 8 tiles [32x16x8]
// AT-PACKED: remark: spm-allocate: {{[0-9]+}} buffers, {{.*}} capacity 4096 bytes
// OVER: matmul.mlir:3:3: error: spm-place: cannot place 'linalg.matmul': it needs 8 tiles to fit in the 3686 bytes of scratchpad left for it, more than the limit of 7 tiles per op

// spm-allocate passes its max-tiles to the placement it runs: at 8 KiB the
// function below (its 16 KiB intermediate does not fit) is placed as a
// fused pair of 32 tiles; with at most 31, the pair is not fused and the
// matmul alone needs 32 too.
// ALLOC-AT: max-tiles.mlir:72:1: remark: spm-place: 2 ops (1 tiled, 32 tiles, 1 fused pair, 0 chains)
// ALLOC-AT: max-tiles.mlir:72:1: remark: spm-allocate: {{[0-9]+}} buffers, {{.*}} (after spm-place, reserve 10%)
// ALLOC-OVER: max-tiles.mlir:76:3: error: spm-place: cannot place 'linalg.matmul': it needs 32 tiles to fit in the 7372 bytes of scratchpad left for it, more than the limit of 31 tiles per op
// ALLOC-OVER-NOT: remark: spm-allocate

// With double buffering the matmul of tiling.mlir has 8 tiles; with at most
// 4 it is single-buffered in 2.
// DB: remark: spm-place: linalg.matmul: 8 tiles [32x32x4] order (d0,d1,d2) double-buffered;
// SB: remark: spm-place: linalg.matmul: 2 tiles [32x32x16] order (d0,d1,d2);

// The fused pair below needs 16 tiles (the accumulator lives in the tile);
// at most 8: the matmul in 8 tiles and the ReLU in 4, its input through DRAM.
// FUSED: max-tiles.mlir:76:3: remark: spm-place: linalg.matmul + linalg.generic (fused, no DRAM for %alloc0): 16 tiles
// APART: max-tiles.mlir:76:3: remark: spm-place: linalg.matmul: 8 tiles
// APART: max-tiles.mlir:77:3: remark: spm-place: linalg.generic: 4 tiles
// APART: remark: spm-place: 2 ops (2 tiled, 12 tiles, 0 fused pairs, 0 chains)

// The chain of fills.mlir has 5 tiles; at most 4: its two ops placed apart.
// CHAIN: pad-chain.mlir:10:3: remark: spm-place: linalg.generic + linalg.generic (chained with halo, no DRAM for %alloc0): 5 tiles
// NOCHAIN: pad-chain.mlir:10:3: remark: spm-place: linalg.generic: 4 tiles
// NOCHAIN: pad-chain.mlir:15:3: remark: spm-place: linalg.generic: 4 tiles
// NOCHAIN: remark: spm-place: 2 ops (2 tiled, 8 tiles, 0 fused pairs, 0 chains)

// BAD0: 'spm-place' option max-tiles needs a positive number of tiles, got '0'
// BADBIG: 'spm-place' option max-tiles needs a positive number of tiles, got '99999999999999999999'
// BADALLOC: 'spm-allocate' option max-tiles needs a positive number of tiles, got 'lots'

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @mm_relu(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %out: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%z : f32) outs(%t : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%t : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : memref<64x64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %r = arith.maximumf %x, %z : f32
    linalg.yield %r : f32
  }
  return
}
