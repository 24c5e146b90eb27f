// The C verifier reports every violation, not just the first: the walk
// continues after an error (into other functions and nested regions), each
// error is located at its op as file:line:col, and nothing is printed.
// RUN: not spm-opt %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: not spm-opt %s 2>/dev/null | count 0

module attributes {spm.target = #spm.target<{name = "t",
    capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64,
    dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64,
    macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64,
    dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64,
    mac_pj = 0.2 : f64}>} {
  func.func @first(%g: memref<8x8xf32>) {
    // Two errors on one op.
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+2]]:10: error: 'spm.alloc' op offset 4088 is not aligned to 16 bytes (target 't')
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:10: error: 'spm.alloc' op buffer [4088, 4216) exceeds the scratchpad capacity of 4096 bytes (target 't')
    %a = "spm.alloc"() {offset = 4088 : i64} : () -> !spm.buf<array<i64: 4, 8>, f32>
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:10: error: 'spm.dma_load' op window reaches index 11 in dimension 0 of a memref of size 8
    %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 5, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 2, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:5: error: 'spm.wait' op needs at least one token
    "spm.wait"() : () -> ()
    // A valid op between the errors: no diagnostic.
    "spm.wait"(%t) : (!spm.token) -> ()
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 4, 8>, f32>) -> ()
    return
  }

  func.func @second(%x: !spm.buf<array<i64: 4, 8>, f32>, %y: !spm.buf<array<i64: 6, 2>, f32>, %n: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n step %c1 {
      // In a nested region.
      // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+2]]:7: error: 'spm.matmul' op reduction sizes differ: lhs is 4x8, rhs is 6x2
      // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:7: error: 'spm.matmul' op acc (elements 0..31 of its buffer) overlaps lhs (elements 0..31): the op must not write elements it reads
      "spm.matmul"(%x, %y, %x) {accumulate = true} : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 6, 2>, f32>, !spm.buf<array<i64: 4, 8>, f32>) -> ()
    }
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:5: error: 'spm.dealloc' op operand must be the result of an spm.alloc
    "spm.dealloc"(%x) : (!spm.buf<array<i64: 4, 8>, f32>) -> ()
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:5: error: 'spm.relu' op input and output must have the same shape and element type
    "spm.relu"(%x, %y) : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 6, 2>, f32>) -> ()
    return
  }

  // The rules on the order of ops are checked after every op's own rules,
  // so their errors come last (docs/dialect.md, "Order of ops").
  func.func @third(%g: memref<8x8xf32>) {
    %b = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4, 8>, f32>
    "spm.dealloc"(%b) : (!spm.buf<array<i64: 4, 8>, f32>) -> ()
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+2]]:10: error: 'spm.dma_load' op transfer is never waited for: its token has no use (add an spm.wait)
    // CHECK: {{.*}}verifier-all-errors.mlir:[[@LINE+1]]:10: error: 'spm.dma_load' op uses a buffer after its spm.dealloc at line [[@LINE-2]] (the spm.alloc at line [[@LINE-3]])
    %t = "spm.dma_load"(%g, %b) {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
    return
  }
}
