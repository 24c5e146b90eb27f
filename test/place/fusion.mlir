// spm-place fuses an element-wise consumer into its producer's tiles: the
// intermediate (a conv or matmul accumulator) then lives only in the tile
// -- filled, accumulated over every reduction tile, consumed by the
// epilogue, freed -- and never crosses DRAM. The reduction loops stay inside
// each output tile, so the epilogue runs once per tile, after the last one.
// RUN: spm-opt --spm-place=report=ops %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: spm-opt --spm-place %s 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: spm-opt --spm-place='report=ops fuse=false' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=APART
// RUN: spm-opt --spm-place='strategy=static' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=STATIC
// RUN: spm-opt --spm-place %s 2>/dev/null | spm-opt --spm-allocate 2>&1 -o %t.mlir | FileCheck %s --check-prefix=PACKED
// RUN: spm-opt %t.mlir -o /dev/null
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {

// A conv whose 16 KiB accumulator does not fit next to its operands, and
// its bias + ReLU epilogue.
func.func @conv_relu(%x: memref<1x8x18x18xf32>, %w: memref<16x8x3x3xf32>, %b: memref<16xf32>, %y: memref<1x16x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<16x8x3x3xf32>) outs(%acc : memref<1x16x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %b : memref<1x16x16x16xf32>, memref<16xf32>) outs(%y : memref<1x16x16x16xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %acc : memref<1x16x16x16xf32>
  return
}

// As a generated network does it: the epilogue writes the interior of the
// next layer's padded input, allocated (and zero-filled) between the conv
// and the epilogue; the fused op is emitted where the epilogue was, after
// that buffer exists.
func.func @conv_into_padded(%x: memref<1x8x18x18xf32>, %w: memref<16x8x3x3xf32>, %b: memref<16xf32>, %w2: memref<8x16x3x3xf32>, %y: memref<1x8x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<16x8x3x3xf32>) outs(%acc : memref<1x16x16x16xf32>)
  %pad = memref.alloc() : memref<1x16x18x18xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x16x18x18xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 16, 16, 16] [1, 1, 1, 1] : memref<1x16x18x18xf32> to memref<1x16x16x16xf32, strided<[5184, 324, 18, 1], offset: 19>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %b : memref<1x16x16x16xf32>, memref<16xf32>) outs(%int : memref<1x16x16x16xf32, strided<[5184, 324, 18, 1], offset: 19>>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<1x8x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%pad, %w2 : memref<1x16x18x18xf32>, memref<8x16x3x3xf32>) outs(%y : memref<1x8x16x16xf32>)
  return
}

// Not fused: the accumulator has a second reader after the epilogue (it
// must exist whole), and an epilogue that reduces is not element-wise.
func.func @not_fusable(%x: memref<1x8x18x18xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x16x16xf32>, %y2: memref<1x16x16x16xf32>, %s: memref<1x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<16x8x3x3xf32>) outs(%acc : memref<1x16x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<1x16x16x16xf32>) outs(%y : memref<1x16x16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<1x16x16x16xf32>) outs(%y2 : memref<1x16x16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.minimumf %a, %zero : f32
    linalg.yield %r : f32
  }
  %acc2 = memref.alloc() : memref<1x16x16x16xf32>
  linalg.fill ins(%zero : f32) outs(%acc2 : memref<1x16x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<16x8x3x3xf32>) outs(%acc2 : memref<1x16x16x16xf32>)
  linalg.fill ins(%zero : f32) outs(%s : memref<1x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, h, w)>], iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
      ins(%acc2 : memref<1x16x16x16xf32>) outs(%s : memref<1x16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  }
  return
}
}

// The conv and its epilogue are one tiled op; the accumulator moves no
// bytes (the 16 KiB of %y are written once, and nothing else is written).
// REPORT: remark: spm-place: linalg.conv_2d_nchw_fchw + linalg.generic (fused, no DRAM for %alloc0): {{[0-9]+}} tiles {{.*}}; DRAM read [[R:[0-9]+]] B, written 16384 B (model [[R]], 16384); resident: none
// REPORT: remark: spm-place: 2 ops ({{.*}}, 1 fused pair, 0 chains), {{.*}}; 1 intermediate on chip, 0 in global memory
// REPORT: remark: spm-place: linalg.conv_2d_nchw_fchw + linalg.generic (fused, no DRAM for %alloc0):
// REPORT: remark: spm-place: {{[0-9]+}} ops ({{.*}}, 1 fused pair, 0 chains)
// REPORT-NOT: fused,
// REPORT: remark: spm-place: 5 ops ({{.*}}, 0 fused pairs, 0 chains)

// Each output tile: the fill and the conv write the same scratchpad tile,
// which the epilogue then reads; no DMA ever targets global memory for it
// (the alloc is gone).
// IR-LABEL: func.func @conv_relu
// IR-NOT: memref.alloc
// IR: linalg.fill ins(%{{.*}} : f32) outs([[T:%[0-9]+]] : memref<1x{{[0-9]+}}x{{[0-9]+}}x{{[0-9]+}}xf32>)
// IR-NEXT: linalg.conv_2d_nchw_fchw {{.*}} outs([[T]] :
// IR-NEXT: linalg.generic {{.*}} ins([[T]], %{{.*}} :
// IR-NOT: memref.alloc
// IR-LABEL: func.func @conv_into_padded
// IR-LABEL: func.func @not_fusable

// Apart (fuse=false), the conv's accumulator gets a global home: 16 KiB
// written by the conv and read back by the epilogue.
// APART: remark: spm-place: linalg.conv_2d_nchw_fchw: {{.*}} written 16384 B
// APART: remark: spm-place: linalg.generic: {{.*}}; DRAM read {{[0-9]+}} B, written 16384 B
// APART: remark: spm-place: 2 ops ({{.*}}, 0 fused pairs, 0 chains), {{.*}} 0 intermediates on chip, 1 in global memory

// The static baseline never fuses.
// STATIC-COUNT-3: remark: spm-place: {{[0-9]+}} ops ({{.*}}, 0 fused pairs, 0 chains)

// PACKED-COUNT-3: remark: spm-allocate:
