// Inputs whose values an op's body never uses (docs/passes.md, spm-place):
// a pooling window that an earlier op wrote (an intermediate on chip), and
// linalg.generic inputs the body ignores: an argument, and a view of an
// intermediate that nothing else reads.
module attributes {spm.target = #spm.target<{name = "small", capacity = 4096 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @shape_only(%x: memref<1x2x6x6xf32>, %w0: memref<2x2xf32>, %b: memref<3xf32>, %y: memref<1x2x3x3xf32>, %z: memref<1x2x3x3xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  // the window: written, on chip, then only its shape is used
  %w = memref.alloc() : memref<2x2xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%w0 : memref<2x2xf32>) outs(%w : memref<2x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x2x3x3xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x2x6x6xf32>, memref<2x2xf32>) outs(%y : memref<1x2x3x3xf32>)
  // %t's interior is written, then read only by a body that ignores it
  %t = memref.alloc() : memref<1x2x5x5xf32>
  %c0 = arith.constant 0.0 : f32
  linalg.fill ins(%c0 : f32) outs(%t : memref<1x2x5x5xf32>)
  %ti = memref.subview %t[0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 1, 1] : memref<1x2x5x5xf32> to memref<1x2x3x3xf32, strided<[50, 25, 5, 1], offset: 6>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : memref<1x2x3x3xf32>) outs(%ti : memref<1x2x3x3xf32, strided<[50, 25, 5, 1], offset: 6>>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%ti, %b : memref<1x2x3x3xf32, strided<[50, 25, 5, 1], offset: 6>>, memref<3xf32>) outs(%z : memref<1x2x3x3xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %c = arith.constant 2.0 : f32
    %s = arith.addf %o, %c : f32
    linalg.yield %s : f32
  }
  memref.dealloc %t : memref<1x2x5x5xf32>
  memref.dealloc %w : memref<2x2xf32>
  return
}
}
