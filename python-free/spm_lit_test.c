/* spm_lit_test.c - prepares one test the way lit's executeShTest does
 * (feature checks, substitutions, the external-shell script with its
 * "RUN: at line N" trace lines) and turns a finished run into lit's result
 * code and result text. */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_test.h"

#include "spm_lit_expr.h"
#include "spm_lit_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lit hides "%%" behind this marker while substituting. */
#define SPM_LIT_PERCENT_MARKER "#_MARKER_#"

static const struct {
  const char *name;
  const char *label;
  int is_failure;
} spm_lit_codes[SPM_LIT_NCODES] = {
    [SPM_LIT_PENDING] = {"PENDING", "Pending", 1},
    [SPM_LIT_UNSUPPORTED] = {"UNSUPPORTED", "Unsupported", 0},
    [SPM_LIT_PASS] = {"PASS", "Passed", 0},
    [SPM_LIT_FLAKYPASS] = {"FLAKYPASS", "Passed With Retry", 0},
    [SPM_LIT_XFAIL] = {"XFAIL", "Expectedly Failed", 0},
    [SPM_LIT_UNRESOLVED] = {"UNRESOLVED", "Unresolved", 1},
    [SPM_LIT_TIMEOUT] = {"TIMEOUT", "Timed Out", 1},
    [SPM_LIT_FAIL] = {"FAIL", "Failed", 1},
    [SPM_LIT_XPASS] = {"XPASS", "Unexpectedly Passed", 1},
};

const char *spm_lit_code_name(spm_lit_code code) {
  return spm_lit_codes[code].name;
}
const char *spm_lit_code_label(spm_lit_code code) {
  return spm_lit_codes[code].label;
}
int spm_lit_code_is_failure(spm_lit_code code) {
  return spm_lit_codes[code].is_failure;
}

typedef struct {
  spm_lit_subst *items;
  size_t len;
} spm_lit_subst_list;

static void spm_lit_subst_add(spm_lit_subst_list *l, const char *name,
                              const char *value) {
  l->items = spm_lit_xrealloc(l->items, (l->len + 1) * sizeof *l->items);
  l->items[l->len].name = spm_lit_xstrdup(name);
  l->items[l->len].value = spm_lit_xstrdup(value);
  l->len++;
}

static void spm_lit_subst_list_free(spm_lit_subst_list *l) {
  for (size_t i = 0; i < l->len; i++) {
    free(l->items[i].name);
    free(l->items[i].value);
  }
  free(l->items);
}

/* lit's getDefaultSubstitutions (POSIX flavour) after the config's ones. */
static void spm_lit_default_substs(spm_lit_subst_list *l,
                                   const spm_lit_config *cfg,
                                   const char *source, const char *tmp_base) {
  for (size_t i = 0; i < cfg->nsubsts; i++)
    spm_lit_subst_add(l, cfg->substs[i].name, cfg->substs[i].value);
  char *source_dir = spm_lit_dirname(source);
  char *tmp_name = spm_lit_xasprintf("%s.tmp", tmp_base);
  const char *tmp_base_name = strrchr(tmp_base, '/') + 1;
  spm_lit_subst_add(l, "%{pathsep}", ":");
  spm_lit_subst_add(l, "%basename_t", tmp_base_name);
  spm_lit_subst_add(l, "%{s:basename}", strrchr(source, '/') + 1);
  spm_lit_subst_add(l, "%{t:stem}", tmp_base_name);
  spm_lit_subst_add(l, "%{fs-src-root}", "/");
  spm_lit_subst_add(l, "%{fs-tmp-root}", "/");
  spm_lit_subst_add(l, "%{fs-sep}", "/");
  spm_lit_subst_add(l, "%/et", tmp_name);
  const struct {
    char letter;
    const char *path;
  } paths[] = {{'s', source}, {'S', source_dir}, {'p', source_dir},
               {'t', tmp_name}};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    char c = paths[i].letter;
    const char *path = paths[i].path;
    char *real = spm_lit_realpath_loose(path);
    char *regex_path = spm_lit_replace_all(path, "@", "\\@");
    char *regex_path2 = spm_lit_replace_all(regex_path, "&", "\\&");
    char name[32];
    snprintf(name, sizeof name, "%%%c", c);
    spm_lit_subst_add(l, name, path);
    snprintf(name, sizeof name, "%%/%c", c);
    spm_lit_subst_add(l, name, path);
    snprintf(name, sizeof name, "%%{%c:real}", c);
    spm_lit_subst_add(l, name, real);
    snprintf(name, sizeof name, "%%{/%c:real}", c);
    spm_lit_subst_add(l, name, real);
    snprintf(name, sizeof name, "%%{/%c:regex_replacement}", c);
    spm_lit_subst_add(l, name, regex_path2);
    snprintf(name, sizeof name, "%%:%c", c);
    spm_lit_subst_add(l, name, path + 1);
    free(real);
    free(regex_path);
    free(regex_path2);
  }
  free(source_dir);
  free(tmp_name);
}

