#!/bin/sh
# What each rule of the exact search is worth: the table "Each rule
# switched off" of docs/benchmarks.md. SEEDS instances each of holes 300,
# slivers 300 and tight 500 (capacity = lower bound; written once with
# --write-csv, then packed in their file order), within NODE_LIMIT nodes,
# first with every rule, then with one rule switched off at a time
# (spm-bench-pack --disable). Node limits only, so the counts are the same
# on any machine; about 15 minutes with the defaults.
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
for spec in "holes 300" "slivers 300" "tight 500"; do
  set -- $spec
  "$bin/spm-bench-pack" --family "$1" --buffers "$2" --seeds "$seeds" \
    --time-limit 0 --node-limit 1 --write-csv "$dir" > /dev/null
done

# packed FILES_PREFIX CAPACITY [OPTIONS]: instances packed of SEEDS.
packed() {
  f=$1 cap=$2
  shift 2
  "$bin/spm-bench-pack" --csv --capacity "$cap" --shuffles 1 --time-limit 0 \
    --node-limit "$limit" "$@" "$dir/$f"-*.csv 2> /dev/null |
    awk -F'|' '/\.csv/ { split($7, p, "/"); n += p[1] } END { print n + 0 }'
}

# row LABEL [OPTIONS]: one row of the table.
row() {
  label=$1
  shift
  echo "| $label | $(packed holes-300 1048576 "$@") |" \
       "$(packed slivers-300 4096 "$@") | $(packed tight-500 1048576 "$@") |"
}

echo "| switched off | holes 300 | slivers 300 | tight 500 |"
echo "|---|---|---|---|"
row nothing
for rule in nogoods backjumping gluing pools weights floats dominance \
            symmetry decomposition sections restarts; do
  row "$rule" --disable "$rule"
done
row "skyline runs (--search bottom-left)" --search bottom-left
