// A single matmul, 32x48 * 48x40, whose operands (6 + 7.5 + 5 KiB) do not
// fit the 16 KiB scratchpad together: spm-place tiles it.
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @matmul(%a: memref<32x48xf32>, %b: memref<48x40xf32>, %c: memref<32x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<32x40xf32>)
  linalg.matmul ins(%a, %b : memref<32x48xf32>, memref<48x40xf32>) outs(%c : memref<32x40xf32>)
  return
}
}
