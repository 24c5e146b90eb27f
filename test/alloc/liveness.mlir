// Live ranges from the dependence graph: positions are the indices of the
// function body's top-level ops; a buffer overwritten before being read has
// two separate ranges; views are folded onto their root.
// RUN: spm-opt --spm-liveness %s -o /dev/null --verify-diagnostics

#id = affine_map<(d0) -> (d0)>
func.func @chain(%in: memref<64xf32>, %out: memref<64xf32>) {
  // expected-remark@below {{%alloc: 256 bytes, live [1, 2] (from linalg.generic@10:3 to linalg.generic@15:3)}}
  %a = memref.alloc() : memref<64xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%in : memref<64xf32>) outs(%a : memref<64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<64xf32>) outs(%out : memref<64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  memref.dealloc %a : memref<64xf32>
  return
}

// %t is fully overwritten at position 5 before it is read again: its value
// written at 2 dies at 3, so [4, 4] is free for another buffer.
func.func @overwritten(%in: memref<16xf32>, %o1: memref<16xf32>, %o2: memref<16xf32>) {
  %one = arith.constant 1.0 : f32
  // expected-remark@below {{%alloc: 64 bytes, live [2, 3] [5, 6] (from affine.for@30:3 to affine.for@42:3)}}
  %t = memref.alloc() : memref<16xf32>
  affine.for %i = 0 to 16 {
    %v = affine.load %in[%i] : memref<16xf32>
    affine.store %v, %t[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %v = affine.load %t[%i] : memref<16xf32>
    affine.store %v, %o1[%i] : memref<16xf32>
  }
  %c = arith.constant 0 : index
  affine.for %i = 0 to 16 {
    affine.store %one, %t[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %v = affine.load %t[%i] : memref<16xf32>
    affine.store %v, %o2[%i] : memref<16xf32>
  }
  return
}

// A view of a buffer is the buffer: a write through a subview is a write of
// the root; the view op itself extends nothing (it reads no data) but the
// allocation must dominate it.
func.func @view(%in: memref<8xf32>, %out: memref<8x8xf32>) {
  // expected-remark@below {{%alloc: 256 bytes, live [3, 4] (from affine.for@57:3 to affine.for@61:3)}}
  %a = memref.alloc() : memref<8x8xf32>
  %row = memref.subview %a[2, 0] [1, 8] [1, 1] : memref<8x8xf32> to memref<8xf32, strided<[1], offset: 16>>
  %c = arith.constant 0 : index
  affine.for %i = 0 to 8 {
    %v = affine.load %in[%i] : memref<8xf32>
    affine.store %v, %row[%i] : memref<8xf32, strided<[1], offset: 16>>
  }
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      %v = affine.load %a[%i, %j] : memref<8x8xf32>
      affine.store %v, %out[%i, %j] : memref<8x8xf32>
    }
  }
  return
}

func.func @misc(%n: index) -> memref<4xf32> {
  // expected-remark@below {{%alloc: dynamic size}}
  %d = memref.alloc(%n) : memref<?xf32>
  // expected-remark@below {{%alloc_0: 16 bytes, never accessed}}
  %u = memref.alloc() : memref<4xf32>
  // expected-remark@below {{%alloc_1: 16 bytes, live [3, 3] (from func.return@77:3 to func.return@77:3), escapes the function}}
  %r = memref.alloc() : memref<4xf32>
  return %r : memref<4xf32>
}
