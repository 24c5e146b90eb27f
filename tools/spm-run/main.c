// spm-run: runs an spm program on the modelled accelerator (lib/run) and
// reports cycles, traffic, energy and peak scratchpad use; or translates it
// between its forms. docs/spm-run.md is the manual.
//
//   spm-run [options] PROGRAM       PROGRAM: .mlir (lowered here), a binary
//                                   or a listing; "-" = standard input
//
// Exit codes: 0 success; 1 the program failed to load, validate or run (a
// fault), or an output could not be written; 2 bad command line.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/encode.h"
#include "spm_run_tool.h"
#include "support/file_io.h"
#include "support/parse_size.h"
#include "support/strbuf.h"

#define MAX_FILES 256

typedef struct {
  const char *name, *path;
} name_path_t;

typedef struct {
  const char *program, *func, *trace, *emit, *out, *report_file,
      *outputs_dir;
  const char *run_only; // the first option that only a run uses, or NULL
  uint64_t seed;
  int64_t max_memory; // bytes the machine may allocate
  bool print_outputs, report_json, quiet;
  name_path_t inputs[MAX_FILES], outputs[MAX_FILES];
  int ninputs, noutputs;
} options_t;

static void print_usage(FILE *f) {
  fprintf(f,
          "usage: spm-run [options] PROGRAM\n"
          "PROGRAM: spm IR (.mlir, after spm-allocate), a binary program or "
          "a listing; - reads stdin\n"
          "  --func NAME           the function to lower (MLIR input)\n"
          "  --seed N              seed of the generated inputs and weights "
          "(default 1)\n"
          "  --input NAME=FILE     raw little-endian bytes of tensor NAME\n"
          "  --output NAME=FILE    write tensor NAME after the run\n"
          "  --outputs DIR         write every output tensor to DIR/NAME.bin\n"
          "  --print-outputs       print every output tensor as text\n"
          "  --report=text|json    the statistics (default text, on stdout)\n"
          "  --report-file FILE    write the report to FILE instead\n"
          "  --trace FILE          Chrome trace JSON of the run\n"
          "  --max-memory=BYTES    host memory the run may use (K/M/G "
          "suffixes; default 4G)\n"
          "  --emit=binary|listing translate instead of running (with -o)\n"
          "  -o FILE               output of --emit (default: stdout)\n"
          "  --help, --version\n");
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "spm-run: error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  print_usage(stderr);
  return 2;
}

static bool split_name_path(const char *arg, name_path_t *out) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || !eq[1])
    return false;
  static char names[2 * MAX_FILES][64];
  static int used;
  size_t n = (size_t)(eq - arg);
  if (n >= sizeof names[0] || used == 2 * MAX_FILES)
    return false;
  memcpy(names[used], arg, n);
  names[used][n] = '\0';
  out->name = names[used++];
  out->path = eq + 1;
  return true;
}

// Remembers the first option given that only matters when the program runs
// (with --emit it would do nothing: a usage error).
static void run_only(options_t *o, const char *opt) {
  if (!o->run_only)
    o->run_only = opt;
}

