// --verify-diagnostics succeeds when the expected diagnostics are exactly
// the emitted ones, and reports each mismatch with its location otherwise.
// RUN: spm-opt --verify-diagnostics --split-input-file %s
// RUN: not spm-opt --verify-diagnostics %S/Inputs/wrong-expectations.mlir 2>&1 | FileCheck %s
// RUN: not spm-opt --verify-diagnostics %S/Inputs/malformed-expectation.mlir 2>&1 | FileCheck %s --check-prefix=MALFORMED

// CHECK-DAG: wrong-expectations.mlir:4:3: error: unexpected error: custom op 'bogus' is unknown
// CHECK-DAG: wrong-expectations.mlir:2:4: error: expected error "this is never emitted" was not produced
// MALFORMED: malformed-expectation.mlir:1:4: error: malformed 'expected-error'

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
