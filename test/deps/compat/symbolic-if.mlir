// Symbolic bounds, steps, min/max bounds and affine.if: the same remarks as
// upstream's affine dependence checker.
// RUN: mlir-opt -test-memref-dependence-check %s 2>&1 | grep 'remark:' > %t.upstream
// RUN: spm-opt --spm-deps=format=mlir-compat %s 2>&1 | grep 'remark:' > %t.spm
// RUN: diff %t.upstream %t.spm
// RUN: FileCheck %s < %t.spm

// CHECK: remark: dependence from 1 to 1 at depth 1 = [1, +inf]
#set = affine_set<(d0)[s0] : (d0 - 2 >= 0, s0 - d0 - 1 >= 0)>
func.func @symbolic(%A: memref<?xf32>, %N: index) {
  affine.for %i = 0 to %N {
    %v = affine.load %A[%i] : memref<?xf32>
    affine.store %v, %A[0] : memref<?xf32>
  }
  return
}

func.func @steps(%A: memref<64xf32>) {
  affine.for %i = 0 to 64 step 4 {
    %v = affine.load %A[%i + 2] : memref<64xf32>
    affine.store %v, %A[%i] : memref<64xf32>
  }
  return
}

func.func @minmax(%A: memref<100xf32>, %N: index) {
  affine.for %i = max affine_map<(d0) -> (0, d0 - 10)>(%N) to min affine_map<(d0) -> (100, d0)>(%N) {
    %v = affine.load %A[%i - 1] : memref<100xf32>
    affine.store %v, %A[%i] : memref<100xf32>
  }
  return
}

func.func @guarded(%A: memref<100xf32>, %N: index) {
  affine.for %i = 0 to 100 {
    affine.if #set(%i)[%N] {
      %v = affine.load %A[%i - 2] : memref<100xf32>
      affine.store %v, %A[%i] : memref<100xf32>
    } else {
      %w = affine.load %A[%i] : memref<100xf32>
      affine.store %w, %A[%i + 1] : memref<100xf32>
    }
  }
  return
}
