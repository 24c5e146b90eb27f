// A bufferized two-layer perceptron on memrefs: matmul -> bias add -> relu
// -> matmul. The kind of input spm's passes take (linalg on memrefs).
#map_bias = affine_map<(d0, d1) -> (d1)>
#map_id = affine_map<(d0, d1) -> (d0, d1)>
func.func @mlp(%x: memref<16x64xf32>, %w1: memref<64x128xf32>,
               %b1: memref<128xf32>, %w2: memref<128x10xf32>,
               %out: memref<16x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %h = memref.alloc() : memref<16x128xf32>
  linalg.fill ins(%zero : f32) outs(%h : memref<16x128xf32>)
  linalg.matmul ins(%x, %w1 : memref<16x64xf32>, memref<64x128xf32>)
                outs(%h : memref<16x128xf32>)
  linalg.generic {indexing_maps = [#map_bias, #map_id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%b1 : memref<128xf32>) outs(%h : memref<16x128xf32>) {
  ^bb0(%b: f32, %v: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%out : memref<16x10xf32>)
  linalg.matmul ins(%h, %w2 : memref<16x128xf32>, memref<128x10xf32>)
                outs(%out : memref<16x10xf32>)
  memref.dealloc %h : memref<16x128xf32>
  return
}
