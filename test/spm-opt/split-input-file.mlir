// --split-input-file: each part is processed on its own, outputs are joined
// by "// -----", diagnostics keep the line numbers of the whole file, and a
// failing part does not hide the others.
// RUN: spm-opt --split-input-file %S/Inputs/three-parts.mlir | FileCheck %s
// RUN: not spm-opt --split-input-file %s 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not spm-opt --split-input-file %s 2>/dev/null | FileCheck %s --check-prefix=OUT

// CHECK: func.func @one
// CHECK: // -----
// CHECK: func.func @two
// CHECK: // -----
// CHECK: func.func @three

// ERR: split-input-file.mlir:[[@LINE+7]]:3: error: custom op 'bogus' is unknown
// ERR-NOT: error
// OUT: func.func @good_before
// OUT: func.func @good_after
func.func @good_before() { return }
// -----
func.func @bad() {
  bogus
}
// -----
func.func @good_after() { return }
