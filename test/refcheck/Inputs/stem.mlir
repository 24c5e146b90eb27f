// A ResNet stem on a 16 KiB scratchpad: conv 7x7/2 (3 -> 16 channels,
// 16x16 output) + bias + ReLU written into the interior of a -inf padded
// buffer, then a 3x3/2 max pool with padding 1 (overlapping windows). The
// 20 KiB padded activation does not fit: spm-place runs the conv, its
// epilogue and the pool as one chain, the conv recomputing the rows and
// columns where neighbouring pool windows overlap (the halo).
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc4 = affine_map<(d0, d1, d2, d3) -> (d1)>
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @stem(%x: memref<1x3x37x37xf32>, %w: memref<16x3x7x7xf32>, %b: memref<16xf32>, %y: memref<1x16x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %acc = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x3x37x37xf32>, memref<16x3x7x7xf32>) outs(%acc : memref<1x16x16x16xf32>)
  %pad = memref.alloc() : memref<1x16x18x18xf32>
  linalg.fill ins(%ninf : f32) outs(%pad : memref<1x16x18x18xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 16, 16, 16] [1, 1, 1, 1] : memref<1x16x18x18xf32> to memref<1x16x16x16xf32, strided<[5184, 324, 18, 1], offset: 19>>
  linalg.generic {indexing_maps = [#id4, #bc4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %b : memref<1x16x16x16xf32>, memref<16xf32>) outs(%int : memref<1x16x16x16xf32, strided<[5184, 324, 18, 1], offset: 19>>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  %win = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x16x8x8xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%pad, %win : memref<1x16x18x18xf32>, memref<3x3xf32>) outs(%y : memref<1x16x8x8xf32>)
  memref.dealloc %win : memref<3x3xf32>
  memref.dealloc %pad : memref<1x16x18x18xf32>
  memref.dealloc %acc : memref<1x16x16x16xf32>
  return
}
}
