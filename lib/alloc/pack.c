// spm_pack(): options, the algorithm choice (heuristic / exact / auto) and
// the result. The algorithms live in pack_heuristic.c and pack_exact.c; every
// packing returned passes the independent validator (pack_validate.c).
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
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

// Node budget of the first round of the capacity ladder below at the
// capacity asked for; doubled every round. The search at the lower bound
// gets a quarter of it: where the bound cannot be met (the optimum of most
// real schedules is above it) that time is lost, and a quarter kept
// MiniMalloc's D and J within 1.6x and 1.9x of their times without the
// ladder while packing as many slack instances as a half did
// (docs/benchmarks.md).
#define SPM_PACK_LADDER_NODES ((uint64_t)1 << 12)
#define SPM_PACK_LADDER_LB_SHARE 4
// The same rounds in anytime minimisation; there the search at the midpoint
// gets a quarter (spm_pack_exact_minimize).
#define SPM_PACK_MIN_MID_SHARE 4
// Minimisation's first search, at the lower bound, runs alone for this many
// nodes before the mirrored pair starts (spm_pack_exact_pair). The pair's
// rounds restart the portfolio run they interrupt, which cost DNN-like
// schedules (at the bound within tens of thousands of nodes) up to twice
// their time with 4,096 (docs/benchmarks.md).
#define SPM_PACK_MIN_ALONE_NODES ((uint64_t)1 << 16)

// The node limit for the next step of search y, which shares node_limit
// (0: none) with the other search of its pair (a and b are the two): y's
// own total after `step` more nodes, cut to what the shared limit leaves.
// False, and nothing set, when the shared limit is used up.
static bool spm_pack_step_stop(const spm_pack_exact_t *a,
                               const spm_pack_exact_t *b,
                               const spm_pack_exact_t *y, uint64_t step,
                               uint64_t node_limit, uint64_t *stop) {
  uint64_t used = spm_pack_exact_nodes(a) + spm_pack_exact_nodes(b);
  if (node_limit && used >= node_limit)
    return false;
  uint64_t room = node_limit ? node_limit - used : UINT64_MAX;
  *stop = spm_pack_exact_nodes(y) + (step < room ? step : room);
  return true;
}

// Looks for a packing within cap > lb (the lower bound). The searches prune
// hardest where there is no slack (section bounds, gluing at full columns),
// so they can fail at a capacity above the lower bound on an instance they
// pack at the bound itself; and a packing within lb is one within cap. So
// two searches alternate, with node budgets doubling every round: one at
// lb (`x_lb`, until it proves that nothing fits there) and one at cap
// (`x`, which alone can prove infeasibility). Each goes on where it stopped
// in the round before (spm_pack_exact_solve resumes) and keeps its nogoods.
// Deterministic; stops at the deadline, or when the two together have used
// node_limit nodes (0: none). Fills off and *outcome as
// spm_pack_exact_solve() does; *lb_infeasible says whether the search at lb
// proved that nothing fits there.
static spm_status_t spm_pack_exact_ladder(spm_pack_exact_t *x,
                                          spm_pack_exact_t *x_lb, int64_t cap,
                                          int64_t lb, double deadline,
                                          uint64_t node_limit, int64_t *off,
                                          spm_pack_outcome_t *outcome,
                                          bool *lb_infeasible) {
  bool lb_open = true;
  *lb_infeasible = false;
  spm_status_t s = SPM_OK;
  *outcome = SPM_PACK_LIMIT;
  for (int round = 0;; ++round) {
    uint64_t step =
        round >= 40 ? UINT64_MAX / 4 : SPM_PACK_LADDER_NODES << round;
    for (int side = lb_open ? 0 : 1; side < 2; ++side) {
      spm_pack_exact_t *y = side == 0 ? x_lb : x;
      uint64_t stop;
      if (!spm_pack_step_stop(x, x_lb, y,
                              side == 0 ? step / SPM_PACK_LADDER_LB_SHARE
                                        : step,
                              node_limit, &stop))
        return SPM_OK;
      spm_pack_outcome_t out;
      s = spm_pack_exact_solve(y, side == 0 ? lb : cap, deadline, stop, off,
                               &out);
      if (!spm_status_is_ok(s))
        return s;
      if (out == SPM_PACK_FOUND || (out == SPM_PACK_INFEASIBLE && side == 1)) {
        *outcome = out;
        return SPM_OK;
      }
      if (out == SPM_PACK_INFEASIBLE)
        lb_open = false, *lb_infeasible = true; // only cap is left
      if (deadline > 0 && spm_pack_now() >= deadline)
        return SPM_OK;
    }
  }
}

