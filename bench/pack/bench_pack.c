// Packing benchmark (issue 4): time and quality of spm_pack's algorithms on
// generated instances, as a distribution over seeds (min / median / max).
//
//   spm-bench-pack [--seeds N] [--time-limit S] [--node-limit N]
//                  [--search NAME] [--disable RULE,...] [--quick]
//                  [--family NAME] [--buffers N] [--seed K] [--verbose]
//                  [--write-csv DIR]
//   spm-bench-pack --csv [--capacity N] [--shuffles K] [--time-limit S]
//                  [--node-limit N] [--search NAME] [--disable RULE,...]
//                  [--verbose] FILE...
//
// --time-limit (default 10 s) and --node-limit (default none) bound each
// exact search; with a node limit alone (--time-limit 0) every outcome is
// the same on every machine and under any load. --search skyline or
// bottom-left runs that search alone instead of the portfolio (to compare
// them; spm_pack_search_t in lib/alloc/pack.h). --disable RULE,... switches
// rules of the exact search off (nogoods, backjumping, gluing, pools,
// weights, floats, dominance, symmetry, decomposition, sections,
// restarts: bench_pack_rules.c), to measure what each is worth; the search
// stays exact without any of them.
//
// --family (dnn, tight, slivers or holes) and --buffers keep only the matching
// rows (both may be given); without them every row is printed. --verbose
// also prints one line per instance to standard error (seed, buffers, time,
// nodes, outcome), to see which instances are hard; --seed K runs only
// seed K (1-based, as --verbose numbers them), to study one instance
// (with --seeds N: seeds K to K + N - 1). --write-csv DIR also writes each
// generated instance to DIR/FAMILY-BUFFERS-SEED.csv (spm-pack's format), so
// that other packers can be run on exactly the same instances.
//
// --csv packs CSV files instead (e.g. MiniMalloc's public benchmarks), at
// --capacity or the capacity in the file name NAME.CAPACITY.csv, in the
// file's row order and in K - 1 shuffled orders (default K = 10), and
// prints a row per file (bench_pack_csv.c).
//
// Families (lib/alloc/pack_gen.h):
//   dnn      DNN-like schedules (two buffers per step, log-uniform sizes);
//   tight    a [0,T) x [0,C) rectangle cut by balanced guillotine cuts, so a
//            packing at capacity = lower bound = C exists;
//   slivers  the same with uniform random cuts: many 1-step, few-byte
//            pieces (much harder for the exact search);
//   holes    tight, then 5% of the pieces not live at the middle step
//            removed: slack almost everywhere, the middle column still full
//            (lower bound = capacity), a packing still known to exist.
// Every packing is checked by spm_pack itself (it validates what it
// returns); the benchmark re-validates and aborts on any invalid one.
// Prints Markdown tables.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack.h"
#include "alloc/pack_gen.h"
#include "bench/pack/bench_pack.h"

typedef enum { FAMILY_DNN, FAMILY_TIGHT, FAMILY_SLIVERS, FAMILY_HOLES } family_t;
static const char *const family_names[] = {"dnn", "tight", "slivers",
                                           "holes"};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

// min / median / max of v[0..n) (sorts v).
static void spread(double *v, int n, char *out, size_t len, const char *fmt) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  char a[32], b[32], c[32];
  snprintf(a, sizeof a, fmt, v[0]);
  snprintf(b, sizeof b, fmt, med);
  snprintf(c, sizeof c, fmt, v[n - 1]);
  snprintf(out, len, "%s / %s / %s", a, b, c);
}

// Generates instance `seed` of a family; returns the count and sets *cap to
// the capacity to pack into (the lower bound).
static size_t generate(family_t f, size_t n, uint64_t seed,
                       spm_pack_buffer_t *b, int64_t *cap) {
  spm_pack_rng_t r = spm_pack_rng(seed * 1000003u + n);
  size_t m = n;
  if (f == FAMILY_DNN) {
    spm_pack_gen_dnn(&r, n, b);
  } else if (f == FAMILY_HOLES) {
    m = spm_pack_gen_holes(&r, n, 5, b);
  } else {
    // Capacity 1 MiB in 1 KiB units (tight) or bytes (slivers); a horizon
    // of n steps (tight) or 64 steps (slivers, as in the unit test).
    bool balanced = f == FAMILY_TIGHT;
    m = spm_pack_gen_tight(&r, n, balanced ? (int64_t)n : 64,
                           balanced ? 1 << 20 : 4096, balanced ? 1024 : 1,
                           balanced, b);
  }
  for (size_t i = 0; i < m; ++i)
    b[i].offset = -1;
  *cap = spm_pack_lower_bound(b, m);
  return m;
}