/* lit's applySubstitutions for one line; NULL with err set on error. */
static char *spm_lit_substitute(const char *line,
                                const spm_lit_subst_list *l,
                                spm_lit_buf *err) {
  char *ln = spm_lit_replace_all(line, "%%", SPM_LIT_PERCENT_MARKER);
  if (strstr(ln, "%if ")) {
    spm_lit_buf_puts(err, "spm-lit does not support '%if' substitutions");
    free(ln);
    return NULL;
  }
  for (size_t i = 0; i < l->len; i++) {
    char *escaped = spm_lit_replace_all(ln, "%%", SPM_LIT_PERCENT_MARKER);
    free(ln);
    ln = spm_lit_replace_all(escaped, l->items[i].name, l->items[i].value);
    free(escaped);
  }
  if (strstr(ln, "%T")) {
    spm_lit_buf_puts(err, "%T is no longer supported. Please create "
                          "directories with names based on %t.");
    free(ln);
    return NULL;
  }
  size_t start = 0, end = strlen(ln);
  while (start < end && spm_lit_is_space(ln[start]))
    start++;
  while (end > start && spm_lit_is_space(ln[end - 1]))
    end--;
  ln[end] = '\0';
  char *out = spm_lit_replace_all(ln + start, SPM_LIT_PERCENT_MARKER, "%");
  free(ln);
  return out;
}

/* lit's _expandLateSubstitutionsExternal: %{readfile:PATH}. */
static char *spm_lit_expand_readfile(const char *line) {
  spm_lit_buf out = {0};
  spm_lit_strvec files = {0};
  const char *s = line;
  for (;;) {
    const char *hit = strstr(s, "%{readfile:");
    const char *close = hit ? strchr(hit + 11, '}') : NULL;
    if (!close) {
      spm_lit_buf_puts(&out, s);
      break;
    }
    char *file = spm_lit_xstrndup(hit + 11, (size_t)(close - (hit + 11)));
    spm_lit_buf_append(&out, s, (size_t)(hit - s));
    spm_lit_buf_puts(&out, "$(cat ");
    spm_lit_shell_quote(&out, file);
    spm_lit_buf_putc(&out, ')');
    spm_lit_strvec_push(&files, file);
    s = close + 1;
  }
  for (size_t i = 0; i < files.len; i++)
    spm_lit_buf_printf(&out, " && test -e %s", files.items[i]);
  spm_lit_strvec_free(&files);
  return spm_lit_buf_release(&out);
}

/* One command of lit's executeScript: echo "<cmd> # RUN: at line N" with
 * tracing off, then run the command with "set -x" tracing on. */
static void spm_lit_script_command(spm_lit_buf *script, const char *line) {
  const char *close = NULL;
  if (strncmp(line, "%dbg(", 5) == 0) {
    close = line + 5;
    while (*close && *close != ')' && *close != '\'' && *close != '"')
      close++;
    if (*close != ')')
      close = NULL;
  }
  if (!close) {
    spm_lit_buf_puts(script, line);
    return;
  }
  const char *dbg = line + 5;
  size_t dbg_len = (size_t)(close - dbg);
  const char *command = close + 1;
  spm_lit_buf_puts(script, "{ set +x; } 2>/dev/null && echo ");
  if (*command) {
    const char *trimmed = command;
    while (spm_lit_is_space(*trimmed))
      trimmed++;
    spm_lit_shell_quote(script, trimmed);
    spm_lit_buf_printf(script, " \\# '%.*s'", (int)dbg_len, dbg);
  } else {
    spm_lit_buf_printf(script, "'%.*s' has no command after substitutions",
                       (int)dbg_len, dbg);
  }
  spm_lit_buf_puts(script, " >&2 && { set -x; } 2>/dev/null");
  if (*command) {
    spm_lit_buf_puts(script, " && { ");
    spm_lit_buf_puts(script, command);
    spm_lit_buf_puts(script, "; }");
  }
}

