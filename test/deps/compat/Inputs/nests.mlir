// Assorted affine nests for the upstream comparison (whole-suite.test).
func.func @imperfect(%A: memref<32x32xf32>, %B: memref<32xf32>) {
  affine.for %i = 0 to 32 {
    %s = affine.load %B[%i] : memref<32xf32>
    affine.for %j = 0 to 32 {
      %v = affine.load %A[%i, %j] : memref<32x32xf32>
      %w = arith.addf %v, %s : f32
      affine.store %w, %A[%j, %i] : memref<32x32xf32>
    }
    affine.store %s, %B[31 - %i] : memref<32xf32>
  }
  return
}

func.func @three_d(%A: memref<8x8x8xf32>) {
  affine.for %i = 1 to 8 {
    affine.for %j = 1 to 8 {
      affine.for %k = 0 to 7 {
        %v = affine.load %A[%i - 1, %j, %k + 1] : memref<8x8x8xf32>
        %w = affine.load %A[%i, %j - 1, %k] : memref<8x8x8xf32>
        %s = arith.addf %v, %w : f32
        affine.store %s, %A[%i, %j, %k] : memref<8x8x8xf32>
      }
    }
  }
  return
}

func.func @strided(%A: memref<128xf32>) {
  affine.for %i = 0 to 128 step 8 {
    affine.for %ii = affine_map<(d0) -> (d0)>(%i) to affine_map<(d0) -> (d0 + 8)>(%i) {
      %v = affine.load %A[%ii] : memref<128xf32>
      affine.store %v, %A[(%ii + 8) mod 128] : memref<128xf32>
    }
  }
  return
}

func.func @sequence(%A: memref<16xf32>, %B: memref<16xf32>) {
  %c = arith.constant 0.0 : f32
  affine.for %i = 0 to 16 {
    affine.store %c, %A[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 8 {
    %v = affine.load %A[2 * %i] : memref<16xf32>
    affine.store %v, %B[%i] : memref<16xf32>
  }
  %x = affine.load %B[3] : memref<16xf32>
  affine.store %x, %A[15] : memref<16xf32>
  return
}
