// A producer/consumer chain of linalg ops: matmul -> bias add -> relu.
// RUN: spm-opt --spm-deps %s -o /dev/null 2>&1 | FileCheck %s
// RUN: spm-opt --spm-deps %s --verify-diagnostics -o /dev/null

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
