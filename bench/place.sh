#!/bin/sh
# Benchmark of spm-place (issue 5): DRAM traffic of ResNet-18 and VGG-16
# (bench/gen_net.c: published layer shapes, f32 and int8) at scratchpad
# capacities of 256 KiB, 1 MiB and 24 MiB (target tpuv1 with the capacity
# overridden), for the reuse strategy and the static baseline, as a ratio
# to the compulsory traffic (each input and weight read once, the output
# written once); then checks that spm-allocate succeeds (and the output
# verifies): on the input for reuse (placing by itself when needed), on the
# placed program for static.
#   sh bench/place.sh [build-dir]     (default ./build; builds nothing)
# Results: docs/benchmarks.md.
set -eu
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '| network | dtype | capacity | strategy | DRAM read MB | DRAM written MB | total / compulsory | compulsory MB | tiles | DMA transfers | place s | allocate |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for net in resnet18 vgg16; do
  for dt in f32 i8; do
    "$B/bin/spm-bench-gen" net "$net" --dtype "$dt" > "$T/in.mlir"
    for cap in 256K 1M 24M; do
      for strat in reuse static; do
        s=$(date +%s%N)
        "$B/bin/spm-opt" --spm-target=tpuv1 --spm-place="capacity=$cap strategy=$strat" \
          "$T/in.mlir" -o "$T/placed.mlir" 2> "$T/err" || { cat "$T/err"; exit 1; }
        e=$(date +%s%N)
        r=$(grep 'remark: spm-place' "$T/err")
        rd=$(echo "$r" | sed -n 's/.*DRAM read \([0-9]*\) bytes.*/\1/p')
        wr=$(echo "$r" | sed -n 's/.*written \([0-9]*\) bytes.*/\1/p')
        ratio=$(echo "$r" | sed -n 's/.*total \([0-9.]*\)x.*/\1/p')
        comp=$(echo "$r" | sed -n 's/.*compulsory \([0-9]*\) bytes.*/\1/p')
        tiles=$(echo "$r" | sed -n 's/.*tiled, \([0-9]*\) tile.*/\1/p')
        dma=$(echo "$r" | sed -n 's/.*; \([0-9]*\) DMA transfer.*/\1/p')
        # reuse: spm-allocate on the input (it places by itself when the
        # buffers do not fit, retrying with more packing reserve); static:
        # spm-allocate on the statically placed program.
        if [ "$strat" = reuse ]; then ain="$T/in.mlir"; else ain="$T/placed.mlir"; fi
        if "$B/bin/spm-opt" --spm-target=tpuv1 --spm-allocate="capacity=$cap" "$ain" \
             -o "$T/alloc.mlir" 2> "$T/aerr" &&
           "$B/bin/spm-opt" "$T/alloc.mlir" -o /dev/null 2>> "$T/aerr"; then
          a=$(grep 'remark: spm-allocate' "$T/aerr")
          peak=$(echo "$a" | sed -n 's/.*peak \([0-9]*\) bytes.*/\1/p')
          alloc="ok, peak $peak"
          res=$(echo "$a" | sed -n 's/.*reserve \([0-9]*%\).*/\1/p')
          tot=$(sed -n 's/.*remark: spm-place.*total \([0-9.]*\)x.*/\1/p' "$T/aerr")
          [ -n "$res" ] && [ "$strat" = reuse ] && alloc="$alloc, placed with reserve $res: ${tot}x"
        else
          alloc="FAILED"
        fi
        awk -v n="$net" -v d="$dt" -v c="$cap" -v st="$strat" -v rd="$rd" \
          -v wr="$wr" -v ra="$ratio" -v co="$comp" -v ti="$tiles" -v dm="$dma" \
          -v ns="$((e - s))" -v al="$alloc" 'BEGIN {
            printf "| %s | %s | %s | %s | %.1f | %.1f | %s | %.1f | %s | %s | %.2f | %s |\n",
              n, d, c, st, rd / 1e6, wr / 1e6, ra, co / 1e6, ti, dm, ns / 1e9, al }'
      done
    done
  done
done