/* Evaluates a feature list; returns the number of items whose value equals
 * want (joined into names), or -1 with err set. */
static int spm_lit_check_features(const spm_lit_strvec *exprs, int want,
                                  const spm_lit_strvec *features,
                                  spm_lit_buf *names, spm_lit_buf *err) {
  int count = 0;
  for (size_t i = 0; i < exprs->len; i++) {
    int v = spm_lit_expr_eval(exprs->items[i], features, err);
    if (v < 0)
      return -1;
    if (v != want)
      continue;
    if (count++)
      spm_lit_buf_puts(names, ", ");
    spm_lit_buf_puts(names, exprs->items[i]);
  }
  return count;
}

/* Checks REQUIRES:, UNSUPPORTED: and XFAIL:; returns 1 to run the test. */
static int spm_lit_test_check_features(spm_lit_test *t,
                                       const spm_lit_config *cfg,
                                       const spm_lit_directives *d) {
  spm_lit_buf names = {0}, err = {0};
  int n = spm_lit_check_features(&d->requires, 0, &cfg->features, &names,
                                 &err);
  if (n != 0) {
    t->code = n < 0 ? SPM_LIT_UNRESOLVED : SPM_LIT_UNSUPPORTED;
    if (n < 0)
      spm_lit_buf_printf(&t->output, "Error in REQUIRES list:\n%s",
                         spm_lit_buf_str(&err));
    else
      spm_lit_buf_printf(&t->output,
                         "Test requires the following unavailable "
                         "features: %s",
                         spm_lit_buf_str(&names));
  } else if ((n = spm_lit_check_features(&d->unsupported, 1, &cfg->features,
                                         &names, &err)) != 0) {
    t->code = n < 0 ? SPM_LIT_UNRESOLVED : SPM_LIT_UNSUPPORTED;
    if (n < 0)
      spm_lit_buf_printf(&t->output, "Error in UNSUPPORTED list:\n%s",
                         spm_lit_buf_str(&err));
    else
      spm_lit_buf_printf(&t->output,
                         "Test does not support the following features "
                         "and/or targets: %s",
                         spm_lit_buf_str(&names));
  } else {
    for (size_t i = 0; i < d->xfails.len && !t->expect_fail; i++) {
      if (strcmp(d->xfails.items[i], "*") == 0) {
        t->expect_fail = 1;
        continue;
      }
      int v = spm_lit_expr_eval(d->xfails.items[i], &cfg->features, &err);
      if (v < 0) {
        t->code = SPM_LIT_UNRESOLVED;
        spm_lit_buf_printf(&t->output, "Error in XFAIL list:\n%s",
                           spm_lit_buf_str(&err));
        break;
      }
      t->expect_fail = v;
    }
  }
  spm_lit_buf_free(&names);
  spm_lit_buf_free(&err);
  return t->code == SPM_LIT_PENDING;
}

