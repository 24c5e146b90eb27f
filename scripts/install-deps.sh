#!/bin/sh
# Installs the Debian 12 packages spm needs, if any is missing (idempotent).
# Everything comes from Debian's archive; nothing is downloaded by hand.
set -eu
PKGS="cmake make gcc g++ pkg-config libmlir-22-dev mlir-22-tools llvm-22-dev
llvm-22-tools libisl-dev valgrind"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "spm: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q $missing; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q $missing
fi
