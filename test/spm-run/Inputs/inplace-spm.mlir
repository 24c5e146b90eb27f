// Lowered spm IR whose spm.matmul writes the buffer it reads: C = X * X^T
// with C a view of X (in-place.test).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @f(%x: memref<2x2xf32>, %r: memref<2x2xf32>) {
  %X = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 2, 2>, f32>
  %t0 = "spm.dma_load"(%x, %X) {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (memref<2x2xf32>, !spm.buf<array<i64: 2, 2>, f32>) -> !spm.token
  "spm.wait"(%t0) : (!spm.token) -> ()
  %xt = "spm.view"(%X) {offset = 0 : i64, strides = array<i64: 1, 2>} : (!spm.buf<array<i64: 2, 2>, f32>) -> !spm.buf<array<i64: 2, 2>, f32>
  "spm.matmul"(%X, %xt, %X) {accumulate = false} : (!spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>) -> ()
  %s = "spm.dma_store"(%X, %r) {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (!spm.buf<array<i64: 2, 2>, f32>, memref<2x2xf32>) -> !spm.token
  "spm.wait"(%s) : (!spm.token) -> ()
  "spm.dealloc"(%X) : (!spm.buf<array<i64: 2, 2>, f32>) -> ()
  return
}
}
