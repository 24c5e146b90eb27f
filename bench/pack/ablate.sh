#!/bin/sh
# What each rule of the exact search is worth where it is weakest: the
# table "Each rule switched off" of docs/benchmarks.md. SEEDS instances each
# of holes 300 and slivers 300 (capacity = lower bound; written once with
# --write-csv, then packed in their file order), within NODE_LIMIT nodes,
# first with every rule, then with one rule switched off at a time
# (spm-bench-pack --disable). Node limits only, so the counts are the same
# on any machine; about 10 minutes with the defaults.
#
#   sh bench/pack/ablate.sh [NODE_LIMIT [SEEDS [BIN_DIR]]]
#
# NODE_LIMIT defaults to 600000, SEEDS to 40, BIN_DIR to this tree's
# build/bin (built first). Each column: instances packed.
set -eu
cd "$(dirname "$0")/../.."
limit=${1:-600000}
seeds=${2:-40}
if [ $# -ge 3 ]; then
  bin=$3
else
  sh scripts/build.sh > /dev/null
  bin=build/bin
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for f in holes slivers; do
  "$bin/spm-bench-pack" --family "$f" --buffers 300 --seeds "$seeds" \
    --time-limit 0 --node-limit 1 --write-csv "$dir" > /dev/null
done

# packed FAMILY CAPACITY [--disable RULE]: instances packed of SEEDS.
packed() {
  f=$1 cap=$2
  shift 2
  "$bin/spm-bench-pack" --csv --capacity "$cap" --shuffles 1 --time-limit 0 \
    --node-limit "$limit" "$@" "$dir/$f"-300-*.csv 2> /dev/null |
    awk -F'|' '/\.csv/ { split($7, p, "/"); n += p[1] } END { print n + 0 }'
}

echo "| switched off | holes 300 | slivers 300 |"
echo "|---|---|---|"
echo "| nothing | $(packed holes 1048576) | $(packed slivers 4096) |"
for rule in nogoods backjumping gluing pools weights floats dominance \
            symmetry decomposition sections restarts; do
  echo "| $rule | $(packed holes 1048576 --disable $rule) |" \
       "$(packed slivers 4096 --disable $rule) |"
done
echo "| skyline runs (--search bottom-left) |" \
     "$(packed holes 1048576 --search bottom-left) |" \
     "$(packed slivers 4096 --search bottom-left) |"
