// spm-bench-pack's modes besides the generated families (bench_pack.c):
// packing instances read from CSV files, and writing generated instances
// out as CSV so that other tools can be run on exactly the same inputs.
#ifndef SPM_BENCH_PACK_H
#define SPM_BENCH_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc/pack.h"

// How the exact search runs on each instance: its limits, seconds (<= 0:
// none) and search nodes (0: none), and which searches (pack.h). A node
// limit makes a run's outcome independent of the machine and its load:
// the same instance stops at the same node.
// `disable` switches rules of the exact search off (SPM_PACK_NO_* of
// lib/alloc/pack_internal.h, through spm_pack_with_flags), to measure what
// each is worth.
typedef struct {
  double seconds;
  uint64_t nodes;
  spm_pack_search_t search;
  unsigned disable;
} spm_bench_exact_t;

// Prints the settings as a phrase ("time limit 1 s", "node limit 600000",
// "skyline search alone, without nogoods, gluing; time limit 10 s, node
// limit 600000").
void spm_bench_exact_print(const spm_bench_exact_t *l);

// Parses --disable's comma-separated rule names (nogoods, backjumping,
// gluing, pools, weights, floats, dominance, symmetry, decomposition,
// sections, restarts) into SPM_PACK_NO_* flags, OR-ed into *flags. False on
// an unknown or empty name.
bool spm_bench_disable_parse(const char *list, unsigned *flags);

// Prints "without nogoods, gluing; " for those of flags' rules that
// spm_bench_disable_parse names (nothing for none).
void spm_bench_disable_print(unsigned flags);

// The rule names spm_bench_disable_parse accepts, for usage messages
// ("nogoods|backjumping|...").
const char *spm_bench_disable_names(void);

// spm_pack under the settings of l (its rules switched off).
spm_status_t spm_bench_pack_run(spm_pack_buffer_t *b, size_t n,
                                const spm_pack_options_t *o,
                                const spm_bench_exact_t *l,
                                spm_pack_result_t *r);

// Packs each of files[0..nfiles) (the `id,lower,upper,size` format of
// tools/spm-pack, docs/packing.md) with the exact search at `capacity`
// bytes (<= 0: the number in the file name NAME.CAPACITY.csv, as in
// MiniMalloc's benchmark files) within `limit`, once in the file's row order and
// shuffles - 1 more times with the rows shuffled (deterministic seeds): the
// buffers' order is the only thing that changes, so the runs sample the
// search's dependence on it. Prints one Markdown row per file (solved,
// time min / median / max) to standard output and, with `verbose`, one line
// per run to standard error. Every packing found is validated. Returns the
// exit status: 0, or 1 after a message on standard error (unreadable or
// malformed file, no capacity).
int spm_bench_pack_files(char **files, int nfiles, int64_t capacity,
                         int shuffles, const spm_bench_exact_t *limit,
                         bool verbose);

// Writes bufs[0..n) to `path` as `id,lower,upper,size` (ids as given),
// atomically. Returns 0, or 1 after a message on standard error.
int spm_bench_pack_write_csv(const char *path, const spm_pack_buffer_t *bufs,
                             size_t n);

#endif
