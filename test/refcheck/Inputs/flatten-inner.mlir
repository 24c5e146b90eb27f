// A flattening copy (1x4x16x8 -> 1x512, the map d1 * 128 + d2 * 8 + d3)
// on a 768-byte scratchpad: one slab of d1 (16 x 8 f32, 512 bytes) in and
// out does not fit, so the inner loop d2 must be tiled, with d1 at one
// iteration per tile and d3 whole (docs/tiling.md, whole_if_tiled).
module attributes {spm.target = #spm.target<{name = "small", capacity = 768 : i64, alignment = 8 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @flatten(%x: memref<1x4x16x8xf32>, %y: memref<1x512xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1 * 128 + d2 * 8 + d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<1x4x16x8xf32>) outs(%y : memref<1x512xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}
}
