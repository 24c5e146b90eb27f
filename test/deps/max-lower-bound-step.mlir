// A loop with a max() lower bound and a step runs max(lb...) + k * step:
// the stride is on the grid of the bound that is the maximum. It was not
// modelled (every integer from the max up), so the store below wrote
// %buf[2] in the model, killed the first loop's write and made the load
// depend on the wrong store; spm-liveness then reported a gap in %buf's
// live range where another buffer could go.
// RUN: spm-opt --spm-deps %s -o /dev/null --split-input-file --verify-diagnostics
// RUN: spm-opt --spm-liveness %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIVE
// LIVE: remark: %alloc: 40 bytes, live [4, 8] (from affine.for@17:3 to affine.load@34:8)
// LIVE: remark: %alloc_1: 40 bytes, live [5, 6]

func.func @max_lb_step(%out: memref<10xf32>, %out2: memref<10xf32>) {
  %cst = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  %buf = memref.alloc() : memref<10xf32>
  %tmp = memref.alloc() : memref<10xf32>
  affine.for %i = 0 to 10 {
    affine.store %cst, %buf[%i] : memref<10xf32>
  }
  affine.for %i = 0 to 10 {
    affine.store %two, %tmp[%i] : memref<10xf32>
  }
  affine.for %i = 0 to 10 {
    // expected-remark@below {{flow dependence on %alloc_1 from affine.store@21:5 to affine.load@25:10 at depth 1 (loop-independent), distance ()}}
    %v = affine.load %tmp[%i] : memref<10xf32>
    affine.store %v, %out2[%i] : memref<10xf32>
  }
  // i = 1, 3, 5, 7, 9 (max(1, 0) = 1): %buf[2] keeps the first loop's value.
  affine.for %i = max affine_map<()->(1, 0)>() to 10 step 2 {
    // expected-remark@below {{output dependence on %alloc from affine.store@18:5 to affine.store@31:5 at depth 1 (loop-independent), distance ()}}
    affine.store %two, %buf[%i] : memref<10xf32>
  }
  // expected-remark@below {{flow dependence on %alloc from affine.store@18:5 to affine.load@34:8 at depth 1 (loop-independent), distance ()}}
  %r = affine.load %buf[2] : memref<10xf32>
  affine.store %r, %out[0] : memref<10xf32>
  return
}

// -----

// The same with a symbolic bound: the grid follows whichever bound is the
// maximum, here %n when %n >= 2, else 2; the load of %A[3] depends on the
// strided store only when it can reach 3.
func.func @max_lb_step_symbolic(%A: memref<16xf32>, %out: memref<16xf32>, %n: index) {
  %one = arith.constant 1.0 : f32
  affine.for %i = max affine_map<()[s0]->(s0, 2)>()[%n] to 16 step 4 {
    affine.store %one, %A[%i] : memref<16xf32>
  }
  // expected-remark@below {{flow dependence on %arg0 from affine.store@47:5 to affine.load@50:8 at depth 1 (loop-independent), distance ()}}
  %v = affine.load %A[3] : memref<16xf32>
  affine.store %v, %out[0] : memref<16xf32>
  return
}
