// No function with a body: --spm-lower=output=FILE has nothing to write.
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func private @g(%a: memref<4xf32>)
}
