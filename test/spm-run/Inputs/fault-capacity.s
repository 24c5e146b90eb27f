spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
tensor t0 name=x role=input type=f32 shape=[16]
buffer b0 name=X offset=4080 size=64
code
     0: alloc b0
end
