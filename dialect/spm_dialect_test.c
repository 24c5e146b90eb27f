// Unit tests of the dialect's type helpers: decoding !spm.buf types, with
// and without the cache (spm_buf_type_cache.h).
#include <stdio.h>
#include <string.h>

#include "dialect/spm_buf_type_cache.h"
#include "dialect/spm_dialect.h"
#include "support/unit_test.h"

static MlirType parse_type(MlirContext ctx, const char *s) {
  return mlirTypeParseGet(ctx, mlirStringRefCreateFromCString(s));
}

static bool same_buf_type(const spm_buf_type_t *a, const spm_buf_type_t *b) {
  if (a->rank != b->rank || !mlirTypeEqual(a->elem, b->elem))
    return false;
  for (int64_t d = 0; d < a->rank; ++d)
    if (a->shape[d] != b->shape[d])
      return false;
  return true;
}

SPM_TEST(buf_type_decode) {
  MlirContext ctx;
  SPM_EXPECT(spm_status_is_ok(spm_context_create(&ctx)));
  spm_buf_type_t b;
  MlirType t = parse_type(ctx, "!spm.buf<array<i64: 4, 8>, f32>");
  SPM_EXPECT(!mlirTypeIsNull(t) && spm_type_is_buf(t));
  SPM_EXPECT(spm_status_is_ok(spm_buf_type_decode(t, &b)));
  SPM_EXPECT(b.rank == 2 && b.shape[0] == 4 && b.shape[1] == 8);
  SPM_EXPECT(spm_buf_type_bytes(&b) == 128);
  // The round trip through spm_buf_type_get gives the same (uniqued) type.
  SPM_EXPECT(mlirTypeEqual(spm_buf_type_get(ctx, b.rank, b.shape, b.elem), t));
  // IRDL accepts any attribute as the element; the decoder does not.
  MlirType bad = parse_type(ctx, "!spm.buf<array<i64: 4>, 5 : i64>");
  SPM_EXPECT(!mlirTypeIsNull(bad));
  spm_status_t s = spm_buf_type_decode(bad, &b);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "integer or float");
  spm_status_free(s);
  mlirContextDestroy(ctx);
}

// The cache gives what the decoder gives, for each of many types, read
// again and again (past several growths of its table), and keeps no
// failure: an invalid type is an error each time.
SPM_TEST(buf_type_cache) {
  MlirContext ctx;
  SPM_EXPECT(spm_status_is_ok(spm_context_create(&ctx)));
  enum { N = 100 };
  MlirType types[N];
  const char *elems[] = {"f32", "i8", "f16", "i32"};
  for (int i = 0; i < N; ++i) {
    char text[96];
    snprintf(text, sizeof text, "!spm.buf<array<i64: %d, %d>, %s>", i + 1,
             3 * i + 2, elems[i % 4]);
    types[i] = parse_type(ctx, text);
    SPM_EXPECT(!mlirTypeIsNull(types[i]));
  }
  MlirType bad = parse_type(ctx, "!spm.buf<array<i64: 0>, f32>");
  spm_buf_type_cache_t cache = SPM_BUF_TYPE_CACHE_INIT;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < N; ++i) {
      spm_buf_type_t direct, cached;
      memset(&cached, 0, sizeof cached);
      SPM_EXPECT(spm_status_is_ok(spm_buf_type_decode(types[i], &direct)));
      SPM_EXPECT(spm_status_is_ok(
          spm_buf_type_cache_decode(&cache, types[i], &cached)));
      SPM_EXPECT(same_buf_type(&direct, &cached));
      SPM_EXPECT(cached.shape[0] == i + 1 && cached.shape[1] == 3 * i + 2);
      spm_status_t s = spm_buf_type_cache_decode(&cache, bad, &cached);
      SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "must be positive");
      spm_status_free(s);
    }
  SPM_EXPECT(cache.len == N);
  spm_buf_type_cache_free(&cache);
  SPM_EXPECT(cache.slots == NULL && cache.len == 0 && cache.cap == 0);
  // A freed cache is empty and usable again.
  spm_buf_type_t b;
  SPM_EXPECT(spm_status_is_ok(spm_buf_type_cache_decode(&cache, types[7], &b)));
  SPM_EXPECT(b.shape[0] == 8 && cache.len == 1);
  spm_buf_type_cache_free(&cache);
  mlirContextDestroy(ctx);
}

int main(void) {
  SPM_RUN(buf_type_decode);
  SPM_RUN(buf_type_cache);
  return spm_test_finish();
}
