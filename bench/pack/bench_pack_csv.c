// spm-bench-pack on CSV files, and generated instances written as CSV
// (see bench_pack.h).
#include "bench/pack/bench_pack.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_gen.h"
#include "support/file_io.h"
#include "support/strbuf.h"
#include "tools/spm-pack/csv.h"

static int spm_bench_fail_status(spm_status_t s) {
  fprintf(stderr, "spm-bench-pack: error: %s\n", spm_status_message(s));
  spm_status_free(s);
  return 1;
}

// The capacity in a file name NAME.CAPACITY.csv (MiniMalloc's benchmark
// files), or -1.
static int64_t spm_bench_capacity_of_name(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strlen(base);
  if (len < 5 || strcmp(base + len - 4, ".csv") != 0)
    return -1;
  const char *end = base + len - 4, *p = end;
  while (p > base && p[-1] >= '0' && p[-1] <= '9')
    p--;
  if (p == end || p == base || p[-1] != '.' || end - p > 18)
    return -1;
  return strtoll(p, NULL, 10);
}

static int spm_bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

// Packs one file `shuffles` times; prints its row.
static int spm_bench_pack_file(const char *path, int64_t capacity,
                               int shuffles, const spm_bench_exact_t *limit,
                               bool verbose) {
  spm_strbuf_t text = SPM_STRBUF_INIT;
  spm_status_t s = spm_file_read(path, &text);
  if (!spm_status_is_ok(s)) {
    spm_strbuf_free(&text);
    return spm_bench_fail_status(s);
  }
  spm_csv_t csv;
  s = spm_csv_parse(path, spm_strbuf_cstr(&text), text.len, false, &csv);
  if (!spm_status_is_ok(s)) {
    spm_strbuf_free(&text);
    return spm_bench_fail_status(s);
  }
  if (capacity <= 0)
    capacity = spm_bench_capacity_of_name(path);
  if (capacity <= 0) {
    fprintf(stderr,
            "spm-bench-pack: error: %s: no --capacity, and the file name is "
            "not NAME.CAPACITY.csv\n",
            path);
    spm_csv_free(&csv);
    spm_strbuf_free(&text);
    return 1;
  }
  size_t n = csv.n;
  spm_pack_buffer_t *b = malloc((n ? n : 1) * sizeof *b);
  double *ms = malloc((size_t)shuffles * sizeof *ms);
  if (!b || !ms) {
    fprintf(stderr, "spm-bench-pack: error: out of memory\n");
    exit(1);
  }
  int rc = 0, solved = 0, infeasible = 0;
  int64_t lb = 0;
  for (int k = 0; k < shuffles && rc == 0; ++k) {
    for (size_t i = 0; i < n; ++i)
      b[i] = (spm_pack_buffer_t){(int64_t)i, csv.rows[i].lower,
                                 csv.rows[i].upper, csv.rows[i].size, 1, -1};
    // Run 0 keeps the file's order; the others shuffle it (Fisher-Yates).
    spm_pack_rng_t r = spm_pack_rng((uint64_t)k * 7919u + 17u);
    for (size_t i = n; k > 0 && i > 1; --i) {
      size_t j = (size_t)spm_pack_rng_range(&r, 0, (int64_t)i - 1);
      spm_pack_buffer_t t = b[i - 1];
      b[i - 1] = b[j];
      b[j] = t;
    }
    spm_pack_options_t o = spm_pack_options_default();
    o.algorithm = SPM_PACK_EXACT;
    o.capacity = capacity;
    o.time_limit = limit->seconds;
    o.node_limit = limit->nodes;
    o.search = limit->search;
    spm_pack_result_t res;
    s = spm_bench_pack_run(b, n, &o, limit, &res);
    if (!spm_status_is_ok(s)) {
      rc = spm_bench_fail_status(s);
      break;
    }
    if (res.feasible) {
      s = spm_pack_validate(b, n, capacity);
      if (!spm_status_is_ok(s)) { // spm_pack validates too: a bug
        rc = spm_bench_fail_status(s);
        break;
      }
    }
    lb = res.lower_bound;
    ms[k] = res.seconds * 1e3;
    solved += res.feasible;
    infeasible += res.proven_infeasible;
    if (verbose)
      fprintf(stderr, "%s run %d: %.1f ms, %" PRIu64 " nodes, %s\n", path, k,
              ms[k], res.nodes,
              res.feasible            ? "packed"
              : res.proven_infeasible ? "proven infeasible"
                                      : "stopped at the limit");
  }
  if (rc == 0) {
    qsort(ms, (size_t)shuffles, sizeof *ms, spm_bench_cmp_double);
    double med = shuffles % 2 ? ms[shuffles / 2]
                              : (ms[shuffles / 2 - 1] + ms[shuffles / 2]) / 2;
    const char *base = strrchr(path, '/');
    printf("| %s | %zu | %" PRId64 " | %" PRId64 " | %d | %d/%d | %d | "
           "%.1f / %.1f / %.1f |\n",
           base ? base + 1 : path, n, lb, capacity, shuffles, solved,
           shuffles, infeasible, ms[0], med, ms[shuffles - 1]);
    fflush(stdout);
  }
  free(b);
  free(ms);
  spm_csv_free(&csv);
  spm_strbuf_free(&text);
  return rc;
}

void spm_bench_exact_print(const spm_bench_exact_t *l) {
  if (l->search == SPM_PACK_SEARCH_SKYLINE)
    printf("skyline search alone, ");
  else if (l->search == SPM_PACK_SEARCH_BOTTOM_LEFT)
    printf("bottom-left search alone, ");
  spm_bench_disable_print(l->disable);
  if (l->seconds > 0)
    printf("time limit %g s", l->seconds);
  if (l->seconds > 0 && l->nodes > 0)
    printf(", ");
  if (l->nodes > 0)
    printf("node limit %" PRIu64, l->nodes);
  if (l->seconds <= 0 && l->nodes == 0)
    printf("no limit");
}

int spm_bench_pack_files(char **files, int nfiles, int64_t capacity,
                         int shuffles, const spm_bench_exact_t *limit,
                         bool verbose) {
  printf("exact search: ");
  spm_bench_exact_print(limit);
  printf(" per run; each file in its own row order, then shuffled (%d runs "
         "in all)\n\n",
         shuffles);
  printf("| file | buffers | lower bound | capacity | runs | packed | "
         "proven infeasible | time ms (min / median / max) |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nfiles; ++i) {
    int rc = spm_bench_pack_file(files[i], capacity, shuffles, limit,
                                 verbose);
    if (rc)
      return rc;
  }
  return 0;
}

int spm_bench_pack_write_csv(const char *path, const spm_pack_buffer_t *bufs,
                             size_t n) {
  spm_strbuf_t out = SPM_STRBUF_INIT;
  spm_strbuf_append_str(&out, "id,lower,upper,size\n");
  for (size_t i = 0; i < n; ++i)
    spm_strbuf_appendf(&out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
                       bufs[i].id, bufs[i].start, bufs[i].end, bufs[i].size);
  spm_status_t s = spm_file_write_atomic(path, spm_strbuf_cstr(&out), out.len);
  spm_strbuf_free(&out);
  return spm_status_is_ok(s) ? 0 : spm_bench_fail_status(s);
}
