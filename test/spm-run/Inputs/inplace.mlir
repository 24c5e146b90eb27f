// linalg.matmul computing a in place (ins(%a, %a) outs(%a)): upstream's
// loops read elements the op has already overwritten, so its result
// depends on the loop order; spm-place refuses it (in-place.test).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%a: memref<8x8xf32>) {
  linalg.matmul ins(%a, %a : memref<8x8xf32>, memref<8x8xf32>) outs(%a : memref<8x8xf32>)
  return
}
}
