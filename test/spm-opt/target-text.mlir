// The module's spm.target is rebuilt from text (spm_target_to_attribute):
// a float whose shortest form has no '.' ("1e+22") must survive the round
// trip. It made the attribute fail to parse: --spm-target dropped the
// target silently, and spm-allocate's write-back of an overridden capacity
// set a null attribute (segfault in MLIR's verifier). A name with '"' or
// '\' did the same; names are now checked against the program format's
// rule first (the writer still escapes them).
// RUN: spm-opt '--spm-target=gemmini{name=a.b-c_1 mac_pj=1e22 dram_pj_per_byte=1e300}' %s 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: spm-opt '--spm-target=gemmini{name=a.b-c_1 mac_pj=1e22}' %s | spm-opt --spm-verify | FileCheck %s --check-prefix=ROUND
// RUN: not spm-opt '--spm-target=gemmini{name=a"b\c}' %s 2>&1 | FileCheck %s --check-prefix=BADNAME
// NAME-NOT: error
// NAME: module attributes {spm.target = #spm.target<{{.*}}dram_pj_per_byte = 1.000000e+300 : f64, {{.*}}mac_pj = 1.000000e+22 : f64, {{.*}}name = "a.b-c_1"
// ROUND: module attributes {spm.target = #spm.target<{{.*}}mac_pj = 1.000000e+22 : f64, {{.*}}name = "a.b-c_1"
// BADNAME: spm-opt: error: target name must be 1 to 31 characters of [A-Za-z0-9_.-]
// RUN: spm-opt --spm-allocate=capacity=128K %s 2>&1 | FileCheck %s --check-prefix=ALLOC
// ALLOC: remark: spm-allocate: 1 buffer, peak 1024 bytes, lower bound 1024 bytes, capacity 131072 bytes (target 'g' with overrides)
// ALLOC: module attributes {spm.target = #spm.target<{{.*}}capacity = 131072 : i64, {{.*}}mac_pj = 1.000000e+22 : f64
module attributes {spm.target = #spm.target<{name = "g", capacity = 262144 : i64, alignment = 16 : i64, banks = 4 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 0 : i64, macs_per_cycle = 256 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 6.6 : f64, mac_pj = 1.0e22 : f64}>} {
func.func @f(%a: memref<16x16xf32>, %b: memref<16x16xf32>, %c: memref<16x16xf32>) {
  %t = memref.alloc() : memref<16x16xf32>
  linalg.matmul ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%t : memref<16x16xf32>)
  linalg.matmul ins(%t, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%c : memref<16x16xf32>)
  return
}
}
