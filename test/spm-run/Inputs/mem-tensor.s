// A 2^31-element input tensor (8 GiB) in a program of one instruction: it
// would be allocated and filled with seeded data before the first
// instruction runs (memory.test).
spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
tensor t0 name=x role=input type=f32 shape=[2147483648]
code
     0: wait 7
end
