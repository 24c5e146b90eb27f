// An accelerator program in the spm dialect: a conv + bias + relu + max-pool
// block on a Gemmini-class scratchpad (256 KiB), with asynchronous DMA.
// Buffers: input 1x16x18x18 f32 (20736 B) at 0, filter 32x16x3x3 (18432 B)
// at 20736, bias 32 (128 B) at 39168, conv output 1x32x16x16 (32768 B) at
// 39296, pooled 1x32x8x8 (8192 B) at 72064.
module attributes {spm.target = #spm.target<{name = "gemmini",
    capacity = 262144 : i64, alignment = 16 : i64, banks = 4 : i64,
    dma_bandwidth = 16.0 : f64, dma_latency = 100 : i64,
    macs_per_cycle = 256 : i64, clock_mhz = 1000 : i64,
    dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 6.6 : f64,
    mac_pj = 0.23 : f64}>} {
  func.func @conv_block(%x: memref<1x16x18x18xf32>, %w: memref<32x16x3x3xf32>,
                        %b: memref<32xf32>, %y: memref<1x32x8x8xf32>) {
    %in = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 1, 16, 18, 18>, f32>
    %flt = "spm.alloc"() {offset = 20736 : i64} : () -> !spm.buf<array<i64: 32, 16, 3, 3>, f32>
    %bias = "spm.alloc"() {offset = 39168 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %acc = "spm.alloc"() {offset = 39296 : i64} : () -> !spm.buf<array<i64: 1, 32, 16, 16>, f32>
    %pool = "spm.alloc"() {offset = 72064 : i64} : () -> !spm.buf<array<i64: 1, 32, 8, 8>, f32>
    %t0 = "spm.dma_load"(%x, %in) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 16, 18, 18>, strides = array<i64: 1, 1, 1, 1>} : (memref<1x16x18x18xf32>, !spm.buf<array<i64: 1, 16, 18, 18>, f32>) -> !spm.token
    %t1 = "spm.dma_load"(%w, %flt) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 32, 16, 3, 3>, strides = array<i64: 1, 1, 1, 1>} : (memref<32x16x3x3xf32>, !spm.buf<array<i64: 32, 16, 3, 3>, f32>) -> !spm.token
    %t2 = "spm.dma_load"(%b, %bias) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    "spm.wait"(%t0, %t1, %t2) : (!spm.token, !spm.token, !spm.token) -> ()
    "spm.conv2d"(%in, %flt, %acc) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 16, 18, 18>, f32>, !spm.buf<array<i64: 32, 16, 3, 3>, f32>, !spm.buf<array<i64: 1, 32, 16, 16>, f32>) -> ()
    "spm.bias_add"(%acc, %bias, %acc) : (!spm.buf<array<i64: 1, 32, 16, 16>, f32>, !spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 1, 32, 16, 16>, f32>) -> ()
    "spm.relu"(%acc, %acc) : (!spm.buf<array<i64: 1, 32, 16, 16>, f32>, !spm.buf<array<i64: 1, 32, 16, 16>, f32>) -> ()
    "spm.pool"(%acc, %pool) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 32, 16, 16>, f32>, !spm.buf<array<i64: 1, 32, 8, 8>, f32>) -> ()
    %t3 = "spm.dma_store"(%pool, %y) {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 32, 8, 8>, strides = array<i64: 1, 1, 1, 1>} : (!spm.buf<array<i64: 1, 32, 8, 8>, f32>, memref<1x32x8x8xf32>) -> !spm.token
    "spm.wait"(%t3) : (!spm.token) -> ()
    "spm.dealloc"(%in) : (!spm.buf<array<i64: 1, 16, 18, 18>, f32>) -> ()
    "spm.dealloc"(%flt) : (!spm.buf<array<i64: 32, 16, 3, 3>, f32>) -> ()
    "spm.dealloc"(%bias) : (!spm.buf<array<i64: 32>, f32>) -> ()
    "spm.dealloc"(%acc) : (!spm.buf<array<i64: 1, 32, 16, 16>, f32>) -> ()
    "spm.dealloc"(%pool) : (!spm.buf<array<i64: 1, 32, 8, 8>, f32>) -> ()
    return
  }
}
