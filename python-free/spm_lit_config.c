/* spm_lit_config.c - loads the spm-lit configuration file (written by CMake)
 * into a spm_lit_config: one directive per line, '#' comments. */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Makes a config path absolute relative to the config file's directory. */
static char *spm_lit_config_abs(const char *base_dir, const char *p) {
  if (p[0] == '/')
    return spm_lit_xstrdup(p);
  return spm_lit_path_join(base_dir, p);
}

/* Appends the whitespace-separated words of s to v. */
static void spm_lit_config_split_words(spm_lit_strvec *v, const char *s) {
  while (*s) {
    while (*s && spm_lit_is_space(*s))
      s++;
    const char *start = s;
    while (*s && !spm_lit_is_space(*s))
      s++;
    if (s > start)
      spm_lit_strvec_push(v, spm_lit_xstrndup(start, (size_t)(s - start)));
  }
}

static void spm_lit_config_add_subst(spm_lit_config *cfg, const char *name,
                                     size_t name_len, const char *value) {
  cfg->substs = spm_lit_xrealloc(cfg->substs,
                                 (cfg->nsubsts + 1) * sizeof *cfg->substs);
  cfg->substs[cfg->nsubsts].name = spm_lit_xstrndup(name, name_len);
  cfg->substs[cfg->nsubsts].value = spm_lit_xstrdup(value);
  cfg->nsubsts++;
}

/* Stable insertion sort, longest name first, so that "%spm_opt_x" is
 * substituted before "%spm_opt". */
static void spm_lit_config_sort_substs(spm_lit_config *cfg) {
  for (size_t i = 1; i < cfg->nsubsts; i++) {
    spm_lit_subst cur = cfg->substs[i];
    size_t len = strlen(cur.name);
    size_t j = i;
    while (j > 0 && strlen(cfg->substs[j - 1].name) < len) {
      cfg->substs[j] = cfg->substs[j - 1];
      j--;
    }
    cfg->substs[j] = cur;
  }
}

/* Resolves a directory that must exist (root) or is created (output). */
static int spm_lit_config_resolve_dir(char **dir, int create,
                                      const char *what, spm_lit_buf *err) {
  if (create && spm_lit_mkdir_p(*dir) != 0) {
    spm_lit_buf_printf(err, "cannot create %s directory '%s': %s", what, *dir,
                       strerror(errno));
    return -1;
  }
  char *real = realpath(*dir, NULL);
  struct stat st;
  if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    spm_lit_buf_printf(err, "%s directory '%s' %s", what, *dir,
                       real ? "is not a directory" : strerror(errno));
    free(real);
    return -1;
  }
  free(*dir);
  *dir = real;
  return 0;
}

/* Handles one directive; line is stripped and non-empty. */
static int spm_lit_config_directive(spm_lit_config *cfg, const char *base_dir,
                                    const char *line, const char *where,
                                    spm_lit_buf *err) {
  size_t kw_len = 0;
  while (line[kw_len] && !spm_lit_is_space(line[kw_len]))
    kw_len++;
  const char *arg = line + kw_len;
  while (*arg && spm_lit_is_space(*arg))
    arg++;
#define SPM_LIT_KW(s) (kw_len == strlen(s) && strncmp(line, s, kw_len) == 0)
  if (!SPM_LIT_KW("name") && !SPM_LIT_KW("root") && !SPM_LIT_KW("output") &&
      !SPM_LIT_KW("suffixes") && !SPM_LIT_KW("exclude") &&
      !SPM_LIT_KW("path") && !SPM_LIT_KW("subst") && !SPM_LIT_KW("feature") &&
      !SPM_LIT_KW("env")) {
    spm_lit_buf_printf(err, "%s: unknown directive '%.*s'", where,
                       (int)kw_len, line);
    return -1;
  }
  if (!*arg) {
    spm_lit_buf_printf(err, "%s: directive '%.*s' needs a value", where,
                       (int)kw_len, line);
    return -1;
  }
  if (SPM_LIT_KW("name")) {
    free(cfg->suite_name);
    cfg->suite_name = spm_lit_xstrdup(arg);
  } else if (SPM_LIT_KW("root")) {
    free(cfg->root);
    cfg->root = spm_lit_config_abs(base_dir, arg);
  } else if (SPM_LIT_KW("output")) {
    free(cfg->output);
    cfg->output = spm_lit_config_abs(base_dir, arg);
  } else if (SPM_LIT_KW("suffixes")) {
    spm_lit_config_split_words(&cfg->suffixes, arg);
  } else if (SPM_LIT_KW("exclude")) {
    spm_lit_strvec_push(&cfg->excludes, spm_lit_xstrdup(arg));
  } else if (SPM_LIT_KW("path")) {
    spm_lit_strvec_push(&cfg->paths, spm_lit_config_abs(base_dir, arg));
  } else if (SPM_LIT_KW("feature")) {
    spm_lit_config_split_words(&cfg->features, arg);
  } else if (SPM_LIT_KW("env")) {
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
      spm_lit_buf_printf(err, "%s: 'env' needs NAME=VALUE, got '%s'", where,
                         arg);
      return -1;
    }
    spm_lit_strvec_push(&cfg->env, spm_lit_xstrdup(arg));
  } else { /* subst NAME VALUE */
    size_t name_len = 0;
    while (arg[name_len] && !spm_lit_is_space(arg[name_len]))
      name_len++;
    const char *value = arg + name_len;
    while (*value && spm_lit_is_space(*value))
      value++;
    spm_lit_config_add_subst(cfg, arg, name_len, value);
  }
