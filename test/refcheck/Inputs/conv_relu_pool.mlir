// conv 3x3 (4 -> 8 channels, 16x16 output) + bias + ReLU + 2x2/2 max pool.
// The 8 KiB accumulator and the 8 KiB activation do not fit together with
// the input in 16 KiB: the chain is tiled and fused.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc4 = affine_map<(d0, d1, d2, d3) -> (d1)>
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @chain(%x: memref<1x4x18x18xf32>, %w: memref<8x4x3x3xf32>, %b: memref<8xf32>, %y: memref<1x8x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %acc = memref.alloc() : memref<1x8x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x8x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x18x18xf32>, memref<8x4x3x3xf32>) outs(%acc : memref<1x8x16x16xf32>)
  %act = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#id4, #bc4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %b : memref<1x8x16x16xf32>, memref<8xf32>) outs(%act : memref<1x8x16x16xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  %win = memref.alloc() : memref<2x2xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x8x8x8xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%act, %win : memref<1x8x16x16xf32>, memref<2x2xf32>) outs(%y : memref<1x8x8x8xf32>)
  memref.dealloc %win : memref<2x2xf32>
  memref.dealloc %act : memref<1x8x16x16xf32>
  memref.dealloc %acc : memref<1x8x16x16xf32>
  return
}
}
