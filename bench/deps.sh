#!/bin/sh
# Benchmark of spm-deps (issue 3): analysis time of whole functions.
#   sh bench/deps.sh [build-dir]     (default ./build; builds nothing)
# Prints one line per input: ops, median wall time of 5 runs of
#   spm-opt --spm-deps=format=none IN -o /dev/null
# minus the median time of the same spm-opt run without the pass (start-up,
# parsing, printing), and the dependences found. Results: docs/benchmarks.md.
set -eu
B=${1:-build}
GEN=$B/bin/spm-bench-gen
OPT=$B/bin/spm-opt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

median_ms() { # command... -> median wall ms of 5 runs
  for i in 1 2 3 4 5; do
    s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | sort -n | sed -n 3p
}

run() { # name file
  ops=$(grep -cE '^ *(linalg\.(generic|matmul|fill|conv_[a-z0-9_]*) |affine\.(load|store) )' "$2")
  total=$(median_ms "$OPT" --spm-deps=format=none "$2" -o /dev/null)
  base=$(median_ms "$OPT" "$2" -o /dev/null)
  deps=$("$OPT" --spm-deps=json="$T/d.json" "$2" -o /dev/null --spm-deps=format=none 2>/dev/null; grep -c '"kind": "\(flow\|anti\|output\)"' "$T/d.json" || true)
  printf '%-28s %6s ops %8s ms analysis (%s ms total, %s ms without the pass) %7s deps\n' \
    "$1" "$ops" "$((total - base))" "$total" "$base" "$deps"
}

for net in resnet18_layers resnet50_v1.5_torchvision_layers vgg16_layers; do
  "$GEN" cnn bench/workloads/$net.csv > "$T/$net.mlir"
  run "$net" "$T/$net.mlir"
done
for n in 125 250 500 1000 2000; do
  "$GEN" chain $n > "$T/chain$n.mlir"
  run "chain-$n" "$T/chain$n.mlir"
done
