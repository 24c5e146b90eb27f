// Errors reported by MLIR's IRDL verifier itself (kinds of operands,
// results, attributes and type parameters, as declared in
// dialect/spm.irdl.mlir), before the C verifier runs. The messages are
// MLIR's; the same file gives the same diagnostics in upstream mlir-opt.
// RUN: spm-opt %s --split-input-file --verify-diagnostics
// RUN: mlir-opt --irdl-file=%spm_irdl %s --split-input-file --verify-diagnostics

func.func @missing_attribute() {
  // expected-error@+1 {{'spm.alloc' op attribute "offset" is expected but not provided}}
  %a = "spm.alloc"() : () -> !spm.buf<array<i64: 4>, f32>
  return
}

// -----

func.func @missing_accumulate(%a: !spm.buf<array<i64: 2, 2>, f32>) {
  // expected-error@+1 {{'spm.matmul' op attribute "accumulate" is expected but not provided}}
  "spm.matmul"(%a, %a, %a) : (!spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>) -> ()
  return
}

// -----

func.func @offset_kind() {
  // expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.string'}}
  %a = "spm.alloc"() {offset = "zero"} : () -> !spm.buf<array<i64: 4>, f32>
  return
}

// -----

func.func @pool_kind(%i: !spm.buf<array<i64: 1, 1, 4, 4>, f32>, %o: !spm.buf<array<i64: 1, 1, 2, 2>, f32>) {
  // expected-error@+1 {{'"min"' does not satisfy the constraint}}
  "spm.pool"(%i, %o) {kind = "min", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  return
}

// -----

func.func @accumulate_kind(%a: !spm.buf<array<i64: 2, 2>, f32>) {
  // expected-error@+1 {{'1 : i64' does not satisfy the constraint}}
  "spm.matmul"(%a, %a, %a) {accumulate = 1 : i64} : (!spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>, !spm.buf<array<i64: 2, 2>, f32>) -> ()
  return
}

// -----

func.func @groups_kind(%a: !spm.buf<array<i64: 1, 1, 4, 4>, f32>) {
  // expected-error@+1 {{expected base attribute 'builtin.integer' but got 'builtin.float'}}
  "spm.conv2d"(%a, %a, %a) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1.0 : f32, accumulate = false} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @factor_kind(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{expected base attribute 'builtin.float' but got 'builtin.integer'}}
  "spm.scale"(%a, %a) {factor = 2 : i64} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @offsets_kind(%g: memref<4xf32>, %a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %t = "spm.dma_load"(%g, %a) {offsets = [0], sizes = array<i64: 4>, strides = array<i64: 1>} : (memref<4xf32>, !spm.buf<array<i64: 4>, f32>) -> !spm.token
  return
}

// -----

func.func @operand_kind(%m: memref<4xf32>) {
  // expected-error@+1 {{expected base type 'spm.buf' but got 'builtin.memref'}}
  "spm.dealloc"(%m) : (memref<4xf32>) -> ()
  return
}

// -----

func.func @dma_tensor(%g: tensor<4xf32>, %a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{expected base type 'builtin.memref' but got 'builtin.tensor'}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0>, sizes = array<i64: 4>, strides = array<i64: 1>} : (tensor<4xf32>, !spm.buf<array<i64: 4>, f32>) -> !spm.token
  return
}

// -----

func.func @wait_buffer(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{expected base type 'spm.token' but got 'spm.buf'}}
  "spm.wait"(%a) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @result_kind() {
  // expected-error@+1 {{expected base type 'spm.buf' but got 'builtin.memref'}}
  %a = "spm.alloc"() {offset = 0 : i64} : () -> memref<4xf32>
  return
}

// -----

func.func @operand_count(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{op expects exactly 2 operands, but got 1}}
  "spm.relu"(%a) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @result_count(%g: memref<4xf32>, %a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{op expects exactly 1 results, but got 0}}
  "spm.dma_load"(%g, %a) {offsets = array<i64: 0>, sizes = array<i64: 4>, strides = array<i64: 1>} : (memref<4xf32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @extra_result(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{op expects exactly 0 results, but got 1}}
  %t = "spm.relu"(%a, %a) : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> !spm.token
  return
}

// -----

func.func @region(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{'spm.relu' op unexpected number of regions: expected 0 but got 1}}
  "spm.relu"(%a, %a) ({}) : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

// expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.integer'}}
func.func @buf_shape_kind(%a: !spm.buf<4, f32>) {
  return
}

// -----

// expected-error@+1 {{expected 0 type arguments, but had 1}}
func.func @token_params(%t: !spm.token<1>) {
  return
}

// -----

// expected-error@+1 {{expected base attribute 'builtin.dictionary' but got 'builtin.string'}}
module attributes {spm.target = #spm.target<"gemmini">} {
}

// -----

func.func @unknown_op() {
  // expected-error@+1 {{unregistered operation 'spm.foo' found in dialect ('spm') that does not allow unknown operations}}
  "spm.foo"() : () -> ()
  return
}
