// Views are folded onto their root buffer, so a write through a subview and
// a read of the whole buffer depend on each other; accesses the analysis
// cannot model exactly become may-accesses of the whole buffer, with a
// remark saying why — never a missed dependence.
// RUN: spm-opt --spm-deps %s -o /dev/null --verify-diagnostics

func.func @subview(%A: memref<8x8xf32>, %out: memref<8x8xf32>) {
  %c = arith.constant 1.0 : f32
  %s = memref.subview %A[2, 4] [2, 4] [1, 1] : memref<8x8xf32> to memref<2x4xf32, strided<[8, 1], offset: 20>>
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 4 {
      affine.store %c, %s[%i, %j] : memref<2x4xf32, strided<[8, 1], offset: 20>>
    }
  }
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      // expected-remark@below {{flow dependence on %arg0 from affine.store@12:7 to affine.load@18:12 at depth 1 (loop-independent), distance ()}}
      %v = affine.load %A[%i, %j] : memref<8x8xf32>
      affine.store %v, %out[%i, %j] : memref<8x8xf32>
    }
  }
  return
}

func.func @collapse(%A: memref<4x8xf32>, %out: memref<32xf32>) {
  %c = arith.constant 1.0 : f32
  %flat = memref.collapse_shape %A [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  affine.for %i = 0 to 4 {
    affine.store %c, %A[%i, 7] : memref<4x8xf32>
  }
  affine.for %k = 0 to 32 {
    // expected-remark@below {{flow dependence on %arg0 from affine.store@29:5 to affine.load@33:10 at depth 1 (loop-independent), distance ()}}
    %v = affine.load %flat[%k] : memref<32xf32>
    affine.store %v, %out[%k] : memref<32xf32>
  }
  return
}

func.func private @opaque(memref<16xf32>)

func.func @fallbacks(%A: memref<16xf32>, %idx: memref<16xindex>, %out: memref<16xf32>) {
  %c = arith.constant 1.0 : f32
  affine.for %i = 0 to 16 {
    affine.store %c, %A[%i] : memref<16xf32>
  }
  // expected-remark@below {{unknown op receiving a buffer: treated as reading and writing all of %arg0}}
  func.call @opaque(%A) : (memref<16xf32>) -> ()
  // expected-remark@-1 {{flow dependence on %arg0 from affine.store@44:5 to func.call@47:3 at depth 1 (loop-independent)}}
  // expected-remark@-2 {{may output dependence on %arg0 from affine.store@44:5 to func.call@47:3 at depth 1 (loop-independent)}}
  // expected-remark@-3 {{may anti dependence on %arg0 from func.call@47:3 to func.call@47:3}}
  affine.for %i = 0 to 16 {
    %j = affine.load %idx[%i] : memref<16xindex>
    // expected-remark@below {{non-affine load (computed indices): treated as reading any element of %arg0}}
    %v = memref.load %A[%j] : memref<16xf32>
    // The call may have overwritten %A, so both writers may reach the load.
    // expected-remark@-2 {{may flow dependence on %arg0 from affine.store@44:5 to memref.load@54:10}}
    // expected-remark@-3 {{may flow dependence on %arg0 from func.call@47:3 to memref.load@54:10}}
    affine.store %v, %out[%i] : memref<16xf32>
  }
  // expected-remark@below {{op with regions the analysis does not model: treated as reading and writing all of %arg2}}
  scf.execute_region {
    %c0 = arith.constant 0 : index
    memref.store %c, %out[%c0] : memref<16xf32>
    scf.yield
  }
  // expected-remark@-5 {{flow dependence on %arg2 from affine.store@58:5 to scf.execute_region@61:3}}
  // expected-remark@-6 {{may output dependence on %arg2 from affine.store@58:5 to scf.execute_region@61:3}}
  // expected-remark@-7 {{may anti dependence on %arg2 from scf.execute_region@61:3 to scf.execute_region@61:3}}
  return
}
