#!/bin/sh
# Node-limited packing counts of the exact search (issue 4): the table "The
# valley rule, the restart orders and the failure weights, measured by
# nodes" of docs/benchmarks.md. Node limits only, so the counts are the
# same on any machine; one row per run:
#
#   sh bench/pack/nodes.sh [NODE_LIMIT [BIN_DIR [MINIMALLOC_DIR]]]
#
# NODE_LIMIT defaults to 600000; BIN_DIR to this tree's build/bin (built
# first), or another build's, to compare commits; MINIMALLOC_DIR holds
# MiniMalloc's A..K.1048576.csv (github.com/google/minimalloc,
# benchmarks/asplos2024/; not committed here), column "-" without it.
# Each column: instances packed at capacity = lower bound (MiniMalloc: at
# the capacity of the file name, 10 row orders per file).
set -eu
cd "$(dirname "$0")/../.."
limit=${1:-600000}
if [ $# -ge 2 ]; then
  bin=$2
else
  sh scripts/build.sh > /dev/null
  bin=build/bin
fi
mm=${3:-}

# packed FAMILY BUFFERS SEEDS: the "peak = lower bound" column's count.
packed() {
  "$bin/spm-bench-pack" --family "$1" --buffers "$2" --seeds "$3" \
    --time-limit 0 --node-limit "$limit" 2> /dev/null |
    awk -F'|' -v f="$1" -v n="$2" '$2 ~ f && $3 + 0 == n && $4 ~ /exact/ {
      gsub(/ /, "", $8); print $8 }'
}

row="| $limit"
for spec in "tight 500 40" "tight 300 20" "holes 300 40" "holes 200 40" \
            "holes 500 10" "slivers 500 20" "slivers 300 20"; do
  set -- $spec
  row="$row | $(packed "$1" "$2" "$3")"
done
if [ -n "$mm" ]; then
  n=$("$bin/spm-bench-pack" --csv --time-limit 0 --node-limit "$limit" \
        "$mm"/*.1048576.csv 2> /dev/null |
      awk -F'|' '/\.csv/ { split($7, p, "/"); n += p[1]; d += p[2] }
                 END { print n "/" d }')
  row="$row | $n"
else
  row="$row | -"
fi
echo "| node limit | tight 500 | tight 300 | holes 300 | holes 200 | holes 500 | slivers 500 | slivers 300 | MiniMalloc |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "$row |"
