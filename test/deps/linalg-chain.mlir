// A producer/consumer chain of linalg ops: matmul -> bias add -> relu.
// RUN: spm-opt --spm-deps %s -o /dev/null 2>&1 | FileCheck %s
// Remarks are emitted at the sink op: "KIND dependence on BUFFER from
// SRC-OP@LINE:COL to DST-OP@LINE:COL at depth D (carried|loop-independent),
// distance (per common loop)". Flow is value-based: the bias add overwrote
// %alloc, so relu's read depends on it and not on the matmul.

// CHECK: [[@LINE+22]]:3: remark: flow dependence on %alloc from linalg.fill@[[@LINE+21]]:3 to linalg.matmul@[[@LINE+22]]:3 at depth 1 (loop-independent), distance ()
// CHECK: remark: output dependence on %alloc from linalg.fill@{{.*}} to linalg.matmul
// CHECK: remark: output dependence on %alloc from linalg.fill@{{.*}} to linalg.generic@[[BIAS:[0-9]+]]:3
// Within the matmul: the accumulator is read then written at each k.
// CHECK: remark: anti dependence on %alloc from linalg.matmul@[[MM:[0-9]+]]:3 to linalg.matmul@[[MM]]:3 at depth 3 (carried), distance (0, 0, [1, 15])
// CHECK: remark: anti dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.matmul@[[MM]]:3 at depth 4 (loop-independent), distance (0, 0, 0)
// CHECK: remark: anti dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.generic@[[BIAS]]:3 at depth 1 (loop-independent), distance ()
// CHECK: remark: flow dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.matmul@[[MM]]:3 at depth 3 (carried), distance (0, 0, 1)
// CHECK: remark: output dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.matmul@[[MM]]:3 at depth 3 (carried), distance (0, 0, [1, 15])
// CHECK: remark: flow dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.generic@[[BIAS]]:3 at depth 1 (loop-independent), distance ()
// CHECK: remark: output dependence on %alloc from linalg.matmul@[[MM]]:3 to linalg.generic@[[BIAS]]:3
// CHECK: remark: anti dependence on %alloc from linalg.generic@[[BIAS]]:3 to linalg.generic@[[BIAS]]:3 at depth 3 (loop-independent), distance (0, 0)
// CHECK: remark: flow dependence on %alloc from linalg.generic@[[BIAS]]:3 to linalg.generic@[[RELU:[0-9]+]]:3 at depth 1 (loop-independent), distance ()
// CHECK-NOT: to linalg.generic@[[RELU]]

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @chain(%x: memref<8x16xf32>, %w: memref<16x32xf32>, %b: memref<32xf32>,
                 %y: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %h = memref.alloc() : memref<8x32xf32>
  linalg.fill ins(%zero : f32) outs(%h : memref<8x32xf32>)
  linalg.matmul ins(%x, %w : memref<8x16xf32>, memref<16x32xf32>)
                outs(%h : memref<8x32xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %b : memref<8x32xf32>, memref<32xf32>) outs(%h : memref<8x32xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %s = arith.addf %v, %bb : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : memref<8x32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %h : memref<8x32xf32>
  return
}
