// Sharing a memref without sharing elements, and an element-wise op in
// place, are fine (in-place.test): a matmul reads rows 0-3 of %a and
// writes rows 4-7; a ReLU rewrites %a element by element.
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%a: memref<8x8xf32>, %w: memref<8x8xf32>) {
  %top = memref.subview %a[0, 0] [4, 8] [1, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[8, 1]>>
  %bot = memref.subview %a[4, 0] [4, 8] [1, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[8, 1], offset: 32>>
  linalg.matmul ins(%top, %w : memref<4x8xf32, strided<[8, 1]>>, memref<8x8xf32>) outs(%bot : memref<4x8xf32, strided<[8, 1], offset: 32>>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%a : memref<8x8xf32>) outs(%a : memref<8x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %z : f32
    linalg.yield %r : f32
  }
  return
}
}
