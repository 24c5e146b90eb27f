// RUN: spm-opt %s --split-input-file --verify-diagnostics

// One section per error of the C verifier (dialect/spm_verifier.c); errors
// that IRDL reports are in irdl-invalid.mlir. Sections that allocate carry a
// small target: 4096-byte scratchpad, 16-byte alignment.
// Not reachable from spm-opt (IRDL rejects the IR first; kept as defensive
// checks): "'spm.X' op is missing its ... operand".

// ===------------------------------------------------------------------=== //
// #spm.target
// ===------------------------------------------------------------------=== //

// expected-error@+1 {{invalid 'spm.target': target field 'mac_pj' is missing}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64}>} {
  // No second error: the allocation is not checked against a broken target.
  %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

// expected-error@+1 {{invalid 'spm.target': unknown target field 'sram' (fields: name, capacity,}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64, sram = 1 : i64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target field 'capacity' must be an integer}}
module attributes {spm.target = #spm.target<{name = "t", capacity = "4K", alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target field 'name' must be a string}}
module attributes {spm.target = #spm.target<{name = 7 : i64, capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target field 'dma_bandwidth' must be a number}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = "fast", dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target alignment 24 is not a power of two}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 24 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target capacity must be positive}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 0 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target capacity 4100 is not a multiple of the alignment 16}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4100 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target banks must be >= 1, got 0}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 0 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target dma_latency must be >= 0, got -1}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = -1 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target dram_pj_per_byte must be a non-negative number}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 1 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = -160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target dma_bandwidth must be positive}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 0.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target name must be 1 to 31 characters}}
module attributes {spm.target = #spm.target<{name = "", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// The program format's limits (docs/isa.md) are the target's too.
// expected-error@+1 {{invalid 'spm.target': target name must be 1 to 31 characters of [A-Za-z0-9_.-]}}
module attributes {spm.target = #spm.target<{name = "t 1", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target capacity 2199023255552 is more than 2^40 bytes}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 2199023255552 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': target dma_latency 1099511627777 is more than 2^40 cycles}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 1099511627777 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
}

// -----

// expected-error@+1 {{invalid 'spm.target': 'spm.target' must be a #spm.target<{...}> attribute, got "gemmini"}}
module attributes {spm.target = "gemmini"} {
}

// ===------------------------------------------------------------------=== //
// !spm.buf (checked where an spm op uses the type)
// ===------------------------------------------------------------------=== //

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // expected-error@+1 {{'spm.alloc' op result: !spm.buf dimension 1 must be positive, got 0}}
  %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4, 0>, f32>
}

// -----

func.func @neg_dim(%a: !spm.buf<array<i64: -2>, f32>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf dimension 0 must be positive, got -2}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i64: -2>, f32>, !spm.buf<array<i64: -2>, f32>) -> ()
  return
}

// -----

func.func @rank9(%a: !spm.buf<array<i64: 1, 1, 1, 1, 1, 1, 1, 1, 2>, f32>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf rank must be 1 to 8, got 9}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i64: 1, 1, 1, 1, 1, 1, 1, 1, 2>, f32>, !spm.buf<array<i64: 1, 1, 1, 1, 1, 1, 1, 1, 2>, f32>) -> ()
  return
}

// -----

func.func @rank0(%a: !spm.buf<array<i64>, f32>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf rank must be 1 to 8, got 0}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i64>, f32>, !spm.buf<array<i64>, f32>) -> ()
  return
}

// -----

func.func @i32_shape(%a: !spm.buf<array<i32: 4>, f32>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf shape must be array<i64: ...>}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i32: 4>, f32>, !spm.buf<array<i32: 4>, f32>) -> ()
  return
}

// -----

func.func @index_elem(%a: !spm.buf<array<i64: 4>, index>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf element type must be an integer or float}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i64: 4>, index>, !spm.buf<array<i64: 4>, index>) -> ()
  return
}

// -----

// IRDL's `irdl.any` admits an attribute as the element: rejected here, with
// no stray parser error.
func.func @attr_elem(%a: !spm.buf<array<i64: 4>, 5 : i64>) {
  // expected-error@+1 {{'spm.relu' op input: !spm.buf element type must be an integer or float}}
  "spm.relu"(%a, %a) : (!spm.buf<array<i64: 4>, 5 : i64>, !spm.buf<array<i64: 4>, 5 : i64>) -> ()
  return
}

// -----

func.func @bad_output(%a: !spm.buf<array<i64: 4>, f32>, %o: !spm.buf<array<i64: 4>, vector<4xf32>>) {
  // expected-error@+1 {{'spm.relu' op output: !spm.buf element type must be an integer or float}}
  "spm.relu"(%a, %o) : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, vector<4xf32>>) -> ()
  return
}