// One search's step in a round of two (spm_pack_race), each perhaps on a
// thread of its own.
typedef struct spm_pack_step_s {
  spm_pack_exact_t *x;
  int64_t cap;
  double deadline;
  uint64_t stop; // node limit of the step, in x's count
  int64_t *off;
  // Whether a proof that nothing fits ends the race (a packing always does).
  bool infeasible_ends;
  // The other step of the race; the one whose end decides it lowers this
  // step's cutoff to its own count (spm_pack_exact_set_cutoff).
  struct spm_pack_step_s *other;
  _Atomic uint64_t cutoff;
  uint64_t entered; // nodes entered in the step
  uint64_t overrun; // of those, how many past the cutoff
  spm_pack_outcome_t out;
  spm_status_t s;
} spm_pack_step_t;

// Whether a step's outcome ends its race: a packing, or a proof that none
// fits where that counts.
static bool spm_pack_step_ends(const spm_pack_step_t *t) {
  return t->out == SPM_PACK_FOUND ||
         (t->out == SPM_PACK_INFEASIBLE && t->infeasible_ends);
}

static void spm_pack_step_run(spm_pack_step_t *t) {
  uint64_t before = spm_pack_exact_nodes(t->x);
  t->s = spm_pack_exact_solve(t->x, t->cap, t->deadline, t->stop, t->off,
                              &t->out);
  t->entered = spm_pack_exact_nodes(t->x) - before;
  if (spm_status_is_ok(t->s) && spm_pack_step_ends(t)) {
    uint64_t c = atomic_load(&t->other->cutoff);
    while (t->entered < c &&
           !atomic_compare_exchange_weak(&t->other->cutoff, &c, t->entered))
      ;
  }
}

static void *spm_pack_step_thread(void *arg) {
  spm_pack_step_run(arg);
  return NULL;
}

// One round of two searches, a (if run_a) and b (if run_b), b on a second
// thread when both run: a race whose result does not depend on which
// thread is faster. A step that ends the race (spm_pack_step_ends) after
// entering k nodes lowers the other's cutoff to k, so that the other goes
// on only as long as it could still end the race with fewer nodes (or as
// many, for a). Afterwards, an outcome reached past the step's cutoff (its
// thread ran ahead) is taken back to SPM_PACK_LIMIT, and its nodes past
// the cutoff are counted in `overrun`. What is left depends on node counts
// alone: the caller looks at a's outcome first, then b's (if both end the
// race, they did so with as many nodes). A step cut short leaves its
// search at a count that depends on timing, so callers must not search
// with it again (its outcome and overrun are deterministic, its state is
// not). serial: a, then b, on this thread: the same outcomes, and the
// same node counts net of overruns (entered - overrun; a runs its whole
// step first, so what the other thread would have cut, it counts as
// overrun).
static void spm_pack_race(spm_pack_step_t *a, bool run_a, spm_pack_step_t *b,
                          bool run_b, bool serial) {
  a->other = b;
  b->other = a;
  atomic_store(&a->cutoff, UINT64_MAX);
  atomic_store(&b->cutoff, UINT64_MAX);
  a->entered = b->entered = a->overrun = b->overrun = 0;
  a->out = b->out = SPM_PACK_LIMIT;
  spm_pack_exact_set_cutoff(a->x, &a->cutoff);
  spm_pack_exact_set_cutoff(b->x, &b->cutoff);
  pthread_t th;
  bool threaded = !serial && run_a && run_b &&
                  pthread_create(&th, NULL, spm_pack_step_thread, b) == 0;
  if (run_a)
    spm_pack_step_run(a);
  if (threaded)
    pthread_join(th, NULL);
  else if (run_b)
    spm_pack_step_run(b);
  spm_pack_exact_set_cutoff(a->x, NULL);
  spm_pack_exact_set_cutoff(b->x, NULL);
  for (int i = 0; i < 2; ++i) {
    spm_pack_step_t *t = i ? b : a;
    uint64_t c = atomic_load(&t->cutoff);
    if (t->entered > c) {
      t->overrun = t->entered - c;
      t->out = SPM_PACK_LIMIT;
    }
  }
}

