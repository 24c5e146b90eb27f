// What every spm pass provides, and the registry that lists them.
//
// A pass is an MlirPass built with mlirCreateExternalPass, so the same object
// runs in spm-opt, in any MlirPassManager, and inside upstream mlir-opt
// through the plugin (lib/plugin). Adding a pass = one file in passes/
// defining a `const spm_pass_info_t spm_pass_info_<name>` plus one line in
// passes/registry.c.
#ifndef SPM_PASSES_PASS_H
#define SPM_PASSES_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/Pass.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_pass_info_s {
  const char *argument;    // command-line name, e.g. "spm-verify"
  const char *description; // one line, for --help and --list-passes
  const char *options;     // "key=value: meaning" lines for --help, or ""
  // Creates the pass from its textual options (the text between '{' and
  // '}' in a pipeline, or after '=' in --NAME=OPTS; may be NULL or "").
  // On success the caller owns *out (hand it to a pass manager).
  spm_status_t (*create)(const char *options, MlirPass *out);
} spm_pass_info_t;

// The registered passes, in registration order (borrowed, static).
size_t spm_pass_registry_count(void);
const spm_pass_info_t *spm_pass_registry_get(size_t i);
// The pass whose argument is the first `len` bytes of `name`, or NULL.
const spm_pass_info_t *spm_pass_registry_lookup(const char *name, size_t len);

// Wraps mlirCreateExternalPass for pass `info` (generic op pass: no anchor
// op). `type_id` is a unique, 8-byte-aligned static address per pass;
// `user` belongs to the pass (released by callbacks.destruct). Caller owns
// the returned pass (hand it to a pass manager).
MlirPass spm_pass_create_external(const spm_pass_info_t *info,
                                  const void *type_id, const char *class_name,
                                  MlirExternalPassCallbacks callbacks,
                                  void *user);

// Runs `fn(func, user)` on `op` if it is a func.func with a body, else on
// every such function directly inside `op` (e.g. the module); stops at the
// first error.
spm_status_t spm_pass_for_each_func(MlirOperation op,
                                    spm_status_t (*fn)(MlirOperation, void *),
                                    void *user);

// Sets one option of a pass from its text. `value` is the text after '='
// ("true" for a bare flag; borrowed, valid during the call); `options` is the
// pass's own options struct (borrowed). Returns OK, or an INVALID_ARGUMENT
// status (owned by the caller) that names the pass, the option and the value.
typedef spm_status_t (*spm_pass_option_set_fn)(const char *value,
                                               void *options);

// One option a pass accepts: its name, whether it is a boolean `flag` (given
// bare, `key` alone means key=true, as mlir-opt's boolean options; every
// other option needs a value), and the function that sets it.
typedef struct spm_pass_option_s {
  const char *name;
  bool flag;
  spm_pass_option_set_fn set;
} spm_pass_option_t;

// Option parsing shared by passes: for each `key=value` in `options`
// (separated by spaces or commas; values may be quoted with "..." or '...';
// NULL or "" is no option) calls the `set` of the entry of known[0..nknown)
// named `key`, with `user`. A key not in the table is an error naming the
// pass's options; so is a bare key that is not a flag. Stops at the first
// error, or the first non-OK status a setter returns, and returns it (owned
// by the caller).
spm_status_t spm_pass_parse_options(const char *pass, const char *options,
                                    const spm_pass_option_t *known,
                                    size_t nknown, void *user);

// Reads an option whose value is one of names[0..n) (n >= 2): *out is its
// index. Otherwise INVALID_ARGUMENT (owned by the caller): "'PASS' option
// OPTION must be A, B or C, got 'VALUE'".
spm_status_t spm_pass_parse_choice(const char *pass, const char *option,
                                   const char *value, const char *const *names,
                                   int n, int *out);

// Reads a pass's capacity= or alignment= option as the target field `field`
// ("capacity" or "alignment") is read: K/M/G suffixes, with --spm-target's
// checks and messages. Sets *out only on success.
spm_status_t spm_pass_parse_target_size(const char *field, const char *value,
                                        int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
