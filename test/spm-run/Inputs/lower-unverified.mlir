// A fill whose value is f64 on an f32 buffer: the spm verifier rejects it,
// so spm-run runs nothing (test/spm-run/lower-errors.test).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @ops(%x: memref<1x1x2x2xf32>, %b: memref<1xf32>,
               %f: memref<2xf32>, %g: memref<2xf32>, %p: memref<1x1x1x1xf32>, %r: memref<2x2xf32>) {
  %X = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  %B = "spm.alloc"() {offset = 16 : i64} : () -> !spm.buf<array<i64: 1>, f32>
  %F = "spm.alloc"() {offset = 32 : i64} : () -> !spm.buf<array<i64: 2>, f32>
  %G = "spm.alloc"() {offset = 48 : i64} : () -> !spm.buf<array<i64: 2>, f32>
  %P = "spm.alloc"() {offset = 64 : i64} : () -> !spm.buf<array<i64: 1, 1, 1, 1>, f32>
  %R = "spm.alloc"() {offset = 80 : i64} : () -> !spm.buf<array<i64: 2, 2>, f32>
  %t0 = "spm.dma_load"(%x, %X) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 1, 1>} : (memref<1x1x2x2xf32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.token
  %t1 = "spm.dma_load"(%b, %B) {offsets = array<i64: 0>, sizes = array<i64: 1>, strides = array<i64: 1>} : (memref<1xf32>, !spm.buf<array<i64: 1>, f32>) -> !spm.token
  "spm.wait"(%t0, %t1) : (!spm.token, !spm.token) -> ()
  // The right column of x, [2, 4]; the bias broadcast over 2 elements.
  %col = "spm.view"(%X) {offset = 1 : i64, strides = array<i64: 2>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.buf<array<i64: 2>, f32>
  %bias = "spm.view"(%B) {offset = 0 : i64, strides = array<i64: 0>} : (!spm.buf<array<i64: 1>, f32>) -> !spm.buf<array<i64: 2>, f32>
  // f = col * 3 + 1 (the output read by the kernel: filled with 3 first)
  "spm.fill"(%F) {value = 3.0 : f64} : (!spm.buf<array<i64: 2>, f32>) -> ()
  "spm.eltwise"(%col, %F) {kernel = @fma1, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 2>, f32>, !spm.buf<array<i64: 2>, f32>) -> ()
  // g = col + bias
  "spm.eltwise"(%col, %bias, %G) {kernel = @add, operandSegmentSizes = array<i32: 1, 1, 0, 0, 1>} : (!spm.buf<array<i64: 2>, f32>, !spm.buf<array<i64: 2>, f32>, !spm.buf<array<i64: 2>, f32>) -> ()
  // p = 0.5 + sum of x
  "spm.fill"(%P) {value = 0.5 : f32} : (!spm.buf<array<i64: 1, 1, 1, 1>, f32>) -> ()
  "spm.pool"(%X, %P) {kind = "sum", window = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, accumulate = true} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 1, 1>, f32>) -> ()
  // r = x * transpose(x), both operands views of X
  %xm = "spm.view"(%X) {offset = 0 : i64, strides = array<i64: 2, 1>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.buf<array<i64: 2, 2>, f32>
  %xt = "spm.view"(%X) {offset = 0 : i64, strides = array<i64: 1, 2>} : (!spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> !spm.buf<array<i64: 2, 2>, f32>
  "spm.matmul"(%xm, %xt, %R) {accumulate = false} : (!spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>) -> ()
  %s0 = "spm.dma_store"(%F, %f) {offsets = array<i64: 0>, sizes = array<i64: 2>, strides = array<i64: 1>} : (!spm.buf<array<i64: 2>, f32>, memref<2xf32>) -> !spm.token
  %s1 = "spm.dma_store"(%G, %g) {offsets = array<i64: 0>, sizes = array<i64: 2>, strides = array<i64: 1>} : (!spm.buf<array<i64: 2>, f32>, memref<2xf32>) -> !spm.token
  %s2 = "spm.dma_store"(%P, %p) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 1, 1, 1>, f32>, memref<1x1x1x1xf32>) -> !spm.token
  %s3 = "spm.dma_store"(%R, %r) {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (!spm.buf<array<i64: 2, 2>, f32>, memref<2x2xf32>) -> !spm.token
  "spm.wait"(%s0, %s1, %s2, %s3) : (!spm.token, !spm.token, !spm.token, !spm.token) -> ()
  return
}
func.func private @fma1(%a: f32, %o: f32) -> f32 attributes {spm.kernel} {
  %one = arith.constant 1.0 : f32
  %m = arith.mulf %a, %o : f32
  %s = arith.addf %m, %one : f32
  return %s : f32
}
func.func private @add(%a: f32, %b: f32, %o: f32) -> f32 attributes {spm.kernel} {
  %s = arith.addf %a, %b : f32
  return %s : f32
}
}
