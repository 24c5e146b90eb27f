#!/bin/sh
# Slack benchmarks of the exact search (issue 4), the tables "Capacity above
# the lower bound" and "Anytime minimisation" of docs/benchmarks.md: node
# limits only, so the counts and peaks are the same on any machine.
#
#   sh bench/pack/slack.sh
#
# 1. Balanced tight and holes instances of 500 buffers (lower bound 1 MiB),
#    packed at the lower bound and at 16 KiB and 64 KiB more, 300,000 nodes
#    each: how many of 10 seeds are packed.
# 2. Holes instances of 300 buffers minimised (--minimize) within 600,000
#    nodes (and a time limit that never binds): the peak over the lower
#    bound per seed.
set -eu
cd "$(dirname "$0")/../.."
sh scripts/build.sh > /dev/null
bin=build/bin
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for spec in "tight 500" "holes 500" "holes 300"; do
  set -- $spec
  "$bin/spm-bench-pack" --family "$1" --buffers "$2" --seeds 10 \
    --time-limit 0 --node-limit 1 --write-csv "$dir" > /dev/null 2>&1
done

echo "| instances | capacity | packed of 10 (300,000 nodes) |"
echo "|---|---|---|"
for family in tight holes; do
  for extra in 0 16384 65536; do
    packed=$("$bin/spm-bench-pack" --csv --capacity $((1048576 + extra)) \
      --shuffles 1 --time-limit 0 --node-limit 300000 \
      "$dir/$family"-500-*.csv 2> /dev/null |
      awk -F'|' '/\.csv/ && $7 ~ /1\/1/ { n++ } END { print n + 0 }')
    echo "| $family 500 | lower bound + $extra B | $packed |"
  done
done

echo
echo "| holes 300 seed | peak / lower bound (--minimize, 600,000 nodes) |"
echo "|---|---|"
for seed in 1 2 3 4 5 6 7 8 9 10; do
  line=$("$bin/spm-pack" --capacity 2M --algorithm exact --minimize \
    --time-limit 1000 --node-limit 600000 "$dir/holes-300-$seed.csv" \
    2>&1 > /dev/null | tail -n 1)
  echo "$line" | awk -v s="$seed" '{
    for (i = 1; i <= NF; i++) {
      if ($i == "peak") p = $(i + 1); if ($i == "bound") b = $(i + 1) }
    gsub(",", "", p); gsub(",", "", b)
    printf "| %s | %.4f%s |\n", s, p / b, ($0 ~ /optimal/ ? " optimal" : "") }'
done
