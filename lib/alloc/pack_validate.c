// The checks around packing, deliberately independent of the placement code:
// input checks, the lower bound, the time of peak pressure and the validator.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pack_internal.h"


spm_status_t spm_pack_check_buffers(const spm_pack_buffer_t *bufs, size_t n) {
  if (n > 0 && !bufs)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "no buffer array for %zu buffers", n);
  if (n >= UINT32_MAX)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "too many buffers (%zu)", n);
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const spm_pack_buffer_t *b = &bufs[i];
    if (b->start >= b->end)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "buffer %" PRId64 ": empty live range [%" PRId64
                             ", %" PRId64 ")",
                             b->id, b->start, b->end);
    if (b->size <= 0)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "buffer %" PRId64 ": size %" PRId64
                             " is not positive",
                             b->id, b->size);
    if (b->align < 1 || (b->align & (b->align - 1)) != 0)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "buffer %" PRId64 ": alignment %" PRId64
                             " is not a power of two",
                             b->id, b->align);
    if (b->size > SPM_PACK_MAX_TOTAL - total ||
        b->align > SPM_PACK_MAX_TOTAL - total - b->size)
      return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                             "buffer %" PRId64 ": the sizes and alignments "
                             "add up to more than %" PRId64,
                             b->id, (int64_t)SPM_PACK_MAX_TOTAL);
    total += b->size + b->align;
  }
  return SPM_OK;
}

// --- lower bound -------------------------------------------------------------
//
// At a time t let S be the live buffers and a any alignment; the buffers of
// S aligned to at least a all sit at multiples of a. Sorted by offset, each
// one's successor starts at a multiple of a at or above its end, so each but
// the topmost takes at least its size rounded up to a; the topmost takes its
// size. Hence
//   peak >= sum_{i in S, align_i >= a} up(size_i, a) - max_i (up(size_i, a) -
//   size_i)
// for every a, and for a = the smallest alignment this is at least the sum
// of the sizes. When every size is a multiple of its alignment the rounding
// is a no-op and the bound is the plain sum of the live sizes.

typedef struct {
  int64_t t;
  uint32_t i;
  uint8_t start; // 0: end, 1: start (ends first at equal times)
} spm_pack_event_t;

