// spm-place streams a resident input of an op when the space it frees
// lowers the op's traffic by more than writing it back and reloading it
// for its later readers costs. Here %a (2 KiB, written by the first op,
// read by the matmul and the last op) would leave the matmul 256 bytes:
// its B and C tiles would be a few elements and B would be reloaded for
// every row. Evicted, %a costs 2 KiB written + 2 KiB read (matmul) + 2 KiB
// read (last op), and the matmul gets 16x16x8 tiles.
// RUN: spm-opt --spm-place='report=ops capacity=2560' %s -o /dev/null 2>&1 | FileCheck %s
// RUN: spm-opt --spm-place='capacity=2560' %s | spm-opt --spm-allocate -o /dev/null
// CHECK: remark: spm-place: linalg.generic: {{.*}} resident: %alloc0
// CHECK: remark: spm-place: linalg.matmul: 16 tiles [16x16x8] {{.*}}; DRAM read 20480 B, written 4096 B (model 20480, 4096); resident: none
// CHECK: remark: spm-place: linalg.generic: {{.*}} DRAM read 2048 B, written 2048 B (model 2048, 2048); resident: none
// CHECK: remark: spm-place: 3 ops ({{.*}}DRAM read 24576 bytes, written 8192 bytes, total 1.600x the compulsory 20480 bytes (traffic model: read 24576, written 8192)
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @evict_input(%x: memref<16x32xf32>, %b: memref<32x64xf32>, %c: memref<16x64xf32>, %y: memref<16x32xf32>) {
  %a = memref.alloc() : memref<16x32xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<16x32xf32>) outs(%a : memref<16x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.addf %v, %v : f32
    linalg.yield %r : f32
  }
  linalg.matmul ins(%a, %b : memref<16x32xf32>, memref<32x64xf32>) outs(%c : memref<16x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<16x32xf32>) outs(%y : memref<16x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  memref.dealloc %a : memref<16x32xf32>
  return
}
}
