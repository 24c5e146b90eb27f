#!/bin/sh
# Second command of the README: build and run every test (lit tests and the
# C unit tests they drive) with BOTH runners, lit-22 and the Python-free
# spm-lit, and check that they agree test by test.
# Last line: "N passed, N failed[, N skipped]" where a test passes only if
# it passed under both runners.
set -u
export LC_ALL=C
cd "$(dirname "$0")"
sh scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
if ! sh scripts/build.sh > build.log 2>&1; then
  cat build.log
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
rm -f build.log
jobs=$(nproc)

echo "== lit-22"
lit-22 -v -j "$jobs" build/test > build/lit.out 2>&1
lit_rc=$?
grep -v '^PASS: \|^UNSUPPORTED: ' build/lit.out | sed -n '/^\*\*\*\*/,$p' | head -400
tail -n 6 build/lit.out

echo "== spm-lit (no Python)"
build/bin/spm-lit --config build/test/spm-lit.cfg -j "$jobs" test > build/spm-lit.out 2>&1
spmlit_rc=$?
grep -v '^PASS: \|^UNSUPPORTED: ' build/spm-lit.out | head -400

# Per-test verdicts of both runners, then the combined summary.
extract() {
  sed -n 's/^\(PASS\|FAIL\|XFAIL\|XPASS\|UNSUPPORTED\|UNRESOLVED\|TIMEOUT\): spm :: \([^ ]*\).*$/\2 \1/p' "$1" | sort
}
extract build/lit.out > build/lit.verdicts
extract build/spm-lit.out > build/spm-lit.verdicts
echo "== agreement"
join -a 1 -a 2 -e MISSING -o 0,1.2,2.2 build/lit.verdicts build/spm-lit.verdicts |
awk -v lit_rc="$lit_rc" -v spmlit_rc="$spmlit_rc" '
  function ok(v) { return v == "PASS" || v == "XFAIL" }
  {
    if ($2 == "UNSUPPORTED" && $3 == "UNSUPPORTED") { skipped++; next }
    if (ok($2) && ok($3)) { passed++; next }
    failed++
    printf "FAILED %s (lit: %s, spm-lit: %s)\n", $1, $2, $3
  }
  END {
    if (passed + failed == 0) { print "no tests ran"; failed = 1 }
    if (lit_rc != 0 && failed == 0) { print "lit-22 exited " lit_rc; failed++ }
    if (spmlit_rc != 0 && failed == 0) { print "spm-lit exited " spmlit_rc; failed++ }
    line = sprintf("%d passed, %d failed", passed, failed)
    if (skipped) line = line sprintf(", %d skipped", skipped)
    print line
    exit failed ? 1 : 0
  }'