// Whether flags leave the exact phase its mirrored search: not switched off,
// and not one search alone (skyline or bottom-left).
static bool spm_pack_mirror_allowed(unsigned flags) {
  return !(flags & (SPM_PACK_NO_MIRROR | SPM_PACK_ONLY_CANONICAL |
                    SPM_PACK_ONLY_BL));
}

// The buffers mirrored in time (live in [T - end, T - start) for the last
// end T): conflicts, and so packings, are the same, but a search that
// builds up from the bottom-left meets the instance from its other end.
// Returns NULL when out of memory; the caller frees the copy.
static spm_pack_buffer_t *spm_pack_mirror(const spm_pack_buffer_t *bufs,
                                          size_t n) {
  spm_pack_buffer_t *m = malloc((n ? n : 1) * sizeof *m);
  if (!m)
    return NULL;
  // t - x when no start is negative (then 0 <= t - x <= t); otherwise
  // t - start could overflow (t = 2^62, start = -2^62), and ~x = -x - 1
  // reverses time without overflowing.
  int64_t t = 0;
  bool negative = false;
  for (size_t i = 0; i < n; ++i) {
    t = bufs[i].end > t ? bufs[i].end : t;
    negative |= bufs[i].start < 0;
  }
  for (size_t i = 0; i < n; ++i) {
    m[i] = bufs[i];
    m[i].start = negative ? ~bufs[i].end : t - bufs[i].end;
    m[i].end = negative ? ~bufs[i].start : t - bufs[i].start;
  }
  return m;
}