typedef struct {
  family_t family;
  size_t n;
  spm_pack_algorithm_t algorithm;
  bool minimize;
} bench_case_t;

static const char *alg_name(spm_pack_algorithm_t a) {
  return a == SPM_PACK_HEURISTIC ? "heuristic"
         : a == SPM_PACK_EXACT   ? "exact"
                                 : "auto";
}

static void run_case(const bench_case_t *c, int first, int seeds,
                     const spm_bench_exact_t *limit, bool verbose,
                     const char *csv_dir) {
  spm_pack_buffer_t *b = malloc(c->n * sizeof *b);
  double *ms = malloc((size_t)seeds * sizeof *ms);
  double *ratio = malloc((size_t)seeds * sizeof *ratio);
  int at_lb = 0, optimal = 0, stopped = 0;
  for (int s = 0; s < seeds; ++s) {
    int64_t cap;
    size_t m = generate(c->family, c->n, (uint64_t)(first + s), b, &cap);
    if (csv_dir) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s-%zu-%d.csv", csv_dir,
               family_names[c->family], c->n, first + s);
      if (spm_bench_pack_write_csv(path, b, m))
        exit(1);
    }
    spm_pack_options_t o = spm_pack_options_default();
    o.algorithm = c->algorithm;
    // Feasibility at capacity = lower bound (tight families), or the
    // smallest peak (dnn: capacity unlimited, minimise).
    o.capacity = c->minimize ? 0 : cap;
    o.minimize_peak = c->minimize;
    o.time_limit = limit->seconds;
    o.node_limit = limit->nodes;
    o.search = limit->search;
    spm_pack_result_t r;
    spm_status_t st = spm_bench_pack_run(b, m, &o, limit, &r);
    if (!spm_status_is_ok(st)) {
      fprintf(stderr, "spm_pack: %s\n", spm_status_message(st));
      exit(1);
    }
    st = spm_pack_validate(b, m, 0);
    if (!spm_status_is_ok(st)) {
      fprintf(stderr, "invalid packing: %s\n", spm_status_message(st));
      exit(1);
    }
    ms[s] = r.seconds * 1e3;
    if (verbose)
      fprintf(stderr,
              "%s %zu seed %d: %zu buffers, %.1f ms, %" PRIu64
              " nodes, peak/lb %.4f%s%s\n",
              family_names[c->family], c->n, first + s, m, ms[s], r.nodes,
              (double)r.peak / (double)r.lower_bound,
              r.optimal ? ", optimal" : "",
              r.limit_reached ? ", limit" : "");
    ratio[s] = (double)r.peak / (double)r.lower_bound;
    at_lb += r.peak == r.lower_bound;
    optimal += r.optimal;
    stopped += r.limit_reached;
  }
  char t[128], q[128];
  spread(ms, seeds, t, sizeof t, ms[0] < 10 ? "%.2f" : "%.1f");
  spread(ratio, seeds, q, sizeof q, "%.4f");
  printf("| %s | %zu | %s%s | %d | %s | %s | %d/%d | %d/%d |\n",
         family_names[c->family], c->n, alg_name(c->algorithm),
         c->minimize && c->algorithm != SPM_PACK_HEURISTIC ? " --minimize" : "",
         seeds, t, q, at_lb, seeds,
         c->algorithm == SPM_PACK_HEURISTIC ? 0 : stopped,
         c->algorithm == SPM_PACK_HEURISTIC ? 0 : seeds);
  fflush(stdout);
  free(b);
  free(ms);
  free(ratio);
}

// --search NAME: portfolio (the default), skyline or bottom-left.
static bool search_of(const char *name, spm_pack_search_t *out) {
  static const char *const names[] = {"portfolio", "skyline", "bottom-left"};
  for (int k = 0; k < 3; ++k)
    if (strcmp(name, names[k]) == 0) {
      *out = (spm_pack_search_t)k;
      return true;
    }
  return false;
}

