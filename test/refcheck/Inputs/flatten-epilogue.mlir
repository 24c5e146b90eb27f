// A conv (3 -> 16 channels, 16x16) whose ReLU epilogue writes a flattened
// output (d1 * 256 + d2 * 16 + d3) on an 8 KiB scratchpad: the pair is fused
// and tiled along rows with one channel per tile (the nesting rule of
// docs/tiling.md applies to the epilogue's output: a tile of d2 only with
// d1 at 1, and d3 whole).
module attributes {spm.target = #spm.target<{name = "small", capacity = 8192 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%x: memref<1x3x37x37xf32>, %w: memref<16x3x7x7xf32>, %y: memref<1x4096xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x3x37x37xf32>, memref<16x3x7x7xf32>) outs(%acc : memref<1x16x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c * 256 + h * 16 + w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<1x16x16x16xf32>) outs(%y : memref<1x4096xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %acc : memref<1x16x16x16xf32>
  return
}
}
