// A memo of decoded !spm.buf types, for code that reads the same few types
// many times (the verifier reads each spm.alloc's type twice, and a
// function of thousands of buffers has only a handful of distinct types).
//
// spm_buf_type_decode reads a type through its printed form (the C API
// cannot read an IRDL type's parameters), which builds an AsmState each
// time; a type is uniqued in its context, so its handle is a key that
// stands for the decoded value as long as the context lives. A cache is
// therefore only valid within one context's lifetime: make one per run over
// a module (e.g. on the stack of a verifier), free it before the context.
#ifndef SPM_DIALECT_SPM_BUF_TYPE_CACHE_H
#define SPM_DIALECT_SPM_BUF_TYPE_CACHE_H

#include <stddef.h>

#include "dialect/spm_dialect.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_buf_type_cache_entry_s spm_buf_type_cache_entry_t;

// Open addressing on the type handle; zero-initialise (or use
// SPM_BUF_TYPE_CACHE_INIT) before first use.
typedef struct spm_buf_type_cache_s {
  spm_buf_type_cache_entry_t *slots; // owned; NULL until the first insert
  size_t cap;                        // 0 or a power of two
  size_t len;
} spm_buf_type_cache_t;

#define SPM_BUF_TYPE_CACHE_INIT                                                \
  { NULL, 0, 0 }

// As spm_buf_type_decode(t, out), remembering each type it decoded: a type
// decoded before by `cache` is copied out without being printed and parsed
// again. Only successful decodes are kept; an invalid type is decoded (and
// its error returned, owned by the caller) every time. `t` is borrowed and
// must belong to the context the cache has been used with.
spm_status_t spm_buf_type_cache_decode(spm_buf_type_cache_t *cache, MlirType t,
                                       spm_buf_type_t *out);

// Releases the memory of `cache` (not the types) and leaves it empty.
void spm_buf_type_cache_free(spm_buf_type_cache_t *cache);

#ifdef __cplusplus
}
#endif
#endif
