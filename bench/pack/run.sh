#!/bin/sh
# Packing benchmark (issue 4): builds spm and runs spm-bench-pack, which
# prints the Markdown tables of docs/benchmarks.md ("## Packing (issue 4)").
#
#   sh bench/pack/run.sh                     # 10 seeds, exact limit 1 s
#   sh bench/pack/run.sh --seeds 5 --time-limit 10
#   sh bench/pack/run.sh --quick             # skip the 10,000-buffer rows
#   sh bench/pack/run.sh --time-limit 0 --node-limit 600000
#                                            # the same outcomes on any machine
set -eu
cd "$(dirname "$0")/../.."
sh scripts/build.sh > /dev/null
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if [ $# -eq 0 ]; then
  set -- --seeds 10 --time-limit 1
fi
build/bin/spm-bench-pack "$@"
