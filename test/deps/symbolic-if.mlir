// Symbolic bounds become isl parameters; affine.if conditions restrict the
// iteration domain (then: the set; else: its complement).
// RUN: spm-opt --spm-deps %s -o /dev/null --verify-diagnostics

func.func @symbolic(%A: memref<?xf32>, %N: index) {
  affine.for %i = 1 to %N {
    // expected-remark@below {{flow dependence on %arg0 from affine.store@9:5 to affine.load@8:10 at depth 1 (carried), distance (1)}}
    %v = affine.load %A[%i - 1] : memref<?xf32>
    affine.store %v, %A[%i] : memref<?xf32>
  }
  return
}

// Only even iterations write; the odd ones read the element written by the
// previous iteration. Without the condition every iteration would depend on
// its predecessor; with it, the flow exists only from even i to i + 1.
#even = affine_set<(d0) : (d0 - (d0 floordiv 2) * 2 == 0)>
func.func @guarded(%A: memref<64xf32>, %B: memref<64xf32>) {
  %c = arith.constant 1.0 : f32
  affine.for %i = 0 to 63 {
    affine.if #even(%i) {
      affine.store %c, %A[%i] : memref<64xf32>
    } else {
      // expected-remark@below {{flow dependence on %arg0 from affine.store@22:7 to affine.load@25:12 at depth 1 (carried), distance (1)}}
      %v = affine.load %A[%i - 1] : memref<64xf32>
      affine.store %v, %B[%i] : memref<64xf32>
    }
  }
  return
}

// A symbolic distance N: over all values of N for which the accesses meet,
// the flow distance is between 1 and 499 (N > 0); N < 0 gives an anti
// dependence instead, N = 0 a loop-independent one.
func.func @param_distance(%A: memref<1000xf32>, %N: index) {
  affine.for %i = 0 to 500 {
    // expected-remark@below {{flow dependence on %arg0 from affine.store@39:5 to affine.load@38:10 at depth 1 (carried), distance ([1, 499])}}
    %v = affine.load %A[%i] : memref<1000xf32>
    affine.store %v, %A[%i + symbol(%N)] : memref<1000xf32>
    // expected-remark@-1 {{anti dependence on %arg0 from affine.load@38:10 to affine.store@39:5 at depth 1 (carried), distance ([1, 499])}}
    // expected-remark@-2 {{anti dependence on %arg0 from affine.load@38:10 to affine.store@39:5 at depth 2 (loop-independent), distance (0)}}
  }
  return
}
