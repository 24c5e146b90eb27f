// MATMUL, CONV2D and POOL whose output bytes overlap an input's in the
// same buffer are invalid programs (in-place.test); the code is replaced
// by each RUN line with sed (CODE below).
spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
buffer b0 name=X offset=0 size=256
code
     0: alloc b0
     1: fill value=1 out=b0+0:f32[64](1)
     2: CODE
     3: dealloc b0
end
