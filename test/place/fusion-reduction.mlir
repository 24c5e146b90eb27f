// A fused epilogue after a tiled reduction: the matmul's k = 512 does not
// fit, so its 32 k tiles accumulate into one scratchpad tile (filled once),
// and the bias epilogue runs once, after the last of them.
// RUN: spm-opt --spm-place=report=ops %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: spm-opt --spm-place %s 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: spm-opt --spm-place %s 2>/dev/null | grep -c linalg.generic | FileCheck %s --check-prefix=ONCE
module attributes {spm.target = #spm.target<{name = "small", capacity = 16384 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
// A matmul with a long reduction (k = 512 does not fit: it is tiled), and
// a bias epilogue: every k tile accumulates into the same tile, then the
// epilogue runs once.
func.func @mm_bias(%a: memref<32x512xf32>, %bm: memref<512x32xf32>, %bias: memref<32xf32>, %z: memref<32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<32x32xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<32x32xf32>)
  linalg.matmul ins(%a, %bm : memref<32x512xf32>, memref<512x32xf32>) outs(%acc : memref<32x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %bias : memref<32x32xf32>, memref<32xf32>) outs(%z : memref<32x32xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %s = arith.addf %x, %c : f32
    linalg.yield %s : f32
  }
  return
}
}

// REPORT: remark: spm-place: linalg.matmul + linalg.generic (fused, no DRAM for %alloc0): 32 tiles [32x32x16] order (d0,d1,d2); DRAM read 131200 B, written 4096 B (model 131200, 4096)
// REPORT: remark: spm-place: 2 ops (1 tiled, 32 tiles, 1 fused pair, 0 chains), {{.*}} total 1.000x the compulsory

// IR: linalg.fill ins(%{{.*}} : f32) outs([[M:%[0-9]+]] : memref<32x32xf32>)
// IR-COUNT-32: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<32x16xf32>, memref<16x32xf32>) outs([[M]] : memref<32x32xf32>)
// IR-NOT: linalg.matmul
// IR: linalg.generic {{.*}} ins([[M]], %{{.*}} :
// IR-NOT: linalg.fill

// ONCE: {{^}}1{{$}}
