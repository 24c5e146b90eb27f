module attributes {spm.target = #spm.target<{name = "gemmini",
    capacity = 262144 : i64, alignment = 16 : i64, banks = 4 : i64,
    dma_bandwidth = 16.0 : f64, dma_latency = 100 : i64,
    macs_per_cycle = 256 : i64, clock_mhz = 1000 : i64,
    dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 6.6 : f64,
    mac_pj = 0.23 : f64}>} {
  func.func @f(%x: memref<32xf32>, %y: memref<32xf32>) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %t0 = "spm.dma_load"(%x, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    "spm.wait"(%t0) : (!spm.token) -> ()
    "spm.wait"(%t0) : (!spm.token) -> ()
    return
  }
}
