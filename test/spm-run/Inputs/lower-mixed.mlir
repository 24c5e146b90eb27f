// i8 x i8 -> f32: the machine computes all-f32 or all-integer (test/spm-run/lower-errors.test).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%a: memref<8x16xi8>, %b: memref<16x4xi8>, %c: memref<8x4xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xi8>, memref<16x4xi8>) outs(%c : memref<8x4xf32>)
  return
}
}