// Strict numbers for the options: atoi/atof/strtoll read "abc" as 0 (no
// capacity, no time limit) and "5x" as 5 without a word. Exits with the
// usage status 2 on a malformed value.
static long long arg_int(const char *opt, const char *v, long long lo,
                         long long hi) {
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (end == v || *end || errno || x < lo || x > hi || v[0] == ' ') {
    fprintf(stderr,
            "spm-bench-pack: invalid %s '%s': expected an integer in [%lld, "
            "%lld]\n",
            opt, v, lo, hi);
    exit(2);
  }
  return x;
}

static double arg_seconds(const char *opt, const char *v) {
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (end == v || *end || errno || !(x >= 0) || !isfinite(x)) {
    fprintf(stderr,
            "spm-bench-pack: invalid %s '%s': expected seconds (0: no "
            "limit)\n",
            opt, v);
    exit(2);
  }
  return x;
}

int main(int argc, char **argv) {
  int seeds = 10, first = 1;
  spm_bench_exact_t limit = {10, 0, SPM_PACK_SEARCH_PORTFOLIO, 0};
  bool quick = false, verbose = false, seed_given = false, seeds_given = false;
  const char *family = NULL, *csv_dir = NULL;
  long buffers = 0;
  bool csv = false;
  int64_t capacity = 0;
  int shuffles = 10, nfiles = 0;
  char **files = calloc((size_t)argc, sizeof *files);
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--csv") == 0)
      csv = true;
    else if (strcmp(argv[i], "--capacity") == 0 && i + 1 < argc)
      capacity = arg_int("--capacity", argv[++i], 1, INT64_MAX);
    else if (strcmp(argv[i], "--shuffles") == 0 && i + 1 < argc)
      shuffles = (int)arg_int("--shuffles", argv[++i], 1, 1000000);
    else if (strcmp(argv[i], "--write-csv") == 0 && i + 1 < argc)
      csv_dir = argv[++i];
    else if (csv && argv[i][0] != '-')
      files[nfiles++] = argv[i];
    else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
      seeds = (int)arg_int("--seeds", argv[++i], 1, 1000000),
      seeds_given = true;
    else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
      limit.seconds = arg_seconds("--time-limit", argv[++i]);
    else if (strcmp(argv[i], "--node-limit") == 0 && i + 1 < argc)
      limit.nodes = (uint64_t)arg_int("--node-limit", argv[++i], 0, INT64_MAX);
    else if (strcmp(argv[i], "--search") == 0 && i + 1 < argc &&
             search_of(argv[i + 1], &limit.search))
      ++i;
    else if (strcmp(argv[i], "--disable") == 0 && i + 1 < argc &&
             spm_bench_disable_parse(argv[i + 1], &limit.disable))
      ++i;
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      first = (int)arg_int("--seed", argv[++i], 1, INT32_MAX - 1000000),
      seed_given = true;
    else if (strcmp(argv[i], "--quick") == 0)
      quick = true;
    else if (strcmp(argv[i], "--verbose") == 0)
      verbose = true;
    else if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
      family = argv[++i];
    else if (strcmp(argv[i], "--buffers") == 0 && i + 1 < argc)
      buffers = (long)arg_int("--buffers", argv[++i], 1, 1000000);
    else {
      fprintf(stderr,
              "usage: spm-bench-pack [--seeds N] [--time-limit S] "
              "[--node-limit N] [--search portfolio|skyline|"
              "bottom-left] [--disable RULE[,RULE...]] [--quick] "
              "[--family NAME] [--buffers N] [--seed K] [--verbose] "
              "[--write-csv DIR]\n"
              "       spm-bench-pack --csv [--capacity N] "
              "[--shuffles K] [--time-limit S] [--node-limit N] "
              "[--search NAME] [--disable RULE[,RULE...]] "
              "[--verbose] FILE...\n"
              "RULE: %s\n",
              spm_bench_disable_names());
      free(files);
      return 2;
    }
  }
  if (csv) {
    int rc = 2;
    if (nfiles == 0 || shuffles < 1)
      fprintf(stderr, "spm-bench-pack: --csv needs at least one file and "
                      "--shuffles of at least 1\n");
    else
      rc = spm_bench_pack_files(files, nfiles, capacity, shuffles, &limit,
                                verbose);
    free(files);
    return rc;
  }
  free(files);
  if (seed_given && !seeds_given)
    seeds = 1;
  if (seeds < 1)
    seeds = 1;
  if (first < 1)
    first = 1;
  static const bench_case_t cases[] = {
      {FAMILY_DNN, 100, SPM_PACK_HEURISTIC, true},
      {FAMILY_DNN, 1000, SPM_PACK_HEURISTIC, true},
      {FAMILY_DNN, 10000, SPM_PACK_HEURISTIC, true},
      {FAMILY_DNN, 100, SPM_PACK_AUTO, true},
      {FAMILY_DNN, 1000, SPM_PACK_AUTO, true},
      {FAMILY_DNN, 10000, SPM_PACK_AUTO, true},
      {FAMILY_TIGHT, 100, SPM_PACK_HEURISTIC, false},
      {FAMILY_TIGHT, 1000, SPM_PACK_HEURISTIC, false},
      {FAMILY_TIGHT, 10000, SPM_PACK_HEURISTIC, false},
      {FAMILY_TIGHT, 100, SPM_PACK_EXACT, false},
      {FAMILY_TIGHT, 200, SPM_PACK_EXACT, false},
      {FAMILY_TIGHT, 300, SPM_PACK_EXACT, false},
      {FAMILY_TIGHT, 500, SPM_PACK_EXACT, false},
      {FAMILY_TIGHT, 1000, SPM_PACK_EXACT, false},
      {FAMILY_TIGHT, 10000, SPM_PACK_EXACT, false},
      {FAMILY_SLIVERS, 100, SPM_PACK_HEURISTIC, false},
      {FAMILY_SLIVERS, 100, SPM_PACK_EXACT, false},
      {FAMILY_SLIVERS, 200, SPM_PACK_EXACT, false},
      {FAMILY_SLIVERS, 300, SPM_PACK_EXACT, false},
      {FAMILY_SLIVERS, 500, SPM_PACK_EXACT, false},
      {FAMILY_HOLES, 100, SPM_PACK_HEURISTIC, false},
      {FAMILY_HOLES, 100, SPM_PACK_EXACT, false},
      {FAMILY_HOLES, 200, SPM_PACK_EXACT, false},
      {FAMILY_HOLES, 300, SPM_PACK_EXACT, false},
      {FAMILY_HOLES, 500, SPM_PACK_EXACT, false},
  };
  // A --family or --buffers that matches no row is a mistake (an empty
  // table, exit status 0, before).
  size_t matched = 0;
  for (size_t k = 0; k < sizeof cases / sizeof *cases; ++k)
    matched += (!quick || cases[k].n <= 1000) &&
               (!family || strcmp(family, family_names[cases[k].family]) == 0) &&
               (buffers <= 0 || cases[k].n == (size_t)buffers);
  if (!matched) {
    fprintf(stderr, "spm-bench-pack: no row for");
    if (family)
      fprintf(stderr, " --family %s", family);
    if (buffers > 0)
      fprintf(stderr, " --buffers %ld", buffers);
    if (quick)
      fprintf(stderr, " --quick");
    fprintf(stderr, " (rows:");
    for (size_t k = 0; k < sizeof cases / sizeof *cases; ++k) {
      size_t j = 0;
      while (j < k &&
             (cases[j].family != cases[k].family || cases[j].n != cases[k].n))
        j++;
      if (j == k)
        fprintf(stderr, "%s %s %zu", k ? "," : "",
                family_names[cases[k].family], cases[k].n);
    }
    fprintf(stderr, ")\n");
    return 2;
  }
  printf("seeds %d, exact search: ", seeds);
  spm_bench_exact_print(&limit);
  printf(" per instance; dnn: minimise the peak (no capacity); "
         "tight/slivers/holes: capacity = lower bound\n\n");
  printf("| instances | buffers | algorithm | seeds | time ms (min / median "
         "/ max) | peak / lower bound (min / median / max) | peak = lower "
         "bound | stopped at limit |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (size_t k = 0; k < sizeof cases / sizeof *cases; ++k) {
    if (quick && cases[k].n > 1000)
      continue;
    if (family && strcmp(family, family_names[cases[k].family]) != 0)
      continue;
    if (buffers > 0 && cases[k].n != (size_t)buffers)
      continue;
    run_case(&cases[k], first, seeds, &limit, verbose, csv_dir);
  }
  return 0;
}
