// RUN: spm-opt %s --split-input-file --verify-diagnostics

// The verifier's rules on the order of ops (dialect/spm_verifier_order.c,
// docs/dialect.md, "Order of ops"): no use of a buffer after its
// spm.dealloc, no second spm.dealloc, none inside a loop that does not hold
// the spm.alloc; every transfer waited for, once; no access to elements
// while a transfer of them is in flight. Each error is followed by forms
// that must pass. Line numbers in the messages are this file's.

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @use_after_dealloc(%x: memref<32xf32>, %y: memref<32xf32>) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %v = "spm.view"(%a) {offset = 16 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 32>, f32>) -> !spm.buf<array<i64: 16>, f32>
    %t0 = "spm.dma_load"(%x, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    "spm.wait"(%t0) : (!spm.token) -> ()
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    // expected-error@+1 {{'spm.relu' op uses a buffer after its spm.dealloc at line 16 (the spm.alloc at line 12)}}
    "spm.relu"(%a, %a) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    // expected-error@+1 {{'spm.fill' op uses a buffer after its spm.dealloc at line 16}}
    "spm.fill"(%v) {value = 0.0 : f32} : (!spm.buf<array<i64: 16>, f32>) -> ()
    // expected-error@+1 {{'spm.dma_store' op uses a buffer after its spm.dealloc at line 16}}
    %t1 = "spm.dma_store"(%a, %y) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (!spm.buf<array<i64: 32>, f32>, memref<32xf32>) -> !spm.token
    "spm.wait"(%t1) : (!spm.token) -> ()
    return
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @use_after_dealloc_nested(%n: index) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    affine.for %i = 0 to 4 {
      // expected-error@+1 {{'spm.relu' op uses a buffer after its spm.dealloc at line 33}}
      "spm.relu"(%a, %a) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    }
    return
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @double_dealloc() {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    // expected-error@+1 {{'spm.dealloc' op frees a buffer already freed by the spm.dealloc at line 47}}
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    return
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @dealloc_in_loop() {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    affine.for %i = 0 to 4 {
      affine.if affine_set<(d0) : (d0 - 3 == 0)>(%i) {
        // expected-error@+1 {{'spm.dealloc' op frees, inside the 'affine.for' at line 59, a buffer allocated outside it (the spm.alloc at line 58): a second iteration would free it again}}
        "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
      }
    }
    return
  }
}

// -----

// Passes: an spm.alloc and spm.dealloc in each iteration; a buffer freed in
// one branch of an affine.if and used in the other; a buffer never freed.
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @lifetimes_ok(%c: index) {
    affine.for %i = 0 to 4 {
      %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
      "spm.relu"(%a, %a) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
      "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    }
    %b = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    affine.if affine_set<(d0) : (d0 == 0)>(%c) {
      "spm.dealloc"(%b) : (!spm.buf<array<i64: 32>, f32>) -> ()
    } else {
      "spm.relu"(%b, %b) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
      "spm.dealloc"(%b) : (!spm.buf<array<i64: 32>, f32>) -> ()
    }
    %k = "spm.alloc"() {offset = 256 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    "spm.fill"(%k) {value = 1.0 : f32} : (!spm.buf<array<i64: 32>, f32>) -> ()
    return
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @never_waited(%x: memref<32xf32>) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    // expected-error@+1 {{'spm.dma_load' op transfer is never waited for: its token has no use (add an spm.wait)}}
    %t0 = "spm.dma_load"(%x, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    return
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @waited_twice(%x: memref<32xf32>, %y: memref<32xf32>) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %b = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %t0 = "spm.dma_load"(%x, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    %t1 = "spm.dma_load"(%y, %b) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    "spm.wait"(%t0, %t1) : (!spm.token, !spm.token) -> ()
    // expected-error@+1 {{'spm.wait' op waits again for the spm.dma_load at line 110, already waited for by the spm.wait at line 112}}
    "spm.wait"(%t0) : (!spm.token) -> ()
    return
  }
}

// -----

// Passes: a token handed to the caller is the caller's to wait for.
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @token_escapes(%x: memref<32xf32>) -> !spm.token {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %t0 = "spm.dma_load"(%x, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 32>, f32>) -> !spm.token
    return %t0 : !spm.token
  }
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @in_flight_load(%x: memref<32xf32>, %y: memref<32xf32>) {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %b = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 32>, f32>
    %lo = "spm.view"(%a) {offset = 0 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 32>, f32>) -> !spm.buf<array<i64: 16>, f32>
    %hi = "spm.view"(%a) {offset = 16 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 32>, f32>) -> !spm.buf<array<i64: 16>, f32>
    %t0 = "spm.dma_load"(%x, %lo) {offsets = array<i64: 0>, sizes = array<i64: 16>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 16>, f32>) -> !spm.token
    // expected-error@+1 {{'spm.relu' op reads elements 0..31 of a buffer while the spm.dma_load at line 138 into elements 0..15 is in flight (its spm.wait is at line 148)}}
    "spm.relu"(%a, %b) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    affine.for %i = 0 to 2 {
      // expected-error@+1 {{'spm.fill' op writes elements 0..15 of a buffer while the spm.dma_load at line 138 into elements 0..15 is in flight (its spm.wait is at line 148)}}
      "spm.fill"(%lo) {value = 0.0 : f32} : (!spm.buf<array<i64: 16>, f32>) -> ()
    }
    // Passes: the other half of the buffer, and another buffer.
    "spm.relu"(%hi, %hi) : (!spm.buf<array<i64: 16>, f32>, !spm.buf<array<i64: 16>, f32>) -> ()
    "spm.relu"(%b, %b) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    "spm.wait"(%t0) : (!spm.token) -> ()
    "spm.relu"(%a, %a) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    %t1 = "spm.dma_store"(%a, %y) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (!spm.buf<array<i64: 32>, f32>, memref<32xf32>) -> !spm.token
    // Passes: reading the elements a spm.dma_store reads.
    "spm.relu"(%a, %b) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    // expected-error@+1 {{'spm.relu' op writes elements 0..31 of a buffer while the spm.dma_store at line 150 from elements 0..31 is in flight (its spm.wait is at line 157)}}
    "spm.relu"(%b, %a) : (!spm.buf<array<i64: 32>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
    // expected-error@+1 {{'spm.dealloc' op frees a buffer while the spm.dma_store at line 150 from its elements 0..31 is in flight (its spm.wait is at line 157)}}
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 32>, f32>) -> ()
    "spm.wait"(%t1) : (!spm.token) -> ()
    return
  }
}
