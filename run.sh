#!/bin/sh
# First command of the README: install what is missing, build, and run
# spm-opt on the bundled examples.
set -eu
cd "$(dirname "$0")"
sh scripts/install-deps.sh
sh scripts/build.sh > /dev/null
echo "== spm-opt --spm-verify examples/spm_conv_block.mlir (Gemmini-class program)"
build/bin/spm-opt --spm-verify examples/spm_conv_block.mlir
echo "== spm-opt --spm-target=gemmini --spm-verify --canonicalize examples/linalg_mlp.mlir"
build/bin/spm-opt --spm-target=gemmini --spm-verify --canonicalize examples/linalg_mlp.mlir
echo "== spm-opt --spm-deps examples/linalg_mlp.mlir (dependences across all ops, as remarks)"
build/bin/spm-opt --spm-deps examples/linalg_mlp.mlir -o /dev/null
echo "== spm-opt --spm-target=gemmini --spm-place --spm-allocate --spm-lower examples/linalg_mlp.mlir | spm-run (the main job: place, pack, lower, run on the modelled accelerator)"
build/bin/spm-opt --spm-target=gemmini --spm-place --spm-allocate --spm-lower examples/linalg_mlp.mlir -o build/linalg_mlp.lowered.mlir
build/bin/spm-run build/linalg_mlp.lowered.mlir
echo "== spm-run examples/spm_conv_block.mlir (a hand-written accelerator program)"
build/bin/spm-run examples/spm_conv_block.mlir
