// A minimal harness for spm's C unit tests (header-only).
//
//   SPM_TEST(name) { SPM_EXPECT(x == 1); SPM_EXPECT_STR_CONTAINS(s, "k"); }
//   int main(void) { SPM_RUN(name); return spm_test_finish(); }
//
// Each failed expectation prints file:line and the expression; the binary
// prints "N passed, N failed" (checks) and exits non-zero on any failure.
#ifndef SPM_SUPPORT_UNIT_TEST_H
#define SPM_SUPPORT_UNIT_TEST_H

#include <stdio.h>
#include <string.h>

static int spm_test_passed, spm_test_failed;

#define SPM_TEST(name) static void name(void)
#define SPM_RUN(name)                                                          \
  do {                                                                         \
    fprintf(stderr, "-- %s\n", #name);                                         \
    name();                                                                    \
  } while (0)
#define SPM_EXPECT(cond)                                                       \
  do {                                                                         \
    if (cond)                                                                  \
      spm_test_passed++;                                                       \
    else {                                                                     \
      spm_test_failed++;                                                       \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                          \
  } while (0)
#define SPM_EXPECT_STR_CONTAINS(s, sub)                                        \
  do {                                                                         \
    const char *spm_s_ = (s);                                                  \
    if (spm_s_ && strstr(spm_s_, (sub)))                                       \
      spm_test_passed++;                                                       \
    else {                                                                     \
      spm_test_failed++;                                                       \
      fprintf(stderr, "%s:%d: FAILED: \"%s\" does not contain \"%s\"\n",       \
              __FILE__, __LINE__, spm_s_ ? spm_s_ : "(null)", (sub));         \
    }                                                                          \
  } while (0)

static inline int spm_test_finish(void) {
  printf("checks: %d passed, %d failed\n", spm_test_passed, spm_test_failed);
  return spm_test_failed ? 1 : 0;
}

#endif
