// Value-based flow: a buffer fully overwritten before being read shows no
// flow from the first writer; loop-carried dependences get MLIR's depth and
// distance vectors.
// RUN: spm-opt --spm-deps %s -o /dev/null --verify-diagnostics
// RUN: spm-opt --spm-deps=flow=memory %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=MEMORY

func.func @killed(%A: memref<16xf32>, %out: memref<16xf32>) {
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  affine.for %i = 0 to 16 {
    affine.store %one, %A[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    // expected-remark@below {{output dependence on %arg0 from affine.store@11:5 to affine.store@15:5 at depth 1 (loop-independent), distance ()}}
    affine.store %two, %A[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    // expected-remark@below {{flow dependence on %arg0 from affine.store@15:5 to affine.load@19:10 at depth 1 (loop-independent), distance ()}}
    %v = affine.load %A[%i] : memref<16xf32>
    affine.store %v, %out[%i] : memref<16xf32>
  }
  return
}
// With memory-based flow (no kills) the first store reaches the load too.
// MEMORY: remark: flow dependence on %arg0 from affine.store@11:5 to affine.load@19:10

// The wavefront A[i][j] = A[i-1][j+1]: flow carried by i with distance
// (1, -1); no anti dependence (the element read is never written later).
func.func @wavefront(%A: memref<10x10xf32>) {
  affine.for %i = 1 to 10 {
    affine.for %j = 0 to 9 {
      // expected-remark@below {{flow dependence on %arg0 from affine.store@34:7 to affine.load@33:12 at depth 1 (carried), distance (1, -1)}}
      %v = affine.load %A[%i - 1, %j + 1] : memref<10x10xf32>
      affine.store %v, %A[%i, %j] : memref<10x10xf32>
    }
  }
  return
}

// A scalar accumulator: flow carried at distance exactly 1 (value-based),
// anti and output carried at every distance 1..7.
func.func @reduction(%A: memref<8xf32>, %s: memref<1xf32>) {
  affine.for %i = 0 to 8 {
    // expected-remark@below {{flow dependence on %arg1 from affine.store@49:5 to affine.load@45:12 at depth 1 (carried), distance (1)}}
    %acc = affine.load %s[0] : memref<1xf32>
    %v = affine.load %A[%i] : memref<8xf32>
    %r = arith.addf %acc, %v : f32
    // expected-remark@below {{anti dependence on %arg1 from affine.load@45:12 to affine.store@49:5 at depth 1 (carried), distance ([1, 7])}}
    affine.store %r, %s[0] : memref<1xf32>
    // expected-remark@-1 {{anti dependence on %arg1 from affine.load@45:12 to affine.store@49:5 at depth 2 (loop-independent), distance (0)}}
    // expected-remark@-2 {{output dependence on %arg1 from affine.store@49:5 to affine.store@49:5 at depth 1 (carried), distance ([1, 7])}}
  }
  return
}
