// The CSV format of public static-allocation benchmarks (MiniMalloc's):
//
//   id,lower,upper,size[,offset]
//
// one buffer per line, live in [lower, upper), `size` bytes; spm-pack writes
// the same rows with an `offset` column. The header of MiniMalloc's first
// benchmark files, `buffer,start,end,size[,offset]`, names the same columns
// and is read too, `end` exclusive as those files mean it (MiniMalloc's own
// reader takes it as inclusive; docs/packing.md says why we do not); output
// always uses `id,lower,upper,size,offset`.
// See docs/packing.md.
#ifndef SPM_TOOLS_SPM_PACK_CSV_H
#define SPM_TOOLS_SPM_PACK_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/status.h"
#include "support/strbuf.h"

typedef struct spm_csv_row_s {
  const char *id; // into the parsed text (not NUL-terminated)
  size_t id_len;
  int64_t lower, upper, size;
  int64_t offset; // -1 when the file has no offset column
  size_t line;
} spm_csv_row_t;

typedef struct spm_csv_s {
  spm_csv_row_t *rows;
  size_t n;
  bool has_offset; // the header has the offset column
} spm_csv_t;

// Parses text[0..len) (kept alive by the caller while the rows are used).
// `name` names the input in messages: "NAME:LINE: what is wrong".
// need_offset: the offset column is required (validation); otherwise it is
// optional and its values are read (must be integers) but not required to
// be anything. INVALID_ARGUMENT for every malformed input.
spm_status_t spm_csv_parse(const char *name, const char *text, size_t len,
                           bool need_offset, spm_csv_t *out);
void spm_csv_free(spm_csv_t *c);

// The most spm-pack reads: 1 GiB, about 40 million rows (whose packing
// would take minutes and tens of GB). A larger input is an error.
#define SPM_CSV_MAX_INPUT ((size_t)1 << 30)
// Reads are this large; a first line longer is a wrong header.
#define SPM_CSV_HEADER_WINDOW 65536

// Reads `path` ("-": standard input) into `out` for spm_csv_parse(name,
// ..., need_offset, ...), as spm_file_read does (same messages), but stops
// early where that parse is bound to fail -- at the first NUL byte, or
// after a first line that is not a valid header -- so that an endless
// input such as /dev/zero or `yes |` is refused at once; and stops with
// INVALID_ARGUMENT ("NAME: more than MAX bytes ...") past `max` bytes.
// After OK the caller parses `out` and gets the error there.
spm_status_t spm_csv_read(const char *path, const char *name,
                          bool need_offset, size_t max, spm_strbuf_t *out);

// Appends p[0..len) to `b` as text to quote in a message: control bytes
// and DEL as C escapes (\r, \t, \xHH) so that a stray carriage return or
// tab can be seen; other bytes (UTF-8 text included) as they are. Text
// longer than `max` bytes is cut to at most its first `max` (not inside a
// UTF-8 character) and followed by "...".
void spm_csv_append_escaped(spm_strbuf_t *b, const char *p, size_t len,
                            size_t max);

// How much of an id a message quotes (an id may be any length: a
// 100,000-byte id made a 100,000-byte message).
#define SPM_CSV_QUOTE_ID 80

// Appends the rows with the given offsets as "id,lower,upper,size,offset".
void spm_csv_write(const spm_csv_t *c, const int64_t *offsets,
                   spm_strbuf_t *out);

#endif
