module attributes {spm.target = #spm.target<{name = "gemmini", capacity = 262144 : i64, alignment = 16 : i64, banks = 4 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 100 : i64, macs_per_cycle = 256 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 6.6 : f64, mac_pj = 0.23 : f64}>} {
  // expected-error@+1 {{exceeds the scratchpad capacity of 262144 bytes}}
  %b = "spm.alloc"() {offset = 262080 : i64} : () -> !spm.buf<array<i64: 8, 8>, f32>
}
