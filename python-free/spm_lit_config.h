/* spm_lit_config.h - the spm-lit configuration file: its in-memory form and
 * the loader (one directive per line; see python-free/README.md). */
#ifndef SPM_LIT_CONFIG_H
#define SPM_LIT_CONFIG_H

#include "spm_lit_util.h"

typedef struct {
  char *name;
  char *value;
} spm_lit_subst;

typedef struct {
  char *suite_name;         /* "name", default "spm" */
  char *root;               /* "root", absolute and symlink-free */
  char *output;             /* "output", absolute; created when missing */
  spm_lit_strvec suffixes;  /* "suffixes", e.g. ".mlir" */
  spm_lit_strvec excludes;  /* "exclude", directory/file names to skip */
  spm_lit_strvec paths;     /* "path", prepended to PATH in this order */
  spm_lit_strvec features;  /* "feature" */
  spm_lit_strvec env;       /* "env", "NAME=VALUE" strings */
  spm_lit_subst *substs;    /* "subst", sorted longest name first (stable) */
  size_t nsubsts;
} spm_lit_config;

/* Loads FILE into cfg (which must be zero-initialised). Returns 0, or -1
 * with a one-line message (without "spm-lit: error: ") in err. Relative
 * root/output/path directories are taken relative to FILE's directory. */
int spm_lit_config_load(spm_lit_config *cfg, const char *file,
                        spm_lit_buf *err);
void spm_lit_config_free(spm_lit_config *cfg);

#endif /* SPM_LIT_CONFIG_H */
