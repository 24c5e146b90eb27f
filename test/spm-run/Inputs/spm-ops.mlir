// The spm dialect's compute ops, hand-written (test/spm-run/spm-ops.test).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @ops(%x: memref<1x1x2x2xf32>, %w: memref<1x1x2x2xf32>, %b: memref<1xf32>, %a: memref<1x2xf32>, %m: memref<2x1xf32>,
               %conv: memref<1x1x2x2xf32>, %avg: memref<1x1x1x1xf32>, %max: memref<1x1x2x2xf32>, %mm: memref<1x1xf32>) {
  %X = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %W = "spm.alloc"() {offset = 16 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %B = "spm.alloc"() {offset = 32 : i64} : () -> !spm.buf<array<i64: 1>, f32>
  %C = "spm.alloc"() {offset = 48 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %P = "spm.alloc"() {offset = 64 : i64} : () -> !spm.buf<array<i64: 1, 1, 1, 1>, f32>
  %Q = "spm.alloc"() {offset = 80 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %A = "spm.alloc"() {offset = 96 : i64} : () -> !spm.buf<array<i64: 1, 2>, f32>
  %M = "spm.alloc"() {offset = 112 : i64} : () -> !spm.buf<array<i64: 2, 1>, f32>
  %R = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 1, 1>, f32>
  %t0 = "spm.dma_load"(%x, %X) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (memref<1x1x2x2xf32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.token
  %t1 = "spm.dma_load"(%w, %W) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (memref<1x1x2x2xf32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.token
  %t2 = "spm.dma_load"(%b, %B) {offsets = array<i64: 0>, sizes = array<i64: 1>, strides = array<i64: 1>} : (memref<1xf32>, !spm.buf<array<i64: 1>, f32>) -> !spm.token
  %t3 = "spm.dma_load"(%a, %A) {offsets = array<i64: 0, 0>, sizes = array<i64: 1, 2>, strides = array<i64: 1, 1>} : (memref<1x2xf32>, !spm.buf<array<i64: 1, 2>, f32>) -> !spm.token
  %t4 = "spm.dma_load"(%m, %M) {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 1>, strides = array<i64: 1, 1>} : (memref<2x1xf32>, !spm.buf<array<i64: 2, 1>, f32>) -> !spm.token
  "spm.wait"(%t0, %t1, %t2, %t3, %t4) : (!spm.token, !spm.token, !spm.token, !spm.token, !spm.token) -> ()
  "spm.conv2d"(%X, %W, %C) {strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.bias_add"(%C, %B, %C) : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.scale"(%C, %C) {factor = 0.5 : f32} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.add"(%C, %C, %C) : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.relu"(%C, %C) : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.pool"(%C, %P) {kind = "avg", window = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 1, 1>, f32>) -> ()
  "spm.pool"(%C, %Q) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 0, 0>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  "spm.matmul"(%A, %M, %R) {accumulate = false} : (!spm.buf<array<i64: 1, 2>, f32>, !spm.buf<array<i64: 2, 1>, f32>, !spm.buf<array<i64: 1, 1>, f32>) -> ()
  %s0 = "spm.dma_store"(%C, %conv) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, memref<1x1x2x2xf32>) -> !spm.token
  %s1 = "spm.dma_store"(%P, %avg) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 1, 1, 1>, f32>, memref<1x1x1x1xf32>) -> !spm.token
  %s2 = "spm.dma_store"(%Q, %max) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, memref<1x1x2x2xf32>) -> !spm.token
  %s3 = "spm.dma_store"(%R, %mm) {offsets = array<i64: 0, 0>, sizes = array<i64: 1, 1>, strides = array<i64: 1, 1>} : (!spm.buf<array<i64: 1, 1>, f32>, memref<1x1xf32>) -> !spm.token
  "spm.wait"(%s0, %s1, %s2, %s3) : (!spm.token, !spm.token, !spm.token, !spm.token) -> ()
  return
}
}
