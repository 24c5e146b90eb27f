// A placed program on a valid target; target.test breaks one field at a
// time with sed. The module (line 3) carries the target.
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%y: memref<4xf32>) {
  %Y = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  "spm.fill"(%Y) {value = 2.0 : f32} : (!spm.buf<array<i64: 4>, f32>) -> ()
  %t = "spm.dma_store"(%Y, %y) {offsets = array<i64: 0>, sizes = array<i64: 4>, strides = array<i64: 1>} : (!spm.buf<array<i64: 4>, f32>, memref<4xf32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  "spm.dealloc"(%Y) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}
}
