// Functions with unstructured control flow (blocks joined by branches) are
// rejected with an error at the op whose region has several blocks: the
// dependence analysis orders statements by their place in nested one-block
// regions, and a buffer read in a later block would otherwise be freed early
// and its bytes reused.
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-allocate=place=never %s --verify-diagnostics
// RUN: spm-opt --split-input-file --spm-liveness %s --verify-diagnostics
// RUN: spm-opt --split-input-file --spm-deps %s --verify-diagnostics
// RUN: not spm-opt --spm-target=gemmini --spm-allocate %s -o %t.mlir 2>&1 | FileCheck %s
// RUN: not test -e %t.mlir

// expected-error@+1 {{unstructured control flow: this func.func has a region of 3 blocks; the dependence analysis needs structured control flow (scf, affine): lift it first, e.g. with mlir-opt --lift-cf-to-scf}}
func.func @blocks(%in: memref<4xf32>, %out: memref<4xf32>, %c: i1) {
  %v = memref.alloc() : memref<4xf32>
  %w = memref.alloc() : memref<4xf32>
  memref.copy %in, %v : memref<4xf32> to memref<4xf32>
  memref.copy %in, %w : memref<4xf32> to memref<4xf32>
  memref.copy %w, %out : memref<4xf32> to memref<4xf32>
  cf.cond_br %c, ^a, ^b
^a:
  memref.copy %v, %out : memref<4xf32> to memref<4xf32>
  cf.br ^b
^b:
  memref.copy %v, %out : memref<4xf32> to memref<4xf32>
  return
}
// CHECK: unstructured.mlir:[[# @LINE - 14]]:1: error: unstructured control flow: this func.func has a region of 3 blocks

// -----

func.func @nested(%in: memref<4xf32>, %out: memref<4xf32>, %c: i1) {
  %v = memref.alloc() : memref<4xf32>
  // expected-error@+1 {{unstructured control flow: this scf.execute_region has a region of 2 blocks}}
  scf.execute_region {
    memref.copy %in, %v : memref<4xf32> to memref<4xf32>
    cf.br ^next
  ^next:
    memref.copy %v, %out : memref<4xf32> to memref<4xf32>
    scf.yield
  }
  return
}