// ===------------------------------------------------------------------=== //
// spm.alloc / spm.dealloc
// ===------------------------------------------------------------------=== //

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // expected-error@+1 {{'spm.alloc' op offset -16 is negative}}
  %a = "spm.alloc"() {offset = -16 : i64} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

// offset -1: not placed yet (spm-place output) -- fine as long as it fits
// the capacity on its own; two unplaced buffers may overlap nothing yet.
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  %a = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 1024>, f32>
  %b = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 1024>, f32>
  // expected-error@+1 {{'spm.alloc' op buffer of 4112 bytes exceeds the scratchpad capacity of 4096 bytes (target 't')}}
  %c = "spm.alloc"() {offset = -1 : i64} : () -> !spm.buf<array<i64: 1028>, f32>
  // expected-error@+1 {{'spm.alloc' op offset -2 is negative (-1 is the only negative value: not yet placed)}}
  %d = "spm.alloc"() {offset = -2 : i64} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // expected-error@+1 {{'spm.alloc' op offset 8 is not aligned to 16 bytes (target 't')}}
  %a = "spm.alloc"() {offset = 8 : i64} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // The last byte that fits is 4095: [4080, 4096) is fine, [4080, 4112) not.
  %ok = "spm.alloc"() {offset = 4080 : i64} : () -> !spm.buf<array<i64: 4>, f32>
  "spm.dealloc"(%ok) : (!spm.buf<array<i64: 4>, f32>) -> ()
  // expected-error@+1 {{'spm.alloc' op buffer [4080, 4112) exceeds the scratchpad capacity of 4096 bytes (target 't')}}
  %a = "spm.alloc"() {offset = 4080 : i64} : () -> !spm.buf<array<i64: 8>, f32>
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // The end offset is printed exactly even past INT64_MAX.
  // expected-error@+1 {{'spm.alloc' op buffer [9223372036854775792, 9223372036854775824) exceeds the scratchpad capacity of 4096 bytes}}
  %a = "spm.alloc"() {offset = 9223372036854775792 : i64} : () -> !spm.buf<array<i64: 8>, f32>
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // An unsigned offset is read as unsigned: 200, not -56.
  // expected-error@+1 {{'spm.alloc' op offset 200 is not aligned to 16 bytes}}
  %a = "spm.alloc"() {offset = 200 : ui8} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // Wider than 64 bits: not read as the low 64 bits (2^64 + 16 was offset 16).
  // expected-error@+1 {{'spm.alloc' op offset does not fit in 64 bits}}
  %a = "spm.alloc"() {offset = 18446744073709551632 : i128} : () -> !spm.buf<array<i64: 4>, f32>
  // expected-error@+1 {{'spm.alloc' op offset does not fit in 64 bits}}
  %b = "spm.alloc"() {offset = 18446744073709551600 : ui64} : () -> !spm.buf<array<i64: 4>, f32>
  // In range, a wide type is fine.
  %c = "spm.alloc"() {offset = 32 : i128} : () -> !spm.buf<array<i64: 4>, f32>
  // A negative i128 is negative.
  // expected-error@+1 {{'spm.alloc' op offset -16 is negative}}
  %d = "spm.alloc"() {offset = -16 : i128} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

// The target's integer fields too: 2^64 + 4096 was capacity 4096.
// expected-error@+1 {{invalid 'spm.target': target field 'capacity' is out of range (at most 9223372036854775807)}}
module attributes {spm.target = #spm.target<{name = "t", capacity = 18446744073709555712 : i128, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>
}

// -----

func.func @groups_i128(%in: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 4, 4, 3, 3>, f32>, %out: !spm.buf<array<i64: 1, 4, 6, 6>, f32>) {
  // 2^64 + 1 was groups = 1.
  // expected-error@+1 {{'spm.conv2d' op groups = 9223372036854775807 must divide the input channels (4) and the filters (4)}}
  "spm.conv2d"(%in, %w, %out) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 18446744073709551617 : i128, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 4, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 4, 6, 6>, f32>) -> ()
  return
}

// -----

module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  // expected-error@+1 {{'spm.alloc' op buffer size overflows}}
  %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4611686018427387904, 4>, f32>
}

// -----

// No spm.target on the module (and no --spm-target): no capacity to check.
// expected-error@+1 {{'spm.alloc' op needs a scratchpad capacity: add a 'spm.target' module attribute or use --spm-target=NAME}}
%a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 4>, f32>

// -----

