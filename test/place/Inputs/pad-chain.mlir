// fills.mlir's first function alone (input of test/place/max-tiles.mlir): a
// copy into a padded buffer's interior and its read-out, which spm-place
// runs as one chain of 5 tiles at 1 KiB.
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 1024 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @pad_border(%x: memref<1x4x8x8xf32>, %y: memref<1x4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %pad = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x4x10x10xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x8x8xf32>) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%pad : memref<1x4x10x10xf32>) outs(%y : memref<1x4x10x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  memref.dealloc %pad : memref<1x4x10x10xf32>
  return
}
}
