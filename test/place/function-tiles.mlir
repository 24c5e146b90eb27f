// The function-wide tile limit: 8 x max-tiles tiles in all. Nine copies
// of one tile each pass at max-tiles=2 (16) and fail at the ninth op at
// max-tiles=1 (8), with no output written.
// RUN: spm-opt --spm-target=gemmini --spm-place=max-tiles=2 %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=FITS
// RUN: rm -f %t.out && not spm-opt --spm-target=gemmini --spm-place=max-tiles=1 %s -o %t.out 2>&1 | FileCheck %s --check-prefix=OVER
// RUN: test ! -e %t.out
// FITS: remark: spm-place: 9 ops (0 tiled, 9 tiles,
// OVER: function-tiles.mlir:[[@LINE+10]]:3: error: spm-place: cannot place 'linalg.copy': its 1 tile would unroll the function into more than 8 tiles in all (8 x max-tiles; 8 before this op); split the function, give it a larger scratchpad (option capacity=BYTES) or raise the limit (option max-tiles=N of spm-place or spm-allocate)
func.func @nine(%a: memref<4xf32>, %o0: memref<4xf32>, %o1: memref<4xf32>, %o2: memref<4xf32>, %o3: memref<4xf32>, %o4: memref<4xf32>, %o5: memref<4xf32>, %o6: memref<4xf32>, %o7: memref<4xf32>, %o8: memref<4xf32>) {
  linalg.copy ins(%a : memref<4xf32>) outs(%o0 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o1 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o2 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o3 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o4 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o5 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o6 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o7 : memref<4xf32>)
  linalg.copy ins(%a : memref<4xf32>) outs(%o8 : memref<4xf32>)
  return
}
