// --split-input-file: cuts a buffer at lines holding only "// -----".
#ifndef SPM_OPT_SPLIT_INPUT_H
#define SPM_OPT_SPLIT_INPUT_H

#include <stddef.h>

typedef struct spm_opt_chunk_s {
  char *text;          // owned; prefixed with newlines so that line numbers
                       // in the chunk equal those of the original file
  unsigned first_line; // 1-based line of the chunk's first line
} spm_opt_chunk_t;

// Splits `text`; with split == 0 returns one chunk. Caller frees with
// spm_opt_chunks_free().
spm_opt_chunk_t *spm_opt_split(const char *text, int split, size_t *nchunks);
void spm_opt_chunks_free(spm_opt_chunk_t *chunks, size_t n);

#endif