// Looks for a packing within cap with two searches at once: x on the
// buffers and one on the buffers mirrored in time (spm_pack_mirror), each
// with its own nogoods and weights, on two threads. On holes and sliver
// instances the two fail on different seeds, so running both packs more
// in the same wall time (docs/benchmarks.md); a second thread is not
// started unless x alone fails its first step, of `alone` nodes (at most
// 2^20). They run in rounds of doubling node budgets, each round a race
// (spm_pack_race, x first): the search that ends it (a packing, or a proof
// that none fits) with fewer nodes in the round decides, x on a tie, so
// the result does not depend on which thread is faster: it is as
// deterministic as one search. Each
// gets half of `budget`, the nodes the two may use from now on (0: no
// limit). Fills off and *outcome as spm_pack_exact_solve() does; *nodes
// gets the mirror's nodes (x counts its own), and *overrun x's nodes past
// the race's cutoff. *x_lost says that the mirror decided: x was cut short
// where it stood, so its state depends on timing (spm_pack_race) and it
// must not search on.
static spm_status_t
spm_pack_exact_pair(const spm_pack_buffer_t *bufs, size_t n, unsigned flags,
                    spm_pack_exact_t *x, int64_t cap, double deadline,
                    uint64_t budget, uint64_t alone, int64_t *off,
                    spm_pack_outcome_t *outcome, uint64_t *nodes,
                    uint64_t *overrun, bool *x_lost) {
  uint64_t half = budget ? (budget + 1) / 2 : 0;
  uint64_t x0 = spm_pack_exact_nodes(x);
  *nodes = *overrun = 0;
  *x_lost = false;
  spm_pack_outcome_t out;
  spm_status_t s = spm_pack_exact_solve(
      x, cap, deadline, x0 + (half && half < alone ? half : alone), off, &out);
  *outcome = out;
  if (!spm_status_is_ok(s) || out != SPM_PACK_LIMIT ||
      (half && spm_pack_exact_nodes(x) - x0 >= half) ||
      (deadline > 0 && spm_pack_now() >= deadline))
    return s;
  spm_pack_buffer_t *mb = spm_pack_mirror(bufs, n);
  int64_t *moff = malloc((n ? n : 1) * sizeof *moff);
  spm_pack_exact_t *y = NULL;
  if (!mb || !moff)
    s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  else
    s = spm_pack_exact_create(mb, n, flags, &y);
  free(mb);
  spm_pack_step_t a = {.x = x, .cap = cap, .deadline = deadline, .off = off,
                       .infeasible_ends = true, .s = SPM_OK};
  spm_pack_step_t b = {.x = y, .cap = cap, .deadline = deadline, .off = moff,
                       .infeasible_ends = true, .s = SPM_OK};
  uint64_t y_overrun = 0;
  for (int round = 1; spm_status_is_ok(s); ++round) {
    uint64_t step = round >= 40 ? UINT64_MAX / 4 : alone << round;
    uint64_t na = spm_pack_exact_nodes(x) - x0, nb = spm_pack_exact_nodes(y);
    a.stop = x0 + (half && half - na < step ? half : na + step);
    b.stop = half && half - nb < step ? half : nb + step;
    bool run_a = !half || na < half, run_b = !half || nb < half;
    if (!run_a && !run_b)
      break; // both at their limits
    spm_pack_race(&a, run_a, &b, run_b, flags & SPM_PACK_SERIAL);
    *overrun = a.overrun; // only the last round, which a race ends, cuts
    y_overrun = b.overrun;
    if (!spm_status_is_ok(a.s)) {
      spm_status_free(b.s);
      s = a.s;
      break;
    }
    if (!spm_status_is_ok(b.s)) {
      s = b.s;
      break;
    }
    if (spm_pack_step_ends(&a)) {
      *outcome = a.out;
      break;
    }
    if (spm_pack_step_ends(&b)) {
      *outcome = b.out;
      *x_lost = true;
      if (b.out == SPM_PACK_FOUND)
        memcpy(off, moff, n * sizeof *off);
      break;
    }
    if (deadline > 0 && spm_pack_now() >= deadline)
      break;
  }
  *nodes = y ? spm_pack_exact_nodes(y) - y_overrun : 0;
  spm_pack_exact_destroy(y);
  free(moff);
  return s;
}

// A search's outcome at capacity p, applied to a minimisation between *lo
// and the incumbent (best, *best_peak = *hi): a packing (in off) becomes
// the incumbent, a proof that nothing fits raises *lo above p.
static void spm_pack_take_probe(const spm_pack_buffer_t *bufs, size_t n,
                                spm_pack_outcome_t out, int64_t p,
                                const int64_t *off, int64_t *best,
                                int64_t *best_peak, int64_t *lo, int64_t *hi,
                                spm_pack_result_t *r) {
  if (out == SPM_PACK_FOUND) {
    memcpy(best, off, n * sizeof *off);
    *hi = *best_peak = spm_pack_peak_of(bufs, n, off);
    r->algorithm = "exact";
  } else if (out == SPM_PACK_INFEASIBLE) {
    *lo = p + 1;
  }
}

