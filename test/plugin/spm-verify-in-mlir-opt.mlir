// The same C pass runs in spm-opt and inside upstream mlir-opt through the
// plugin (lib/plugin/spm_plugin.cpp), with the dialect from the IRDL file.
// An ASan-built plugin cannot be loaded into the uninstrumented mlir-opt.
// UNSUPPORTED: asan
// RUN: spm-opt --spm-verify %s | FileCheck %s
// RUN: mlir-opt --load-pass-plugin=%spm_plugin --irdl-file=%spm_irdl --pass-pipeline='builtin.module(spm-verify)' %s | FileCheck %s
// RUN: mlir-opt --load-pass-plugin=%spm_plugin --irdl-file=%spm_irdl --pass-pipeline='builtin.module(spm-verify)' %s > %t.upstream
// RUN: spm-opt --spm-verify %t.upstream | FileCheck %s
// A violation is reported by the pass inside mlir-opt as well, as an error
// that mlir-opt's own --verify-diagnostics sees.
// RUN: not mlir-opt --load-pass-plugin=%spm_plugin --irdl-file=%spm_irdl --pass-pipeline='builtin.module(spm-verify)' %S/Inputs/overflow.mlir 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: mlir-opt --load-pass-plugin=%spm_plugin --irdl-file=%spm_irdl --pass-pipeline='builtin.module(spm-verify)' --verify-diagnostics %S/Inputs/overflow.mlir
// The plugin registers every spm pass.
// RUN: mlir-opt --load-pass-plugin=%spm_plugin --help | FileCheck %s --check-prefix=HELP

// CHECK: spm.target = #spm.target<{
// CHECK: %[[B:.*]] = "spm.alloc"() {offset = 64 : i64} : () -> !spm.buf<array<i64: 8, 8>, f32>
// CHECK: "spm.relu"(%[[B]], %[[B]])
// CHECK: "spm.dealloc"(%[[B]])
// ERR: overflow.mlir:3:8: error: 'spm.alloc' op buffer [262080, 262336) exceeds the scratchpad capacity of 262144 bytes (target 'gemmini')
// HELP: --spm-verify
module attributes {spm.target = #spm.target<{name = "gemmini", capacity = 262144 : i64, alignment = 16 : i64, banks = 4 : i64, dma_bandwidth = 16.0 : f64, dma_latency = 100 : i64, macs_per_cycle = 256 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 6.6 : f64, mac_pj = 0.23 : f64}>} {
  func.func @f() {
    %b = "spm.alloc"() {offset = 64 : i64} : () -> !spm.buf<array<i64: 8, 8>, f32>
    "spm.relu"(%b, %b) : (!spm.buf<array<i64: 8, 8>, f32>, !spm.buf<array<i64: 8, 8>, f32>) -> ()
    "spm.dealloc"(%b) : (!spm.buf<array<i64: 8, 8>, f32>) -> ()
    return
  }
}
