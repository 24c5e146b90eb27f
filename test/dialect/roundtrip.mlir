// Every spm op and type parses, passes IRDL and the C verifier, and prints
// back (generic form); the printed output parses again (round trip), and the
// same file loads in upstream mlir-opt with only the IRDL definition.
// RUN: spm-opt %s | FileCheck %s
// RUN: spm-opt %s | spm-opt | FileCheck %s
// RUN: spm-opt %s --mlir-print-op-generic | spm-opt | FileCheck %s
// RUN: spm-opt %s --spm-verify | FileCheck %s
// RUN: mlir-opt --irdl-file=%spm_irdl %s | FileCheck %s
// RUN: mlir-opt --irdl-file=%spm_irdl %s | mlir-opt --irdl-file=%spm_irdl | spm-opt | FileCheck %s

// Buffers (16-byte aligned, 65536-byte scratchpad):
//   %x 1x4x8x8 f32 1024 B at 0, %w 8x2x3x3 f32 576 B at 1024,
//   %y 1x8x4x4 f32 512 B at 1600, %b 8 f32 32 B at 2112,
//   %p 1x8x2x2 f32 128 B at 2144, %qa 4x16 i8 64 B at 2272,
//   %qb 16x8 i8 128 B at 2336, %qc 4x8 i32 128 B at 2464,
//   %qd 4x8 i32 128 B at 2592.