/* Builds the script and the per-test paths; returns 1 to run the test. */
static int spm_lit_test_build(spm_lit_test *t, const spm_lit_config *cfg,
                              const spm_lit_directives *d) {
  const char *slash = strrchr(t->name, '/');
  const char *base = slash ? slash + 1 : t->name;
  if (slash)
    t->exec_dir = spm_lit_xasprintf("%s/%.*s", cfg->output,
                                    (int)(slash - t->name), t->name);
  else
    t->exec_dir = spm_lit_xstrdup(cfg->output);
  char *tmp_dir = spm_lit_path_join(t->exec_dir, "Output");
  char *tmp_base = spm_lit_path_join(tmp_dir, base);
  t->script_path = spm_lit_xasprintf("%s.script", tmp_base);
  if (spm_lit_mkdir_p(tmp_dir) != 0) {
    t->code = SPM_LIT_UNRESOLVED;
    spm_lit_buf_printf(&t->output, "cannot create directory '%s': %s",
                       tmp_dir, strerror(errno));
  }
  spm_lit_subst_list substs = {0};
  spm_lit_default_substs(&substs, cfg, t->source, tmp_base);

  spm_lit_buf script = {0};
  spm_lit_buf_puts(&script, "set -o pipefail;set -x;");
  for (size_t i = 0; i < d->nruns && t->code == SPM_LIT_PENDING; i++) {
    char *line = spm_lit_substitute(d->runs[i].command, &substs, &t->output);
    if (!line) {
      t->code = SPM_LIT_UNRESOLVED;
      break;
    }
    char *expanded = spm_lit_expand_readfile(line);
    spm_lit_buf_puts(&script, i ? "; } &&\n{ " : "{ ");
    spm_lit_script_command(&script, expanded);
    free(expanded);
    free(line);
  }
  spm_lit_buf_puts(&script, "; }\n");
  spm_lit_subst_list_free(&substs);
  free(tmp_dir);
  free(tmp_base);
  t->script = spm_lit_buf_release(&script);
  if (t->code != SPM_LIT_PENDING)
    return 0;
  if (spm_lit_write_file(t->script_path, t->script, strlen(t->script)) !=
      0) {
    t->code = SPM_LIT_UNRESOLVED;
    spm_lit_buf_printf(&t->output, "cannot write script '%s': %s",
                       t->script_path, strerror(errno));
    return 0;
  }
  return 1;
}

int spm_lit_test_prepare(spm_lit_test *t, const spm_lit_config *cfg) {
  spm_lit_directives d = {0};
  int run = 0;
  if (spm_lit_parse_directives(t->source, &d, &t->output) != 0)
    t->code = SPM_LIT_UNRESOLVED;
  else if (spm_lit_test_check_features(t, cfg, &d))
    run = spm_lit_test_build(t, cfg, &d);
  t->max_attempts = 1 + d.allowed_retries;
  spm_lit_directives_free(&d);
  return run;
}

int spm_lit_test_record_run(spm_lit_test *t, int exit_code, int timed_out,
                            unsigned timeout_secs, const spm_lit_buf *out,
                            const spm_lit_buf *err) {
  spm_lit_code code = exit_code == 0 ? SPM_LIT_PASS
                      : timed_out    ? SPM_LIT_TIMEOUT
                                     : SPM_LIT_FAIL;
  if (code == SPM_LIT_FAIL && t->attempts < t->max_attempts)
    return 1;
  if (code == SPM_LIT_PASS && t->attempts > 1)
    code = SPM_LIT_FLAKYPASS;
  if (t->expect_fail && code == SPM_LIT_PASS)
    code = SPM_LIT_XPASS;
  else if (t->expect_fail && code == SPM_LIT_FAIL)
    code = SPM_LIT_XFAIL;
  t->code = code;
  spm_lit_buf_printf(&t->output, "Script:\n--\n%s--\nExit Code: %d\n",
                     t->script, exit_code);
  if (timed_out)
    spm_lit_buf_printf(&t->output, "Timeout: Reached timeout of %u seconds\n",
                       timeout_secs);
  spm_lit_buf_putc(&t->output, '\n');
  if (out->len) {
    spm_lit_buf_puts(&t->output, "Command Output (stdout):\n--\n");
    spm_lit_buf_append(&t->output, out->data, out->len);
    spm_lit_buf_puts(&t->output, "\n--\n");
  }
  if (err->len) {
    spm_lit_buf_puts(&t->output, "Command Output (stderr):\n--\n");
    spm_lit_buf_append(&t->output, err->data, err->len);
    spm_lit_buf_puts(&t->output, "\n--\n");
  }
  return 0;
}

void spm_lit_test_free(spm_lit_test *t) {
  free(t->name);
  free(t->source);
  free(t->exec_dir);
  free(t->script_path);
  free(t->script);
  spm_lit_buf_free(&t->output);
}
