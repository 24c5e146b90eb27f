// Unreadable inputs, syntax errors and unknown flags: one clear diagnostic,
// non-zero exit.
// RUN: not spm-opt %t.does-not-exist 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not spm-opt %S 2>&1 | FileCheck %s --check-prefix=DIR
// RUN: not spm-opt %s 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not spm-opt --no-such-flag %S/Inputs/ok.mlir 2>&1 | FileCheck %s --check-prefix=FLAG
// RUN: not spm-opt %S/Inputs/ok.mlir %S/Inputs/ok.mlir 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: not spm-opt %S/Inputs/ok.mlir -o 2>&1 | FileCheck %s --check-prefix=NOVAL
// RUN: not spm-opt --split-input-file=yes %S/Inputs/ok.mlir 2>&1 | FileCheck %s --check-prefix=VAL
// RUN: printf 'func.func @f( {' | not spm-opt 2>&1 | FileCheck %s --check-prefix=STDIN

// MISSING: spm-opt: error: cannot open '{{.*}}does-not-exist': No such file or directory
// DIR: spm-opt: error: cannot read '{{.*}}': is a directory
// SYNTAX: bad-input.mlir:[[@LINE+10]]:3: error: custom op 'bogus_op' is unknown
// SYNTAX-NEXT: {{^  bogus_op$}}
// SYNTAX-NEXT: {{^  \^$}}
// FLAG: spm-opt: error: unknown command line argument '--no-such-flag'; try 'spm-opt --help'
// TWO: spm-opt: error: too many positional arguments
// NOVAL: spm-opt: error: option '-o' requires a value
// VAL: spm-opt: error: option '--split-input-file=yes' does not take a value
// STDIN: <stdin>:1:14: error: expected non-function type

func.func @broken() {
  bogus_op
}
