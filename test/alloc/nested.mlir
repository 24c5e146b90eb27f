// Functions in nested modules are allocated too; an spm.alloc still to
// place (offset = -1) inside a region is an error, not left unplaced.
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-allocate=place=never %s --verify-diagnostics | FileCheck %s
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-liveness %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIVE

module @inner {
  // expected-remark@+1 {{spm-allocate: 1 buffer}}
  func.func @g(%in: memref<4xf32>, %out: memref<4xf32>) {
    %v = memref.alloc() : memref<4xf32>
    memref.copy %in, %v : memref<4xf32> to memref<4xf32>
    memref.copy %v, %out : memref<4xf32> to memref<4xf32>
    return
  }
}
// CHECK: module @inner
// CHECK: func.func @g
// CHECK: "spm.alloc"() {offset = 0 : i64}
// LIVE: nested.mlir:9:10: remark: %alloc: 16 bytes, live [1, 2]

// -----

func.func @p(%c: i1) {
  %0 = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  scf.if %c {
    // expected-error@+1 {{spm-allocate: an spm.alloc to place (offset = -1) inside a region: only those at the function's top level are packed}}
    %1 = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 4>, f32>
    "spm.dealloc"(%1) : (!spm.buf<array<i64: 4>, f32>) -> ()
  }
  "spm.dealloc"(%0) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}
