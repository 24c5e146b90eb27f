// A max pool over a sliding-window view (strides 1, 1: 262144 elements in
// 4092 bytes): its dense copy is 1 MiB (memory.test).
spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
buffer b0 name=X offset=0 size=4096
code
     0: alloc b0
     1: fill value=1 out=b0+0:f32[1023](1)
     2: pool max acc=0 window=512x512 stride=1x1 dilation=1x1 pad=0x0 in=b0+0:f32[1,1,512,512](0,0,1,1) out=b0+4092:f32[1,1,1,1](1,1,1,1)
     3: dealloc b0
end
