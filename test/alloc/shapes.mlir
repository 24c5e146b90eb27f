// Buffers without a scratchpad layout stay in global memory, with the reason;
// buffers too large for any packing are an error at the buffer.
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-allocate=place=never %s --verify-diagnostics
// The static strategy (fixed partitions) sums the sizes itself: the same
// checks come first.
// RUN: spm-opt --split-input-file --spm-target=gemmini '--spm-allocate=place=never algorithm=static' %s --verify-diagnostics

// expected-remark@+1 {{spm-allocate: 0 buffers}}
func.func @shapes(%in: memref<f32>, %in12: memref<1x1x1x1x1x1x1x1x1x1x1x2xf32>, %out: memref<4xindex>) {
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: its rank 0 is not 1 to 8 (!spm.buf)}}
  %s = memref.alloc() : memref<f32>
  memref.copy %in, %s : memref<f32> to memref<f32>
  memref.copy %s, %in : memref<f32> to memref<f32>
  // expected-remark@below {{spm-allocate: %alloc_0 stays in global memory: its rank 12 is not 1 to 8 (!spm.buf)}}
  %t = memref.alloc() : memref<1x1x1x1x1x1x1x1x1x1x1x2xf32>
  memref.copy %in12, %t : memref<1x1x1x1x1x1x1x1x1x1x1x2xf32> to memref<1x1x1x1x1x1x1x1x1x1x1x2xf32>
  memref.copy %t, %in12 : memref<1x1x1x1x1x1x1x1x1x1x1x2xf32> to memref<1x1x1x1x1x1x1x1x1x1x1x2xf32>
  // expected-remark@below {{spm-allocate: %alloc_1 stays in global memory: element type without a fixed byte size}}
  %i = memref.alloc() : memref<4xindex>
  memref.copy %out, %i : memref<4xindex> to memref<4xindex>
  memref.copy %i, %out : memref<4xindex> to memref<4xindex>
  // expected-remark@below {{spm-allocate: %alloc_2 stays in global memory: size overflows 64 bits}}
  %o = memref.alloc() : memref<2305843009213693952xf32>
  return
}

// -----

// 2^60 bytes each: the second brings the sum past 2^61 - 1.
func.func @huge(%in: memref<288230376151711744xf32>, %out: memref<288230376151711744xf32>) {
  %a = memref.alloc() : memref<288230376151711744xf32>
  // expected-error@below {{spm-allocate: %alloc_0 (1152921504606846976 bytes) brings the local buffers' sizes and alignments to more than 2305843009213693951 bytes, the most a packing can handle}}
  %b = memref.alloc() : memref<288230376151711744xf32>
  memref.copy %in, %a : memref<288230376151711744xf32> to memref<288230376151711744xf32>
  memref.copy %in, %b : memref<288230376151711744xf32> to memref<288230376151711744xf32>
  memref.copy %a, %out : memref<288230376151711744xf32> to memref<288230376151711744xf32>
  memref.copy %b, %out : memref<288230376151711744xf32> to memref<288230376151711744xf32>
  return
}
