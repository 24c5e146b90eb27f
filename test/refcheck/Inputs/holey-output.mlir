// A linalg.generic writing its output through maps that leave gaps in the
// output box: a flattening map tiled along H (each tile's box spans rows
// of other tiles) and a stride-2 map. Elements the op does not write keep
// their values.
module attributes {spm.target = #spm.target<{name = "small", capacity = 768 : i64, alignment = 8 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @holey(%x: memref<1x5x10x2xf32>, %v: memref<5xf32>, %y: memref<1x100xf32>, %z: memref<9xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1 * 20 + d2 * 2 + d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<1x5x10x2xf32>) outs(%y : memref<1x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0 * 2)>], iterator_types = ["parallel"]} ins(%v : memref<5xf32>) outs(%z : memref<9xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}
}
