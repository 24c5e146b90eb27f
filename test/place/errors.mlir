// spm-place errors: ops it cannot place are named at their location (one
// that needs more tiles than max-tiles among them); a capacity no tiling
// fits; bad options; no target.
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-place %s --verify-diagnostics -o /dev/null
// RUN: not spm-opt --spm-target=gemmini --spm-place='capacity=16 reserve=0.5' %S/Inputs/matmul.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOFIT
// RUN: not spm-opt --spm-place %S/Inputs/matmul.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not spm-opt --spm-place=strategy=lru %s 2>&1 | FileCheck %s --check-prefix=STRATEGY
// RUN: not spm-opt --spm-place=reserve=1.5 %s 2>&1 | FileCheck %s --check-prefix=RESERVE
// RUN: not spm-opt --spm-place=double-buffer=maybe %s 2>&1 | FileCheck %s --check-prefix=DB
// RUN: not spm-opt --spm-place=report=all %s 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not spm-opt --spm-place=colour=red %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not spm-opt --spm-target=gemmini --spm-place=capacity=big %S/Inputs/matmul.mlir 2>&1 | FileCheck %s --check-prefix=CAP

// NOFIT: matmul.mlir:{{[0-9]+}}:3: error: spm-place: no tiling of this op fits the scratchpad (8 usable bytes of 16):
// NOTARGET: error: spm-place: needs a scratchpad: add a 'spm.target' module attribute or use --spm-target=NAME
// STRATEGY: 'spm-place' option strategy must be reuse or static, got 'lru'
// RESERVE: 'spm-place' option reserve needs a fraction in [0, 1), got '1.5'
// DB: 'spm-place' option double-buffer must be true or false, got 'maybe'
// REPORT: 'spm-place' option report must be summary, ops, reuse or none, got 'all'
// UNKNOWN: 'spm-place' has no option 'colour' (options: strategy, capacity, reserve, double-buffer, fuse, chain, residency, report, max-tiles)
// CAP: error:

func.func @loop(%a: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  // expected-error@below {{spm-place: cannot place 'scf.for': spm-place handles linalg ops on memrefs (plus memref.alloc/subview/dealloc and constants); this op is not one of them}}
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %a[%i] : memref<8xf32>
    memref.store %v, %a[%i] : memref<8xf32>
  }
  return
}

// -----

func.func @dynamic_view(%a: memref<16xf32>, %o: index) {
  // expected-error@below {{spm-place: cannot place 'memref.subview': only static, rank-preserving subviews of the function's buffers are supported}}
  %v = memref.subview %a[%o] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
  return
}

// -----

#m = affine_map<(d0) -> (d0 floordiv 2)>
#id = affine_map<(d0) -> (d0)>
func.func @nonlinear(%a: memref<8xf32>, %b: memref<16xf32>) {
  // expected-error@below {{spm-place: cannot place 'linalg.generic': an indexing map that is not a sum of loop indices with non-negative constant factors}}
  linalg.generic {indexing_maps = [#m, #id], iterator_types = ["parallel"]}
      ins(%a : memref<8xf32>) outs(%b : memref<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

// expected-error@below {{spm-place: argument 0 needs a static shape and an integer or float element type}}
func.func @dynamic(%a: memref<?xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%a : memref<?xf32>)
  return
}

// -----

// A 262144x262144 f32 copy: every tiling that fits has at least 4194304
// tiles, more than max-tiles (test/place/max-tiles.mlir).
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @too_many_tiles(%in: memref<262144x262144xf32>, %out: memref<262144x262144xf32>) {
  // expected-error@below {{spm-place: cannot place 'linalg.generic': it needs 4194304 tiles to fit in the 235929 bytes of scratchpad left for it, more than the limit of 32768 tiles per op}}
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<262144x262144xf32>) outs(%out : memref<262144x262144xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}
