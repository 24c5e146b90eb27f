// A 2^40-byte scratchpad: with its per-byte state, 7 TiB (memory.test).
spm_run version=1
target name=tiny capacity=1099511627776 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
buffer b0 name=X offset=0 size=64
code
     0: alloc b0
     1: dealloc b0
end
