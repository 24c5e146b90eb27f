#!/bin/sh
# The tile limits of spm-place (docs/passes.md, "Tile limit"): time, peak
# memory and printed IR of ops at the per-op limit (max-tiles, 32768) and of
# a function at the function-wide limit (8 x max-tiles), at gemmini's
# 256 KiB, and the time of the error for an op far past the limit. The
# inputs are generated here (linalg on memrefs, f32).
#   sh bench/place-limits.sh [build-dir]     (default ./build; builds nothing)
# Needs /usr/bin/time (Debian package `time`).
set -eu
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
copies() { # N SIZE: a function of N copies of a SIZE x SIZE f32 buffer
  n=$1 s=$2
  printf '#id = affine_map<(d0, d1) -> (d0, d1)>\nfunc.func @copies(%%a: memref<%sx%sxf32>' "$s" "$s"
  i=0; while [ "$i" -lt "$n" ]; do printf ', %%o%s: memref<%sx%sxf32>' "$i" "$s" "$s"; i=$((i + 1)); done
  printf ') {\n'
  i=0; while [ "$i" -lt "$n" ]; do
    printf '  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%%a : memref<%sx%sxf32>) outs(%%o%s : memref<%sx%sxf32>) {\n  ^bb0(%%x: f32, %%y: f32):\n    linalg.yield %%x : f32\n  }\n' "$s" "$s" "$i" "$s" "$s"
    i=$((i + 1)); done
  printf '  return\n}\n'
}
matmul() { # SIZE: a SIZE^3 f32 matmul
  s=$1
  printf 'func.func @mm(%%a: memref<%sx%sxf32>, %%b: memref<%sx%sxf32>, %%c: memref<%sx%sxf32>) {\n' "$s" "$s" "$s" "$s" "$s" "$s"
  printf '  linalg.matmul ins(%%a, %%b : memref<%sx%sxf32>, memref<%sx%sxf32>) outs(%%c : memref<%sx%sxf32>)\n  return\n}\n' "$s" "$s" "$s" "$s" "$s" "$s"
}
run() { # NAME FILE: one row
  name=$1 f=$2
  rc=0
  /usr/bin/time -f '%e %M' -o "$T/time" "$B/bin/spm-opt" --spm-target=gemmini \
    --spm-place "$f" -o "$T/out.mlir" 2> "$T/err" || rc=$?
  set -- $(tail -n 1 "$T/time")
  bytes=$( [ "$rc" -eq 0 ] && wc -c < "$T/out.mlir" || echo 0)
  result=$( [ "$rc" -eq 0 ] && sed -n 's/.*remark: spm-place: \([0-9]* ops\{0,1\} ([^)]*)\).*/\1/p' "$T/err" ||
            sed -n 's/.*error: spm-place: \(cannot place[^:]*\): .*/error: \1/p' "$T/err" | head -n 1)
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$1" "$(( $2 / 1024 ))" "$(( bytes / 1048576 ))" "$result"
}
printf '| input | s | peak MB | output MB | result |\n|---|---|---|---|---|\n'
matmul 4096 > "$T/mm.mlir";        run '4096^3 matmul' "$T/mm.mlir"
copies 1 16384 > "$T/c1.mlir";     run '16384^2 copy' "$T/c1.mlir"
copies 8 16384 > "$T/c8.mlir";     run 'eight 16384^2 copies' "$T/c8.mlir"
copies 9 16384 > "$T/c9.mlir";     run 'nine 16384^2 copies' "$T/c9.mlir"
copies 1 262144 > "$T/c262.mlir";  run '262144^2 copy' "$T/c262.mlir"
