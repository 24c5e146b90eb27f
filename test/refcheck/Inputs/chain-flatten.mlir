// A conv with its bias + ReLU epilogue, then a flattening copy of the
// result into the output, (n, c, h, w) -> (n, c * 78 + h * 6 + w): the
// chain's consumer stores a flattened dim indexed by three loops.
// (spm-fuzz-gen seed 3213, reduced.)
func.func @chain_flatten(%x: memref<2x3x15x8xf32>, %w: memref<7x3x2x2xf32>, %b: memref<7xf32>, %out: memref<2x546xf32>) {
  %acc = memref.alloc() : memref<2x7x14x7xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%acc : memref<2x7x14x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<2x3x15x8xf32>, memref<7x3x2x2xf32>) outs(%acc : memref<2x7x14x7xf32>)
  %act = memref.alloc() : memref<2x7x14x7xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %b : memref<2x7x14x7xf32>, memref<7xf32>) outs(%act : memref<2x7x14x7xf32>) {
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  %win = memref.subview %act[0, 0, 0, 1] [2, 7, 13, 6] [1, 1, 1, 1] : memref<2x7x14x7xf32> to memref<2x7x13x6xf32, strided<[686, 98, 7, 1], offset: 1>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1 * 78 + d2 * 6 + d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%win : memref<2x7x13x6xf32, strided<[686, 98, 7, 1], offset: 1>>) outs(%out : memref<2x546xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  return
}
