// Every instruction kind on small hand-computed data (test/spm-run/kinds.test).
spm_run version=1
target name=tiny capacity=4096 alignment=16 banks=1 dma_bandwidth=4 dma_latency=10 macs_per_cycle=2 clock_mhz=100 dram_pj_per_byte=100 spm_pj_per_byte=5 mac_pj=0.5
tensor t0 name=a role=weight type=f32 shape=[2,3] data
tensor t1 name=b role=input type=f32 shape=[3,2]
tensor t2 name=mm role=output type=f32 shape=[2,2]
tensor t3 name=x role=weight type=f32 shape=[1,1,3,3] data
tensor t4 name=w role=weight type=f32 shape=[1,1,2,2] data
tensor t5 name=conv role=output type=f32 shape=[1,1,2,2]
tensor t6 name=convpad role=output type=f32 shape=[1,1,2,2]
tensor t7 name=maxpool role=output type=f32 shape=[1,1,2,2]
tensor t8 name=sumpool role=output type=f32 shape=[1,1,2,2]
tensor t9 name=elt role=output type=f32 shape=[3,3]
buffer b0 name=A offset=0 size=24
buffer b1 name=B offset=32 size=24
buffer b2 name=C offset=64 size=16
buffer b3 name=X offset=96 size=36
buffer b4 name=W offset=144 size=16
buffer b5 name=O offset=160 size=16
buffer b6 name=E offset=192 size=36
code
     0: alloc b0
     1: alloc b1
     2: alloc b2
     3: dma_load t0 offset=0 sizes=[6] strides=[1] -> b0+0 token=1
     4: dma_load t1 offset=0 sizes=[3,2] strides=[2,1] -> b1+0 token=2
     5: wait 1
     6: wait 2
     7: matmul acc=0 a=b0+0:f32[2,3](3,1) b=b1+0:f32[3,2](2,1) c=b2+0:f32[2,2](2,1)
     8: matmul acc=1 a=b0+0:f32[2,3](3,1) b=b1+0:f32[3,2](2,1) c=b2+0:f32[2,2](2,1)
     9: dma_store b2+0 offset=0 sizes=[4] strides=[1] -> t2 token=3
    10: wait 3
    11: dealloc b0
    12: dealloc b1
    13: dealloc b2
    14: alloc b3
    15: alloc b4
    16: alloc b5
    17: dma_load t3 offset=0 sizes=[9] strides=[1] -> b3+0 token=1
    18: dma_load t4 offset=0 sizes=[4] strides=[1] -> b4+0 token=2
    19: wait 1
    20: wait 2
    21: conv2d acc=0 groups=1 stride=1x1 dilation=1x1 pad=0x0 in=b3+0:f32[1,1,3,3](9,9,3,1) filter=b4+0:f32[1,1,2,2](4,4,2,1) out=b5+0:f32[1,1,2,2](4,4,2,1)
    22: dma_store b5+0 offset=0 sizes=[4] strides=[1] -> t5 token=1
    23: wait 1
    24: conv2d acc=0 groups=1 stride=2x2 dilation=1x1 pad=1x1 in=b3+0:f32[1,1,3,3](9,9,3,1) filter=b4+0:f32[1,1,2,2](4,4,2,1) out=b5+0:f32[1,1,2,2](4,4,2,1)
    25: dma_store b5+0 offset=0 sizes=[4] strides=[1] -> t6 token=1
    26: wait 1
    27: pool max acc=0 window=2x2 stride=1x1 dilation=1x1 pad=0x0 in=b3+0:f32[1,1,3,3](9,9,3,1) out=b5+0:f32[1,1,2,2](4,4,2,1)
    28: dma_store b5+0 offset=0 sizes=[4] strides=[1] -> t7 token=1
    29: wait 1
    30: fill value=1 out=b5+0:f32[1,1,2,2](4,4,2,1)
    31: pool sum acc=1 window=2x2 stride=1x1 dilation=1x1 pad=0x0 in=b3+0:f32[1,1,3,3](9,9,3,1) out=b5+0:f32[1,1,2,2](4,4,2,1)
    32: dma_store b5+0 offset=0 sizes=[4] strides=[1] -> t8 token=1
    33: wait 1
    34: alloc b6
    35: eltwise in0=b3+0:f32[3,3](3,1) out=b6+0:f32[3,3](3,1) { r0 = load.f32 in0; r1 = const.f32 5; r2 = sub.f32 r0, r1; r3 = const.f32 0; r4 = max.f32 r2, r3; r5 = const.f32 2; r6 = mul.f32 r4, r5; yield.f32 r6 }
    36: dma_store b6+0 offset=0 sizes=[9] strides=[1] -> t9 token=1
    37: wait 1
    38: dealloc b3
    39: dealloc b4
    40: dealloc b5
    41: dealloc b6
end
data t0
  .hex 0000803f0000004000004040000080400000a0400000c040
data t3
  .hex 0000803f0000004000004040000080400000a0400000c0400000e0400000004100001041
data t4
  .hex 0000803f00000000000000000000803f
