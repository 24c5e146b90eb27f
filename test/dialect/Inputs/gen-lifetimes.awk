# Writes a function of random spm.alloc / spm.dealloc ops (offsets in 16-byte
# steps below `span` bytes, default 3840; sizes of 16 to 256 bytes; about
# `live` open at a time, default 12) with the verifier's expected
# overlap errors as expected-error comments, computed by brute force: an
# spm.alloc that overlaps a buffer still allocated is an error naming the
# lowest such buffer, and is not itself counted as allocated. Used by
# lifetimes-random.test; -v seed=S -v n=N [-v span=BYTES -v live=L].
function emit(s) { print s; line++ }
BEGIN {
  srand(seed)
  if (!span) span = 3840
  if (!live) live = 12
  line = 1
  emit("module attributes {spm.target = #spm.target<{name = \"t\", capacity = " (span + 256) " : i64, alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 : f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>} {")
  emit("func.func @f() {")
  made = 0; nopen = 0
  for (k = 0; k < n; k++) {
    if (nopen > 0 && rand() < nopen / (2 * live)) {
      j = int(rand() * nopen)  # free a random open buffer (kept or not)
      id = open[j]; open[j] = open[--nopen]
      emit(sprintf("  \"spm.dealloc\"(%%b%d) : (!spm.buf<array<i64: %d>, f32>) -> ()", id, elems[id]))
      kept[id] = 0
      continue
    }
    id = made++
    lo = 16 * int(rand() * (span / 16)); e = 4 * (1 + int(rand() * 16)); hi = lo + 4 * e
    elems[id] = e; blo[id] = lo; bhi[id] = hi
    best = -1
    for (j = 0; j < nopen; j++) {
      o = open[j]
      if (kept[o] && blo[o] < hi && lo < bhi[o] && (best < 0 || blo[o] < blo[best]))
        best = o
    }
    if (best >= 0)
      emit(sprintf("  // expected-error@+1 {{'spm.alloc' op bytes [%d, %d) overlap [%d, %d) of the spm.alloc at line %d, which is still allocated}}", lo, hi, blo[best], bhi[best], bline[best]))
    bline[id] = line
    kept[id] = best < 0
    open[nopen++] = id
    emit(sprintf("  %%b%d = \"spm.alloc\"() {offset = %d : i64} : () -> !spm.buf<array<i64: %d>, f32>", id, lo, e))
  }
  emit("  return")
  emit("}")
  emit("}")
}
