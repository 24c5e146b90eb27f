// Reuse distances (passes/place_reuse.c) and the residency policy.
// %a (64x64 f32, 16 KiB) is written by the first op and read by the third;
// in between, the second op reads every other row of %z through a strided
// view (8 rows x 64 = 2048 bytes, not the 15-row bounding box) and writes
// %w (2048 bytes): %a's reuse distance is exactly 4096 bytes.
// At 20 KiB (18432 usable bytes) the cost policy keeps %a on chip (the
// ops in between stream their data through small tiles); the
// reuse-distance policy does not (4096 + 16384 > 18432) and spills it:
// its tiles are stored and read back.
// RUN: spm-opt --spm-place='report=reuse capacity=20K' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=COST
// RUN: spm-opt --spm-place='report=reuse capacity=20K residency=reuse-distance' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=DIST
// RUN: spm-opt --spm-place='report=reuse capacity=32K residency=reuse-distance' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=FITS
// RUN: not spm-opt --spm-place='residency=lru' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=BAD
// RUN: spm-opt --spm-place='capacity=20K residency=reuse-distance' %s 2>/dev/null | spm-opt --spm-allocate -o /dev/null
// COST: remark: spm-place: reuse of %alloc0 (16384 bytes): 2 uses, 1 reading; reuse distances [4096] bytes; on chip
// COST: total 0.947x the compulsory 38912 bytes
// DIST: remark: spm-place: reuse of %alloc0 (16384 bytes): 2 uses, 1 reading; reuse distances [4096] bytes; global home
// DIST: DRAM read 34816 bytes, written 34816 bytes, total 1.789x the compulsory 38912 bytes
// FITS: reuse distances [4096] bytes; on chip
// COST: remark: spm-place: reuse of %alloc0 (16384 bytes): 2 uses, 1 reading; reuse distances [7168] bytes; on chip
// BAD: error: 'spm-place' option residency must be cost or reuse-distance, got 'lru'
#id = affine_map<(d0, d1) -> (d0, d1)>
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 32768 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @reuse(%x: memref<64x64xf32>, %z: memref<16x64xf32>, %w: memref<8x64xf32>, %y: memref<64x64xf32>) {
  %a = memref.alloc() : memref<64x64xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x64xf32>) outs(%a : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    %e = arith.mulf %p, %p : f32
    linalg.yield %e : f32
  }
  %zv = memref.subview %z[0, 0] [8, 64] [2, 1] : memref<16x64xf32> to memref<8x64xf32, strided<[128, 1]>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%zv : memref<8x64xf32, strided<[128, 1]>>) outs(%w : memref<8x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    %e = arith.addf %p, %p : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<64x64xf32>) outs(%y : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    %e = arith.addf %p, %p : f32
    linalg.yield %e : f32
  }
  memref.dealloc %a : memref<64x64xf32>
  return
}

// Footprints are united: between %a's uses, rows 0-7 and rows 4-11 of %z
// are read (12 distinct rows: 3072 bytes), %w and %w2 written (2048 each):
// 7168 bytes.
func.func @union(%x: memref<64x64xf32>, %z: memref<16x64xf32>, %w: memref<8x64xf32>, %w2: memref<8x64xf32>, %y: memref<64x64xf32>) {
  %a = memref.alloc() : memref<64x64xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x64xf32>) outs(%a : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    linalg.yield %p : f32
  }
  %z0 = memref.subview %z[0, 0] [8, 64] [1, 1] : memref<16x64xf32> to memref<8x64xf32, strided<[64, 1]>>
  %z4 = memref.subview %z[4, 0] [8, 64] [1, 1] : memref<16x64xf32> to memref<8x64xf32, strided<[64, 1], offset: 256>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%z0 : memref<8x64xf32, strided<[64, 1]>>) outs(%w : memref<8x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    linalg.yield %p : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%z4 : memref<8x64xf32, strided<[64, 1], offset: 256>>) outs(%w2 : memref<8x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    linalg.yield %p : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<64x64xf32>) outs(%y : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32):
    linalg.yield %p : f32
  }
  memref.dealloc %a : memref<64x64xf32>
  return
}
}