// CHECK: module attributes {spm.target = #spm.target<{alignment = 16 : i64, banks = 2 : i64, capacity = 65536 : i64, clock_mhz = 500 : i64, dma_bandwidth = 8.000000e+00 : f64, dma_latency = 20 : i64, dram_pj_per_byte = 1.600000e+02 : f64, mac_pj = 2.500000e-01 : f64, macs_per_cycle = 64 : i64, name = "test", spm_pj_per_byte = 5.000000e+00 : f64}>}
module attributes {spm.target = #spm.target<{name = "test",
    capacity = 65536 : i64, alignment = 16 : i64, banks = 2 : i64,
    dma_bandwidth = 8.0 : f64, dma_latency = 20 : i64,
    macs_per_cycle = 64 : i64, clock_mhz = 500 : i64,
    dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 5.0 : f64,
    mac_pj = 0.25 : f64}>} {

  // CHECK-LABEL: func.func @conv_block
  // CHECK-SAME: (%[[GX:.*]]: memref<1x4x16x16xf32>, %[[GW:.*]]: memref<8x2x3x3xf32>, %[[GB:.*]]: memref<8xf32>, %[[GY:.*]]: memref<1x8x2x2xf32>)
  func.func @conv_block(%gx: memref<1x4x16x16xf32>, %gw: memref<8x2x3x3xf32>,
                        %gb: memref<8xf32>, %gy: memref<1x8x2x2xf32>) {
    // CHECK: %[[X:.*]] = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 4, 8, 8>, f32>
    // CHECK: %[[W:.*]] = "spm.alloc"() {offset = 1024 : i64} : () -> !spm.buf<array<i64: 8, 2, 3, 3>, f32>
    // CHECK: %[[Y:.*]] = "spm.alloc"() {offset = 1600 : i64} : () -> !spm.buf<array<i64: 1, 8, 4, 4>, f32>
    // CHECK: %[[B:.*]] = "spm.alloc"() {offset = 2112 : i64} : () -> !spm.buf<array<i64: 8>, f32>
    // CHECK: %[[P:.*]] = "spm.alloc"() {offset = 2144 : i64} : () -> !spm.buf<array<i64: 1, 8, 2, 2>, f32>
    %x = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 4, 8, 8>, f32>
    %w = "spm.alloc"() {offset = 1024 : i64} : () -> !spm.buf<array<i64: 8, 2, 3, 3>, f32>
    %y = "spm.alloc"() {offset = 1600 : i64} : () -> !spm.buf<array<i64: 1, 8, 4, 4>, f32>
    %b = "spm.alloc"() {offset = 2112 : i64} : () -> !spm.buf<array<i64: 8>, f32>
    %p = "spm.alloc"() {offset = 2144 : i64} : () -> !spm.buf<array<i64: 1, 8, 2, 2>, f32>

    // A strided window: buffer element (n, c, h, w) <- gx[n, c, 1 + 2h, 1 + 2w].
    // CHECK: %[[T0:.*]] = "spm.dma_load"(%[[GX]], %[[X]]) {offsets = array<i64: 0, 0, 1, 1>, sizes = array<i64: 1, 4, 8, 8>, strides = array<i64: 1, 1, 2, 2>} : (memref<1x4x16x16xf32>, !spm.buf<array<i64: 1, 4, 8, 8>, f32>) -> !spm.token
    // CHECK: %[[T1:.*]] = "spm.dma_load"(%[[GW]], %[[W]]) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 8, 2, 3, 3>, strides = array<i64: 1, 1, 1, 1>}
    // CHECK: %[[T2:.*]] = "spm.dma_load"(%[[GB]], %[[B]]) {offsets = array<i64: 0>, sizes = array<i64: 8>, strides = array<i64: 1>} : (memref<8xf32>, !spm.buf<array<i64: 8>, f32>) -> !spm.token
    // CHECK: "spm.wait"(%[[T0]], %[[T1]], %[[T2]]) : (!spm.token, !spm.token, !spm.token) -> ()
    %t0 = "spm.dma_load"(%gx, %x) {offsets = array<i64: 0, 0, 1, 1>, sizes = array<i64: 1, 4, 8, 8>, strides = array<i64: 1, 1, 2, 2>} : (memref<1x4x16x16xf32>, !spm.buf<array<i64: 1, 4, 8, 8>, f32>) -> !spm.token
    %t1 = "spm.dma_load"(%gw, %w) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 8, 2, 3, 3>, strides = array<i64: 1, 1, 1, 1>} : (memref<8x2x3x3xf32>, !spm.buf<array<i64: 8, 2, 3, 3>, f32>) -> !spm.token
    %t2 = "spm.dma_load"(%gb, %b) {offsets = array<i64: 0>, sizes = array<i64: 8>, strides = array<i64: 1>} : (memref<8xf32>, !spm.buf<array<i64: 8>, f32>) -> !spm.token
    "spm.wait"(%t0, %t1, %t2) : (!spm.token, !spm.token, !spm.token) -> ()

    // Grouped conv: 4 input channels in 2 groups of 2, 8 filters; stride 2,
    // padding 1 on every side: OH = floor((8 + 1 + 1 - 2 - 1) / 2) + 1 = 4.
    // CHECK: "spm.conv2d"(%[[X]], %[[W]], %[[Y]]) {accumulate = false, dilations = array<i64: 1, 1>, groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 2, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    "spm.conv2d"(%x, %w, %y) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 2, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    // CHECK: "spm.bias_add"(%[[Y]], %[[B]], %[[Y]]) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    "spm.bias_add"(%y, %b, %y) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    // CHECK: "spm.relu"(%[[Y]], %[[Y]]) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    "spm.relu"(%y, %y) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    // CHECK: "spm.pool"(%[[Y]], %[[P]]) {kind = "avg", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
    "spm.pool"(%y, %p) {kind = "avg", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
    // CHECK: "spm.scale"(%[[P]], %[[P]]) {factor = 2.500000e-01 : f32} : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>, !spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
    "spm.scale"(%p, %p) {factor = 0.25 : f32} : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>, !spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()

    // CHECK: %[[T3:.*]] = "spm.dma_store"(%[[P]], %[[GY]]) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 8, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>, memref<1x8x2x2xf32>) -> !spm.token
    // CHECK: "spm.wait"(%[[T3]]) : (!spm.token) -> ()
    %t3 = "spm.dma_store"(%p, %gy) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 8, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>, memref<1x8x2x2xf32>) -> !spm.token
    "spm.wait"(%t3) : (!spm.token) -> ()

    // CHECK: "spm.dealloc"(%[[X]]) : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>) -> ()
    // CHECK: "spm.dealloc"(%[[W]])
    // CHECK: "spm.dealloc"(%[[Y]])
    // CHECK: "spm.dealloc"(%[[B]])
    // CHECK: "spm.dealloc"(%[[P]]) : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
    "spm.dealloc"(%x) : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>) -> ()
    "spm.dealloc"(%w) : (!spm.buf<array<i64: 8, 2, 3, 3>, f32>) -> ()
    "spm.dealloc"(%y) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
    "spm.dealloc"(%b) : (!spm.buf<array<i64: 8>, f32>) -> ()
    "spm.dealloc"(%p) : (!spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
    // CHECK: return
    return
  }

  // Quantised matmul: i8 x i8 accumulating into i32, then an element-wise add.
  // CHECK-LABEL: func.func @quantised
  func.func @quantised() {
    // CHECK: %[[QA:.*]] = "spm.alloc"() {offset = 2272 : i64} : () -> !spm.buf<array<i64: 4, 16>, i8>
    // CHECK: %[[QB:.*]] = "spm.alloc"() {offset = 2336 : i64} : () -> !spm.buf<array<i64: 16, 8>, i8>
    // CHECK: %[[QC:.*]] = "spm.alloc"() {offset = 2464 : i64} : () -> !spm.buf<array<i64: 4, 8>, i32>
    // CHECK: %[[QD:.*]] = "spm.alloc"() {offset = 2592 : i64} : () -> !spm.buf<array<i64: 4, 8>, i32>
    %qa = "spm.alloc"() {offset = 2272 : i64} : () -> !spm.buf<array<i64: 4, 16>, i8>
    %qb = "spm.alloc"() {offset = 2336 : i64} : () -> !spm.buf<array<i64: 16, 8>, i8>
    %qc = "spm.alloc"() {offset = 2464 : i64} : () -> !spm.buf<array<i64: 4, 8>, i32>
    %qd = "spm.alloc"() {offset = 2592 : i64} : () -> !spm.buf<array<i64: 4, 8>, i32>
    // CHECK: "spm.matmul"(%[[QA]], %[[QB]], %[[QC]]) {accumulate = false} : (!spm.buf<array<i64: 4, 16>, i8>, !spm.buf<array<i64: 16, 8>, i8>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
    // CHECK: "spm.matmul"(%[[QA]], %[[QB]], %[[QC]]) {accumulate = true}
    "spm.matmul"(%qa, %qb, %qc) {accumulate = false} : (!spm.buf<array<i64: 4, 16>, i8>, !spm.buf<array<i64: 16, 8>, i8>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
    "spm.matmul"(%qa, %qb, %qc) {accumulate = true} : (!spm.buf<array<i64: 4, 16>, i8>, !spm.buf<array<i64: 16, 8>, i8>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
    // CHECK: "spm.add"(%[[QC]], %[[QC]], %[[QD]]) : (!spm.buf<array<i64: 4, 8>, i32>, !spm.buf<array<i64: 4, 8>, i32>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
    "spm.add"(%qc, %qc, %qd) : (!spm.buf<array<i64: 4, 8>, i32>, !spm.buf<array<i64: 4, 8>, i32>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
    "spm.dealloc"(%qa) : (!spm.buf<array<i64: 4, 16>, i8>) -> ()
    "spm.dealloc"(%qb) : (!spm.buf<array<i64: 16, 8>, i8>) -> ()
    "spm.dealloc"(%qc) : (!spm.buf<array<i64: 4, 8>, i32>) -> ()
    "spm.dealloc"(%qd) : (!spm.buf<array<i64: 4, 8>, i32>) -> ()
    return
  }

  // The types stand alone too: buffers and tokens as function arguments
  // (a buffer argument needs no capacity check: it was allocated elsewhere).
  // CHECK-LABEL: func.func @types
  // CHECK-SAME: (%[[A:.*]]: !spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>, %[[T:.*]]: !spm.token) -> !spm.token
  // CHECK: "spm.wait"(%[[T]]) : (!spm.token) -> ()
  // CHECK: "spm.relu"(%[[A]], %[[A]]) : (!spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>, !spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>) -> ()
  // CHECK: return %[[T]] : !spm.token
  func.func @types(%a: !spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>, %t: !spm.token) -> !spm.token {
    "spm.wait"(%t) : (!spm.token) -> ()
    "spm.relu"(%a, %a) : (!spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>, !spm.buf<array<i64: 2, 3, 5, 7, 1, 1, 1, 2>, bf16>) -> ()
    return %t : !spm.token
  }

  // The ops of lowered code (spm-lower): strided views (a broadcast
  // input, stride 0, and the output), a fill, an
  // element-wise op with its scalar kernel, a sum pool into i32 that
  // accumulates, with dilations.
  // CHECK-LABEL: func.func @lowered
  // CHECK-SAME: (%[[L:.*]]: !spm.buf<array<i64: 4, 4>, i32>, %[[Q:.*]]: !spm.buf<array<i64: 1, 1, 4, 4>, i8>, %[[S:.*]]: !spm.buf<array<i64: 1, 1, 2, 2>, i32>)
  // CHECK: %[[V:.*]] = "spm.view"(%[[L]]) {offset = 1 : i64, strides = array<i64: 4, 0>} : (!spm.buf<array<i64: 4, 4>, i32>) -> !spm.buf<array<i64: 3, 2>, i32>
  // CHECK: "spm.fill"(%[[L]]) {value = 7 : i32} : (!spm.buf<array<i64: 4, 4>, i32>) -> ()
  // CHECK: %[[W:.*]] = "spm.view"(%[[L]]) {offset = 8 : i64, strides = array<i64: 2, 1>} : (!spm.buf<array<i64: 4, 4>, i32>) -> !spm.buf<array<i64: 3, 2>, i32>
  // CHECK: "spm.eltwise"(%[[V]], %[[W]]) {kernel = @lowered_kernel, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 3, 2>, i32>, !spm.buf<array<i64: 3, 2>, i32>) -> ()
  // CHECK: "spm.pool"(%[[Q]], %[[S]]) {accumulate = true, dilations = array<i64: 2, 2>, kind = "sum", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, window = array<i64: 2, 2>} : (!spm.buf<array<i64: 1, 1, 4, 4>, i8>, !spm.buf<array<i64: 1, 1, 2, 2>, i32>) -> ()
  // CHECK: func.func private @lowered_kernel(%{{.*}}: i32, %{{.*}}: i32) -> i32 attributes {spm.kernel}
  func.func @lowered(%l: !spm.buf<array<i64: 4, 4>, i32>, %q: !spm.buf<array<i64: 1, 1, 4, 4>, i8>, %s: !spm.buf<array<i64: 1, 1, 2, 2>, i32>) {
    %v = "spm.view"(%l) {offset = 1 : i64, strides = array<i64: 4, 0>} : (!spm.buf<array<i64: 4, 4>, i32>) -> !spm.buf<array<i64: 3, 2>, i32>
    "spm.fill"(%l) {value = 7 : i32} : (!spm.buf<array<i64: 4, 4>, i32>) -> ()
    %w = "spm.view"(%l) {offset = 8 : i64, strides = array<i64: 2, 1>} : (!spm.buf<array<i64: 4, 4>, i32>) -> !spm.buf<array<i64: 3, 2>, i32>
    "spm.eltwise"(%v, %w) {kernel = @lowered_kernel, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 3, 2>, i32>, !spm.buf<array<i64: 3, 2>, i32>) -> ()
    "spm.pool"(%q, %s) {kind = "sum", window = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, accumulate = true} : (!spm.buf<array<i64: 1, 1, 4, 4>, i8>, !spm.buf<array<i64: 1, 1, 2, 2>, i32>) -> ()
    return
  }
  func.func private @lowered_kernel(%a: i32, %o: i32) -> i32 attributes {spm.kernel} {
    %s = arith.addi %a, %o : i32
    return %s : i32
  }
}
