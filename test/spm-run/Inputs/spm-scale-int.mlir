module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f() {
  %X = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 1, 4, 4>, f32>
  %P = "spm.alloc"() {offset = 64 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %Q = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 4>, i32>
  "spm.scale"(%Q, %Q) {factor = 0.5 : f32} : (!spm.buf<array<i64: 4>, i32>, !spm.buf<array<i64: 4>, i32>) -> ()
  return
}
}
