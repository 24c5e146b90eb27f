// spm-deps options and errors (the pass inside upstream mlir-opt:
// test/plugin/spm-deps-in-mlir-opt.mlir).
// RUN: spm-opt --pass-pipeline='builtin.module(spm-deps{format=mlir-compat})' %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=COMPAT
// RUN: spm-opt --spm-deps=format=none %s -o /dev/null 2>&1 | count 0
// RUN: rm -f %t.json && spm-opt '--spm-deps=format=none json=%t.json' %s -o /dev/null && FileCheck %s --check-prefix=JSON < %t.json
// RUN: not spm-opt --spm-deps=format=bogus %s 2>&1 | FileCheck %s --check-prefix=BADFORMAT
// RUN: not spm-opt --spm-deps=flow=sometimes %s 2>&1 | FileCheck %s --check-prefix=BADFLOW
// RUN: not spm-opt --spm-deps=json= %s 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not spm-opt --spm-deps=colour=red %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not spm-opt --spm-deps=json=%t.missing-dir/deps.json %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNWRITABLE

// COMPAT: remark: dependence from 0 to 1 at depth 1 = false
// COMPAT: remark: dependence from 1 to 0 at depth 1 = [1, 1]
// JSON: "function": "shift"
// JSON: "dependences": [
// JSON: {"kind": "flow", "may": false, "src": 1, "dst": 0, "array": 0, "depth": 1, "common_loops": 1, "loop_independent": false, "distance": {{\[\[1, 1\]\]}}, "relation": "{ S1[i0] -> S0[i0' = 1 + i0] : 0 < i0 <= 6 }"}
// BADFORMAT: spm-opt: error: 'spm-deps' option format must be remarks, mlir-compat or none, got 'bogus'
// BADFLOW: spm-opt: error: 'spm-deps' option flow must be value or memory, got 'sometimes'
// NOFILE: spm-opt: error: 'spm-deps' option json needs a file name
// UNKNOWN: spm-opt: error: 'spm-deps' has no option 'colour' (options: format, json, flow)
// UNWRITABLE: options.mlir: error: spm-deps: cannot write '{{.*}}deps.json': No such file or directory
func.func @shift(%A: memref<8xf32>) {
  affine.for %i = 1 to 8 {
    // a load of the element the previous iteration stored
    %v = affine.load %A[%i - 1] : memref<8xf32>
    affine.store %v, %A[%i] : memref<8xf32>
  }
  return
}
