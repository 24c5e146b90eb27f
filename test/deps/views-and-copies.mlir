// More views folded onto their root (expand_shape, reinterpret_cast, cast),
// memref.copy, and linalg on dynamic shapes (conservative, with a remark).
// RUN: spm-opt --spm-deps %s -o /dev/null --verify-diagnostics

// expand_shape: the store to A[5] is read as E[1, 1] (row-major, 4 per row)
// and by nothing else.
func.func @expand(%A: memref<16xf32>, %out: memref<4x4xf32>) {
  %c = arith.constant 1.0 : f32
  %E = memref.expand_shape %A [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  affine.store %c, %A[5] : memref<16xf32>
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 4 {
      // expected-remark@below {{flow dependence on %arg0 from affine.store@10:3 to affine.load@14:12 at depth 1 (loop-independent), distance ()}}
      %v = affine.load %E[%i, %j] : memref<4x4xf32>
      affine.store %v, %out[%i, %j] : memref<4x4xf32>
    }
  }
  return
}

// reinterpret_cast of a 4x8 buffer as its odd columns (offset 1, strides
// [8, 2]): the store to A[2, 3] reaches R[2, 1].
func.func @reinterpret(%A: memref<4x8xf32>, %out: memref<4x4xf32>) {
  %c = arith.constant 1.0 : f32
  %R = memref.reinterpret_cast %A to offset: [1], sizes: [4, 4], strides: [8, 2] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 2], offset: 1>>
  affine.store %c, %A[2, 3] : memref<4x8xf32>
  // an even column: never read through R
  affine.store %c, %A[2, 4] : memref<4x8xf32>
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 4 {
      // expected-remark@below {{flow dependence on %arg0 from affine.store@26:3 to affine.load@32:12 at depth 1 (loop-independent), distance ()}}
      %v = affine.load %R[%i, %j] : memref<4x4xf32, strided<[8, 2], offset: 1>>
      affine.store %v, %out[%i, %j] : memref<4x4xf32>
    }
  }
  return
}

// memref.copy reads all of its source and writes all of its target (a
// must-write: the earlier store to the target is overwritten).
func.func @copy(%A: memref<8xf32>, %B: memref<8xf32>, %out: memref<8xf32>) {
  %c = arith.constant 1.0 : f32
  affine.store %c, %A[3] : memref<8xf32>
  affine.store %c, %B[3] : memref<8xf32>
  // expected-remark@below {{flow dependence on %arg0 from affine.store@43:3 to memref.copy@46:3 at depth 1 (loop-independent), distance ()}}
  memref.copy %A, %B : memref<8xf32> to memref<8xf32>
  // expected-remark@-1 {{output dependence on %arg1 from affine.store@44:3 to memref.copy@46:3 at depth 1 (loop-independent), distance ()}}
  affine.for %i = 0 to 8 {
    // expected-remark@below {{flow dependence on %arg1 from memref.copy@46:3 to affine.load@50:10 at depth 1 (loop-independent), distance ()}}
    %v = affine.load %B[%i] : memref<8xf32>
    affine.store %v, %out[%i] : memref<8xf32>
  }
  return
}

// Dynamic shapes: the loop ranges are unknown, so the op may read and write
// all of its buffers.
#id = affine_map<(d0) -> (d0)>
func.func @dynamic(%A: memref<?xf32>, %B: memref<?xf32>) {
  %c = arith.constant 1.0 : f32
  affine.store %c, %A[0] : memref<?xf32>
  // expected-remark@below {{linalg op whose loop ranges are not static: treated as reading and writing all of %arg0}}
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%A : memref<?xf32>) outs(%B : memref<?xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  // expected-remark@-5 {{linalg op whose loop ranges are not static: treated as reading and writing all of %arg1}}
  // expected-remark@-6 {{flow dependence on %arg0 from affine.store@61:3 to linalg.generic@63:3 at depth 1 (loop-independent)}}
  // expected-remark@-7 {{may output dependence on %arg0 from affine.store@61:3 to linalg.generic@63:3 at depth 1 (loop-independent)}}
  // expected-remark@-8 {{may anti dependence on %arg0 from linalg.generic@63:3 to linalg.generic@63:3}}
  // expected-remark@-9 {{may anti dependence on %arg1 from linalg.generic@63:3 to linalg.generic@63:3}}
  return
}
