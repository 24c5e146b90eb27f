// --verify-diagnostics succeeds when the expected diagnostics are exactly
// the emitted ones, and reports each mismatch with its location otherwise.
// RUN: spm-opt --verify-diagnostics --split-input-file %s
// RUN: not spm-opt --verify-diagnostics %S/Inputs/wrong-expectations.mlir 2>&1 | FileCheck %s
// RUN: not spm-opt --verify-diagnostics %S/Inputs/malformed-expectation.mlir 2>&1 | FileCheck %s --check-prefix=MALFORMED

// CHECK-DAG: wrong-expectations.mlir:4:3: error: unexpected error: custom op 'bogus' is unknown
// CHECK-DAG: wrong-expectations.mlir:2:4: error: expected error "this is never emitted" was not produced
// MALFORMED: malformed-expectation.mlir:1:4: error: malformed 'expected-error'
// A line designator beyond 2^32 - 1 is malformed: it wrapped around to the
// annotated line (or to line 2) and matched its error, and @+N near 2^63
// overflowed a signed long (UBSan).
// RUN: not spm-opt --verify-diagnostics %S/Inputs/expectation-line-wraps.mlir 2>&1 | FileCheck %s --check-prefix=WRAP
// RUN: not spm-opt --verify-diagnostics %S/Inputs/expectation-line-huge.mlir 2>&1 | FileCheck %s --check-prefix=HUGE
// WRAP: expectation-line-wraps.mlir:1:4: error: malformed 'expected-error'
// HUGE: expectation-line-huge.mlir:1:4: error: malformed 'expected-error'
// mlir-opt's regex form is an error, not skipped (a skipped expectation of
// a diagnostic that never comes passed).
// RUN: not spm-opt --verify-diagnostics %S/Inputs/expectation-regex.mlir 2>&1 | FileCheck %s --check-prefix=REGEX
// REGEX: expectation-regex.mlir:1:4: error: 'expected-error-re' is not supported: spm-opt has no regex form; use 'expected-error' with a substring

func.func @f() {
  // expected-error@+1 {{custom op 'bogus' is unknown}}
  bogus
}

// -----

// expected-error@below {{'spm.wait' op needs at least one token}}
"spm.wait"() : () -> ()

// -----

func.func @g() {
  bogus // expected-error {{custom op 'bogus'}}
}
