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

  // spm.pool %in, %out {kind = "max" | "avg" | "sum", window, strides,
  // padding} (optional: dilations, accumulate; see the C verifier)
  irdl.operation @pool {
    %input = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    %max = irdl.is "max"
    %avg = irdl.is "avg"
    %sum = irdl.is "sum"
    %kind = irdl.any_of(%max, %avg, %sum)
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

  // %v = spm.view %b {offset, strides} : a strided window of a buffer, for
  // the compute ops of lowered code (spm-lower). Element i of the result is
  // element offset + sum(i_d * strides[d]) of the source, counted in the
  // source's row-major order; strides may be 0 (a broadcast input).
  irdl.operation @view {
    %source = irdl.base @spm::@buf
    %offset = irdl.base "#builtin.integer"
    %strides = irdl.base "#builtin.dense_array"
    irdl.attributes { "offset" = %offset, "strides" = %strides }
    irdl.operands(source: %source)
    %result = irdl.base @spm::@buf
    irdl.results(result: %result)
  }

  // spm.fill %out {value} : every element of out := value
  irdl.operation @fill {
    %output = irdl.base @spm::@buf
    %value = irdl.any
    irdl.attributes { "value" = %value }
    irdl.operands(output: %output)
  }

  // spm.eltwise %in0, ..., %out {kernel = @f} : out[i] = f(in0[i], ...,
  // out[i]) for every index i; @f is a scalar func.func of the module
  // marked {spm.kernel}. Up to 4 inputs, each optional: an IRDL variadic
  // would force all inputs to one type, and an i32 accumulator meets an i8
  // residual; the generic form carries operandSegmentSizes.
  irdl.operation @eltwise {
    %in0 = irdl.base @spm::@buf
    %in1 = irdl.base @spm::@buf
    %in2 = irdl.base @spm::@buf
    %in3 = irdl.base @spm::@buf
    %output = irdl.base @spm::@buf
    %kernel = irdl.base "#builtin.symbol_ref"
    irdl.attributes { "kernel" = %kernel }
    irdl.operands(in0: optional %in0, in1: optional %in1, in2: optional %in2,
                  in3: optional %in3, output: %output)
  }
}
