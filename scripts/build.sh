#!/bin/sh
# Configures and builds spm into ./build (incremental).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.cmake.log 2>&1 ||
  { cat build.cmake.log >&2; exit 1; }
rm -f build.cmake.log
cmake --build build -j "$(nproc)"
