// The spm dialect: scratchpad buffers, DMA and the accelerator's compute ops.
//
// This file is the single definition of the dialect. It is embedded into
// libspm at build time (loaded with mlirLoadIRDLDialects) and loads unchanged
// in upstream `mlir-opt --irdl-file=dialect/spm.irdl.mlir`.
//
// IRDL checks operand/result kinds and attribute presence and kinds; the
// semantic rules (shapes agree, offsets within the target capacity,
// alignment, ...) are checked by the C verifier (dialect/spm_verifier.c).
// Note: in IRDL one constraint value used twice forces the two uses to be
// the *same* attribute or type, so every operand and attribute below has its
// own constraint value. docs/dialect.md documents every entity.
irdl.dialect @spm {
  // !spm.buf<array<i64: D0, D1, ...>, ELEM>: a dense, row-major tile living
  // in the scratchpad.
  irdl.type @buf {
    %shape = irdl.base "#builtin.dense_array"
    %elem = irdl.any
    irdl.parameters(shape: %shape, elem: %elem)
  }

  // !spm.token: completion token of an asynchronous DMA transfer.
  irdl.type @token {
  }

  // #spm.target<{capacity = ..., ...}>: the hardware description, attached
  // to the module as the `spm.target` attribute.
  irdl.attribute @target {
    %fields = irdl.base "#builtin.dictionary"
    irdl.parameters(fields: %fields)
  }

  // %b = spm.alloc {offset = N : i64} : !spm.buf<...>
  irdl.operation @alloc {
    %offset = irdl.base "#builtin.integer"
    irdl.attributes { "offset" = %offset }
    %buf = irdl.base @spm::@buf
    irdl.results(result: %buf)
  }

  // spm.dealloc %b : end of the buffer's life.
  irdl.operation @dealloc {
    %buf = irdl.base @spm::@buf
    irdl.operands(buffer: %buf)
  }

  // %t = spm.dma_load %global, %buf {offsets, sizes, strides}
  irdl.operation @dma_load {
    %src = irdl.base "!builtin.memref"
    %dst = irdl.base @spm::@buf
    %offsets = irdl.base "#builtin.dense_array"
    %sizes = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    irdl.attributes { "offsets" = %offsets, "sizes" = %sizes, "strides" = %strides }
    irdl.operands(source: %src, target: %dst)
    %tok = irdl.base @spm::@token
    irdl.results(token: %tok)
  }

  // %t = spm.dma_store %buf, %global {offsets, sizes, strides}
  irdl.operation @dma_store {
    %src = irdl.base @spm::@buf
    %dst = irdl.base "!builtin.memref"
    %offsets = irdl.base "#builtin.dense_array"
    %sizes = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    irdl.attributes { "offsets" = %offsets, "sizes" = %sizes, "strides" = %strides }
    irdl.operands(source: %src, target: %dst)
    %tok = irdl.base @spm::@token
    irdl.results(token: %tok)
  }

  // spm.wait %t0, %t1, ... : blocks until the transfers have completed.
  irdl.operation @wait {
    %tok = irdl.base @spm::@token
    irdl.operands(tokens: variadic %tok)
  }

  // spm.matmul %a, %b, %c {accumulate} : C[M,N] (+)= A[M,K] * B[K,N]
  irdl.operation @matmul {
    %lhs = irdl.base @spm::@buf
    %rhs = irdl.base @spm::@buf
    %acc = irdl.base @spm::@buf
    %true = irdl.is true
    %false = irdl.is false
    %accumulate = irdl.any_of(%true, %false)
    irdl.attributes { "accumulate" = %accumulate }
    irdl.operands(lhs: %lhs, rhs: %rhs, acc: %acc)
  }

  // spm.conv2d %in, %w, %out : NCHW input, FCHW filter, NFHW output.
  irdl.operation @conv2d {
    %input = irdl.base @spm::@buf
    %filter = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    %strides = irdl.base "#builtin.dense_array"
    %padding = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    %true = irdl.is true
    %false = irdl.is false
    %accumulate = irdl.any_of(%true, %false)
    irdl.attributes {
      "strides" = %strides, "padding" = %padding, "dilations" = %dilations,
      "groups" = %groups, "accumulate" = %accumulate
    }
    irdl.operands(input: %input, filter: %filter, output: %output)
  }

  // spm.pool %in, %out {kind = "max" | "avg", window, strides, padding}
  irdl.operation @pool {
    %input = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    %max = irdl.is "max"
    %avg = irdl.is "avg"
    %kind = irdl.any_of(%max, %avg)
    %window = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %padding = irdl.base "#builtin.dense_array"
    irdl.attributes {
      "kind" = %kind, "window" = %window, "strides" = %strides,
      "padding" = %padding
    }
    irdl.operands(input: %input, output: %output)
  }

  // spm.add %a, %b, %out : out = a + b (element-wise)
  irdl.operation @add {
    %lhs = irdl.base @spm::@buf
    %rhs = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    irdl.operands(lhs: %lhs, rhs: %rhs, output: %output)
  }

  // spm.relu %in, %out : out = max(in, 0)
  irdl.operation @relu {
    %input = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    irdl.operands(input: %input, output: %output)
  }

  // spm.bias_add %in, %bias, %out : out[n,c,...] = in[n,c,...] + bias[c]
  irdl.operation @bias_add {
    %input = irdl.base @spm::@buf
    %bias = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    irdl.operands(input: %input, bias: %bias, output: %output)
  }

  // spm.scale %in, %out {factor} : out = in * factor
  irdl.operation @scale {
    %input = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    %factor = irdl.base "#builtin.float"
    irdl.attributes { "factor" = %factor }
    irdl.operands(input: %input, output: %output)
  }
}
