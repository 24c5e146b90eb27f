// spm_status_t: the result of every fallible call in spm.
//
// Modelled on IREE's iree_status_t: a status is a pointer; NULL means OK and
// costs nothing. A non-OK status owns a heap-allocated code + message and
// must be consumed exactly once: returned to the caller (ownership moves up),
// or released with spm_status_free() / spm_status_ignore().
//
//   spm_status_t s = spm_file_read(path, &buf);
//   if (!spm_status_is_ok(s)) return s;           // propagate (moves)
#ifndef SPM_SUPPORT_STATUS_H
#define SPM_SUPPORT_STATUS_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum spm_status_code_e {
  SPM_STATUS_OK = 0,
  SPM_STATUS_INVALID_ARGUMENT, // bad input: flags, files, IR
  SPM_STATUS_NOT_FOUND,        // a named thing does not exist
  SPM_STATUS_IO_ERROR,         // a read/write/rename failed
  SPM_STATUS_OUT_OF_RANGE,     // a value outside its legal range
  SPM_STATUS_FAILED,           // a pass or verifier reported errors
  SPM_STATUS_INTERNAL,         // a bug in spm
} spm_status_code_t;

typedef struct spm_status_s *spm_status_t;

#define SPM_OK ((spm_status_t)0)

// Returns a new non-OK status with a printf-formatted message. Caller owns it.
spm_status_t spm_status_make(spm_status_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline bool spm_status_is_ok(spm_status_t s) { return s == SPM_OK; }

// Borrowed accessors; valid while the status lives. OK has code 0, message "".
spm_status_code_t spm_status_code(spm_status_t s);
const char *spm_status_message(spm_status_t s);

// Releases the status (NULL is fine).
void spm_status_free(spm_status_t s);

// Propagates a non-OK status from the current function.
#define SPM_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    spm_status_t spm_status_tmp_ = (expr);                                     \
    if (!spm_status_is_ok(spm_status_tmp_))                                    \
      return spm_status_tmp_;                                                  \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
