// Pass pipelines mix spm and upstream passes, as flags (in order) or as a
// textual --pass-pipeline; errors name what is wrong.
// RUN: spm-opt --spm-verify --canonicalize %s | FileCheck %s
// RUN: spm-opt --canonicalize=max-iterations=2 --spm-verify %s | FileCheck %s
// RUN: spm-opt --pass-pipeline='builtin.module(spm-verify, func.func(canonicalize{max-iterations=2}, cse))' %s | FileCheck %s
// RUN: not spm-opt --pass-pipeline='func.func(cse)' %s 2>&1 | FileCheck %s --check-prefix=ANCHOR
// RUN: not spm-opt --pass-pipeline='builtin.module(spm-verify' %s 2>&1 | FileCheck %s --check-prefix=PAREN
// RUN: not spm-opt --pass-pipeline='builtin.module(no-such-pass)' %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not spm-opt --pass-pipeline='builtin.module(spm-verify{level=3})' %s 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not spm-opt --spm-verify=level=3 %s 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not spm-opt --canonicalize=bogus=1 %s 2>&1 | FileCheck %s --check-prefix=UPSTREAM-OPTION
// RUN: not spm-opt --spm-verify --pass-pipeline='builtin.module(cse)' %s 2>&1 | FileCheck %s --check-prefix=MIXED

// canonicalize folds the addition of zero away.
// CHECK-LABEL: func.func @fold
// CHECK-NEXT: return %arg0 : i32
// ANCHOR: spm-opt: error: invalid pass pipeline 'func.func(cse)': expected the pipeline to be wrapped in its anchor, e.g. 'builtin.module(...)'
// PAREN: spm-opt: error: invalid pass pipeline 'builtin.module(spm-verify': expected ',' or ')'
// UNKNOWN: spm-opt: error: {{.*}}'no-such-pass' does not refer to a registered pass or pass pipeline
// OPTION: spm-opt: error: 'spm-verify' has no option 'level'
// UPSTREAM-OPTION: spm-opt: error: {{.*}}no such option bogus
// MIXED: spm-opt: error: '--pass-pipeline' cannot be used with individual pass flags (--spm-verify)
func.func @fold(%a: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %r = arith.addi %a, %c0 : i32
  return %r : i32
}
