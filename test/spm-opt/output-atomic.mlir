// -o is written atomically and only on success: a failing run leaves an
// existing output file untouched and creates no file (and no temporary).
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: echo previous > %t.dir/out.mlir
// RUN: not spm-opt %s -o %t.dir/out.mlir 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: FileCheck %s --check-prefix=KEPT < %t.dir/out.mlir
// RUN: not spm-opt %s -o %t.dir/new.mlir 2>/dev/null
// RUN: test ! -e %t.dir/new.mlir
// RUN: ls -A %t.dir | FileCheck %s --check-prefix=FILES
// Through a symbolic link the target is replaced the same way (in its own
// directory) and the link stays a link.
// RUN: mkdir -p %t.dir/sub && echo previous > %t.dir/sub/target.mlir
// RUN: ln -s sub/target.mlir %t.dir/link.mlir
// RUN: not spm-opt %s -o %t.dir/link.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=KEPT < %t.dir/sub/target.mlir
// RUN: spm-opt %S/Inputs/ok.mlir -o %t.dir/link.mlir
// RUN: test -L %t.dir/link.mlir
// RUN: FileCheck %s --check-prefix=NEW < %t.dir/sub/target.mlir
// RUN: ls -A %t.dir/sub | FileCheck %s --check-prefix=FILES
// FILES-NOT: spm-
// NEW: func.func @ok
// /dev/stdout is written through descriptor 1, not reopened: `>>` appends
// (reopening truncated the file, losing its first line).
// RUN: echo first > %t.dir/append.txt
// RUN: spm-opt %S/Inputs/ok.mlir -o /dev/stdout >> %t.dir/append.txt
// RUN: FileCheck %s --check-prefix=APPEND < %t.dir/append.txt
// APPEND: first
// APPEND-NEXT: module {
// APPEND-NEXT: func.func @ok
// An unwritable destination is a clear error.
// RUN: not spm-opt %S/Inputs/ok.mlir -o %t.dir/missing/out.mlir 2>&1 | FileCheck %s --check-prefix=NODIR

// ERR: output-atomic.mlir:[[@LINE+4]]:3: error: custom op 'not_an_op' is unknown
// KEPT: previous
// FILES-NOT: tmp
// NODIR: spm-opt: error: cannot write '{{.*}}missing/out.mlir': No such file or directory
  not_an_op
