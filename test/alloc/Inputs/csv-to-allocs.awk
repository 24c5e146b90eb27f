# spm-pack's CSV (id,lower,upper,size) -> a function of top-level spm.alloc
# ops still to place (offset -1, i8 buffers of the CSV sizes) and their
# spm.dealloc, in time order (at each time, ends before starts): the output
# of spm-place as spm-allocate packs it. Used by overflow-why.test.
BEGIN { FS = "," }
NR > 1 { n++; lo[n] = $2; hi[n] = $3; sz[n] = $4; if ($3 > T) T = $3
         s[$2] = s[$2] " " n; e[$3] = e[$3] " " n }
END {
  print "func.func @f() {"
  for (t = 0; t <= T; t++) {
    k = split(e[t], a, " "); for (j = 1; j <= k; j++) printf "  \"spm.dealloc\"(%%b%d) : (!spm.buf<array<i64: %d>, i8>) -> ()\n", a[j], sz[a[j]]
    k = split(s[t], a, " "); for (j = 1; j <= k; j++) printf "  %%b%d = \"spm.alloc\"() {offset = -1 : i64} : () -> !spm.buf<array<i64: %d>, i8>\n", a[j], sz[a[j]]
  }
  print "  return"; print "}"
}
