// Unit tests of spm-opt's pieces: input splitting, expected-diagnostic
// parsing, pass options and pipeline building.
#include <stdlib.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "passes/pass.h"
#include "passes/pipeline.h"
#include "split_input.h"
#include "support/unit_test.h"
#include "verify_diagnostics.h"

SPM_TEST(split_keeps_line_numbers) {
  const char *text = "a\n// -----\nb\nc\n  // -----  \nd";
  size_t n;
  spm_opt_chunk_t *c = spm_opt_split(text, 1, &n);
  SPM_EXPECT(n == 3);
  SPM_EXPECT(c[0].first_line == 1 && strcmp(c[0].text, "a\n") == 0);
  SPM_EXPECT(c[1].first_line == 3 && strcmp(c[1].text, "\n\nb\nc\n") == 0);
  SPM_EXPECT(c[2].first_line == 6 && strcmp(c[2].text, "\n\n\n\n\nd") == 0);
  spm_opt_chunks_free(c, n);
  c = spm_opt_split(text, 0, &n);
  SPM_EXPECT(n == 1 && strcmp(c[0].text, text) == 0);
  spm_opt_chunks_free(c, n);
  // "// ----- x" is not a marker.
  c = spm_opt_split("a\n// ----- x\nb", 1, &n);
  SPM_EXPECT(n == 1);
  spm_opt_chunks_free(c, n);
}

SPM_TEST(expected_forms) {
  const char *text = "x // expected-error {{same line}}\n"
                     "// expected-warning@+1 {{next}}\n"
                     "y\n"
                     "// expected-remark@above {{prev}}\n"
                     "// expected-note@-3 {{three up}}\n"
                     "// expected-error@below {{below}}\n"
                     "// expected-error@2 {{absolute}}\n";
  spm_expected_list_t l;
  SPM_EXPECT(spm_status_is_ok(spm_expected_parse("f", text, &l)));
  SPM_EXPECT(l.n == 6);
  if (l.n == 6) {
    SPM_EXPECT(l.items[0].line == 1 && l.items[0].severity == SPM_DIAG_ERROR);
    SPM_EXPECT(strcmp(l.items[0].text, "same line") == 0);
    SPM_EXPECT(l.items[1].line == 3 &&
               l.items[1].severity == SPM_DIAG_WARNING);
    SPM_EXPECT(l.items[2].line == 3 && l.items[2].severity == SPM_DIAG_REMARK);
    SPM_EXPECT(l.items[3].line == 2 && l.items[3].severity == SPM_DIAG_NOTE);
    SPM_EXPECT(l.items[4].line == 7);
    SPM_EXPECT(l.items[5].line == 2);
  }
  spm_expected_free(&l);
}

SPM_TEST(expected_malformed) {
  const char *bad[] = {"// expected-error {{no end\n}}", "// expected-error@x {{a}}",
                       "// expected-error nothing", "// expected-error@-5 {{a}}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    spm_expected_list_t l;
    spm_status_t s = spm_expected_parse("f.mlir", bad[i], &l);
    SPM_EXPECT(!spm_status_is_ok(s));
    SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "f.mlir:1:");
    spm_status_free(s);
  }
}

typedef struct {
  char seen[256];
} opts_t;

static spm_status_t record(const char *k, const char *v, void *u) {
  opts_t *o = u;
  strcat(o->seen, k);
  strcat(o->seen, "=");
  strcat(o->seen, v);
  strcat(o->seen, ";");
  return SPM_OK;
}

// One setter per option of the test table, each recording its own name.
#define RECORD_SETTER(fn, key)                                                 \
  static spm_status_t fn(const char *v, void *u) { return record(key, v, u); }
RECORD_SETTER(set_a, "a")
RECORD_SETTER(set_b, "b")
RECORD_SETTER(set_c, "c")
RECORD_SETTER(set_flag, "flag")
RECORD_SETTER(set_d, "d")

static spm_status_t reject(const char *v, void *u) {
  (void)u;
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "bad value '%s'", v);
}

