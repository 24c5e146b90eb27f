// Input from a file, from stdin ("-" and no argument), and -o FILE.
// RUN: spm-opt %s | FileCheck %s
// RUN: spm-opt - < %s | FileCheck %s
// RUN: spm-opt < %s | FileCheck %s
// RUN: rm -f %t.out && spm-opt %s -o %t.out && FileCheck %s < %t.out
// RUN: rm -f %t.out2 && spm-opt %s -o=%t.out2 && FileCheck %s < %t.out2
// RUN: rm -f %t.out3 && spm-opt --o %t.out3 %s && FileCheck %s < %t.out3

// CHECK: func.func @f(%arg0: memref<4xf32>)
// CHECK-NEXT: return
func.func @f(%a: memref<4xf32>) {
  return
}
