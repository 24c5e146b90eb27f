// spm-deps inside upstream mlir-opt through the plugin: the remarks (printed
// by the pass itself, as the C API cannot emit remarks) equal spm-opt's.
// Inside mlir-opt, isl calls bind to libLLVM's embedded isl (already loaded
// by mlir-opt); the results are the same.
// An ASan-built plugin cannot be loaded into the uninstrumented mlir-opt.
// UNSUPPORTED: asan
// RUN: mlir-opt --load-pass-plugin=%spm_plugin --pass-pipeline='builtin.module(spm-deps)' %s -o /dev/null 2>&1 | grep remark: > %t.upstream
// RUN: spm-opt --spm-deps %s -o /dev/null 2>&1 | grep remark: > %t.spm
// RUN: diff %t.upstream %t.spm
// RUN: FileCheck %s < %t.spm
// CHECK: spm-deps-in-mlir-opt.mlir:[[@LINE+4]]:10: remark: flow dependence on %arg0 from affine.store@[[@LINE+5]]:5 to affine.load@[[@LINE+4]]:10 at depth 1 (carried), distance (1)
func.func @shift(%A: memref<8xf32>) {
  affine.for %i = 1 to 8 {
    // a load of the element the previous iteration stored
    %v = affine.load %A[%i - 1] : memref<8xf32>
    affine.store %v, %A[%i] : memref<8xf32>
  }
  return
}