static int spm_pack_event_cmp(const void *pa, const void *pb) {
  const spm_pack_event_t *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

// A max-heap of (waste, end) with lazy deletion of ended buffers.
typedef struct {
  int64_t waste, end;
} spm_pack_heap_item_t;

static void spm_pack_heap_push(spm_pack_heap_item_t *h, size_t *len,
                               spm_pack_heap_item_t it) {
  size_t k = (*len)++;
  while (k > 0) {
    size_t p = (k - 1) / 2;
    if (h[p].waste >= it.waste)
      break;
    h[k] = h[p];
    k = p;
  }
  h[k] = it;
}

static void spm_pack_heap_pop(spm_pack_heap_item_t *h, size_t *len) {
  spm_pack_heap_item_t it = h[--*len];
  size_t k = 0, m = *len;
  for (;;) {
    size_t c = 2 * k + 1;
    if (c >= m)
      break;
    if (c + 1 < m && h[c + 1].waste > h[c].waste)
      c++;
    if (h[c].waste <= it.waste)
      break;
    h[k] = h[c];
    k = c;
  }
  if (m > 0)
    h[k] = it;
}

int64_t spm_pack_lower_bound_at(const spm_pack_buffer_t *bufs, size_t n,
                                int64_t *time) {
  *time = 0;
  if (n == 0 || !bufs)
    return 0;
  spm_pack_event_t *ev = malloc(2 * n * sizeof *ev);
  spm_pack_heap_item_t *heap = malloc(n * sizeof *heap);
  if (!ev || !heap) {
    free(ev);
    free(heap);
    return -1;
  }
  // The alignments to try: the smallest always; the others only matter when
  // some size is not a multiple of its alignment.
  int64_t aligns[64];
  size_t naligns = 0;
  bool exact_sizes = true;
  int64_t amin = INT64_MAX;
  for (size_t i = 0; i < n; ++i) {
    ev[2 * i] = (spm_pack_event_t){bufs[i].start, (uint32_t)i, 1};
    ev[2 * i + 1] = (spm_pack_event_t){bufs[i].end, (uint32_t)i, 0};
    if (bufs[i].size % bufs[i].align != 0)
      exact_sizes = false;
    if (bufs[i].align < amin)
      amin = bufs[i].align;
  }
  aligns[naligns++] = amin;
  if (!exact_sizes)
    for (int sh = 0; sh <= 62; ++sh) {
      int64_t a = (int64_t)1 << sh;
      if (a <= amin)
        continue;
      for (size_t i = 0; i < n; ++i)
        if (bufs[i].align == a) {
          aligns[naligns++] = a;
          break;
        }
    }
  qsort(ev, 2 * n, sizeof *ev, spm_pack_event_cmp);
  int64_t best = 0, best_t = bufs[0].start;
  bool have = false;
  for (size_t k = 0; k < naligns; ++k) {
    int64_t a = aligns[k], sum = 0;
    size_t hlen = 0;
    for (size_t e = 0; e < 2 * n;) {
      int64_t t = ev[e].t;
      bool started = false;
      for (; e < 2 * n && ev[e].t == t; ++e) {
        const spm_pack_buffer_t *b = &bufs[ev[e].i];
        if (b->align < a)
          continue;
        int64_t r = spm_pack_align_up(b->size, a);
        if (ev[e].start) {
          sum += r;
          started = true;
          if (r != b->size)
            spm_pack_heap_push(heap, &hlen,
                               (spm_pack_heap_item_t){r - b->size, b->end});
        } else {
          sum -= r;
        }
      }
      if (!started)
        continue;
      while (hlen > 0 && heap[0].end <= t)
        spm_pack_heap_pop(heap, &hlen);
      int64_t v = sum - (hlen > 0 ? heap[0].waste : 0);
      if (!have || v > best || (v == best && t < best_t)) {
        best = v;
        best_t = t;
        have = true;
      }
    }
  }
  free(ev);
  free(heap);
  *time = best_t;
  return best;
}

int64_t spm_pack_lower_bound(const spm_pack_buffer_t *bufs, size_t n) {
  int64_t t;
  return spm_pack_lower_bound_at(bufs, n, &t);
}

size_t spm_pack_peak_live(const spm_pack_buffer_t *bufs, size_t n,
                          int64_t *time, size_t *live, size_t max_ids) {
  int64_t t = 0;
  spm_pack_lower_bound_at(bufs, n, &t);
  if (time)
    *time = t;
  size_t count = 0;
  for (size_t i = 0; i < n; ++i)
    if (bufs[i].start <= t && t < bufs[i].end) {
      if (live && count < max_ids)
        live[count] = i;
      count++;
    }
  return count;
}

// --- validator
// -----------------------------------------------------------------

typedef struct {
  int64_t start;
  uint32_t i;
} spm_pack_start_key_t;

static int spm_pack_by_start(const void *pa, const void *pb) {
  const spm_pack_start_key_t *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static spm_status_t
spm_pack_violation(spm_pack_violation_t *v, const spm_pack_buffer_t *bufs,
                   size_t first, size_t second, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

// Records a finding: the detail in *v (if any) and the status message.
static spm_status_t spm_pack_violation(spm_pack_violation_t *v,
                                       const spm_pack_buffer_t *bufs,
                                       size_t first, size_t second,
                                       const char *fmt, ...) {
  char detail[192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  if (v) {
    v->first = first;
    v->second = second;
    memcpy(v->detail, detail, sizeof detail);
  }
  if (second == SIZE_MAX)
    return spm_status_make(SPM_STATUS_FAILED, "buffer %" PRId64 ": %s",
                           bufs[first].id, detail);
  return spm_status_make(SPM_STATUS_FAILED,
                         "buffers %" PRId64 " and %" PRId64 " overlap: %s",
                         bufs[first].id, bufs[second].id, detail);
}

// The index of coordinate x in the sorted distinct xs[0..m) (present).
static size_t spm_pack_coord(const int64_t *xs, size_t m, int64_t x) {
  size_t lo = 0, hi = m;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (xs[mid] <= x)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

// Counts over the elementary ranges 0..n-1: add v on [lo, hi), max on
// [lo, hi). Lazy: add[] is what a node's whole range received, mx[] the max
// of its range including add[].
typedef struct {
  int32_t *mx, *add;
  size_t n;
} spm_pack_segtree_t;

static bool spm_pack_segtree_init(spm_pack_segtree_t *t, size_t n) {
  t->n = n ? n : 1;
  t->mx = calloc(4 * t->n, sizeof *t->mx);
  t->add = calloc(4 * t->n, sizeof *t->add);
  return t->mx && t->add;
}

static void spm_pack_segtree_free(spm_pack_segtree_t *t) {
  free(t->mx);
  free(t->add);
}

static void spm_pack_segtree_add_at(spm_pack_segtree_t *t, size_t node,
                                    size_t l, size_t r, size_t lo, size_t hi,
                                    int32_t v) {
  if (hi <= l || r <= lo)
    return;
  if (lo <= l && r <= hi) {
    t->mx[node] += v;
    t->add[node] += v;
    return;
  }
  size_t mid = l + (r - l) / 2;
  spm_pack_segtree_add_at(t, 2 * node, l, mid, lo, hi, v);
  spm_pack_segtree_add_at(t, 2 * node + 1, mid, r, lo, hi, v);
  int32_t a = t->mx[2 * node], b = t->mx[2 * node + 1];
  t->mx[node] = (a > b ? a : b) + t->add[node];
}

static int32_t spm_pack_segtree_max_at(const spm_pack_segtree_t *t,
                                       size_t node, size_t l, size_t r,
                                       size_t lo, size_t hi) {
  if (hi <= l || r <= lo)
    return INT32_MIN;
  if (lo <= l && r <= hi)
    return t->mx[node];
  size_t mid = l + (r - l) / 2;
  int32_t a = spm_pack_segtree_max_at(t, 2 * node, l, mid, lo, hi);
  int32_t b = spm_pack_segtree_max_at(t, 2 * node + 1, mid, r, lo, hi);
  return (a > b ? a : b) + t->add[node];
}

static void spm_pack_segtree_add(spm_pack_segtree_t *t, size_t lo, size_t hi,
                                 int32_t v) {
  spm_pack_segtree_add_at(t, 1, 0, t->n, lo, hi, v);
}

static int32_t spm_pack_segtree_max(const spm_pack_segtree_t *t, size_t lo,
                                    size_t hi) {
  return spm_pack_segtree_max_at(t, 1, 0, t->n, lo, hi);
}

// The overlap found when buffer `b` starts: its partner is the first buffer
// in start order that is still live and shares a byte with it (the pair
// the pairwise sweep reported). O(n), once.
static spm_status_t spm_pack_overlap(spm_pack_violation_t *v,
                                     const spm_pack_buffer_t *bufs,
                                     const spm_pack_start_key_t *order,
                                     size_t n, uint32_t bi) {
  const spm_pack_buffer_t *b = &bufs[bi];
  for (size_t k = 0; k < n && order[k].i != bi; ++k) {
    const spm_pack_buffer_t *o = &bufs[order[k].i];
    if (o->end <= b->start || o->offset >= b->offset + b->size ||
        b->offset >= o->offset + o->size)
      continue;
    int64_t lo = b->offset > o->offset ? b->offset : o->offset;
    int64_t hi = b->offset + b->size < o->offset + o->size
                     ? b->offset + b->size
                     : o->offset + o->size;
    int64_t t1 = b->end < o->end ? b->end : o->end;
    return spm_pack_violation(v, bufs, order[k].i, bi,
                              "both live in [%" PRId64 ", %" PRId64
                              ") and both use bytes [%" PRId64 ", %" PRId64
                              ")",
                              b->start, t1, lo, hi);
  }
  return spm_status_make(SPM_STATUS_INTERNAL,
                         "spm_pack_validate: an overlap without a partner");
}

// Overlaps by a sweep over the buffers in start order (`order`), keeping
// the live ones and comparing each new buffer with all of them: O(n +
// conflicting pairs), the cheapest when few buffers are live at once.
// Gives up (false) once it has made 32 n + 2^20 comparisons, which bounds
// its quadratic case (all 50,000 buffers live: 5.6 s); true with the
// verdict in *s otherwise.
static bool spm_pack_overlaps_pairwise(const spm_pack_buffer_t *bufs, size_t n,
                                       const spm_pack_start_key_t *order,
                                       spm_pack_violation_t *v,
                                       spm_status_t *s) {
  uint32_t *active = malloc(n * sizeof *active);
  if (!active)
    return false;
  uint64_t work = 0, budget = 32 * (uint64_t)n + ((uint64_t)1 << 20);
  size_t nactive = 0;
  for (size_t k = 0; k < n && work <= budget; ++k) {
    const spm_pack_buffer_t *b = &bufs[order[k].i];
    size_t keep = 0;
    work += nactive;
    for (size_t j = 0; j < nactive; ++j) {
      const spm_pack_buffer_t *o = &bufs[active[j]];
      if (o->end <= b->start)
        continue; // ended: drop
      active[keep++] = active[j];
      if (o->offset < b->offset + b->size && b->offset < o->offset + o->size) {
        free(active);
        *s = spm_pack_overlap(v, bufs, order, n, order[k].i);
        return true;
      }
    }
    nactive = keep;
    active[nactive++] = order[k].i;
  }
  free(active);
  return work <= budget;
}

// Overlaps by a sweep over time (ends before starts at equal times, starts
// in `order`), counting the live buffers on each elementary byte range
// (between consecutive distinct offsets and ends) in a segment tree with
// range add and range max: a starting buffer overlaps a live one iff the
// max over its bytes is above 0. O(n log n) whatever the number of
// conflicting pairs (all 50,000 buffers live: 0.1 s).
static spm_status_t spm_pack_overlaps_segtree(const spm_pack_buffer_t *bufs,
                                              size_t n,
                                              const spm_pack_start_key_t *order,
                                              spm_pack_violation_t *v) {
  spm_pack_event_t *ev = malloc(2 * n * sizeof *ev);
  int64_t *xs = malloc(2 * n * sizeof *xs);
  spm_pack_segtree_t t = {0};
  if (!ev || !xs) {
    free(ev);
    free(xs);
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < n; ++i) {
    ev[2 * i] = (spm_pack_event_t){bufs[i].start, (uint32_t)i, 1};
    ev[2 * i + 1] = (spm_pack_event_t){bufs[i].end, (uint32_t)i, 0};
    xs[2 * i] = bufs[i].offset;
    xs[2 * i + 1] = bufs[i].offset + bufs[i].size;
  }
  qsort(ev, 2 * n, sizeof *ev, spm_pack_event_cmp);
  qsort(xs, 2 * n, sizeof *xs, spm_pack_i64_cmp);
  size_t m = 0; // distinct coordinates
  for (size_t i = 0; i < 2 * n; ++i)
    if (m == 0 || xs[m - 1] != xs[i])
      xs[m++] = xs[i];
  spm_status_t s = SPM_OK;
  if (!spm_pack_segtree_init(&t, m - 1))
    s = spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  for (size_t k = 0; k < 2 * n && spm_status_is_ok(s); ++k) {
    const spm_pack_buffer_t *b = &bufs[ev[k].i];
    size_t lo = spm_pack_coord(xs, m, b->offset);
    size_t hi = spm_pack_coord(xs, m, b->offset + b->size);
    if (ev[k].start && spm_pack_segtree_max(&t, lo, hi) > 0)
      s = spm_pack_overlap(v, bufs, order, n, ev[k].i);
    else
      spm_pack_segtree_add(&t, lo, hi, ev[k].start ? 1 : -1);
  }
  spm_pack_segtree_free(&t);
  free(ev);
  free(xs);
  return s;
}

spm_status_t spm_pack_validate_ex(const spm_pack_buffer_t *bufs, size_t n,
                                  int64_t capacity, spm_pack_violation_t *v) {
  SPM_RETURN_IF_ERROR(spm_pack_check_buffers(bufs, n));
  for (size_t i = 0; i < n; ++i) {
    const spm_pack_buffer_t *b = &bufs[i];
    if (b->offset < 0)
      return spm_pack_violation(v, bufs, i, SIZE_MAX,
                                b->offset == -1 ? "no offset"
                                                : "negative offset %" PRId64,
                                b->offset);
    if (b->offset % b->align != 0)
      return spm_pack_violation(v, bufs, i, SIZE_MAX,
                                "offset %" PRId64
                                " is not a multiple of its alignment %" PRId64,
                                b->offset, b->align);
    if (b->offset > INT64_MAX - b->size)
      return spm_pack_violation(v, bufs, i, SIZE_MAX,
                                "offset %" PRId64 " + size %" PRId64
                                " overflows",
                                b->offset, b->size);
    if (capacity > 0 && b->offset + b->size > capacity)
      return spm_pack_violation(v, bufs, i, SIZE_MAX,
                                "[%" PRId64 ", %" PRId64
                                ") exceeds the capacity %" PRId64,
                                b->offset, b->offset + b->size, capacity);
  }
  if (n == 0)
    return SPM_OK;
  spm_pack_start_key_t *order = malloc(n * sizeof *order);
  if (!order)
    return spm_status_make(SPM_STATUS_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; ++i)
    order[i] = (spm_pack_start_key_t){bufs[i].start, (uint32_t)i};
  qsort(order, n, sizeof *order, spm_pack_by_start);
  spm_status_t s = SPM_OK;
  if (!spm_pack_overlaps_pairwise(bufs, n, order, v, &s))
    s = spm_pack_overlaps_segtree(bufs, n, order, v);
  free(order);
  return s;
}

spm_status_t spm_pack_validate(const spm_pack_buffer_t *bufs, size_t n,
                               int64_t capacity) {
  return spm_pack_validate_ex(bufs, n, capacity, NULL);
}
