// Residency across ops: the intermediate %t (64x64 f32, 16 KiB) is produced
// by the first op and read by the second and, as a skip connection, by the
// third. With room for it (64 KiB), it stays in the scratchpad from its
// producer to its last reader: no DMA touches it and no global buffer is
// kept for it. Without room (16 KiB), it gets a global home (the
// memref.alloc stays, marked spm.global), its tiles are stored once and
// read back by each consumer (chain=false). With chains (the default), the
// second op and the third (the only reader of %u) run as one chain: %u
// lives in the chain's tiles only, %t is still spilled.
// RUN: spm-opt --spm-place='report=ops capacity=64K' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=FITS
// RUN: spm-opt --spm-place='capacity=64K' %s 2>/dev/null | FileCheck %s --check-prefix=FITS-IR
// RUN: spm-opt --spm-place='report=ops capacity=16K chain=false' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=SPILL
// RUN: spm-opt --spm-place='capacity=16K chain=false' %s 2>/dev/null | FileCheck %s --check-prefix=SPILL-IR
// RUN: spm-opt --spm-place='capacity=16K chain=false' %s 2>/dev/null | spm-opt --spm-allocate -o /dev/null
// RUN: spm-opt --spm-place='report=ops capacity=16K' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=CHAIN
// RUN: spm-opt --spm-place='capacity=16K' %s 2>/dev/null | spm-opt --spm-allocate -o /dev/null
// The static baseline: nothing stays on chip between ops.
// RUN: spm-opt --spm-place='report=ops capacity=64K strategy=static' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=STATIC
#id = affine_map<(d0, d1) -> (d0, d1)>
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 65536 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @skip(%x: memref<64x64xf32>, %y: memref<64x64xf32>) {
  %t = memref.alloc() : memref<64x64xf32>
  %u = memref.alloc() : memref<64x64xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x64xf32>) outs(%t : memref<64x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = arith.mulf %a, %a : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : memref<64x64xf32>) outs(%u : memref<64x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = arith.addf %a, %a : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t, %u : memref<64x64xf32>, memref<64x64xf32>) outs(%y : memref<64x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %e = arith.addf %a, %b : f32
    linalg.yield %e : f32
  }
  return
}
}

// FITS: remark: spm-place: linalg.generic: not tiled; DRAM read 16384 B, written 0 B (model 16384, 0); resident: %alloc0
// FITS: remark: spm-place: linalg.generic: not tiled; DRAM read 0 B, written 0 B (model 0, 0); resident: %alloc0 %alloc1
// FITS: remark: spm-place: linalg.generic: not tiled; DRAM read 0 B, written 16384 B (model 0, 16384); resident: %alloc0 %alloc1
// FITS: total 1.000x the compulsory 32768 bytes {{.*}}; 2 intermediates on chip, 0 in global memory

// FITS-IR-NOT: memref.alloc
// FITS-IR: %[[T:.*]] = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 64, 64>, f32>
// FITS-IR: "spm.dma_load"(%arg0,
// FITS-IR-NOT: "spm.dealloc"(%[[T]])
// FITS-IR: "spm.dma_store"
// FITS-IR: "spm.dealloc"(%[[T]])
// FITS-IR-NOT: "spm.dma

// SPILL: remark: spm-place: linalg.generic: {{[0-9]+}} tiles {{.*}}; DRAM read 16384 B, written 16384 B (model 16384, 16384); resident: none
// SPILL: remark: spm-place: linalg.generic: {{[0-9]+}} tiles {{.*}}; DRAM read 16384 B, written 16384 B (model 16384, 16384); resident: none
// SPILL: remark: spm-place: linalg.generic: {{[0-9]+}} tiles {{.*}}; DRAM read 32768 B, written 16384 B (model 32768, 16384); resident: none
// SPILL: total 3.500x the compulsory 32768 bytes {{.*}}; 0 intermediates on chip, 2 in global memory

// CHAIN: remark: spm-place: linalg.generic: {{[0-9]+}} tiles {{.*}}; DRAM read 16384 B, written 16384 B (model 16384, 16384); resident: none
// CHAIN: remark: spm-place: linalg.generic + linalg.generic (chained with halo, no DRAM for %alloc1): {{[0-9]+}} tiles {{.*}}; DRAM read 32768 B, written 16384 B (model 32768, 16384); resident: none
// CHAIN: (2 tiled, {{[0-9]+}} tiles, 0 fused pairs, 1 chain), {{.*}} total 2.500x the compulsory 32768 bytes {{.*}}; 1 intermediate on chip, 1 in global memory

// SPILL-IR: %[[T:.*]] = memref.alloc() {spm.global} : memref<64x64xf32>
// SPILL-IR: "spm.dma_store"(%{{.*}}, %[[T]])
// SPILL-IR: "spm.dma_load"(%[[T]],

// STATIC: remark: spm-place: linalg.generic: not tiled; DRAM read 16384 B, written 16384 B (model 16384, 16384); resident: none
// STATIC: remark: spm-place: linalg.generic: not tiled; DRAM read 16384 B, written 16384 B (model 16384, 16384); resident: none
// STATIC: remark: spm-place: linalg.generic: not tiled; DRAM read 32768 B, written 16384 B (model 32768, 16384); resident: none
// STATIC: total 3.500x the compulsory 32768 bytes
