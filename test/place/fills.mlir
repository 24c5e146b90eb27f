// spm-place defers a linalg.fill (of a whole buffer or of a box of it) to
// the buffer's next use. Padded buffers show why: zero-filled whole, then
// their interior overwritten (by a copy, an epilogue, or a -inf fill and a
// max pool). Streamed, only the border of the zero fill is ever written to
// DRAM; a fill whose box the next writer covers exactly is applied in that
// writer's tiles (no DRAM traffic, no initial read); resident, every fill
// runs in place, in order. (These checks run with chain=false: with chains,
// the first function's copy and read-out run as one chain, the padded
// buffer lives in its tiles, its zero border is filled there: CHAIN.)
// RUN: spm-opt --spm-place='report=ops chain=false' %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: spm-opt --spm-place=chain=false %s 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: spm-opt --spm-place='capacity=64K' %s 2>/dev/null | FileCheck %s --check-prefix=RES
// RUN: spm-opt --spm-place=chain=false %s 2>/dev/null | spm-opt --spm-allocate -o %t.mlir
// RUN: spm-opt %t.mlir -o /dev/null
// RUN: spm-opt --spm-place=report=ops %s 2>&1 -o /dev/null | FileCheck %s --check-prefix=CHAIN
// RUN: spm-opt --spm-place %s 2>/dev/null | spm-opt --spm-allocate -o /dev/null
// CHAIN: remark: spm-place: linalg.generic + linalg.generic (chained with halo, no DRAM for %alloc0): 5 tiles [1x4x10x2] of the consumer; DRAM read 1024 B, written 1600 B (model 1024, 1600); resident: none
// CHAIN: remark: spm-place: 2 ops (1 tiled, 5 tiles, 0 fused pairs, 1 chain), {{.*}} total 1.000x the compulsory 2624 bytes
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 1024 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 16 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {

// A 1600-byte padded buffer (it does not fit): the zero fill is written
// only where the copy does not write, as four slabs (rows 0 and 9, then
// columns 0 and 9 of rows 1..8): 2 x 160 + 2 x 128 = 576 bytes, not 1600.
// Written: 576 + 1024 (the copy) + 1600 (the final read-out) = 3200.
// REPORT-LABEL: remark: spm-place: linalg.generic
// REPORT: remark: spm-place: 2 ops ({{.*}}DRAM read 2624 bytes, written 3200 bytes{{.*}}(traffic model: read 2624, written 3200)
// IR-LABEL: func.func @pad_border
// IR-DAG: "spm.dma_store"({{.*}}) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 4, 1, 10>
// IR-DAG: "spm.dma_store"({{.*}}) {offsets = array<i64: 0, 0, 9, 0>, sizes = array<i64: 1, 4, 1, 10>
// IR-DAG: "spm.dma_store"({{.*}}) {offsets = array<i64: 0, 0, 1, 0>, sizes = array<i64: 1, 4, 8, 1>
// IR-DAG: "spm.dma_store"({{.*}}) {offsets = array<i64: 0, 0, 1, 9>, sizes = array<i64: 1, 4, 8, 1>
// IR: return
// RES-LABEL: func.func @pad_border
// RES: linalg.fill ins(%{{.*}} : f32) outs(%[[PAD:[0-9]+]] : memref<1x4x10x10xf32>)
// RES: %[[INT:.+]] = memref.subview %[[PAD]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// RES: linalg.generic {{.*}} outs(%[[INT]] :
func.func @pad_border(%x: memref<1x4x8x8xf32>, %y: memref<1x4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %pad = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x4x10x10xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x8x8xf32>) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%pad : memref<1x4x10x10xf32>) outs(%y : memref<1x4x10x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  memref.dealloc %pad : memref<1x4x10x10xf32>
  return
}

// Zero fill, -inf fill of the interior, 2x2 max pool into the interior:
// the border zeros go to DRAM (576 bytes), the -inf fill runs in each pool
// tile before it accumulates, and the pool loads no initial output: it
// reads only its input (4096 bytes) and writes its 1024.
// REPORT: remark: spm-place: linalg.pooling_nchw_max: {{[0-9]+}} tiles {{.*}}; DRAM read 4096 B, written 1024 B (model 4096, 1024)
// REPORT: remark: spm-place: 2 ops ({{.*}}DRAM read 5696 bytes, written 3200 bytes
// IR-LABEL: func.func @pool_interior
// IR-NOT: spm.dma_load"(%alloc
// IR: linalg.fill ins(%cst_0 : f32) outs(%[[T:[0-9]+]] : memref<
// IR-NEXT: linalg.pooling_nchw_max {{.*}} outs(%[[T]] :
// IR: return
// RES-LABEL: func.func @pool_interior
// RES: linalg.fill ins(%cst : f32) outs(%[[PAD:[0-9]+]] : memref<1x4x10x10xf32>)
// RES: %[[INT:.+]] = memref.subview %[[PAD]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// RES: linalg.fill ins(%cst_0 : f32) outs(%[[INT]] :
// RES: linalg.pooling_nchw_max {{.*}} outs(%subview{{.*}} :
func.func @pool_interior(%x: memref<1x4x16x16xf32>, %y: memref<1x4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %pad = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x4x10x10xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  %win = memref.alloc() : memref<2x2xf32>
  linalg.fill ins(%ninf : f32) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %win : memref<1x4x16x16xf32>, memref<2x2xf32>) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%pad : memref<1x4x10x10xf32>) outs(%y : memref<1x4x10x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// The interior fill is read before anything writes it: both fills are
// written whole, zeros first (1600 + 1024 bytes), then read back.
// REPORT: remark: spm-place: 1 op ({{.*}}DRAM read 1600 bytes, written 4224 bytes
// IR-LABEL: func.func @fills_then_read
// IR: linalg.fill ins(%cst : f32)
// IR: "spm.dma_store"
// IR: linalg.fill ins(%cst_0 : f32)
// IR: "spm.dma_store"
// IR: linalg.generic
// IR: return
func.func @fills_then_read(%y: memref<1x4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %pad = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x4x10x10xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.fill ins(%one : f32) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%pad : memref<1x4x10x10xf32>) outs(%y : memref<1x4x10x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// A writer that accumulates into the interior (a max pool without its own
// fill) needs the zeros there: the fill is written whole first and the
// pool loads its initial output.
// REPORT: remark: spm-place: linalg.pooling_nchw_max: {{[0-9]+}} tiles {{.*}}; DRAM read 5120 B, written 1024 B
// IR-LABEL: func.func @accumulating_writer
// IR: linalg.fill ins(%cst : f32)
// IR: "spm.dma_store"
// IR: linalg.pooling_nchw_max
// IR: return
func.func @accumulating_writer(%x: memref<1x4x16x16xf32>, %y: memref<1x4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %pad = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<1x4x10x10xf32>)
  %int = memref.subview %pad[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  %win = memref.alloc() : memref<2x2xf32>
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %win : memref<1x4x16x16xf32>, memref<2x2xf32>) outs(%int : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%pad : memref<1x4x10x10xf32>) outs(%y : memref<1x4x10x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

}
