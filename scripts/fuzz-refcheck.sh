#!/bin/sh
# fuzz-refcheck.sh [N] [FIRST_SEED]: the reference check (docs/refcheck.md)
# on N random programs (default 100) of spm-fuzz-gen, seeds FIRST_SEED
# (default 1) to FIRST_SEED + N - 1. For each seed:
#
#   spm-fuzz-gen SEED            -> prog.mlir (its `// spm-opt:` line holds
#                                   the random target and pass options)
#   spm-refcheck wrap            -> ref.mlir + seeded arguments
#   mlir-opt | mlir-runner       -> ref.txt   (upstream, the oracle)
#   spm-opt OPTIONS              -> lowered.mlir
#   spm-run --print-outputs      -> run.txt
#   spm-refcheck compare ref.txt run.txt
#
# and one outcome:
#   match      the outputs agree
#   mismatch   they do not (wrong numbers)
#   error      spm-opt or spm-run refused the program with exit status 1
#              and only `file:line:col: error: ...` diagnostics (to review:
#              acceptable only for input the tools document as unsupported)
#   bad-diag   exit status 1 with a diagnostic of another form, or one that
#              says "bug" / "internal"
#   crash      a signal, an exit status other than 0 / 1, or a sanitizer
#              report (AddressSanitizer, LeakSanitizer, UBSan runtime error)
#   hang       a step ran past FUZZ_TIMEOUT seconds (default 60)
#   ref-fail   upstream MLIR rejected or failed the program (a generator bug)
#
# Everything but a match is kept in FUZZ_OUT/OUTCOME-SEED/ (default
# FUZZ_OUT=fuzz-out): the program, every step's output and stderr, and
# repro.sh, which replays the spm side. One line per seed that did not
# match, then a summary line:
#   fuzz-refcheck: N programs: M match, ...
# Exit status 0 when every program matched or was refused cleanly, 1
# otherwise.
#
# Tools: spm-fuzz-gen, spm-refcheck, spm-opt, spm-run from SPM_BIN (default:
# PATH), mlir-opt and mlir-runner from LLVM_BINDIR (default:
# `llvm-config-22 --bindir`).
set -u

n=${1:-100}
first=${2:-1}
out=${FUZZ_OUT:-fuzz-out}
limit=${FUZZ_TIMEOUT:-60}
case $n$first in *[!0-9]*|'') echo "usage: $0 [N] [FIRST_SEED]" >&2; exit 2;; esac

# The steps run inside each seed's directory: a relative SPM_BIN
# (build/bin) is made absolute first.
if [ -n "${SPM_BIN:-}" ]; then
  abs=$(cd "$SPM_BIN" 2>/dev/null && pwd) ||
    { echo "$0: SPM_BIN: no directory '$SPM_BIN'" >&2; exit 2; }
  SPM_BIN=$abs
fi
bin=${SPM_BIN:+$SPM_BIN/}
llvm_bindir=${LLVM_BINDIR:-$(llvm-config-22 --bindir)}
llvm_libdir=$("$llvm_bindir/llvm-config" --libdir 2>/dev/null ||
  llvm-config-22 --libdir)
ref_lower="--convert-linalg-to-loops --convert-scf-to-cf \
--expand-strided-metadata --lower-affine --finalize-memref-to-llvm \
--convert-arith-to-llvm --convert-cf-to-llvm --convert-func-to-llvm \
--reconcile-unrealized-casts"
ref_libs="$llvm_libdir/libmlir_runner_utils.so,$llvm_libdir/libmlir_c_runner_utils.so"

mkdir -p "$out" || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-refcheck.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# classify RC STDERR: the outcome of a failed spm step.
classify() {
  if [ "$1" -eq 124 ]; then echo hang; return; fi
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$2"; then
    echo crash; return
  fi
  if [ "$1" -ne 1 ]; then echo crash; return; fi
  if grep -qiE 'bug|internal' "$2" ||
     ! grep -qE '^[^:]+:[0-9]+:[0-9]+: error: ' "$2" ||
     grep -E 'error' "$2" | grep -qvE '^[^:]+(:[0-9]+:[0-9]+)?: error: '; then
    echo bad-diag; return
  fi
  echo error
}

