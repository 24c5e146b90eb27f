func.func @mm(%a: memref<4x8xf32>, %b: memref<8x5xf32>, %c: memref<4x5xf32>, %q: memref<3xi8>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}