// Minimisation between lo (no smaller peak is possible) and the incumbent
// best/best_peak, anytime. First the search at lo alone, with half of what
// the limits leave. If that neither meets nor refutes lo, two searches
// alternate in rounds of doubling node budgets: the one at lo goes on
// (`x_lo`: meeting lo ends the search, a proof raises lo), and one at the
// midpoint between lo and the incumbent's peak (`x`, a quarter of the
// budget) lowers the incumbent when it packs and raises lo when it proves
// that nothing fits. Each search resumes at an unchanged capacity. Sets
// r->optimal when lo meets the incumbent, r->limit_reached when the
// deadline or the node limit (for both searches together) comes first; the
// incumbent is the best packing found either way. (Searching at lo alone
// until the limit, as before, left the heuristic's packing wherever lo
// could be neither met nor refuted in time: 1.18-1.25 times the lower
// bound on four holes instances of 300, against 1.01-1.03 now.)
static spm_status_t
spm_pack_exact_minimize(const spm_pack_buffer_t *bufs, size_t n,
                        unsigned flags, spm_pack_exact_t *x,
                        spm_pack_exact_t **x_lo_p, int64_t lo,
                        double deadline, uint64_t node_limit, int64_t *off,
                        int64_t *best, int64_t *best_peak,
                        spm_pack_result_t *r, uint64_t *extra) {
  int64_t hi = *best_peak;
  spm_pack_exact_t *x_lo = *x_lo_p;
  *extra = 0;
  // First the search at lo alone, with half of what the limits leave (all
  // of it when there are none): lo is the optimum of most instances, and
  // one uninterrupted search gets there fastest. It is the mirrored pair
  // (spm_pack_exact_pair) unless flags rule that out, as at a capacity
  // equal to the lower bound.
  uint64_t used = spm_pack_exact_nodes(x) + spm_pack_exact_nodes(x_lo);
  if (lo < hi && (!node_limit || used < node_limit)) {
    uint64_t budget = node_limit ? (node_limit - used + 1) / 2 : 0;
    double half = deadline > 0
                      ? spm_pack_now() + (deadline - spm_pack_now()) / 2
                      : 0;
    spm_pack_outcome_t out;
    spm_status_t s;
    if (!spm_pack_mirror_allowed(flags)) {
      s = spm_pack_exact_solve(
          x_lo, lo, half, budget ? spm_pack_exact_nodes(x_lo) + budget : 0,
          off, &out);
    } else {
      uint64_t mirror = 0, overrun = 0;
      bool lost = false;
      s = spm_pack_exact_pair(bufs, n, flags, x_lo, lo, half, budget,
                              flags & SPM_PACK_PAIR_EARLY
                                  ? SPM_PACK_LADDER_NODES
                                  : SPM_PACK_MIN_ALONE_NODES,
                              off, &out, &mirror, &overrun, &lost);
      *extra += mirror;
      if (spm_status_is_ok(s) && lost) {
        // The mirror decided, and x_lo's state depends on timing: the
        // search at lo goes on afresh (its nodes stay counted).
        *extra += spm_pack_exact_nodes(x_lo) - overrun;
        spm_pack_exact_t *fresh = NULL;
        s = spm_pack_exact_create(bufs, n, flags, &fresh);
        if (spm_status_is_ok(s)) {
          spm_pack_exact_destroy(x_lo);
          *x_lo_p = x_lo = fresh;
        }
      }
    }
    if (!spm_status_is_ok(s))
      return s;
    spm_pack_take_probe(bufs, n, out, lo, off, best, best_peak, &lo, &hi, r);
    // The nodes counted outside x and x_lo come off the node limit.
    if (node_limit && *extra >= node_limit) {
      r->limit_reached = lo < hi;
      r->optimal = lo >= hi;
      return SPM_OK;
    }
    node_limit -= node_limit ? *extra : 0;
  }
  for (int round = 0; lo < hi; ++round) {
    uint64_t step =
        round >= 40 ? UINT64_MAX / 4 : SPM_PACK_LADDER_NODES << round;
    for (int side = 0; side < 2 && lo < hi; ++side) {
      int64_t p = side == 0 ? lo : lo + (hi - lo) / 2;
      if (side == 1 && p == lo)
        continue; // the search at lo covers it
      spm_pack_exact_t *y = side == 0 ? x_lo : x;
      uint64_t stop;
      if (!spm_pack_step_stop(x, x_lo, y,
                              side == 0 ? step : step / SPM_PACK_MIN_MID_SHARE,
                              node_limit, &stop)) {
        r->limit_reached = true;
        return SPM_OK;
      }
      spm_pack_outcome_t out;
      spm_status_t s = spm_pack_exact_solve(y, p, deadline, stop, off, &out);
      if (!spm_status_is_ok(s))
        return s;
      spm_pack_take_probe(bufs, n, out, p, off, best, best_peak, &lo, &hi, r);
      if (lo < hi && deadline > 0 && spm_pack_now() >= deadline) {
        r->limit_reached = true;
        return SPM_OK;
      }
    }
  }
  r->optimal = true;
  return SPM_OK;
}

