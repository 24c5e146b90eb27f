// spm-place counts each tile buffer at its aligned size: at 128-byte
// alignment a 9x3 f32 tile (108 bytes) takes 128 bytes of the scratchpad.
// Counting bytes without the padding, it chose 3 tiles of 9x4 (144 bytes,
// 256 aligned) whose 9 buffers needed 656 bytes of a 512-byte scratchpad,
// and spm-allocate then failed with "scratchpad overflow" (a defect found
// by spm-fuzz-gen, docs/refcheck.md). Now the tiles fit, and the program
// runs.
// RUN: spm-opt '--spm-target=gemmini{capacity=512 alignment=128}' --spm-place --spm-allocate %s -o %t.mlir 2>&1 | FileCheck %s
// RUN: spm-opt --spm-lower %t.mlir -o %t.low.mlir
// RUN: spm-run %t.low.mlir | FileCheck %s --check-prefix=EXEC
// CHECK: remark: spm-place: 1 op (1 tiled, 4 tiles,
// CHECK: remark: spm-allocate
// CHECK-NOT: error
// RUN: FileCheck %s --check-prefix=ALLOC < %t.mlir
// ALLOC-COUNT-12: "spm.alloc"() {offset = {{0|128|256|384}} : i64}
// ALLOC-NOT: "spm.alloc"
// RUN: spm-opt '--spm-target=gemmini{capacity=512 alignment=128}' --spm-place=double-buffer=false --spm-allocate %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SINGLE
// SINGLE-NOT: error
// SINGLE: remark: spm-allocate
// EXEC-NOT: error
// EXEC: dram: 864 bytes read, 432 bytes written
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @add(%a: memref<9x12xf32>, %b: memref<9x12xf32>, %c: memref<9x12xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : memref<9x12xf32>, memref<9x12xf32>) outs(%c : memref<9x12xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}