func.func @dealloc_arg(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{'spm.dealloc' op operand must be the result of an spm.alloc}}
  "spm.dealloc"(%a) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @dealloc_cast(%m: memref<4xf32>) {
  %a = builtin.unrealized_conversion_cast %m : memref<4xf32> to !spm.buf<array<i64: 4>, f32>
  // expected-error@+1 {{'spm.dealloc' op operand must be the result of an spm.alloc, not of 'builtin.unrealized_conversion_cast'}}
  "spm.dealloc"(%a) : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// ===------------------------------------------------------------------=== //
// spm.dma_load / spm.dma_store / spm.wait
// ===------------------------------------------------------------------=== //

// -----

func.func @dma_dynamic(%g: memref<?x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op global memref must have a static shape}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>} : (memref<?x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_rank9(%g: memref<1x1x1x1x1x1x1x1x4xf32>, %a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{'spm.dma_store' op memref rank 9 exceeds 8}}
  %t = "spm.dma_store"(%a, %g) {offsets = array<i64: 0>, sizes = array<i64: 4>, strides = array<i64: 1>} : (!spm.buf<array<i64: 4>, f32>, memref<1x1x1x1x1x1x1x1x4xf32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_attr_len(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op attribute 'sizes' must have 2 elements, got 1}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0, 0>, sizes = array<i64: 32>, strides = array<i64: 1, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_attr_i32(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op attribute 'offsets' must be array<i64: ...>}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i32: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_neg_offset(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op offsets must be >= 0 and sizes, strides >= 1}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: -1, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_zero_stride(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_store' op offsets must be >= 0 and sizes, strides >= 1}}
  %t = "spm.dma_store"(%a, %g) {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 0, 1>} : (!spm.buf<array<i64: 4, 8>, f32>, memref<8x8xf32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_zero_size(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op offsets must be >= 0 and sizes, strides >= 1}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0, 0>, sizes = array<i64: 0, 8>, strides = array<i64: 1, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_window(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // Rows 1, 3, 5, 7 fit; offset 2 would reach row 8.
  %ok = "spm.dma_load"(%g, %a) {offsets = array<i64: 1, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 2, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%ok) : (!spm.token) -> ()
  // expected-error@+1 {{'spm.dma_load' op window reaches index 8 in dimension 0 of a memref of size 8}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 2, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 2, 1>} : (memref<8x8xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_window_overflow(%g: memref<8xf32>, %a: !spm.buf<array<i64: 2>, f32>) {
  // offset + stride overflows int64: still out of bounds, not wrapped around.
  // expected-error@+1 {{'spm.dma_store' op window reaches index 9223372036854775807 in dimension 0 of a memref of size 8}}
  %t = "spm.dma_store"(%a, %g) {offsets = array<i64: 1>, sizes = array<i64: 2>, strides = array<i64: 9223372036854775807>} : (!spm.buf<array<i64: 2>, f32>, memref<8xf32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_rank(%g: memref<32xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op buffer rank 2 differs from the memref rank 1}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (memref<32xf32>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_sizes(%g: memref<8x8xf32>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_store' op sizes[1] = 4 but the buffer dimension is 8}}
  %t = "spm.dma_store"(%a, %g) {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (!spm.buf<array<i64: 4, 8>, f32>, memref<8x8xf32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_elem(%g: memref<8x8xf16>, %a: !spm.buf<array<i64: 4, 8>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op element types of memref and buffer differ}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>} : (memref<8x8xf16>, !spm.buf<array<i64: 4, 8>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @dma_bad_buf(%g: memref<8xf32>, %a: !spm.buf<array<i64: 0>, f32>) {
  // expected-error@+1 {{'spm.dma_load' op scratchpad buffer: !spm.buf dimension 0 must be positive, got 0}}
  %t = "spm.dma_load"(%g, %a) {offsets = array<i64: 0>, sizes = array<i64: 1>, strides = array<i64: 1>} : (memref<8xf32>, !spm.buf<array<i64: 0>, f32>) -> !spm.token
  "spm.wait"(%t) : (!spm.token) -> ()
  return
}

// -----

func.func @wait_none() {
  // expected-error@+1 {{'spm.wait' op needs at least one token}}
  "spm.wait"() : () -> ()
  return
}

// ===------------------------------------------------------------------=== //
// spm.matmul
// ===------------------------------------------------------------------=== //

// -----

func.func @matmul_rank(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 8>, f32>, %c: !spm.buf<array<i64: 4, 1>, f32>) {
  // expected-error@+1 {{'spm.matmul' op operands must be rank 2 (got 2, 1, 2)}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 4, 1>, f32>) -> ()
  return
}

// -----

func.func @matmul_k(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 6, 2>, f32>, %c: !spm.buf<array<i64: 4, 2>, f32>) {
  // expected-error@+1 {{'spm.matmul' op reduction sizes differ: lhs is 4x8, rhs is 6x2}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 6, 2>, f32>, !spm.buf<array<i64: 4, 2>, f32>) -> ()
  return
}

// -----

func.func @matmul_acc(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 8, 2>, f32>, %c: !spm.buf<array<i64: 2, 4>, f32>) {
  // expected-error@+1 {{'spm.matmul' op acc must be 4x2, got 2x4}}
  "spm.matmul"(%a, %b, %c) {accumulate = true} : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 8, 2>, f32>, !spm.buf<array<i64: 2, 4>, f32>) -> ()
  return
}

// -----

func.func @matmul_elem(%a: !spm.buf<array<i64: 4, 8>, f16>, %b: !spm.buf<array<i64: 8, 2>, f32>, %c: !spm.buf<array<i64: 4, 2>, f32>) {
  // expected-error@+1 {{'spm.matmul' op element types must agree (i8 inputs may accumulate into i32)}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 8>, f16>, !spm.buf<array<i64: 8, 2>, f32>, !spm.buf<array<i64: 4, 2>, f32>) -> ()
  return
}

// -----

func.func @matmul_i16_acc(%a: !spm.buf<array<i64: 4, 8>, i16>, %b: !spm.buf<array<i64: 8, 2>, i16>, %c: !spm.buf<array<i64: 4, 2>, i32>) {
  // Only i8 inputs may widen to an i32 accumulator.
  // expected-error@+1 {{'spm.matmul' op element types must agree}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 8>, i16>, !spm.buf<array<i64: 8, 2>, i16>, !spm.buf<array<i64: 4, 2>, i32>) -> ()
  return
}

// -----

func.func @matmul_bad_rhs(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 8, 0>, f32>, %c: !spm.buf<array<i64: 4, 2>, f32>) {
  // expected-error@+1 {{'spm.matmul' op rhs: !spm.buf dimension 1 must be positive, got 0}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 8, 0>, f32>, !spm.buf<array<i64: 4, 2>, f32>) -> ()
  return
}

// ===------------------------------------------------------------------=== //
// spm.conv2d
// ===------------------------------------------------------------------=== //

// -----

func.func @conv_stride(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 6, 6>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op strides, dilations and groups must be >= 1 and padding >= 0}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 0, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 6, 6>, f32>) -> ()
  return
}

// -----

func.func @conv_groups0(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 6, 6>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op strides, dilations and groups must be >= 1 and padding >= 0}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 0 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 6, 6>, f32>) -> ()
  return
}

// -----

func.func @conv_padding_len(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 8, 8>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op attribute 'padding' must have 4 elements, got 2}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 8, 8>, f32>) -> ()
  return
}

// -----

func.func @conv_rank(%i: !spm.buf<array<i64: 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 8, 6, 6>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op operands must be rank 4 (NCHW input, FCHW filter, NFHW output)}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 8, 6, 6>, f32>) -> ()
  return
}

// -----

func.func @conv_groups_divide(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 6, 1, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 6, 6, 6>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op groups = 4 must divide the input channels (4) and the filters (6)}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 4 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 6, 1, 3, 3>, f32>, !spm.buf<array<i64: 1, 6, 6, 6>, f32>) -> ()
  return
}

