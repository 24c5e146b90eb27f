// --spm-target sets the module's spm.target from a preset, with overrides.
// RUN: spm-opt --spm-target=gemmini %s | FileCheck %s --check-prefix=GEMMINI
// RUN: spm-opt '--spm-target=tpuv1{capacity=1M alignment=64}' %s | FileCheck %s --check-prefix=TPU
// RUN: not spm-opt --spm-target=tpuv9 %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not spm-opt '--spm-target=gemmini{capacity=0}' %s 2>&1 | FileCheck %s --check-prefix=BADVAL
// RUN: not spm-opt '--spm-target=gemmini{capacity=99999999999999999999}' %s 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not spm-opt '--spm-target=gemmini{capacity=9999999999G}' %s 2>&1 | FileCheck %s --check-prefix=RANGE-G
// RUN: not spm-opt '--spm-target=gemmini{capacity=-99999999999999999999}' %s 2>&1 | FileCheck %s --check-prefix=RANGE-NEG
// RUN: not spm-opt '--spm-target=gemmini{capacity=+512K}' %s 2>&1 | FileCheck %s --check-prefix=SIGN
// RUN: not spm-opt '--spm-target=gemmini{capacity=512KB}' %s 2>&1 | FileCheck %s --check-prefix=UNIT
// RUN: not spm-opt '--spm-target=gemmini{colour=red}' %s 2>&1 | FileCheck %s --check-prefix=BADFIELD
// RUN: not spm-opt '--spm-target=gemmini{alignment=48}' %s 2>&1 | FileCheck %s --check-prefix=ALIGN
// dma_latency may be 0 (the verifier's range), the other integer fields not.
// RUN: spm-opt '--spm-target=gemmini{dma_latency=0}' %s | FileCheck %s --check-prefix=LAT0
// RUN: not spm-opt '--spm-target=gemmini{banks=0}' %s 2>&1 | FileCheck %s --check-prefix=BANKS0
// An allocation that fits the default Gemmini scratchpad overflows a smaller one.
// RUN: spm-opt --spm-target=gemmini %S/Inputs/alloc-200k.mlir > /dev/null
// RUN: not spm-opt '--spm-target=gemmini{capacity=128K}' %S/Inputs/alloc-200k.mlir 2>&1 | FileCheck %s --check-prefix=OVERFLOW

// GEMMINI: module attributes {spm.target = #spm.target<{alignment = 16 : i64, banks = 4 : i64, capacity = 262144 : i64, clock_mhz = 1000 : i64, dma_bandwidth = 1.600000e+01 : f64, dma_latency = 100 : i64, dram_pj_per_byte = 1.600000e+02 : f64, mac_pj = 2.300000e-01 : f64, macs_per_cycle = 256 : i64, name = "gemmini", spm_pj_per_byte = 6.600000e+00 : f64}>}
// TPU: alignment = 64 : i64, banks = 1 : i64, capacity = 1048576 : i64, clock_mhz = 700 : i64
// TPU-SAME: macs_per_cycle = 65536 : i64, name = "tpuv1"
// UNKNOWN: spm-opt: error: unknown target 'tpuv9' (known: gemmini, tpuv1, nvdla-small, nvdla-large, eyeriss)
// BADVAL: spm-opt: error: target field 'capacity' needs a positive integer, got '0'
// RANGE: spm-opt: error: target field 'capacity' is out of range: '99999999999999999999' (at most 9223372036854775807)
// RANGE-G: spm-opt: error: target field 'capacity' is out of range: '9999999999G' (at most 9223372036854775807)
// RANGE-NEG: spm-opt: error: target field 'capacity' needs a positive integer, got '-99999999999999999999'
// SIGN: spm-opt: error: target field 'capacity' needs a positive integer, got '+512K'
// UNIT: spm-opt: error: target field 'capacity' needs a positive integer, got '512KB'
// BADFIELD: spm-opt: error: unknown target field 'colour'
// ALIGN: spm-opt: error: target alignment 48 is not a power of two
// LAT0: dma_latency = 0 : i64
// BANKS0: spm-opt: error: target field 'banks' needs a positive integer, got '0'
// OVERFLOW: alloc-200k.mlir:2:8: error: 'spm.alloc' op buffer [0, 204800) exceeds the scratchpad capacity of 131072 bytes (target 'gemmini')
func.func @f() {
  return
}
