// Upstream's affine dependence checker and spm-deps' compatibility mode print
// identical remarks on this input.
// RUN: mlir-opt -test-memref-dependence-check %s 2>&1 | grep 'remark:' > %t.upstream
// RUN: spm-opt --spm-deps=format=mlir-compat %s 2>&1 | grep 'remark:' > %t.spm
// RUN: diff %t.upstream %t.spm
// RUN: FileCheck %s < %t.spm

// CHECK: remark: dependence from 1 to 0 at depth 1 = [1, 1][-1, -1]
func.func @stencil(%A: memref<10x10xf32>) {
  affine.for %i = 1 to 10 {
    affine.for %j = 0 to 9 {
      %v = affine.load %A[%i - 1, %j + 1] : memref<10x10xf32>
      affine.store %v, %A[%i, %j] : memref<10x10xf32>
    }
  }
  return
}

func.func @seq(%A: memref<10xf32>, %B: memref<10xf32>) {
  affine.for %i = 0 to 10 {
    %v = affine.load %A[%i] : memref<10xf32>
    affine.store %v, %A[%i] : memref<10xf32>
    affine.store %v, %B[%i floordiv 2] : memref<10xf32>
  }
  %w = affine.load %A[0] : memref<10xf32>
  affine.store %w, %B[3] : memref<10xf32>
  return
}

func.func @triangular(%A: memref<16x16xf32>) {
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to affine_map<(d0) -> (d0)>(%i) {
      %v = affine.load %A[%j, %i] : memref<16x16xf32>
      affine.store %v, %A[%i, %j] : memref<16x16xf32>
    }
  }
  return
}
