// spm_buf_type_cache.h: a linear-probing table from type handle to decoded
// type, grown at half full.
#include "dialect/spm_buf_type_cache.h"

#include <stdint.h>
#include <stdlib.h>

struct spm_buf_type_cache_entry_s {
  const void *key; // MlirType.ptr; NULL marks an empty slot
  spm_buf_type_t value;
};

static size_t spm_buf_type_cache_hash(const void *key, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)key;
  h ^= h >> 33; // the low bits of a pointer are mostly alignment
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (size_t)h & (cap - 1);
}

// The slot holding `key`, or the empty slot where it would go (cap > 0).
static spm_buf_type_cache_entry_t *
spm_buf_type_cache_find(const spm_buf_type_cache_t *c, const void *key) {
  size_t i = spm_buf_type_cache_hash(key, c->cap);
  while (c->slots[i].key && c->slots[i].key != key)
    i = (i + 1) & (c->cap - 1);
  return &c->slots[i];
}

static void spm_buf_type_cache_grow(spm_buf_type_cache_t *c) {
  spm_buf_type_cache_t n = {NULL, c->cap ? 2 * c->cap : 16, c->len};
  n.slots = calloc(n.cap, sizeof *n.slots);
  if (!n.slots)
    abort();
  for (size_t i = 0; i < c->cap; ++i)
    if (c->slots[i].key)
      *spm_buf_type_cache_find(&n, c->slots[i].key) = c->slots[i];
  free(c->slots);
  *c = n;
}

spm_status_t spm_buf_type_cache_decode(spm_buf_type_cache_t *cache, MlirType t,
                                       spm_buf_type_t *out) {
  if (cache->cap) {
    const spm_buf_type_cache_entry_t *e = spm_buf_type_cache_find(cache, t.ptr);
    if (e->key) {
      *out = e->value;
      return SPM_OK;
    }
  }
  spm_status_t s = spm_buf_type_decode(t, out);
  if (!spm_status_is_ok(s) || !t.ptr)
    return s;
  if (2 * (cache->len + 1) > cache->cap)
    spm_buf_type_cache_grow(cache);
  spm_buf_type_cache_entry_t *e = spm_buf_type_cache_find(cache, t.ptr);
  e->key = t.ptr;
  e->value = *out;
  cache->len++;
  return SPM_OK;
}

void spm_buf_type_cache_free(spm_buf_type_cache_t *cache) {
  free(cache->slots);
  *cache = (spm_buf_type_cache_t)SPM_BUF_TYPE_CACHE_INIT;
}
