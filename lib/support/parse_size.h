// spm_parse_size: the one parser of byte counts written on command lines and
// in target specs ("512K", "1M", "262144").
//
// Grammar: one or more decimal digits, then optionally one of K, M, G (either
// case) for 2^10, 2^20, 2^30. Nothing else: no sign, no spaces, no "KB".
// Zero parses (callers that need a positive count check it themselves).
#ifndef SPM_SUPPORT_PARSE_SIZE_H
#define SPM_SUPPORT_PARSE_SIZE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum spm_parse_size_result_e {
  SPM_PARSE_SIZE_OK,           // *out holds the value
  SPM_PARSE_SIZE_MALFORMED,    // not of the grammar above; *out untouched
  SPM_PARSE_SIZE_OUT_OF_RANGE, // of the grammar, but above INT64_MAX (with
                               // its suffix applied); *out untouched
} spm_parse_size_result_t;

// Parses the NUL-terminated text s (borrowed) into *out.
spm_parse_size_result_t spm_parse_size(const char *s, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
