/* spm_lit_discover.c - finds the tests under the command-line paths the way
 * lit 22 does (discovery.py, formats/base.py): a file is a test when its name
 * ends with a configured suffix, does not start with '.' and is not listed in
 * "exclude"; subdirectories are searched unless named Output, .svn, .git or
 * listed in "exclude". Directories are read in sorted order. */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper than this is taken to be a symlink loop. */
enum { SPM_LIT_MAX_DEPTH = 64 };

static int spm_lit_compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* lit's FileBasedTest.getTestsForPath: is this file name a test? */
static int spm_lit_is_test_name(const spm_lit_config *cfg, const char *name) {
  if (name[0] == '.' || spm_lit_strvec_contains(&cfg->excludes, name))
    return 0;
  size_t len = strlen(name);
  for (size_t i = 0; i < cfg->suffixes.len; i++) {
    size_t n = strlen(cfg->suffixes.items[i]);
    if (n <= len && strcmp(name + len - n, cfg->suffixes.items[i]) == 0)
      return 1;
  }
  return 0;
}

/* Subdirectories lit never searches. */
static int spm_lit_is_skipped_dir(const spm_lit_config *cfg, const char *name) {
  return strcmp(name, "Output") == 0 || strcmp(name, ".svn") == 0 ||
         strcmp(name, ".git") == 0 ||
         spm_lit_strvec_contains(&cfg->excludes, name);
}

static int spm_lit_walk(const spm_lit_config *cfg, const char *dir,
                        const char *rel, int depth, spm_lit_strvec *names,
                        spm_lit_buf *err) {
  if (depth > SPM_LIT_MAX_DEPTH) {
    spm_lit_buf_printf(err, "directory nesting too deep (symlink loop?) at "
                            "'%s'",
                       dir);
    return -1;
  }
  DIR *d = opendir(dir);
  if (!d) {
    spm_lit_buf_printf(err, "cannot open directory '%s': %s", dir,
                       strerror(errno));
    return -1;
  }
  spm_lit_strvec entries = {0};
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e)
      break;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    spm_lit_strvec_push(&entries, spm_lit_xstrdup(e->d_name));
  }
  int read_errno = errno;
  closedir(d);
  if (read_errno != 0) {
    spm_lit_buf_printf(err, "cannot read directory '%s': %s", dir,
                       strerror(read_errno));
    spm_lit_strvec_free(&entries);
    return -1;
  }
  if (entries.len > 1)
    qsort(entries.items, entries.len, sizeof *entries.items,
          spm_lit_compare_names);

  int rc = 0;
  for (size_t i = 0; i < entries.len && rc == 0; i++) {
    const char *name = entries.items[i];
    char *full = spm_lit_path_join(dir, name);
    char *child_rel =
        *rel ? spm_lit_xasprintf("%s/%s", rel, name) : spm_lit_xstrdup(name);
    struct stat st;
    if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (!spm_lit_is_skipped_dir(cfg, name))
        rc = spm_lit_walk(cfg, full, child_rel, depth + 1, names, err);
    } else if (spm_lit_is_test_name(cfg, name)) {
      spm_lit_strvec_push(names, child_rel);
      child_rel = NULL;
    }
    free(full);
    free(child_rel);
  }
  spm_lit_strvec_free(&entries);
  return rc;
}

int spm_lit_discover(const spm_lit_config *cfg, const char *path,
                     spm_lit_strvec *names, spm_lit_buf *err) {
  char *real = realpath(path, NULL);
  if (!real) {
    spm_lit_buf_printf(err, "cannot access '%s': %s", path, strerror(errno));
    return -1;
  }
  size_t root_len = strlen(cfg->root);
  const char *rel = NULL;
  if (strcmp(real, cfg->root) == 0)
    rel = "";
  else if (strcmp(cfg->root, "/") == 0)
    rel = real + 1;
  else if (strncmp(real, cfg->root, root_len) == 0 && real[root_len] == '/')
    rel = real + root_len + 1;
  if (!rel) {
    spm_lit_buf_printf(err, "'%s' is not under the test root '%s'", path,
                       cfg->root);
    free(real);
    return -1;
  }
  struct stat st;
  int rc = 0;
  size_t before = names->len;
  if (stat(real, &st) != 0) {
    spm_lit_buf_printf(err, "cannot access '%s': %s", path, strerror(errno));
    rc = -1;
  } else if (S_ISDIR(st.st_mode)) {
    rc = spm_lit_walk(cfg, real, rel, 0, names, err);
  } else if (spm_lit_is_test_name(cfg, strrchr(real, '/') + 1)) {
    spm_lit_strvec_push(names, spm_lit_xstrdup(rel));
  }
  if (rc == 0 && names->len == before)
    fprintf(stderr, "spm-lit: warning: input '%s' contained no tests\n",
            path);
  free(real);
  return rc;
}
