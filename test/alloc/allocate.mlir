// spm-allocate: live ranges from the dependence graph, packed with reuse of
// dead space; buffers become spm.alloc (+ a cast back to the memref the
// compute uses) and spm.dealloc at the end of their range. spm-opt verifies
// the result: offsets within capacity, aligned, and no two buffers allocated
// at the same time share bytes.
// place=never: without spm-place, so that an overflow is reported (with
// placement, the default, it is tiled instead: test/place/).
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-allocate=place=never %s --verify-diagnostics | FileCheck %s

// A CNN-like chain: each intermediate is dead once the next op has read it,
// so two slots suffice and the peak equals the lower bound.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = "spm.alloc"() {offset = [[OA:[0-9]+]] : i64} : () -> !spm.buf<array<i64: 64, 64>, f32>
// CHECK: %[[MA:.*]] = builtin.unrealized_conversion_cast %[[A]] : !spm.buf<array<i64: 64, 64>, f32> to memref<64x64xf32>
// CHECK: linalg.generic {{.*}} outs(%[[MA]] : memref<64x64xf32>)
// CHECK: %[[B:.*]] = "spm.alloc"() {offset = [[OB:[0-9]+]] : i64}
// CHECK: linalg.generic {{.*}} ins(%[[MA]] : memref<64x64xf32>)
// CHECK: "spm.dealloc"(%[[A]])
// The third buffer reuses the first one's bytes.
// CHECK: %[[C:.*]] = "spm.alloc"() {offset = [[OA]] : i64}
// CHECK: "spm.dealloc"(%[[B]])
// CHECK: "spm.dealloc"(%[[C]])
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// expected-remark@below {{spm-allocate: 3 buffers, peak 32768 bytes, lower bound 32768 bytes, capacity 262144 bytes (target 'gemmini'), fragmentation 0.0%}}
func.func @chain(%in: memref<64x64xf32>, %out: memref<64x64xf32>) {
  %a = memref.alloc() : memref<64x64xf32>
  %b = memref.alloc() : memref<64x64xf32>
  %c = memref.alloc() : memref<64x64xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<64x64xf32>) outs(%a : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<64x64xf32>) outs(%b : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<64x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  memref.dealloc %a : memref<64x64xf32>
  memref.dealloc %b : memref<64x64xf32>
  memref.dealloc %c : memref<64x64xf32>
  return
}

// -----

// A residual block: %skip is written first and read by the final add, so it
// stays allocated across the whole block while %t1 and %t2 share the rest.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @residual
// CHECK: %[[S:.*]] = "spm.alloc"() {offset = [[OS:[0-9]+]] : i64}
// CHECK-NOT: "spm.dealloc"(%[[S]])
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : memref<32x32xf32>, memref<32x32xf32>) outs(%arg1 : memref<32x32xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK-NEXT: }
// CHECK: "spm.dealloc"(%[[S]])
// expected-remark@below {{spm-allocate: 3 buffers, peak 12288 bytes, lower bound 12288 bytes}}
func.func @residual(%in: memref<32x32xf32>, %out: memref<32x32xf32>) {
  %skip = memref.alloc() : memref<32x32xf32>
  %t1 = memref.alloc() : memref<32x32xf32>
  %t2 = memref.alloc() : memref<32x32xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<32x32xf32>) outs(%skip : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%skip : memref<32x32xf32>) outs(%t1 : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.mulf %x, %x : f32
    linalg.yield %z : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t1 : memref<32x32xf32>) outs(%t2 : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.mulf %x, %x : f32
    linalg.yield %z : f32
  }
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t2, %skip : memref<32x32xf32>, memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
  ^bb0(%x: f32, %s: f32, %y: f32):
    %z = arith.addf %x, %s : f32
    linalg.yield %z : f32
  }
  return
}

// -----

// Over capacity: the diagnostic names the buffers live where it overflows.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @too_big(%in: memref<256x256xf32>, %out: memref<256x256xf32>) {
  %a = memref.alloc() : memref<256x256xf32>
  %b = memref.alloc() : memref<256x256xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<256x256xf32>) outs(%a : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  // expected-error@below {{scratchpad overflow: the 2 buffers live here need 524288 bytes but the capacity is 262144 (target 'gemmini'): %alloc (262144 bytes), %alloc_0 (262144 bytes)}}
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<256x256xf32>) outs(%b : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<256x256xf32>) outs(%out : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

// Buffers that cannot go to the scratchpad stay where they are, with a
// remark saying why.
func.func @stays(%n: index) -> memref<4xf32> {
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: dynamic size}}
  %d = memref.alloc(%n) : memref<?xf32>
  // expected-remark@below {{spm-allocate: %alloc_0 stays in global memory: it escapes the function}}
  %r = memref.alloc() : memref<4xf32>
  // CHECK-LABEL: func.func @stays
  // CHECK: memref.alloc(%arg0) : memref<?xf32>
  // CHECK: memref.alloc() : memref<4xf32>
  return %r : memref<4xf32>
}
// expected-remark@-10 {{spm-allocate: 0 buffers, peak 0 bytes}}