// -----

func.func @conv_filter_channels(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 6, 6>, f32>) {
  // With 2 groups each filter sees 4 / 2 = 2 channels.
  // expected-error@+1 {{'spm.conv2d' op filter has 4 input channels, expected 2 (input channels / groups)}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 2 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 6, 6>, f32>) -> ()
  return
}

// -----

func.func @conv_window(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 1, 1>, f32>) {
  // Dilation 4 makes the 3x3 filter span 9 > 8 rows.
  // expected-error@+1 {{'spm.conv2d' op the filter window does not fit the padded input}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 4, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 1, 1>, f32>) -> ()
  return
}

// -----

func.func @conv_window_huge_dilation(%i: !spm.buf<array<i64: 1, 1, 4, 4>, f32>, %w: !spm.buf<array<i64: 1, 1, 2, 2>, f32>, %o: !spm.buf<array<i64: 1, 1, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op the filter window does not fit the padded input}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 9223372036854775807, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @conv_padding_overflow(%i: !spm.buf<array<i64: 1, 1, 4, 4>, f32>, %w: !spm.buf<array<i64: 1, 1, 2, 2>, f32>, %o: !spm.buf<array<i64: 1, 1, 1, 4>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op the padded input size overflows int64}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 9223372036854775807, 1>, padding = array<i64: 9223372036854775807, 0, 9223372036854775807, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>, !spm.buf<array<i64: 1, 1, 1, 4>, f32>) -> ()
  return
}

// -----

func.func @conv_output(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, f32>, %o: !spm.buf<array<i64: 1, 8, 8, 8>, f32>) {
  // Padding [top, left, bottom, right] = [1, 0, 1, 0]: 8 rows, 6 columns.
  // expected-error@+1 {{'spm.conv2d' op output must be 1x8x8x6, got 1x8x8x8}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, f32>, !spm.buf<array<i64: 1, 8, 8, 8>, f32>) -> ()
  return
}

