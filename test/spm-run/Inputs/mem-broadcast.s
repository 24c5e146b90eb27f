// Compute ops on broadcast views (every stride 0) of one f32 scalar, 3:
// a 256x256 sum pool (196608), a 1x64 by 64x1 matmul (64 * 9 = 576) and a
// 3x3 conv with padding 1 over a 32x32 input, two outputs (4 and 6 taps
// inside: 36, 54). Each input is read once, not expanded (memory.test).
spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
tensor t0 name=y role=output type=f32 shape=[4]
buffer b0 name=S offset=0 size=16
buffer b1 name=O offset=16 size=16
code
     0: alloc b0
     1: alloc b1
     2: fill value=3 out=b0+0:f32[1](1)
     3: pool sum acc=0 window=256x256 stride=1x1 dilation=1x1 pad=0x0 in=b0+0:f32[1,1,256,256](0,0,0,0) out=b1+0:f32[1,1,1,1](1,1,1,1)
     4: matmul acc=0 a=b0+0:f32[1,64](0,0) b=b0+0:f32[64,1](0,0) c=b1+4:f32[1,1](1,1)
     5: conv2d acc=0 groups=1 stride=1x1 dilation=1x1 pad=1x1 in=b0+0:f32[1,1,32,32](0,0,0,0) filter=b0+0:f32[1,1,3,3](0,0,0,0) out=b1+8:f32[1,1,1,2](2,2,2,1)
     6: dma_store b1+0 offset=0 sizes=[4] strides=[1] -> t0 token=1
     7: wait 1
     8: dealloc b0
     9: dealloc b1
end