// The exact phase: a feasibility probe at the capacity when needed, then
// (when minimising) a search between the lower bound and the incumbent.
// best/best_peak hold the incumbent packing and are improved in place.
// flags: rules switched off (spm_pack_with_flags), OR-ed with the search
// o->search selects.
static spm_status_t spm_pack_exact_phase(const spm_pack_buffer_t *bufs,
                                         size_t n, const spm_pack_options_t *o,
                                         unsigned flags, bool probe_capacity,
                                         bool minimize, int64_t *best,
                                         int64_t *best_peak,
                                         spm_pack_result_t *r) {
  spm_pack_exact_t *x = NULL;
  flags |= o->search == SPM_PACK_SEARCH_SKYLINE       ? SPM_PACK_ONLY_CANONICAL
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
  spm_pack_exact_t *x_lb = NULL;
  bool lb_infeasible = false;
  uint64_t mirror_nodes = 0, overrun = 0, minimize_nodes = 0;
  if (probe_capacity && cap > r->lower_bound) {
    s = spm_pack_exact_create(bufs, n, flags, &x_lb);
    if (spm_status_is_ok(s))
      s = spm_pack_exact_ladder(x, x_lb, cap, r->lower_bound, deadline,
                                o->node_limit, off, &out, &lb_infeasible);
  } else if (probe_capacity &&
             spm_pack_mirror_allowed(flags)) {
    bool x_lost; // x is not searched again: see spm_pack_exact_minimize
    s = spm_pack_exact_pair(bufs, n, flags, x, cap, deadline, o->node_limit,
                            SPM_PACK_LADDER_NODES, off, &out, &mirror_nodes,
                            &overrun, &x_lost);
  } else if (probe_capacity) {
    s = spm_pack_exact_solve(x, cap, deadline, o->node_limit, off, &out);
  }
  if (probe_capacity) {
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
  if (spm_status_is_ok(s) && minimize && incumbent_fits && !r->limit_reached &&
      !x_lb)
    s = spm_pack_exact_create(bufs, n, flags, &x_lb);
  if (spm_status_is_ok(s) && minimize && incumbent_fits && !r->limit_reached)
    s = spm_pack_exact_minimize(bufs, n, flags, x, &x_lb,
                                r->lower_bound + (lb_infeasible ? 1 : 0),
                                deadline, o->node_limit, off, best, best_peak,
                                r, &minimize_nodes);
  // Nodes that a race's losing thread ran past its cutoff are not counted,
  // so that the count is the same from run to run (spm_pack_race).
  r->nodes = spm_pack_exact_nodes(x) + mirror_nodes + minimize_nodes +
             (x_lb ? spm_pack_exact_nodes(x_lb) : 0) - overrun;
  spm_pack_exact_destroy(x_lb);
  spm_pack_exact_destroy(x);
  free(off);
  return s;
}

spm_status_t spm_pack(spm_pack_buffer_t *bufs, size_t n,
                      const spm_pack_options_t *options,
                      spm_pack_result_t *result) {
  return spm_pack_with_flags(bufs, n, options, 0, result);
}

spm_status_t spm_pack_with_flags(spm_pack_buffer_t *bufs, size_t n,
                                 const spm_pack_options_t *options,
                                 unsigned flags, spm_pack_result_t *result) {
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
    // The exact search only where it can change the answer: when the
    // heuristic's packing misses the capacity, or, when minimising, the
    // lower bound. A packing within the capacity answers the question
    // "exact" asks; one at the bound is optimal. (Until this rule, "exact"
    // searched in every case: 10,000 buffers all live at once, packed at
    // the bound by the heuristic in 26 ms, took 1.2 s and 515 MB.)
    bool probe = cap && peak > cap;
    bool improve = minimize && peak > result->lower_bound;
    // Too large for the exact search: said at once, not after the time
    // limit (with no limits the search's loops would never end).
    if ((probe || improve) &&
        (n > SPM_PACK_EXACT_MAX_BUFFERS ||
         spm_pack_conflict_pairs(bufs, n) > SPM_PACK_EXACT_MAX_CONFLICTS))
      result->too_large = result->limit_reached = true;
    else if (probe || improve)
      s = spm_pack_exact_phase(bufs, n, &o, flags, probe, minimize, best,
                               &peak, result);
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