SPM_TEST(pass_options) {
  static const spm_pass_option_t known[] = {{"a", false, set_a},
                                            {"b", false, set_b},
                                            {"c", true, set_c},
                                            {"flag", true, set_flag},
                                            {"d", false, set_d},
                                            {"e", false, reject}};
  size_t nknown = sizeof known / sizeof *known;
  opts_t o = {{0}};
  SPM_EXPECT(spm_status_is_ok(spm_pass_parse_options(
      "p", "a=1 b='x y',c flag d={1,2}", known, nknown, &o)));
  SPM_EXPECT(strcmp(o.seen, "a=1;b=x y;c=true;flag=true;d={1,2};") == 0);
  spm_status_t s = spm_pass_parse_options("p", "a='open", known, nknown, &o);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "unterminated");
  spm_status_free(s);
  // A bare key that is not a flag needs a value; its setter never sees it.
  memset(&o, 0, sizeof o);
  s = spm_pass_parse_options("p", "flag a", known, nknown, &o);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s),
                          "'p' option a needs a value (a=...)");
  SPM_EXPECT(strcmp(o.seen, "flag=true;") == 0);
  spm_status_free(s);
  // A setter's error stops the parse and is returned as it is.
  memset(&o, 0, sizeof o);
  s = spm_pass_parse_options("p", "a=1 e=2 b=3", known, nknown, &o);
  SPM_EXPECT(strcmp(spm_status_message(s), "bad value '2'") == 0);
  SPM_EXPECT(strcmp(o.seen, "a=1;") == 0);
  spm_status_free(s);
  // An unknown key, with and without options to list.
  s = spm_pass_parse_options("p", "z=1", known, nknown, &o);
  SPM_EXPECT(strcmp(spm_status_message(s),
                    "'p' has no option 'z' (options: a, b, c, flag, d, e)") ==
             0);
  spm_status_free(s);
  s = spm_pass_parse_options("q", "z", NULL, 0, NULL);
  SPM_EXPECT(strcmp(spm_status_message(s), "'q' has no option 'z'") == 0);
  spm_status_free(s);
  SPM_EXPECT(spm_status_is_ok(spm_pass_parse_options("q", " , ", NULL, 0, NULL)));
}

SPM_TEST(pass_choice) {
  static const char *const names[] = {"a", "bb", "c"};
  int i = -1;
  SPM_EXPECT(
      spm_status_is_ok(spm_pass_parse_choice("p", "opt", "bb", names, 3, &i)));
  SPM_EXPECT(i == 1);
  spm_status_t s = spm_pass_parse_choice("p", "opt", "b", names, 3, &i);
  SPM_EXPECT(strcmp(spm_status_message(s),
                    "'p' option opt must be a, bb or c, got 'b'") == 0);
  SPM_EXPECT(i == 1);
  spm_status_free(s);
  s = spm_pass_parse_choice("p", "opt", "", names, 2, &i);
  SPM_EXPECT(strcmp(spm_status_message(s),
                    "'p' option opt must be a or bb, got ''") == 0);
  spm_status_free(s);
}

SPM_TEST(registry_and_pipeline) {
  SPM_EXPECT(spm_pass_registry_lookup("spm-verify", 10) != NULL);
  SPM_EXPECT(spm_pass_registry_lookup("spm-verif", 9) == NULL);
  MlirContext ctx;
  SPM_EXPECT(spm_status_is_ok(spm_context_create(&ctx)));
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  SPM_EXPECT(spm_status_is_ok(spm_pipeline_add_anchored(
      opm, "builtin.module",
      "builtin.module(spm-verify, func.func(canonicalize{max-iterations=2}), "
      "cse)")));
  const char *bad[] = {"spm-verify", "builtin.module(spm-verify",
                       "builtin.module(spm-verify{x=1})",
                       "builtin.module(no-such-pass)",
                       "builtin.module(spm-verify) trailing",
                       "builtin.module(,)"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    spm_status_t s = spm_pipeline_add_anchored(opm, "builtin.module", bad[i]);
    SPM_EXPECT(!spm_status_is_ok(s));
    spm_status_free(s);
  }
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
}

int main(void) {
  SPM_RUN(split_keeps_line_numbers);
  SPM_RUN(expected_forms);
  SPM_RUN(expected_malformed);
  SPM_RUN(pass_options);
  SPM_RUN(pass_choice);
  SPM_RUN(registry_and_pipeline);
  return spm_test_finish();
}
