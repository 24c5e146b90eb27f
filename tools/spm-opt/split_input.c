#include "split_input.h"

#include <stdlib.h>
#include <string.h>

// True if [b, e) is a split marker line: "// -----" with optional
// surrounding blanks (mlir-opt's rule).
static int spm_opt_is_marker(const char *b, const char *e) {
  while (b < e && (*b == ' ' || *b == '\t'))
    ++b;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
    --e;
  return (size_t)(e - b) == 8 && memcmp(b, "// -----", 8) == 0;
}

static void spm_opt_push(spm_opt_chunk_t **v, size_t *n, const char *b,
                         const char *e, unsigned line) {
  *v = realloc(*v, (*n + 1) * sizeof **v);
  if (!*v)
    abort();
  size_t pad = line - 1, len = (size_t)(e - b);
  char *t = malloc(pad + len + 1);
  if (!t)
    abort();
  memset(t, '\n', pad);
  memcpy(t + pad, b, len);
  t[pad + len] = '\0';
  (*v)[*n].text = t;
  (*v)[*n].first_line = line;
  ++*n;
}

spm_opt_chunk_t *spm_opt_split(const char *text, int split, size_t *nchunks) {
  spm_opt_chunk_t *v = NULL;
  size_t n = 0;
  const char *start = text, *p = text;
  unsigned line = 1, start_line = 1;
  if (!split) {
    spm_opt_push(&v, &n, text, text + strlen(text), 1);
    *nchunks = n;
    return v;
  }
  while (*p) {
    const char *eol = strchr(p, '\n');
    const char *end = eol ? eol : p + strlen(p);
    if (spm_opt_is_marker(p, end)) {
      spm_opt_push(&v, &n, start, p, start_line);
      start = eol ? eol + 1 : end;
      start_line = line + 1;
    }
    if (!eol)
      break;
    p = eol + 1;
    ++line;
  }
  spm_opt_push(&v, &n, start, text + strlen(text), start_line);
  *nchunks = n;
  return v;
}

void spm_opt_chunks_free(spm_opt_chunk_t *chunks, size_t n) {
  for (size_t i = 0; i < n; ++i)
    free(chunks[i].text);
  free(chunks);
}