// -----

func.func @conv_elem(%i: !spm.buf<array<i64: 1, 4, 8, 8>, i8>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, i8>, %o: !spm.buf<array<i64: 1, 8, 6, 6>, i16>) {
  // expected-error@+1 {{'spm.conv2d' op element types must agree (i8 inputs may accumulate into i32)}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = true} : (!spm.buf<array<i64: 1, 4, 8, 8>, i8>, !spm.buf<array<i64: 8, 4, 3, 3>, i8>, !spm.buf<array<i64: 1, 8, 6, 6>, i16>) -> ()
  return
}

// -----

func.func @conv_bad_filter(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %w: !spm.buf<array<i64: 8, 4, 3, 3>, index>, %o: !spm.buf<array<i64: 1, 8, 6, 6>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op filter: !spm.buf element type must be an integer or float}}
  "spm.conv2d"(%i, %w, %o) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 8, 4, 3, 3>, index>, !spm.buf<array<i64: 1, 8, 6, 6>, f32>) -> ()
  return
}

// ===------------------------------------------------------------------=== //
// matmul, conv2d and pool must not write elements they read (docs/isa.md):
// the output and each input may not span common elements of one buffer.
// Views of one buffer that span none (%ok below) are fine.
func.func @in_place(%m: !spm.buf<array<i64: 8, 4>, f32>, %b: !spm.buf<array<i64: 4, 4>, f32>, %p: !spm.buf<array<i64: 1, 1, 4, 4>, f32>, %w: !spm.buf<array<i64: 1, 1, 1, 1>, f32>) {
  // expected-error@+1 {{'spm.conv2d' op output (elements 0..15 of its buffer) overlaps input (elements 0..15): the op must not write elements it reads}}
  "spm.conv2d"(%p, %w, %p) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, accumulate = false} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 1, 1>, f32>, !spm.buf<array<i64: 1, 1, 4, 4>, f32>) -> ()
  %a = "spm.view"(%m) {offset = 0 : i64, strides = array<i64: 4, 1>} : (!spm.buf<array<i64: 8, 4>, f32>) -> !spm.buf<array<i64: 4, 4>, f32>
  %c = "spm.view"(%m) {offset = 8 : i64, strides = array<i64: 4, 1>} : (!spm.buf<array<i64: 8, 4>, f32>) -> !spm.buf<array<i64: 4, 4>, f32>
  %ok = "spm.view"(%m) {offset = 16 : i64, strides = array<i64: 4, 1>} : (!spm.buf<array<i64: 8, 4>, f32>) -> !spm.buf<array<i64: 4, 4>, f32>
  // expected-error@+1 {{'spm.matmul' op acc (elements 8..23 of its buffer) overlaps lhs (elements 0..15): the op must not write elements it reads}}
  "spm.matmul"(%a, %b, %c) {accumulate = false} : (!spm.buf<array<i64: 4, 4>, f32>, !spm.buf<array<i64: 4, 4>, f32>, !spm.buf<array<i64: 4, 4>, f32>) -> ()
  "spm.matmul"(%a, %b, %ok) {accumulate = false} : (!spm.buf<array<i64: 4, 4>, f32>, !spm.buf<array<i64: 4, 4>, f32>, !spm.buf<array<i64: 4, 4>, f32>) -> ()
  %q = "spm.view"(%p) {offset = 5 : i64, strides = array<i64: 16, 16, 4, 1>} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>) -> !spm.buf<array<i64: 1, 1, 2, 2>, f32>
  // expected-error@+1 {{'spm.pool' op output (elements 5..10 of its buffer) overlaps input (elements 0..15): the op must not write elements it reads}}
  "spm.pool"(%p, %q) {kind = "max", window = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 2, 2>, f32>) -> ()
  return
}

// -----

// spm.pool
// ===------------------------------------------------------------------=== //

// -----

