// --help, --version, --list-passes.
// RUN: spm-opt --help | FileCheck %s --check-prefix=HELP
// RUN: spm-opt --version | FileCheck %s --check-prefix=VERSION
// RUN: spm-opt --list-passes | FileCheck %s --check-prefix=LIST

// HELP: USAGE: spm-opt [options] [input file|-]
// HELP-DAG: --pass-pipeline=PIPELINE
// HELP-DAG: --split-input-file
// HELP-DAG: --verify-diagnostics
// HELP-DAG: --spm-target=NAME
// HELP-DAG: TARGETS (--spm-target): gemmini tpuv1 nvdla-small nvdla-large eyeriss
// HELP-DAG: --spm-verify
// VERSION: spm-opt {{[0-9]+\.[0-9]+\.[0-9]+}}
// LIST: spm passes:
// LIST-NEXT: --spm-verify {{.*}}Check the spm dialect's semantic rules
