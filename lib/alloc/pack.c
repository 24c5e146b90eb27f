// spm_pack(): options, the algorithm choice (heuristic / exact / auto) and
// the result. The algorithms live in pack_heuristic.c and pack_exact.c; every
// packing returned passes the independent validator (pack_validate.c).
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc/pack_internal.h"

double spm_pack_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

spm_pack_options_t spm_pack_options_default(void) {
  spm_pack_options_t o;
  o.algorithm = SPM_PACK_AUTO;
  o.capacity = 0;
  o.minimize_peak = false;
  o.time_limit = 1.0;
  o.node_limit = 0;
  o.search = SPM_PACK_SEARCH_PORTFOLIO;
  return o;
}

static int64_t spm_pack_peak_of(const spm_pack_buffer_t *bufs, size_t n,
                                const int64_t *off) {
  int64_t p = 0;
  for (size_t i = 0; i < n; ++i)
    if (off[i] + bufs[i].size > p)
      p = off[i] + bufs[i].size;
  return p;
}

// The exact phase: a feasibility probe at the capacity when needed, then
// (when minimising) a search between the lower bound and the incumbent.
// best/best_peak hold the incumbent packing and are improved in place.
static spm_status_t spm_pack_exact_phase(const spm_pack_buffer_t *bufs,
                                         size_t n, const spm_pack_options_t *o,
                                         bool probe_capacity, bool minimize,
                                         int64_t *best, int64_t *best_peak,
                                         spm_pack_result_t *r) {
  spm_pack_exact_t *x = NULL;
  unsigned flags = o->search == SPM_PACK_SEARCH_SKYLINE ? SPM_PACK_ONLY_CANONICAL
                   : o->search == SPM_PACK_SEARCH_BOTTOM_LEFT ? SPM_PACK_ONLY_BL
                                                              : 0u;
  SPM_RETURN_IF_ERROR(spm_pack_exact_create(bufs, n, flags, &x));
  int64_t *off = malloc((n ? n : 1) * sizeof *off);
  if (!off) {
    spm_pack_exact_destroy(x);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  double deadline = o->time_limit > 0 && isfinite(o->time_limit)
                        ? spm_pack_now() + o->time_limit
                        : 0;
  int64_t cap = o->capacity > 0 ? o->capacity : 0;
  spm_status_t s = SPM_OK;
  spm_pack_outcome_t out;
  bool incumbent_fits = cap == 0 || *best_peak <= cap;
  if (probe_capacity) {
    s = spm_pack_exact_solve(x, cap, deadline, o->node_limit, off, &out);
    if (spm_status_is_ok(s)) {
      if (out == SPM_PACK_FOUND) {
        memcpy(best, off, n * sizeof *off);
        *best_peak = spm_pack_peak_of(bufs, n, off);
        r->algorithm = "exact";
        incumbent_fits = true;
      } else if (out == SPM_PACK_INFEASIBLE) {
        r->proven_infeasible = true;
      } else {
        r->limit_reached = true;
      }
    }
  }
  if (spm_status_is_ok(s) && minimize && incumbent_fits && !r->limit_reached) {
    // Probe the lower bound first (the optimum of most instances), then
    // bisect: a packing at probe p has peak <= p, so hi only decreases.
    int64_t lo = r->lower_bound, hi = *best_peak;
    bool first = true;
    while (lo < hi) {
      int64_t p = first ? lo : lo + (hi - lo) / 2;
      first = false;
      s = spm_pack_exact_solve(x, p, deadline, o->node_limit, off, &out);
      if (!spm_status_is_ok(s))
        break;
      if (out == SPM_PACK_FOUND) {
        memcpy(best, off, n * sizeof *off);
        hi = *best_peak = spm_pack_peak_of(bufs, n, off);
        r->algorithm = "exact";
      } else if (out == SPM_PACK_INFEASIBLE) {
        lo = p + 1;
      } else {
        r->limit_reached = true;
        break;
      }
    }
    if (spm_status_is_ok(s) && lo >= hi)
      r->optimal = true;
  }
  r->nodes = spm_pack_exact_nodes(x);
  spm_pack_exact_destroy(x);
  free(off);
  return s;
}

spm_status_t spm_pack(spm_pack_buffer_t *bufs, size_t n,
                      const spm_pack_options_t *options,
                      spm_pack_result_t *result) {
  double t0 = spm_pack_now();
  if (!result)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "no result pointer");
  memset(result, 0, sizeof *result);
  result->algorithm = "heuristic";
  spm_pack_options_t o = options ? *options : spm_pack_options_default();
  if (o.algorithm != SPM_PACK_HEURISTIC && o.algorithm != SPM_PACK_EXACT &&
      o.algorithm != SPM_PACK_AUTO)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "unknown packing algorithm %d", (int)o.algorithm);
  if (o.search != SPM_PACK_SEARCH_PORTFOLIO &&
      o.search != SPM_PACK_SEARCH_SKYLINE &&
      o.search != SPM_PACK_SEARCH_BOTTOM_LEFT)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "unknown exact search %d", (int)o.search);
  if (isnan(o.time_limit))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "the time limit is not a number");
  SPM_RETURN_IF_ERROR(spm_pack_check_buffers(bufs, n));
  int64_t cap = o.capacity > 0 ? o.capacity : 0;
  result->lower_bound = spm_pack_lower_bound(bufs, n);
  if (result->lower_bound < 0)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  // Without a capacity there is nothing to decide, so "exact" minimises.
  bool minimize = o.minimize_peak || (o.algorithm == SPM_PACK_EXACT && !cap);

  int64_t *best = malloc((n ? n : 1) * sizeof *best);
  if (!best)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  int64_t peak = 0;
  spm_status_t s =
      spm_pack_heuristic_run(bufs, n, result->lower_bound, best, &peak);
  if (spm_status_is_ok(s) && o.algorithm != SPM_PACK_HEURISTIC) {
    bool over = cap && peak > cap;
    bool probe = cap && (over || (o.algorithm == SPM_PACK_EXACT && !minimize));
    bool improve = minimize && peak > result->lower_bound;
    if (o.algorithm == SPM_PACK_EXACT || probe || improve)
      s = spm_pack_exact_phase(bufs, n, &o, probe, minimize, best, &peak,
                               result);
  }
  if (!spm_status_is_ok(s)) {
    free(best);
    return s;
  }
  for (size_t i = 0; i < n; ++i)
    bufs[i].offset = best[i];
  free(best);
  result->peak = peak;
  result->feasible = !cap || peak <= cap;
  if (peak == result->lower_bound)
    result->optimal = true; // nothing can be lower than the bound
  if (result->feasible)
    result->proven_infeasible = false;
  s = spm_pack_validate(bufs, n, result->feasible ? cap : 0);
  if (!spm_status_is_ok(s)) {
    spm_status_t e = spm_status_make(SPM_STATUS_INTERNAL,
                                     "spm_pack produced an invalid packing: %s",
                                     spm_status_message(s));
    spm_status_free(s);
    return e;
  }
  result->seconds = spm_pack_now() - t0;
  return SPM_OK;
}
