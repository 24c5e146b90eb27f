#!/bin/sh
# Benchmark of spm-run (issue 6): functional runs of whole networks
# (bench/gen_net.c: ResNet-18 and VGG-16, published layer shapes, batch 1,
# f32 and int8) after spm-place + spm-allocate on target tpuv1 with a 1 MiB
# scratchpad; host time of spm-run (seeded inputs and weights, every value
# computed) and the simulated figures it reports.
#   sh bench/run.sh [build-dir]     (default ./build; builds nothing)
# Results: docs/benchmarks.md ("spm-run").
set -eu
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
field() { sed -n "s/.*\"$1\": \([-0-9.e+]*\).*/\1/p" "$T/r.json"; }
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '| network | dtype | instructions | MACs (G) | spm-run host s | simulated MACs / host s (M) | cycles (M) | MAC utilisation | DRAM MB | energy mJ (DRAM / SPM / compute) | peak SPM KiB |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for net in resnet18 vgg16; do
  for dt in f32 i8; do
    "$B/bin/spm-bench-gen" net "$net" --dtype "$dt" > "$T/in.mlir"
    "$B/bin/spm-opt" --spm-target=tpuv1 --spm-place=capacity=1M \
      --spm-allocate=capacity=1M "$T/in.mlir" -o "$T/placed.mlir" 2> /dev/null
    "$B/bin/spm-run" "$T/placed.mlir" --emit=binary -o "$T/p.spmb"
    t0=$(now)
    "$B/bin/spm-run" "$T/p.spmb" --report=json > "$T/r.json"
    t1=$(now)
    awk -v net="$net" -v dt="$dt" -v t0="$t0" -v t1="$t1" \
      -v ins="$(field instructions)" -v macs="$(field macs)" \
      -v cyc="$(field cycles)" -v util="$(field mac_utilisation)" \
      -v rd="$(field dram_bytes_read)" -v wr="$(field dram_bytes_written)" \
      -v ed="$(field energy_dram_pj)" -v es="$(field energy_spm_pj)" \
      -v ec="$(field energy_compute_pj)" -v peak="$(field peak_spm_bytes)" \
      'BEGIN { s = t1 - t0;
        printf "| %s | %s | %d | %.3f | %.2f | %.0f | %.2f | %.1f%% | %.1f | %.2f / %.2f / %.3f | %.0f |\n",
          net, dt, ins, macs / 1e9, s, macs / s / 1e6, cyc / 1e6, 100 * util,
          (rd + wr) / 1e6, ed / 1e9, es / 1e9, ec / 1e9, peak / 1024 }'
  done
done