func.func @pool_window0(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op window, strides and dilations must be >= 1 and padding >= 0}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 0, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_neg_pad(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op window, strides and dilations must be >= 1 and padding >= 0}}
  "spm.pool"(%i, %o) {kind = "avg", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, -1>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_window_len(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op attribute 'window' must have 2 elements, got 3}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_strides_f32(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op attribute 'strides' must be array<i64: ...>}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<f32: 2.0, 2.0>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_rank(%i: !spm.buf<array<i64: 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op operands must be rank 4 (NCHW)}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 4, 8, 8>, f32>, !spm.buf<array<i64: 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_window(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 1, 1>, f32>) {
  // expected-error@+1 {{'spm.pool' op the window does not fit the padded input}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 9, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 1, 1>, f32>) -> ()
  return
}

// -----

func.func @pool_padding_overflow(%i: !spm.buf<array<i64: 1, 1, 4, 4>, f32>, %o: !spm.buf<array<i64: 1, 1, 4, 3>, f32>) {
  // expected-error@+1 {{'spm.pool' op the padded input size overflows int64}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 9223372036854775807, 0, 9223372036854775807>} : (!spm.buf<array<i64: 1, 1, 4, 4>, f32>, !spm.buf<array<i64: 1, 1, 4, 3>, f32>) -> ()
  return
}

// -----

func.func @pool_output(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // Window 3, stride 2, padding 1 (top/left) and 0: floor((8 + 1 - 3) / 2) + 1 = 4.
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  // expected-error@+1 {{'spm.pool' op output must be 1x4x3x3, got 1x4x4x4}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_elem(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f16>) {
  // expected-error@+1 {{'spm.pool' op input and output element types differ}}
  "spm.pool"(%i, %o) {kind = "avg", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f16>) -> ()
  return
}

// ===------------------------------------------------------------------=== //
// Element-wise ops: spm.add, spm.relu, spm.scale, spm.bias_add
// ===------------------------------------------------------------------=== //

// -----

func.func @add_out(%a: !spm.buf<array<i64: 4, 8>, f32>, %o: !spm.buf<array<i64: 8, 4>, f32>) {
  // expected-error@+1 {{'spm.add' op input and output must have the same shape and element type}}
  "spm.add"(%a, %a, %o) : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 8, 4>, f32>) -> ()
  return
}

// -----

func.func @add_rhs(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 4, 8>, f16>) {
  // expected-error@+1 {{'spm.add' op lhs and rhs must have the same shape and element type}}
  "spm.add"(%a, %b, %a) : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 4, 8>, f16>, !spm.buf<array<i64: 4, 8>, f32>) -> ()
  return
}

// -----

func.func @add_bad_rhs(%a: !spm.buf<array<i64: 4, 8>, f32>, %b: !spm.buf<array<i64: 4, -8>, f32>) {
  // expected-error@+1 {{'spm.add' op rhs: !spm.buf dimension 1 must be positive, got -8}}
  "spm.add"(%a, %b, %a) : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 4, -8>, f32>, !spm.buf<array<i64: 4, 8>, f32>) -> ()
  return
}

// -----

func.func @relu_shape(%a: !spm.buf<array<i64: 4, 8>, f32>, %o: !spm.buf<array<i64: 32>, f32>) {
  // expected-error@+1 {{'spm.relu' op input and output must have the same shape and element type}}
  "spm.relu"(%a, %o) : (!spm.buf<array<i64: 4, 8>, f32>, !spm.buf<array<i64: 32>, f32>) -> ()
  return
}

// -----

func.func @scale_elem(%a: !spm.buf<array<i64: 4, 8>, i8>, %o: !spm.buf<array<i64: 4, 8>, i32>) {
  // expected-error@+1 {{'spm.scale' op input and output must have the same shape and element type}}
  "spm.scale"(%a, %o) {factor = 0.5 : f32} : (!spm.buf<array<i64: 4, 8>, i8>, !spm.buf<array<i64: 4, 8>, i32>) -> ()
  return
}

// -----

func.func @bias_out(%a: !spm.buf<array<i64: 1, 8, 4, 4>, f32>, %b: !spm.buf<array<i64: 8>, f32>, %o: !spm.buf<array<i64: 1, 8, 2, 2>, f32>) {
  // expected-error@+1 {{'spm.bias_add' op input and output must have the same shape and element type}}
  "spm.bias_add"(%a, %b, %o) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 1, 8, 2, 2>, f32>) -> ()
  return
}

// -----

