// Where upstream's affine dependence analysis is conservative and isl is
// exact, spm-deps' compatibility mode prints a tighter answer. Each case
// below is one such difference, with the reason; all other remarks on this
// file are identical (checked by the diff after removing these lines).
// RUN: mlir-opt -test-memref-dependence-check %s 2>&1 | grep 'remark:' > %t.upstream
// RUN: spm-opt --spm-deps=format=mlir-compat %s 2>&1 | grep 'remark:' > %t.spm
// RUN: FileCheck %s --check-prefix=UPSTREAM < %t.upstream
// RUN: FileCheck %s --check-prefix=SPM < %t.spm
// RUN: grep -v 'from 1 to 0 at depth 1 \|from 1 to 1 at depth 1 \|from 3 to 2 at depth ' %t.upstream > %t.upstream.same
// RUN: grep -v 'from 1 to 0 at depth 1 \|from 1 to 1 at depth 1 \|from 3 to 2 at depth ' %t.spm > %t.spm.same
// RUN: diff %t.upstream.same %t.spm.same

// Case 1 (mod): the store at (i, j) writes element (i+1) mod 4 + 4j, read
// by the load at (i', j) iff i' = i + 1 (mod 4). So i' - i is 1, 5, ...,
// 61 (not 63: 63 - 0 = 63 is 3 mod 4). Upstream projects the dependence
// polyhedron rationally (Fourier-Motzkin on the mod's local variables) and
// gets 63; isl's integer projection gets 61.
// UPSTREAM: dependence from 1 to 0 at depth 1 = [1, 63][0, 0]
// SPM: dependence from 1 to 0 at depth 1 = [1, 61][0, 0]
// Case 2 (mod): the store's output dependence needs i' = i (mod 4): the
// largest distance is 60, not 63, for the same reason.
// UPSTREAM: dependence from 1 to 1 at depth 1 = [4, 63][0, 0]
// SPM: dependence from 1 to 1 at depth 1 = [4, 60][0, 0]
func.func @mod(%A: memref<100xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 4 {
      %v = affine.load %A[%i mod 4 + 4 * %j] : memref<100xf32>
      affine.store %v, %A[(%i + 1) mod 4 + 4 * %j] : memref<100xf32>
    }
  }
  return
}

// Case 3 (floordiv): the store at (i, j) writes 10i + floor(j/3), the load
// at (i', j') reads i' + j'. At depth 2 (i' = i, j' > j) the only solutions
// are i = 1, j in 0..2, j' = 9: distances 7..9 (upstream [1, 9]). At depth 1
// (i' > i) the j-distance is at most 8: i = 0, j = 0, i' = 1, j' = 8 gives
// 8, and j' - j = 9 needs j = 0, j' = 9, i.e. i' + 9 = floor(0/3) + 10i,
// impossible with i' > i (upstream [-9, 9]).
// UPSTREAM: dependence from 3 to 2 at depth 1 = [1, 8][-9, 9]
// UPSTREAM: dependence from 3 to 2 at depth 2 = [0, 0][1, 9]
// SPM: dependence from 3 to 2 at depth 1 = [1, 8][-9, 8]
// SPM: dependence from 3 to 2 at depth 2 = [0, 0][7, 9]
func.func @floordiv(%A: memref<100xf32>) {
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to 10 {
      %v = affine.load %A[%i + %j] : memref<100xf32>
      affine.store %v, %A[%i * 10 + %j floordiv 3] : memref<100xf32>
    }
  }
  return
}
