// Byte counts with an optional K/M/G suffix (parse_size.h).
#include "support/parse_size.h"

spm_parse_size_result_t spm_parse_size(const char *s, int64_t *out) {
  const char *p = s;
  // Digits, saturating: once the value exceeds INT64_MAX it is out of range
  // whatever follows, but the rest must still be well-formed.
  uint64_t v = 0;
  int over = 0;
  for (; *p >= '0' && *p <= '9'; ++p) {
    unsigned d = (unsigned)(*p - '0');
    if (v > ((uint64_t)INT64_MAX - d) / 10)
      over = 1;
    else
      v = v * 10 + d;
  }
  if (p == s)
    return SPM_PARSE_SIZE_MALFORMED;
  int shift = 0;
  switch (*p) {
  case 'K': case 'k': shift = 10; ++p; break;
  case 'M': case 'm': shift = 20; ++p; break;
  case 'G': case 'g': shift = 30; ++p; break;
  default: break;
  }
  if (*p)
    return SPM_PARSE_SIZE_MALFORMED;
  if (over || v > ((uint64_t)INT64_MAX >> shift))
    return SPM_PARSE_SIZE_OUT_OF_RANGE;
  *out = (int64_t)(v << shift);
  return SPM_PARSE_SIZE_OK;
}