#undef SPM_LIT_KW
  return 0;
}

int spm_lit_config_load(spm_lit_config *cfg, const char *file,
                        spm_lit_buf *err) {
  spm_lit_buf text = {0};
  if (spm_lit_read_file(file, &text) != 0) {
    spm_lit_buf_printf(err, "cannot read config file '%s': %s", file,
                       strerror(errno));
    spm_lit_buf_free(&text);
    return -1;
  }
  char *file_dir = spm_lit_dirname(file);
  char *base_dir = realpath(file_dir, NULL);
  free(file_dir);
  if (!base_dir) {
    spm_lit_buf_printf(err, "cannot resolve directory of '%s': %s", file,
                       strerror(errno));
    spm_lit_buf_free(&text);
    return -1;
  }

  int rc = 0;
  size_t line_no = 0;
  char *p = text.data;
  while (rc == 0 && p < text.data + text.len) {
    char *nl = memchr(p, '\n', (size_t)(text.data + text.len - p));
    char *end = nl ? nl : text.data + text.len;
    char *next = nl ? nl + 1 : end;
    line_no++;
    while (p < end && spm_lit_is_space(*p))
      p++;
    while (end > p && spm_lit_is_space(end[-1]))
      end--;
    *end = '\0';
    if (*p && *p != '#') {
      char *where = spm_lit_xasprintf("%s:%zu", file, line_no);
      rc = spm_lit_config_directive(cfg, base_dir, p, where, err);
      free(where);
    }
    p = next;
  }
  spm_lit_buf_free(&text);
  free(base_dir);
  if (rc != 0)
    return -1;

  if (!cfg->suite_name)
    cfg->suite_name = spm_lit_xstrdup("spm");
  if (!cfg->root || !cfg->output) {
    spm_lit_buf_printf(err, "%s: missing '%s' directive", file,
                       cfg->root ? "output" : "root");
    return -1;
  }
  if (spm_lit_config_resolve_dir(&cfg->root, 0, "root", err) != 0 ||
      spm_lit_config_resolve_dir(&cfg->output, 1, "output", err) != 0)
    return -1;
  spm_lit_config_sort_substs(cfg);
  return 0;
}

void spm_lit_config_free(spm_lit_config *cfg) {
  free(cfg->suite_name);
  free(cfg->root);
  free(cfg->output);
  spm_lit_strvec_free(&cfg->suffixes);
  spm_lit_strvec_free(&cfg->excludes);
  spm_lit_strvec_free(&cfg->paths);
  spm_lit_strvec_free(&cfg->features);
  spm_lit_strvec_free(&cfg->env);
  for (size_t i = 0; i < cfg->nsubsts; i++) {
    free(cfg->substs[i].name);
    free(cfg->substs[i].value);
  }
  free(cfg->substs);
  memset(cfg, 0, sizeof *cfg);
}
