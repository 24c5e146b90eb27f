// Whole-file reads and atomic writes.
#ifndef SPM_SUPPORT_FILE_IO_H
#define SPM_SUPPORT_FILE_IO_H

#include <stddef.h>

#include "support/status.h"
#include "support/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

// Reads all of `path` ("-" is standard input) and appends it to `out`
// (caller-owned). A directory, a missing or unreadable file is an
// SPM_STATUS_IO_ERROR whose message names the path and the reason.
spm_status_t spm_file_read(const char *path, spm_strbuf_t *out);

// After each chunk that spm_file_read_until appends to `out` (its bytes
// start at out->data + from): true stops the reading, with *status (OK
// unless the callback sets an error, which it then owns and hands over).
typedef bool (*spm_file_chunk_fn)(const spm_strbuf_t *out, size_t from,
                                  void *user, spm_status_t *status);

// spm_file_read, but `stop` (may be NULL: read all) may end it early, for
// inputs that can be refused from their first bytes or that may not end
// (/dev/zero). Returns the callback's status when it stopped with one.
spm_status_t spm_file_read_until(const char *path, spm_strbuf_t *out,
                                 spm_file_chunk_fn stop, void *user);

// Writes `n` bytes (borrowed) to `path` atomically: the data goes to a
// temporary file `.spm-XXXXXX` in the same directory which is renamed over
// `path` only when everything was written and flushed, so a failure never
// leaves a partial file. A replaced file keeps its permission bits; a new
// one gets 0666 minus the umask. A symbolic link is followed (relative
// targets from the link's directory, at most 40 links) to the file it
// names, which is replaced (or created) the same way in its own directory:
// the link stays a link. "-" writes to standard output. A path that exists
// and is not a regular file (a device such as /dev/null, a FIFO) or leads
// there, and a link in /dev or /proc (/dev/stdout, /dev/fd/N: they name
// open descriptors), is written directly instead: never replaced.
// /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are written
// through descriptor 1, 2 or N itself (after flushing stdout and stderr),
// as "-" is: so `>>` appends and nothing written before is truncated.
// Other such paths are opened for writing.
spm_status_t spm_file_write_atomic(const char *path, const char *data,
                                   size_t n);

// Checks, before any work is done, that spm_file_write_atomic(path, ...)
// can be expected to succeed: "-" always; an existing path must be
// writable, and a file that would be replaced or created -- `path` or the
// target of its links -- needs a writable directory for the temporary.
// SPM_STATUS_IO_ERROR naming the path and the reason otherwise. (The write
// itself can still fail, e.g. when the disk fills up; it then reports
// that, and leaves no file.)
spm_status_t spm_file_check_writable(const char *path);

#ifdef __cplusplus
}
#endif
#endif
