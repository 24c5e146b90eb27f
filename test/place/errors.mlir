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
// A bare flag means true (as in mlir-opt); any other bare option is an error.
// RUN: not spm-opt --spm-place='fuse report' %s 2>&1 | FileCheck %s --check-prefix=BARE
// RUN: not spm-opt --spm-place='chain capacity' %s 2>&1 | FileCheck %s --check-prefix=BARE-CAP
// RUN: not spm-opt --spm-target=gemmini --spm-place=capacity=big %S/Inputs/matmul.mlir 2>&1 | FileCheck %s --check-prefix=CAP

// NOFIT: matmul.mlir:{{[0-9]+}}:3: error: spm-place: no tiling of this op fits the scratchpad (8 usable bytes of 16):
// NOTARGET: error: spm-place: needs a scratchpad: add a 'spm.target' module attribute or use --spm-target=NAME
// STRATEGY: 'spm-place' option strategy must be reuse or static, got 'lru'
// RESERVE: 'spm-place' option reserve needs a fraction in [0, 1), got '1.5'
// DB: 'spm-place' option double-buffer must be true or false, got 'maybe'
// REPORT: 'spm-place' option report must be summary, ops, reuse or none, got 'all'
// UNKNOWN: 'spm-place' has no option 'colour' (options: strategy, capacity, reserve, double-buffer, fuse, chain, residency, report, max-tiles)
// BARE: spm-opt: error: 'spm-place' option report needs a value (report=...)
// BARE-CAP: spm-opt: error: 'spm-place' option capacity needs a value (capacity=...)
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

// expected-error@below {{spm-place: argument 0 needs a static shape of rank 1 to 8, an integer or float element type and a size that fits in 64 bits}}
func.func @dynamic(%a: memref<?xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%a : memref<?xf32>)
  return
}

// -----

// A rank-0 operand (!spm.buf holds ranks 1 to 8): it crashed the pass.
// expected-error@below {{spm-place: argument 1 needs a static shape of rank 1 to 8}}
func.func @rank0(%a: memref<8x8xf32>, %b: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%a : memref<8x8xf32>) outs(%b : memref<f32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A byte size past 64 bits (it overflowed before a later check caught it).
// expected-error@below {{spm-place: argument 0 needs a static shape of rank 1 to 8, an integer or float element type and a size that fits in 64 bits}}
func.func @huge(%a: memref<1099511627776x1099511627776xf32>, %b: memref<8xf32>) {
  return
}

// -----

// A returned local buffer escapes: refused (it used to be placed on chip and
// the function lost its terminator).
func.func @returns(%a: memref<8xf32>) -> memref<8xf32> {
  %b = memref.alloc() : memref<8xf32>
  linalg.copy ins(%a : memref<8xf32>) outs(%b : memref<8xf32>)
  // expected-error@below {{spm-place: cannot place 'func.return': it returns the local buffer %alloc0 (write the result to a function argument instead)}}
  return %b : memref<8xf32>
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

// -----

// A zero-size operand: nothing to compute, and said so (not "a loop whose
// range no operand dimension gives"); --canonicalize erases such ops.
func.func @empty(%a: memref<0x4xf32>, %b: memref<0x4xf32>) {
  // expected-error@below {{spm-place: cannot place 'linalg.copy': an operand with a dimension of size 0: the op computes nothing (--canonicalize erases it)}}
  linalg.copy ins(%a : memref<0x4xf32>) outs(%b : memref<0x4xf32>)
  return
}
