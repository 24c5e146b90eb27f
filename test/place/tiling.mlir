// spm-place on one matmul (32x32x32 f32: 12 KiB of operands) at three
// capacities: an op that fits is not tiled; one that does not is tiled and
// its tiles fit (spm-allocate packs them; spm-opt verifies the offsets);
// with room for two buffers per operand the next tile is prefetched while
// the current one computes. Every figure the pass reports is the traffic of
// the DMAs it emitted, next to what the traffic model predicted: they agree.
// (DMA latency 0: the cost is the bytes moved, so that double buffering,
// which needs smaller tiles and thus more transfers, is not outweighed.)
// RUN: spm-opt --spm-place='report=ops capacity=32K' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=FITS
// RUN: spm-opt --spm-place='capacity=32K' %s 2>/dev/null | FileCheck %s --check-prefix=FITS-IR
// RUN: spm-opt --spm-place='report=ops capacity=4K' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=TILED
// RUN: spm-opt --spm-place='capacity=4K' %s 2>/dev/null | spm-opt --spm-allocate 2>&1 | FileCheck %s --check-prefix=PACKED
// RUN: spm-opt --spm-place='capacity=12K' %s 2>/dev/null | FileCheck %s --check-prefix=DB
// RUN: spm-opt --spm-place='capacity=12K double-buffer=false' %s 2>/dev/null | FileCheck %s --check-prefix=SB
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @mm(%a: memref<32x32xf32>, %b: memref<32x32xf32>, %c: memref<32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<32x32xf32>)
  linalg.matmul ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%c : memref<32x32xf32>)
  return
}
}

// The fill of %c is applied in the scratchpad (no zeros go through DRAM):
// compulsory traffic only.
// FITS: remark: spm-place: linalg.matmul: not tiled; DRAM read 8192 B, written 4096 B (model 8192, 4096); resident: none
// FITS: remark: spm-place: 1 op (0 tiled, 1 tile, 0 fused pairs, 0 chains), {{.*}}; DRAM read 8192 bytes, written 4096 bytes, total 1.000x the compulsory 12288 bytes (traffic model: read 8192, written 4096); {{.*}}; 3 DMA transfers

// FITS-IR-COUNT-2: "spm.dma_load"
// FITS-IR-NOT: "spm.dma_load"
// FITS-IR: linalg.fill
// FITS-IR-NEXT: linalg.matmul
// FITS-IR: "spm.dma_store"
// FITS-IR-NOT: "spm.dma

// TILED: remark: spm-place: linalg.matmul: [[N:[0-9]+]] tiles [{{[0-9x]+}}] order ({{.*}}); DRAM read [[R:[0-9]+]] B, written [[W:[0-9]+]] B (model [[R]], [[W]]); resident: none
// TILED: remark: spm-place: 1 op (1 tiled, [[N]] tiles, 0 fused pairs, 0 chains)

// PACKED: remark: spm-allocate: {{[0-9]+}} buffers, peak {{[0-9]+}} bytes, lower bound {{[0-9]+}} bytes, capacity 4096 bytes

// Double buffering: the second tile's loads are issued before the first
// tile computes; the first tile's wait covers only its own loads.
// DB: %[[A0:.*]] = "spm.alloc"() {offset = -1 : i64}
// DB: %[[T0:.*]] = "spm.dma_load"(%arg0, %[[A0]])
// DB: %[[T1:.*]] = "spm.dma_load"(%arg1,
// DB: "spm.dma_load"
// DB: "spm.wait"(%[[T0]], %[[T1]])
// DB-NEXT: linalg.fill
// DB-NEXT: linalg.matmul
// SB: "spm.dma_load"
// SB-NEXT: "spm.alloc"
// SB-NEXT: builtin.unrealized_conversion_cast
// SB-NEXT: "spm.dma_load"
// SB-NEXT: "spm.alloc"
// SB-NEXT: builtin.unrealized_conversion_cast
// SB-NEXT: "spm.wait"