# a sanitizer report on a step that succeeded is a crash too
sanitized() { grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"; }

seed=$first
last=$((first + n - 1))
count_match=0 count_mismatch=0 count_error=0 count_bad_diag=0
count_crash=0 count_hang=0 count_ref_fail=0
while [ "$seed" -le "$last" ]; do
  d=$work/$seed
  mkdir -p "$d/data"
  outcome=
  "${bin}spm-fuzz-gen" "$seed" -o "$d/prog.mlir" 2> "$d/gen.err" ||
    outcome=crash
  opts=$(sed -n 's|^// spm-opt: ||p' "$d/prog.mlir")
  printf '#!/bin/sh\n# replays the spm side of seed %s\nset -e\n' "$seed" \
    > "$d/repro.sh"
  printf '%sspm-opt %s prog.mlir -o lowered.mlir\n' "$bin" "$opts" \
    >> "$d/repro.sh"
  printf '%sspm-run lowered.mlir $(cat data/args.txt) --print-outputs > run.txt\n' \
    "$bin" >> "$d/repro.sh"
  printf '%sspm-refcheck compare ref.txt run.txt\n' "$bin" >> "$d/repro.sh"
  if [ -z "$outcome" ]; then
    # the reference
    if ! (cd "$d" && "${bin}spm-refcheck" wrap prog.mlir --data data \
            --seed "$seed" -o ref.mlir) > "$d/wrap.err" 2>&1 ||
       ! timeout "$limit" "$llvm_bindir/mlir-opt" $ref_lower "$d/ref.mlir" \
            -o "$d/ref.ll.mlir" 2> "$d/ref.err" ||
       ! timeout "$limit" "$llvm_bindir/mlir-runner" -e spm_ref_main \
            -entry-point-result=void -shared-libs="$ref_libs" \
            "$d/ref.ll.mlir" > "$d/ref.txt" 2>> "$d/ref.err"; then
      outcome=ref-fail
    fi
  fi
  if [ -z "$outcome" ]; then
    eval "set -- $opts"
    (cd "$d" && timeout "$limit" "${bin}spm-opt" "$@" prog.mlir \
       -o lowered.mlir) > "$d/opt.out" 2> "$d/opt.err"
    rc=$?
    if [ $rc -ne 0 ]; then
      outcome=$(classify $rc "$d/opt.err")
    elif sanitized "$d/opt.err"; then
      outcome=crash
    fi
  fi
  if [ -z "$outcome" ]; then
    (cd "$d" && timeout "$limit" "${bin}spm-run" lowered.mlir \
       $(cat data/args.txt) --print-outputs) > "$d/run.txt" 2> "$d/run.err"
    rc=$?
    if [ $rc -ne 0 ]; then
      outcome=$(classify $rc "$d/run.err")
    elif sanitized "$d/run.err"; then
      outcome=crash
    fi
  fi
  if [ -z "$outcome" ]; then
    "${bin}spm-refcheck" compare "$d/ref.txt" "$d/run.txt" > "$d/compare.txt" \
      2>&1
    case $? in
      0) outcome=match ;;
      1) outcome=mismatch ;;
      *) outcome=crash ;;
    esac
  fi
  case $outcome in
    match) count_match=$((count_match + 1)) ;;
    *)
      eval "count_$(echo "$outcome" | tr - _)=\$((count_$(echo "$outcome" |
        tr - _) + 1))"
      rm -rf "$out/$outcome-$seed"
      cp -r "$d" "$out/$outcome-$seed"
      why=$(cat "$d/compare.txt" "$d/run.err" "$d/opt.err" "$d/ref.err" \
              "$d/wrap.err" "$d/gen.err" 2>/dev/null |
            grep -m1 -E 'error|mismatch|Sanitizer|runtime|Abort|fault' |
            cut -c1-200)
      echo "seed $seed: $outcome: $out/$outcome-$seed: $why"
      ;;
  esac
  rm -rf "$d"
  seed=$((seed + 1))
done
echo "fuzz-refcheck: $n programs: $count_match match, $count_mismatch" \
  "mismatch, $count_error error, $count_bad_diag bad-diag, $count_crash" \
  "crash, $count_hang hang, $count_ref_fail ref-fail"
[ $((count_mismatch + count_bad_diag + count_crash + count_hang +
     count_ref_fail)) -eq 0 ]