func.func @bias_shape(%a: !spm.buf<array<i64: 1, 8, 4, 4>, f32>, %b: !spm.buf<array<i64: 4>, f32>) {
  // The bias has one value per channel (dimension 1), not per column.
  // expected-error@+1 {{'spm.bias_add' op bias must have shape [8] (one value per channel)}}
  "spm.bias_add"(%a, %b, %a) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @bias_rank(%a: !spm.buf<array<i64: 1, 8, 4, 4>, f32>, %b: !spm.buf<array<i64: 1, 8>, f32>) {
  // expected-error@+1 {{'spm.bias_add' op bias must have shape [8] (one value per channel)}}
  "spm.bias_add"(%a, %b, %a) : (!spm.buf<array<i64: 1, 8, 4, 4>, f32>, !spm.buf<array<i64: 1, 8>, f32>, !spm.buf<array<i64: 1, 8, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @bias_elem(%a: !spm.buf<array<i64: 16, 8>, f32>, %b: !spm.buf<array<i64: 8>, f16>) {
  // expected-error@+1 {{'spm.bias_add' op bias element type differs from the input's}}
  "spm.bias_add"(%a, %b, %a) : (!spm.buf<array<i64: 16, 8>, f32>, !spm.buf<array<i64: 8>, f16>, !spm.buf<array<i64: 16, 8>, f32>) -> ()
  return
}

// -----

func.func @bias_input_rank(%a: !spm.buf<array<i64: 8>, f32>, %b: !spm.buf<array<i64: 8>, f32>) {
  // expected-error@+1 {{'spm.bias_add' op input must have a channel dimension (rank >= 2)}}
  "spm.bias_add"(%a, %b, %a) : (!spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 8>, f32>, !spm.buf<array<i64: 8>, f32>) -> ()
  return
}

// -----

func.func @bias_bad_bias(%a: !spm.buf<array<i64: 16, 8>, f32>, %b: !spm.buf<array<i64: 0>, f32>) {
  // expected-error@+1 {{'spm.bias_add' op bias: !spm.buf dimension 0 must be positive, got 0}}
  "spm.bias_add"(%a, %b, %a) : (!spm.buf<array<i64: 16, 8>, f32>, !spm.buf<array<i64: 0>, f32>, !spm.buf<array<i64: 16, 8>, f32>) -> ()
  return
}

// -----

// Two buffers allocated at the same time must not share bytes; after a
// spm.dealloc the bytes can be reused.
module attributes {spm.target = #spm.target<{name = "t", capacity = 4096 : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {
  func.func @f() {
    %a = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 64>, f32>
    %b = "spm.alloc"() {offset = 256 : i64} : () -> !spm.buf<array<i64: 64>, f32>
    // expected-error@+1 {{'spm.alloc' op bytes [128, 384) overlap [0, 256) of the spm.alloc at line}}
    %c = "spm.alloc"() {offset = 128 : i64} : () -> !spm.buf<array<i64: 64>, f32>
    "spm.dealloc"(%a) : (!spm.buf<array<i64: 64>, f32>) -> ()
    "spm.dealloc"(%c) : (!spm.buf<array<i64: 64>, f32>) -> ()
    %d = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 64>, f32>
    "spm.dealloc"(%b) : (!spm.buf<array<i64: 64>, f32>) -> ()
    "spm.dealloc"(%d) : (!spm.buf<array<i64: 64>, f32>) -> ()
    return
  }
}

// ===------------------------------------------------------------------=== //
// spm.pool (optional attributes), spm.view, spm.fill, spm.eltwise
// ===------------------------------------------------------------------=== //

// -----

func.func @pool_acc_not_bool(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op attribute 'accumulate' must be true or false}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, accumulate = 1 : i64} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

func.func @pool_dilation0(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op window, strides and dilations must be >= 1 and padding >= 0}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 0, 1>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

// A dilated window: 3 rows reach 5, so the output has 4 rows of 8.
func.func @pool_dilated_shape(%i: !spm.buf<array<i64: 1, 4, 8, 8>, f32>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, f32>) {
  // expected-error@+1 {{'spm.pool' op output must be 1x4x4x7, got 1x4x4x4}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 3, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 1>} : (!spm.buf<array<i64: 1, 4, 8, 8>, f32>, !spm.buf<array<i64: 1, 4, 4, 4>, f32>) -> ()
  return
}

// -----

// A sum of i8 may accumulate into i32; a max may not.
func.func @pool_widen(%i: !spm.buf<array<i64: 1, 4, 8, 8>, i8>, %o: !spm.buf<array<i64: 1, 4, 4, 4>, i32>) {
  "spm.pool"(%i, %o) {kind = "sum", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, i8>, !spm.buf<array<i64: 1, 4, 4, 4>, i32>) -> ()
  // expected-error@+1 {{'spm.pool' op input and output element types differ}}
  "spm.pool"(%i, %o) {kind = "max", window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (!spm.buf<array<i64: 1, 4, 8, 8>, i8>, !spm.buf<array<i64: 1, 4, 4, 4>, i32>) -> ()
  return
}

// -----

func.func @view_out_of_bounds(%b: !spm.buf<array<i64: 4, 4>, f32>) {
  // expected-error@+1 {{'spm.view' op the window reaches element 22 of a source of 16 elements}}
  %v = "spm.view"(%b) {offset = 9 : i64, strides = array<i64: 4, 1>} : (!spm.buf<array<i64: 4, 4>, f32>) -> !spm.buf<array<i64: 4, 2>, f32>
  return
}

// -----

func.func @view_of_view(%b: !spm.buf<array<i64: 4, 4>, f32>) {
  %v = "spm.view"(%b) {offset = 0 : i64, strides = array<i64: 4, 1>} : (!spm.buf<array<i64: 4, 4>, f32>) -> !spm.buf<array<i64: 4, 2>, f32>
  // expected-error@+1 {{'spm.view' op the source must be a buffer, not another spm.view}}
  %w = "spm.view"(%v) {offset = 0 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 4, 2>, f32>) -> !spm.buf<array<i64: 2>, f32>
  return
}

// -----

func.func @view_elem(%b: !spm.buf<array<i64: 4, 4>, f32>) {
  // expected-error@+1 {{'spm.view' op source and result element types differ}}
  %v = "spm.view"(%b) {offset = 0 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 4, 4>, f32>) -> !spm.buf<array<i64: 4>, i32>
  return
}

// -----

func.func @view_strides_len(%b: !spm.buf<array<i64: 4, 4>, f32>) {
  // expected-error@+1 {{'spm.view' op attribute 'strides' must have 2 elements, got 1}}
  %v = "spm.view"(%b) {offset = 0 : i64, strides = array<i64: 1>} : (!spm.buf<array<i64: 4, 4>, f32>) -> !spm.buf<array<i64: 2, 2>, f32>
  return
}

// -----

func.func @view_negative(%b: !spm.buf<array<i64: 4, 4>, f32>) {
  // expected-error@+1 {{'spm.view' op offset and strides must be >= 0}}
  %v = "spm.view"(%b) {offset = 4 : i64, strides = array<i64: -1>} : (!spm.buf<array<i64: 4, 4>, f32>) -> !spm.buf<array<i64: 2>, f32>
  return
}

// -----

func.func @fill_type(%b: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{'spm.fill' op value must be a scalar of the buffer's element type}}
  "spm.fill"(%b) {value = 1 : i32} : (!spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @eltwise_shape(%a: !spm.buf<array<i64: 4>, f32>, %b: !spm.buf<array<i64: 2>, f32>) {
  // expected-error@+1 {{'spm.eltwise' op operand #1 has another shape than operand #0}}
  "spm.eltwise"(%a, %b) {kernel = @k, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 2>, f32>) -> ()
  return
}
func.func private @k(%a: f32, %o: f32) -> f32 attributes {spm.kernel} {
  return %a : f32
}

// -----

// A stride-0 output view would make every instance write one element.
func.func @eltwise_reduce(%a: !spm.buf<array<i64: 2, 4>, f32>) {
  %s = "spm.view"(%a) {offset = 0 : i64, strides = array<i64: 4, 0>} : (!spm.buf<array<i64: 2, 4>, f32>) -> !spm.buf<array<i64: 2, 4>, f32>
  // expected-error@+1 {{'spm.eltwise' op the output view has stride 0 in dimension 1: an element-wise op cannot reduce}}
  "spm.eltwise"(%a, %s) {kernel = @k, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 2, 4>, f32>, !spm.buf<array<i64: 2, 4>, f32>) -> ()
  return
}
func.func private @k(%a: f32, %o: f32) -> f32 attributes {spm.kernel} {
  return %a : f32
}

// -----

// Stride 0 on a dimension of extent 1 repeats nothing: accepted.
func.func @eltwise_unit_stride0(%a: !spm.buf<array<i64: 1, 4>, f32>) {
  %s = "spm.view"(%a) {offset = 0 : i64, strides = array<i64: 0, 1>} : (!spm.buf<array<i64: 1, 4>, f32>) -> !spm.buf<array<i64: 1, 4>, f32>
  "spm.eltwise"(%a, %s) {kernel = @k, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 1, 4>, f32>, !spm.buf<array<i64: 1, 4>, f32>) -> ()
  return
}
func.func private @k(%a: f32, %o: f32) -> f32 attributes {spm.kernel} {
  return %a : f32
}

// -----

func.func @eltwise_no_kernel(%a: !spm.buf<array<i64: 4>, f32>) {
  // expected-error@+1 {{'spm.eltwise' op kernel '@nope' is not a func.func of the module}}
  "spm.eltwise"(%a, %a) {kernel = @nope, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, f32>, !spm.buf<array<i64: 4>, f32>) -> ()
  return
}

// -----

func.func @eltwise_signature(%a: !spm.buf<array<i64: 4>, i8>, %o: !spm.buf<array<i64: 4>, i32>) {
  // expected-error@+1 {{'spm.eltwise' op kernel '@k' must take the operands' element types (2) and return the output's}}
  "spm.eltwise"(%a, %o) {kernel = @k, operandSegmentSizes = array<i32: 1, 0, 0, 0, 1>} : (!spm.buf<array<i64: 4>, i8>, !spm.buf<array<i64: 4>, i32>) -> ()
  return
}
func.func private @k(%a: i8, %o: i32) -> i8 attributes {spm.kernel} {
  return %a : i8
}
