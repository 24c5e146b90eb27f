spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
tensor t0 name=x role=input type=f32 shape=[4]
buffer b0 name=X offset=0 size=16
buffer b1 name=Y offset=16 size=16
code
     0: alloc b0
     1: alloc b1
     2: dma_load t0 offset=0 sizes=[4] strides=[1] -> b0+0 token=1
     3: eltwise in0=b0+0:f32[4](1) out=b1+0:f32[4](1) { r0 = load.f32 in0; yield.f32 r0 }
     4: wait 1
end
