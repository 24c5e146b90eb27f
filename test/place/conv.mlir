// A 3x3 convolution whose input and output do not fit: spm-place tiles it
// by output rows (and channels); each input tile carries the two halo rows
// the window needs (rows [r*s, r*s + Pt - 1 + 2]), read again by the next
// tile (the model counts them: reported == predicted). Then spm-allocate
// packs the tiles and spm-opt verifies the program. With the default
// placement, spm-allocate does all of it when the buffers do not fit.
// (fuse=false: the ReLU runs as its own op; test/place/fusion.mlir has the
// conv and its epilogue fused.)
// RUN: spm-opt --spm-place='report=ops fuse=false' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: spm-opt --spm-place=fuse=false %s 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: spm-opt --spm-place=fuse=false %s 2>/dev/null | FileCheck %s --check-prefix=ONCE
// RUN: spm-opt --spm-allocate %s 2>&1 -o %t.mlir | FileCheck %s --check-prefix=AUTO
// RUN: spm-opt %t.mlir -o /dev/null
// RUN: not spm-opt --spm-allocate=place=never %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NEVER
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @conv(%x: memref<1x8x34x34xf32>, %w: memref<8x8x3x3xf32>, %y: memref<1x8x32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<1x8x32x32xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<1x8x32x32xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x8x34x34xf32>, memref<8x8x3x3xf32>) outs(%acc : memref<1x8x32x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<1x8x32x32xf32>) outs(%y : memref<1x8x32x32xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  return
}
}

// REPORT: remark: spm-place: linalg.conv_2d_nchw_fchw: {{[0-9]+}} tiles {{.*}}; DRAM read [[R:[0-9]+]] B, written [[W:[0-9]+]] B (model [[R]], [[W]])
// REPORT: remark: spm-place: linalg.generic: {{.*}}; DRAM read [[R2:[0-9]+]] B, written 32768 B (model [[R2]], 32768)

// Input tiles overlap by the two halo rows: tile k+1 starts two rows before
// tile k ends.
// Here: 16 output rows x 8 columns per tile, so 18 x 10 input elements.
// IR: "spm.dma_load"(%arg0, %{{.*}}) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 8, 18, 10>
// IR: linalg.fill
// IR-NEXT: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : memref<1x8x18x10xf32>, memref<8x8x3x3xf32>) outs(%{{.*}} : memref<1x8x16x8xf32>)
// IR: "spm.dma_load"(%arg0, %{{.*}}) {offsets = array<i64: 0, 0, 16, 0>, sizes = array<i64: 1, 8, 18, 10>

// No redundant DMA: the filter fits and stays for every tile: one load.
// ONCE-COUNT-1: "spm.dma_load"(%arg1,
// ONCE-NOT: "spm.dma_load"(%arg1,

// AUTO: remark: spm-place: 2 ops
// AUTO: remark: spm-allocate: {{[0-9]+}} buffers, {{.*}} capacity 16384 bytes (target 'small'), {{.*}} (after spm-place, reserve 10%)

// NEVER: error: scratchpad overflow: the 1 buffer live here needs 32768 bytes but the capacity is 16384
