// A conv whose consumer reads a shifted window of its output: the flow
// relation maps every output element to exactly the consumer iterations
// that read it (checked in the JSON report's isl relation).
// RUN: spm-opt --spm-deps=json=%t.json %s -o /dev/null 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json

#in = affine_map<(n, c, h, w) -> (n, c, h + 1, w + 1)>
#out = affine_map<(n, c, h, w) -> (n, c, h, w)>
func.func @conv_then_window(%x: memref<1x3x10x10xf32>, %w: memref<4x3x3x3xf32>,
                            %y: memref<1x4x6x6xf32>) {
  %t = memref.alloc() : memref<1x4x8x8xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%t : memref<1x4x8x8xf32>)
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t : memref<1x4x8x8xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  memref.dealloc %t : memref<1x4x8x8xf32>
  return
}
// Inside the conv: the output is accumulated over (c, kh, kw).
// CHECK: remark: flow dependence on %alloc from linalg.conv_2d_nchw_fchw@12:3 to linalg.conv_2d_nchw_fchw@12:3 at depth 5 (carried), distance (0, 0, 0, 0, 1, -2, -2)
// CHECK: remark: flow dependence on %alloc from linalg.conv_2d_nchw_fchw@12:3 to linalg.generic@14:3 at depth 1 (loop-independent), distance ()
// CHECK-NOT: from linalg.generic
// The consumer at (n, c, h, w) reads t[n, c, h+1, w+1]: only the final
// value (last reduction step c = kh = kw = 2) flows to it, for h, w in 1..6.
// JSON: {"kind": "flow", "may": false, "src": 3, "dst": 4, "array": 2, "depth": 1, "common_loops": 0, "loop_independent": true, "distance": [], "relation": "{ S0[i0 = 0, i1, i2, i3, i4 = 2, i5 = 2, i6 = 2] -> S1[i7 = 0, i8 = i1, i9 = -1 + i2, i10 = -1 + i3] : 0 <= i1 <= 3 and 0 < i2 <= 6 and 0 < i3 <= 6 }"}
