// Buffers whose address flows where the live-range analysis does not follow
// stay in global memory: packed, their bytes would be reused while an alias
// still reads them.
// RUN: spm-opt --split-input-file --spm-target=gemmini --spm-allocate=place=never %s --verify-diagnostics | FileCheck %s
// RUN: spm-opt --split-input-file --spm-liveness %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIVE

// A cast to an unranked memref, later passed to a call: %v must not share
// %w's bytes.
func.func private @ext(memref<*xf32>)
// expected-remark@+1 {{spm-allocate: 1 buffer}}
func.func @unranked(%in: memref<4xf32>, %out: memref<4xf32>) {
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: it escapes the function}}
  %v = memref.alloc() : memref<4xf32>
  %w = memref.alloc() : memref<4xf32>
  memref.copy %in, %v : memref<4xf32> to memref<4xf32>
  %u = memref.cast %v : memref<4xf32> to memref<*xf32>
  memref.copy %in, %w : memref<4xf32> to memref<4xf32>
  memref.copy %w, %out : memref<4xf32> to memref<4xf32>
  func.call @ext(%u) : (memref<*xf32>) -> ()
  return
}
// CHECK-LABEL: func.func @unranked
// CHECK: %[[V:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.cast %[[V]]
// LIVE: remark: %alloc: 16 bytes, live [2, 3] (from memref.copy@15:3 to memref.cast@16:8), escapes the function

// -----

// Yielded out of an scf.if: the if's result aliases the buffer.
// expected-remark@+1 {{spm-allocate: 1 buffer}}
func.func @yield(%in: memref<4xf32>, %out: memref<4xf32>, %c: i1) {
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: it escapes the function}}
  %v = memref.alloc() : memref<4xf32>
  %w = memref.alloc() : memref<4xf32>
  memref.copy %in, %v : memref<4xf32> to memref<4xf32>
  %r = scf.if %c -> memref<4xf32> {
    scf.yield %v : memref<4xf32>
  } else {
    scf.yield %in : memref<4xf32>
  }
  memref.copy %in, %w : memref<4xf32> to memref<4xf32>
  memref.copy %w, %out : memref<4xf32> to memref<4xf32>
  memref.copy %r, %out : memref<4xf32> to memref<4xf32>
  return
}
// CHECK-LABEL: func.func @yield
// CHECK: %[[V:.*]] = memref.alloc() : memref<4xf32>
// CHECK: scf.yield %[[V]]
// LIVE: remark: %alloc: {{.*}}, escapes the function

// -----

// Carried through a loop: iter_args bind it to a block argument.
// expected-remark@+1 {{spm-allocate: 0 buffers}}
func.func @carried(%in: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: it escapes the function}}
  %v = memref.alloc() : memref<4xf32>
  memref.copy %in, %v : memref<4xf32> to memref<4xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%x = %v) -> memref<4xf32> {
    scf.yield %x : memref<4xf32>
  }
  memref.copy %r, %out : memref<4xf32> to memref<4xf32>
  return
}
// LIVE: remark: %alloc: {{.*}}, escapes the function

// -----

// Turned into a pointer.
// expected-remark@+1 {{spm-allocate: 0 buffers}}
func.func @pointer(%in: memref<4xf32>) -> index {
  // expected-remark@below {{spm-allocate: %alloc stays in global memory: it escapes the function}}
  %v = memref.alloc() : memref<4xf32>
  memref.copy %in, %v : memref<4xf32> to memref<4xf32>
  %p = memref.extract_aligned_pointer_as_index %v : memref<4xf32> -> index
  return %p : index
}
// LIVE: remark: %alloc: {{.*}}, escapes the function

// -----

// Views of views are followed (a subview of a cast): no escape, packed.
// expected-remark@+1 {{spm-allocate: 1 buffer}}
func.func @views(%in: memref<8xf32>, %out: memref<4xf32>) {
  %v = memref.alloc() : memref<8xf32>
  memref.copy %in, %v : memref<8xf32> to memref<8xf32>
  %c = memref.cast %v : memref<8xf32> to memref<?xf32>
  %s = memref.subview %c[0] [4] [1] : memref<?xf32> to memref<4xf32, strided<[1]>>
  memref.copy %s, %out : memref<4xf32, strided<[1]>> to memref<4xf32>
  return
}
// CHECK-LABEL: func.func @views
// CHECK: "spm.alloc"() {offset = 0 : i64}
// LIVE: remark: %alloc: 32 bytes, live [1, 4] (from memref.copy@89:3 to memref.copy@92:3){{$}}