// Parses argv; returns -1 to go on, else the exit code.
static int parse_options(int argc, char **argv, options_t *o) {
  o->seed = 1;
  o->max_memory = SPM_RUN_DEFAULT_MAX_MEMORY;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = NULL;
#define VALUE(opt)                                                             \
  (strcmp(a, opt) == 0 ? (i + 1 < argc ? (v = argv[++i]) : NULL)             \
   : strncmp(a, opt "=", strlen(opt) + 1) == 0 ? (v = a + strlen(opt) + 1)   \
                                                : NULL)
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      print_usage(stdout);
      return 0;
    } else if (strcmp(a, "--version") == 0) {
      printf("spm-run %s\n", SPM_VERSION);
      return 0;
    } else if (strcmp(a, "--print-outputs") == 0) {
      o->print_outputs = true;
      run_only(o, "--print-outputs");
    } else if (VALUE("--seed")) {
      run_only(o, "--seed");
      char *e;
      errno = 0;
      o->seed = strtoull(v, &e, 10);
      if (errno || e == v || *e || v[0] == '-')
        return usage_error("--seed: not a non-negative integer: '%s'", v);
    } else if (VALUE("--input")) {
      run_only(o, "--input");
      if (o->ninputs == MAX_FILES ||
          !split_name_path(v, &o->inputs[o->ninputs++]))
        return usage_error("--input: expected NAME=FILE, got '%s'", v);
    } else if (VALUE("--output")) {
      run_only(o, "--output");
      if (o->noutputs == MAX_FILES ||
          !split_name_path(v, &o->outputs[o->noutputs++]))
        return usage_error("--output: expected NAME=FILE, got '%s'", v);
    } else if (VALUE("--outputs")) {
      run_only(o, "--outputs");
      o->outputs_dir = v;
    } else if (VALUE("--max-memory")) {
      run_only(o, "--max-memory");
      if (spm_parse_size(v, &o->max_memory) != SPM_PARSE_SIZE_OK ||
          o->max_memory < 1)
        return usage_error("--max-memory: expected a positive byte count "
                           "(digits, optionally K, M or G), got '%s'",
                           v);
    } else if (VALUE("--func")) {
      o->func = v;
    } else if (VALUE("--trace")) {
      run_only(o, "--trace");
      o->trace = v;
    } else if (VALUE("--report-file")) {
      run_only(o, "--report-file");
      o->report_file = v;
    } else if (VALUE("--report")) {
      run_only(o, "--report");
      if (strcmp(v, "json") == 0)
        o->report_json = true;
      else if (strcmp(v, "text") != 0)
        return usage_error("--report: expected text or json, got '%s'", v);
    } else if (VALUE("--emit")) {
      if (strcmp(v, "binary") != 0 && strcmp(v, "listing") != 0)
        return usage_error("--emit: expected binary or listing, got '%s'", v);
      o->emit = v;
    } else if (VALUE("-o")) {
      o->out = v;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option or missing value: '%s'", a);
    } else if (!o->program) {
      o->program = a;
    } else {
      return usage_error("more than one program: '%s'", a);
    }
#undef VALUE
  }
  if (!o->program)
    return usage_error("%s", "no program given");
  if (o->out && !o->emit)
    return usage_error("%s", "-o is for --emit; use --output/--outputs for "
                             "tensors");
  if (o->emit && o->run_only)
    return usage_error("%s is for running the program; --emit translates it "
                       "and would ignore it",
                       o->run_only);
  return -1;
}

static int fail(spm_status_t st, const char *what) {
  if (what)
    fprintf(stderr, "spm-run: error: %s: %s\n", what, spm_status_message(st));
  else
    fprintf(stderr, "spm-run: error: %s\n", spm_status_message(st));
  spm_status_free(st);
  return 1;
}

// The machine's "not enough memory" error, with the option that raises the
// limit.
static spm_status_t with_memory_hint(spm_status_t st) {
  spm_status_t r = spm_status_make(SPM_STATUS_OUT_OF_RANGE,
                                   "%s (--max-memory=BYTES)",
                                   spm_status_message(st));
  spm_status_free(st);
  return r;
}

static spm_status_t find_tensor(const spm_run_program_t *p, const char *name,
                                uint32_t *id) {
  for (size_t i = 0; i < p->ntensors; ++i)
    if (strcmp(p->tensors[i].name, name) == 0) {
      *id = (uint32_t)i;
      return SPM_OK;
    }
  return spm_status_make(SPM_STATUS_NOT_FOUND, "no tensor named '%s'", name);
}

static spm_status_t input_size_error(const name_path_t *in, uint64_t has,
                                     size_t bytes) {
  return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "--input %s: %s has %" PRIu64 " bytes, the tensor "
                         "has %zu",
                         in->name, in->path, has, bytes);
}

