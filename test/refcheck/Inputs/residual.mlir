// A ResNet basic block (as bench/gen_net.c writes them): x (8 channels,
// 12x12) -> zero-padded copy -> conv 3x3 + bias + ReLU into a padded buffer
// -> conv 3x3 + bias + x (the skip connection) + ReLU -> y.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc4 = affine_map<(d0, d1, d2, d3) -> (d1)>
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 2 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @block(%x: memref<1x8x12x12xf32>, %w1: memref<8x8x3x3xf32>, %b1: memref<8xf32>, %w2: memref<8x8x3x3xf32>, %b2: memref<8xf32>, %y: memref<1x8x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %xp = memref.alloc() : memref<1x8x14x14xf32>
  linalg.fill ins(%zero : f32) outs(%xp : memref<1x8x14x14xf32>)
  %xp_int = memref.subview %xp[0, 0, 1, 1] [1, 8, 12, 12] [1, 1, 1, 1] : memref<1x8x14x14xf32> to memref<1x8x12x12xf32, strided<[1568, 196, 14, 1], offset: 15>>
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<1x8x12x12xf32>) outs(%xp_int : memref<1x8x12x12xf32, strided<[1568, 196, 14, 1], offset: 15>>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  %acc1 = memref.alloc() : memref<1x8x12x12xf32>
  linalg.fill ins(%zero : f32) outs(%acc1 : memref<1x8x12x12xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %w1 : memref<1x8x14x14xf32>, memref<8x8x3x3xf32>) outs(%acc1 : memref<1x8x12x12xf32>)
  %hp = memref.alloc() : memref<1x8x14x14xf32>
  linalg.fill ins(%zero : f32) outs(%hp : memref<1x8x14x14xf32>)
  %hp_int = memref.subview %hp[0, 0, 1, 1] [1, 8, 12, 12] [1, 1, 1, 1] : memref<1x8x14x14xf32> to memref<1x8x12x12xf32, strided<[1568, 196, 14, 1], offset: 15>>
  linalg.generic {indexing_maps = [#id4, #bc4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc1, %b1 : memref<1x8x12x12xf32>, memref<8xf32>) outs(%hp_int : memref<1x8x12x12xf32, strided<[1568, 196, 14, 1], offset: 15>>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  %acc2 = memref.alloc() : memref<1x8x12x12xf32>
  linalg.fill ins(%zero : f32) outs(%acc2 : memref<1x8x12x12xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%hp, %w2 : memref<1x8x14x14xf32>, memref<8x8x3x3xf32>) outs(%acc2 : memref<1x8x12x12xf32>)
  linalg.generic {indexing_maps = [#id4, #bc4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc2, %b2, %x : memref<1x8x12x12xf32>, memref<8xf32>, memref<1x8x12x12xf32>) outs(%y : memref<1x8x12x12xf32>) {
  ^bb0(%a: f32, %bb: f32, %s0: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %t = arith.addf %s, %s0 : f32
    %r = arith.maximumf %t, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %acc2 : memref<1x8x12x12xf32>
  memref.dealloc %hp : memref<1x8x14x14xf32>
  memref.dealloc %acc1 : memref<1x8x12x12xf32>
  memref.dealloc %xp : memref<1x8x14x14xf32>
  return
}
}
