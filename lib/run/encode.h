// The two external forms of an spm_run program (docs/isa.md):
//
//   BINARY   little-endian: a 160-byte header (magic "SPMRUN\0\0", format
//            version, the target description, table counts and section
//            sizes), the tensor table (152 bytes per tensor), the buffer
//            table (80 bytes per buffer), the instruction stream (an
//            8-byte instruction header + a per-opcode payload) and the
//            constant section (tensor data, each tensor 16-byte aligned).
//            Every program has exactly one encoding: reserved bytes and
//            padding are zero, names are NUL-padded, data offsets are the
//            canonical ones; the decoder rejects anything else.
//   LISTING  readable assembly: one line per table entry and instruction,
//            constants as hex dumps. spm_run_listing_parse() assembles it
//            back, so binary -> listing -> binary is byte-identical.
//
// Ownership: output strbufs are the caller's (appended to); decoded and
// parsed programs are new and owned by the caller
// (spm_run_program_free()). Input bytes / text are borrowed for the call.
#ifndef SPM_RUN_ENCODE_H
#define SPM_RUN_ENCODE_H

#include <stddef.h>

#include "run/isa.h"
#include "support/status.h"
#include "support/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SPM_RUN_MAGIC "SPMRUN\0\0" // 8 bytes
#define SPM_RUN_HEADER_BYTES 160
#define SPM_RUN_TENSOR_RECORD_BYTES 152
#define SPM_RUN_BUFFER_RECORD_BYTES 80
#define SPM_RUN_CONST_ALIGN 16

// Validates `p` and appends its binary encoding to `out`.
spm_status_t spm_run_encode(const spm_run_program_t *p, spm_strbuf_t *out);

// Decodes and validates `n` bytes. Truncated or oversized input, a bad
// magic or version, non-zero reserved fields, out-of-range ids and
// everything spm_run_program_validate() rejects are INVALID_ARGUMENT
// errors naming the byte offset or instruction; never a crash.
spm_status_t spm_run_decode(const void *data, size_t n,
                            spm_run_program_t **out);

// Appends the listing of `p` (any program: ids are printed, not followed).
void spm_run_listing_write(const spm_run_program_t *p, spm_strbuf_t *out);

// Assembles a listing (NUL-terminated text). Errors name the line. The
// result is validated.
spm_status_t spm_run_listing_parse(const char *text, spm_run_program_t **out);

#ifdef __cplusplus
}
#endif
#endif