static spm_status_t load_inputs(const options_t *o,
                                const spm_run_program_t *p,
                                spm_run_machine_t *m) {
  for (int k = 0; k < o->ninputs; ++k) {
    uint32_t id = 0;
    SPM_RETURN_IF_ERROR(find_tensor(p, o->inputs[k].name, &id));
    const void *cur;
    size_t bytes;
    SPM_RETURN_IF_ERROR(spm_run_tensor_data(m, id, &cur, &bytes));
    // A regular file of the wrong size is refused before it is read (it
    // could be far larger than the tensor); other files (a pipe) are read
    // and then compared.
    struct stat sb;
    if (stat(o->inputs[k].path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (uint64_t)sb.st_size != (uint64_t)bytes)
      return input_size_error(&o->inputs[k], (uint64_t)sb.st_size, bytes);
    spm_strbuf_t data = SPM_STRBUF_INIT;
    spm_status_t st = spm_file_read(o->inputs[k].path, &data);
    if (spm_status_is_ok(st) && data.len != bytes)
      st = input_size_error(&o->inputs[k], data.len, bytes);
    if (spm_status_is_ok(st))
      st = spm_run_set_tensor(m, id, data.data, data.len);
    spm_strbuf_free(&data);
    SPM_RETURN_IF_ERROR(st);
  }
  return SPM_OK;
}

static spm_status_t write_tensor(const spm_run_machine_t *m, uint32_t id,
                                 const char *path) {
  const void *data;
  size_t bytes;
  SPM_RETURN_IF_ERROR(spm_run_tensor_data(m, id, &data, &bytes));
  return spm_file_write_atomic(path, data, bytes);
}

static spm_status_t write_outputs(const options_t *o,
                                  const spm_run_program_t *p,
                                  const spm_run_machine_t *m) {
  for (int k = 0; k < o->noutputs; ++k) {
    uint32_t id = 0;
    SPM_RETURN_IF_ERROR(find_tensor(p, o->outputs[k].name, &id));
    SPM_RETURN_IF_ERROR(write_tensor(m, id, o->outputs[k].path));
  }
  if (o->outputs_dir) {
    spm_strbuf_t path = SPM_STRBUF_INIT;
    spm_status_t st = SPM_OK;
    for (size_t i = 0; i < p->ntensors && spm_status_is_ok(st); ++i) {
      if (p->tensors[i].role != SPM_RUN_ROLE_OUTPUT)
        continue;
      path.len = 0;
      spm_strbuf_appendf(&path, "%s/%s.bin", o->outputs_dir,
                         p->tensors[i].name);
      st = write_tensor(m, (uint32_t)i, spm_strbuf_cstr(&path));
    }
    spm_strbuf_free(&path);
    SPM_RETURN_IF_ERROR(st);
  }
  return SPM_OK;
}

// Before the run: every file the run will write can be written, and every
// --output names a tensor, so that a long run does not end in an error
// that was known at the start.
static spm_status_t check_output_paths(const options_t *o,
                                       const spm_run_program_t *p) {
  if (o->trace)
    SPM_RETURN_IF_ERROR(spm_file_check_writable(o->trace));
  if (o->report_file)
    SPM_RETURN_IF_ERROR(spm_file_check_writable(o->report_file));
  for (int k = 0; k < o->noutputs; ++k) {
    uint32_t id = 0;
    SPM_RETURN_IF_ERROR(find_tensor(p, o->outputs[k].name, &id));
    SPM_RETURN_IF_ERROR(spm_file_check_writable(o->outputs[k].path));
  }
  if (o->outputs_dir) {
    spm_strbuf_t probe = SPM_STRBUF_INIT;
    spm_strbuf_appendf(&probe, "%s/x.bin", o->outputs_dir);
    spm_status_t st = spm_file_check_writable(spm_strbuf_cstr(&probe));
    spm_strbuf_free(&probe);
    if (!spm_status_is_ok(st)) {
      spm_status_free(st);
      return spm_status_make(SPM_STATUS_IO_ERROR,
                             "--outputs: '%s' is not a writable directory",
                             o->outputs_dir);
    }
  }
  return SPM_OK;
}

static spm_status_t emit(const options_t *o, const spm_run_program_t *p) {
  spm_strbuf_t b = SPM_STRBUF_INIT;
  spm_status_t st = SPM_OK;
  if (strcmp(o->emit, "binary") == 0)
    st = spm_run_encode(p, &b);
  else
    spm_run_listing_write(p, &b);
  if (spm_status_is_ok(st))
    st = spm_file_write_atomic(o->out ? o->out : "-", b.data ? b.data : "",
                               b.len);
  spm_strbuf_free(&b);
  return st;
}

// The report, to stdout, the report file (atomically), or stderr after a
// fault.
static spm_status_t report(const options_t *o, const spm_run_program_t *p,
                           const spm_run_stats_t *s, FILE *f) {
  if (!o->report_file || f == stderr) {
    if (o->report_json)
      spm_run_tool_report_json(s, &p->target, f);
    else
      spm_run_report(s, &p->target, f);
    return SPM_OK;
  }
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (!mem)
    return spm_status_make(SPM_STATUS_IO_ERROR, "out of memory");
  if (o->report_json)
    spm_run_tool_report_json(s, &p->target, mem);
  else
    spm_run_report(s, &p->target, mem);
  fclose(mem);
  spm_status_t st = spm_file_write_atomic(o->report_file, text, len);
  free(text);
  return st;
}

int main(int argc, char **argv) {
  static options_t o; // large: the input / output tables
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0)
    return rc;
  spm_run_program_t *p = NULL;
  spm_status_t st = spm_run_tool_load(o.program, o.func, &p);
  if (!spm_status_is_ok(st))
    return fail(st, strcmp(o.program, "-") == 0 ? "<stdin>" : o.program);
  if (o.emit) {
    st = emit(&o, p);
    spm_run_program_free(p);
    return spm_status_is_ok(st) ? 0 : fail(st, NULL);
  }
  spm_run_machine_t *m = NULL;
  st = spm_run_machine_create_limited(p, o.max_memory, &m);
  if (spm_status_code(st) == SPM_STATUS_OUT_OF_RANGE)
    st = with_memory_hint(st);
  if (spm_status_is_ok(st))
    st = check_output_paths(&o, p);
  if (spm_status_is_ok(st)) {
    spm_run_fill_seeded(m, o.seed);
    st = load_inputs(&o, p, m);
  }
  // The trace is collected in memory and written atomically after the run
  // (also after a fault: it shows what ran up to it).
  char *trace_data = NULL;
  size_t trace_size = 0;
  FILE *trace = NULL;
  if (spm_status_is_ok(st) && o.trace) {
    trace = open_memstream(&trace_data, &trace_size);
    if (!trace)
      st = spm_status_make(SPM_STATUS_IO_ERROR, "cannot buffer the trace: %s",
                           strerror(errno));
    else
      spm_run_set_trace(m, trace);
  }
  if (!spm_status_is_ok(st)) {
    spm_run_machine_free(m);
    spm_run_program_free(p);
    return fail(st, NULL);
  }
  st = spm_run_execute(m);
  if (trace) {
    spm_run_set_trace(m, NULL);
    spm_status_t ts = fclose(trace) == 0
                          ? spm_file_write_atomic(o.trace, trace_data,
                                                  trace_size)
                          : spm_status_make(SPM_STATUS_IO_ERROR,
                                            "cannot buffer the trace");
    free(trace_data);
    if (!spm_status_is_ok(ts)) {
      if (spm_status_is_ok(st)) {
        spm_run_machine_free(m);
        spm_run_program_free(p);
        return fail(ts, NULL);
      }
      (void)fail(ts, NULL); // and then the fault itself
    }
  }
  if (!spm_status_is_ok(st)) {
    // The fault, then what ran before it; no outputs are written.
    fprintf(stderr, "spm-run: error: %s\n", spm_status_message(st));
    spm_status_free(st);
    fprintf(stderr, "statistics up to the fault:\n");
    report(&o, p, spm_run_stats(m), stderr);
    spm_run_machine_free(m);
    spm_run_program_free(p);
    return 1;
  }
  st = write_outputs(&o, p, m);
  if (spm_status_is_ok(st)) {
    if (o.print_outputs)
      spm_run_tool_print_outputs(p, m, stdout);
    st = report(&o, p, spm_run_stats(m),
                o.print_outputs && !o.report_file ? stderr : stdout);
  }
  spm_run_machine_free(m);
  spm_run_program_free(p);
  return spm_status_is_ok(st) ? 0 : fail(st, NULL);
}
