// Lowered-form spm IR that does not lower: one error each
// (test/spm-run/spm-lowered-ops.test). spm-run lowers what it is given
// without the spm verifier, so its lowering checks its own preconditions:
// @reduce is also rejected by the verifier (test/dialect/invalid.mlir).
module attributes {spm.target = #spm.target<{name = "tiny", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 4.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 2 : i64, clock_mhz = 100 : i64, dram_pj_per_byte = 100.0 : f64, spm_pj_per_byte = 5.0 : f64, mac_pj = 0.5 : f64}>} {
func.func @no_body() {
  %A = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  "spm.eltwise"(%A, %A) {kernel = @external, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}
func.func @no_uop() {
  %A = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  "spm.eltwise"(%A, %A) {kernel = @exp, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}
func.func @reduce() {
  %A = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  %S = "spm.view"(%A) {offset = 0 : i64, strides = array<i64: 0>} : (!spm.buf<array<i64: 4>, f32>) -> !spm.buf<array<i64: 4>, f32>
  "spm.eltwise"(%A, %S) {kernel = @exp, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}
func.func private @external(f32, f32) -> f32 attributes {spm.kernel}
func.func private @exp(%a: f32, %o: f32) -> f32 attributes {spm.kernel} {
  %e = math.exp %a : f32
  return %e : f32
}
}
