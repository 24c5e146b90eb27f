// spm-refcheck wrap: the reference module for mlir-runner (refcheck.h).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/IR.h"

#include "dialect/spm_dialect.h"
#include "lower/lower.h"
#include "refcheck.h"
#include "run/machine.h"
#include "support/diag.h"
#include "support/mlir_util.h"
#include "support/file_io.h"
#include "support/strbuf.h"
#include "target/target.h"

// One argument of the function under test.
typedef struct {
  spm_run_type_t elem;
  int rank;
  int64_t shape[SPM_RUN_MAX_TENSOR_RANK];
  char *type_text; // "memref<4x8xf32>" (owned)
} wrap_arg_t;

static void append_type(MlirType t, spm_strbuf_t *b) {
  mlirTypePrint(t, spm_strbuf_append_callback, b);
}

static spm_status_t decode_arg(MlirType t, size_t i, wrap_arg_t *a) {
  if (!mlirTypeIsAMemRef(t) || !mlirShapedTypeHasStaticShape(t))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "argument %zu is not a static-shape memref", i);
  MlirAttribute layout = mlirMemRefTypeGetLayout(t);
  if (!mlirAttributeIsNull(layout) && mlirAttributeIsAAffineMap(layout) &&
      !mlirAffineMapIsIdentity(mlirAffineMapAttrGetValue(layout)))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "argument %zu has a non-identity layout", i);
  if (!mlirAttributeIsNull(layout) && !mlirAttributeIsAAffineMap(layout))
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "argument %zu has a strided layout", i);
  MlirType e = mlirShapedTypeGetElementType(t);
  if (mlirTypeIsAF32(e))
    a->elem = SPM_RUN_F32;
  else if (mlirTypeIsAInteger(e) && mlirIntegerTypeGetWidth(e) == 8)
    a->elem = SPM_RUN_I8;
  else if (mlirTypeIsAInteger(e) && mlirIntegerTypeGetWidth(e) == 32)
    a->elem = SPM_RUN_I32;
  else
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "argument %zu: element type must be f32, i8 or i32",
                           i);
  a->rank = (int)mlirShapedTypeGetRank(t);
  if (a->rank > SPM_RUN_MAX_TENSOR_RANK)
    return spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                           "argument %zu: rank above %d", i,
                           SPM_RUN_MAX_TENSOR_RANK);
  for (int d = 0; d < a->rank; ++d)
    a->shape[d] = mlirShapedTypeGetDimSize(t, d);
  spm_strbuf_t s = SPM_STRBUF_INIT;
  append_type(t, &s);
  a->type_text = strdup(spm_strbuf_cstr(&s));
  spm_strbuf_free(&s);
  return SPM_OK;
}

// The seeded data of every argument, from spm-run's own generator: a
// program holding one INPUT tensor per argument (ids = argument indices).
static spm_status_t seeded_data(const wrap_arg_t *args, size_t n,
                                uint64_t seed, spm_run_program_t **prog,
                                spm_run_machine_t **machine) {
  spm_target_t t;
  SPM_RETURN_IF_ERROR(spm_target_get_preset("gemmini", &t));
  SPM_RETURN_IF_ERROR(spm_run_program_create(&t, prog));
  for (size_t i = 0; i < n; ++i) {
    char name[32];
    snprintf(name, sizeof name, "arg%zu", i);
    SPM_RETURN_IF_ERROR(spm_run_program_add_tensor(
        *prog, name, args[i].elem, SPM_RUN_ROLE_INPUT, args[i].rank,
        args[i].shape, NULL, NULL));
  }
  SPM_RETURN_IF_ERROR(spm_run_machine_create(*prog, machine));
  spm_run_fill_seeded(*machine, seed);
  return SPM_OK;
}

static void append_hex(spm_strbuf_t *b, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789ABCDEF";
  char chunk[512];
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    chunk[k++] = digits[p[i] >> 4];
    chunk[k++] = digits[p[i] & 15];
    if (k == sizeof chunk) {
      spm_strbuf_append(b, chunk, k);
      k = 0;
    }
  }
  spm_strbuf_append(b, chunk, k);
}

static const char *elem_mlir(spm_run_type_t t) {
  return t == SPM_RUN_F32 ? "f32" : t == SPM_RUN_I8 ? "i8" : "i32";
}

// memref<AxBxi32> for argument a's shape.
static void append_i32_type(spm_strbuf_t *b, const wrap_arg_t *a) {
  spm_strbuf_append_str(b, "memref<");
  for (int d = 0; d < a->rank; ++d)
    spm_strbuf_appendf(b, "%" PRId64 "x", a->shape[d]);
  spm_strbuf_append_str(b, "i32>");
}

static void append_identity_map(spm_strbuf_t *b, int rank) {
  spm_strbuf_append_str(b, "affine_map<(");
  for (int d = 0; d < rank; ++d)
    spm_strbuf_appendf(b, "%sd%d", d ? ", " : "", d);
  spm_strbuf_append_str(b, ") -> (");
  for (int d = 0; d < rank; ++d)
    spm_strbuf_appendf(b, "%sd%d", d ? ", " : "", d);
  spm_strbuf_append_str(b, ")>");
}

// The globals, declarations and entry function appended to the module.
static void append_wrapper(spm_strbuf_t *b, MlirStringRef fname,
                           const wrap_arg_t *args, size_t n,
                           spm_run_machine_t *m, bool decl_f32,
                           bool decl_i32) {
  for (size_t i = 0; i < n; ++i) {
    const void *data;
    size_t bytes;
    spm_status_t st = spm_run_tensor_data(m, (uint32_t)i, &data, &bytes);
    spm_status_free(st); // ids are ours: cannot fail
    spm_strbuf_appendf(b,
                       "  memref.global \"private\" constant @spm_ref_arg%zu "
                       ": %s = dense<\"0x",
                       i, args[i].type_text);
    append_hex(b, data, bytes);
    spm_strbuf_append_str(b, "\">\n");
  }
  if (decl_f32)
    spm_strbuf_append_str(b, "  func.func private @printMemrefF32(memref<*xf32>) "
                             "attributes {llvm.emit_c_interface}\n");
  if (decl_i32)
    spm_strbuf_append_str(b, "  func.func private @printMemrefI32(memref<*xi32>) "
                             "attributes {llvm.emit_c_interface}\n");
  spm_strbuf_append_str(b, "  func.func @spm_ref_main() {\n");
  for (size_t i = 0; i < n; ++i) {
    const char *ty = args[i].type_text;
    spm_strbuf_appendf(b,
                       "    %%g%zu = memref.get_global @spm_ref_arg%zu : %s\n"
                       "    %%a%zu = memref.alloc() : %s\n"
                       "    memref.copy %%g%zu, %%a%zu : %s to %s\n",
                       i, i, ty, i, ty, i, i, ty, ty);
  }
  spm_strbuf_appendf(b, "    call @%.*s(", (int)fname.length, fname.data);
  for (size_t i = 0; i < n; ++i)
    spm_strbuf_appendf(b, "%s%%a%zu", i ? ", " : "", i);
  spm_strbuf_append_str(b, ") : (");
  for (size_t i = 0; i < n; ++i)
    spm_strbuf_appendf(b, "%s%s", i ? ", " : "", args[i].type_text);
  spm_strbuf_append_str(b, ") -> ()\n");
  for (size_t i = 0; i < n; ++i) {
    const wrap_arg_t *a = &args[i];
    if (a->elem == SPM_RUN_I8) { // printed widened: the i8 printer prints chars
      spm_strbuf_appendf(b, "    %%e%zu = memref.alloc() : ", i);
      append_i32_type(b, a);
      spm_strbuf_append_str(b, "\n    linalg.generic {indexing_maps = [");
      append_identity_map(b, a->rank);
      spm_strbuf_append_str(b, ", ");
      append_identity_map(b, a->rank);
      spm_strbuf_append_str(b, "], iterator_types = [");
      for (int d = 0; d < a->rank; ++d)
        spm_strbuf_appendf(b, "%s\"parallel\"", d ? ", " : "");
      spm_strbuf_appendf(b, "]} ins(%%a%zu : %s) outs(%%e%zu : ", i,
                         a->type_text, i);
      append_i32_type(b, a);
      spm_strbuf_append_str(b,
                            ") {\n    ^bb0(%x: i8, %y: i32):\n"
                            "      %z = arith.extsi %x : i8 to i32\n"
                            "      linalg.yield %z : i32\n    }\n");
      spm_strbuf_appendf(b, "    %%u%zu = memref.cast %%e%zu : ", i, i);
      append_i32_type(b, a);
      spm_strbuf_appendf(b,
                         " to memref<*xi32>\n"
                         "    call @printMemrefI32(%%u%zu) : (memref<*xi32>) "
                         "-> ()\n    memref.dealloc %%e%zu : ",
                         i, i);
      append_i32_type(b, a);
      spm_strbuf_append_str(b, "\n");
    } else {
      const char *e = elem_mlir(a->elem);
      spm_strbuf_appendf(b,
                         "    %%u%zu = memref.cast %%a%zu : %s to memref<*x%s>\n"
                         "    call @printMemref%s(%%u%zu) : (memref<*x%s>) -> ()\n",
                         i, i, a->type_text, e,
                         a->elem == SPM_RUN_F32 ? "F32" : "I32", i, e);
    }
    spm_strbuf_appendf(b, "    memref.dealloc %%a%zu : %s\n", i, a->type_text);
  }
  spm_strbuf_append_str(b, "    return\n  }\n");
}

static bool module_has_symbol(MlirModule m, const char *name) {
  return !mlirOperationIsNull(
      spm_lookup_symbol(mlirModuleGetOperation(m),
                        mlirStringRefCreateFromCString(name)));
}

static spm_status_t write_data_files(const char *dir, size_t n,
                                     spm_run_machine_t *m) {
  spm_strbuf_t args = SPM_STRBUF_INIT, path = SPM_STRBUF_INIT;
  spm_status_t st = SPM_OK;
  for (size_t i = 0; i < n && spm_status_is_ok(st); ++i) {
    const void *data;
    size_t bytes;
    st = spm_run_tensor_data(m, (uint32_t)i, &data, &bytes);
    if (!spm_status_is_ok(st))
      break;
    path.len = 0;
    spm_strbuf_appendf(&path, "%s/arg%zu.bin", dir, i);
    st = spm_file_write_atomic(spm_strbuf_cstr(&path), data, bytes);
    spm_strbuf_appendf(&args, "%s--input arg%zu=%s", i ? " " : "", i,
                       spm_strbuf_cstr(&path));
  }
  if (spm_status_is_ok(st)) {
    spm_strbuf_append_str(&args, "\n");
    path.len = 0;
    spm_strbuf_appendf(&path, "%s/args.txt", dir);
    st = spm_file_write_atomic(spm_strbuf_cstr(&path), args.data, args.len);
  }
  spm_strbuf_free(&args);
  spm_strbuf_free(&path);
  return st;
}

spm_status_t spm_refcheck_wrap(const spm_refcheck_wrap_options_t *o) {
  MlirContext ctx;
  SPM_RETURN_IF_ERROR(spm_context_create(&ctx));
  spm_diag_engine_t *diag = spm_diag_engine_create(ctx, stderr);
  spm_status_t st = SPM_OK;
  wrap_arg_t *args = NULL;
  size_t nargs = 0;
  spm_run_program_t *prog = NULL;
  spm_run_machine_t *machine = NULL;
  spm_strbuf_t text = SPM_STRBUF_INIT;
  MlirModule m = mlirModuleCreateParseFromFile(
      ctx, mlirStringRefCreateFromCString(o->input));
  if (mlirModuleIsNull(m)) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT, "%s: cannot parse",
                         o->input);
    goto done;
  }
  MlirOperation f = {NULL};
  st = spm_lower_find_function(m, o->func, &f);
  if (!spm_status_is_ok(st))
    goto done;
  MlirStringRef fname = mlirStringAttrGetValue(mlirOperationGetAttributeByName(
      f, mlirStringRefCreateFromCString("sym_name")));
  MlirType ft = mlirTypeAttrGetValue(mlirOperationGetAttributeByName(
      f, mlirStringRefCreateFromCString("function_type")));
  if (mlirFunctionTypeGetNumResults(ft) != 0) {
    st = spm_status_make(SPM_STATUS_INVALID_ARGUMENT,
                         "function '%.*s' returns values; only functions "
                         "writing their memref arguments can be checked",
                         (int)fname.length, fname.data);
    goto done;
  }
  nargs = (size_t)mlirFunctionTypeGetNumInputs(ft);
  args = calloc(nargs ? nargs : 1, sizeof *args);
  bool any_f32 = false, any_i32 = false;
  for (size_t i = 0; i < nargs && spm_status_is_ok(st); ++i) {
    st = decode_arg(mlirFunctionTypeGetInput(ft, (intptr_t)i), i, &args[i]);
    if (spm_status_is_ok(st)) {
      any_f32 |= args[i].elem == SPM_RUN_F32;
      any_i32 |= args[i].elem != SPM_RUN_F32;
    }
  }
  if (!spm_status_is_ok(st))
    goto done;
  st = seeded_data(args, nargs, o->seed, &prog, &machine);
  if (!spm_status_is_ok(st))
    goto done;
  st = write_data_files(o->data_dir, nargs, machine);
  if (!spm_status_is_ok(st))
    goto done;
  // Upstream mlir-opt does not know spm's attribute: drop it.
  MlirOperation mop = mlirModuleGetOperation(m);
  mlirOperationRemoveAttributeByName(
      mop, mlirStringRefCreateFromCString("spm.target"));
  mlirOperationPrint(mop, spm_strbuf_append_callback, &text);
  // Insert the wrapper before the module's closing brace.
  while (text.len > 0 && (text.data[text.len - 1] == '\n' ||
                          text.data[text.len - 1] == ' '))
    text.len--;
  if (text.len == 0 || text.data[text.len - 1] != '}') {
    st = spm_status_make(SPM_STATUS_INTERNAL, "unexpected printed module");
    goto done;
  }
  text.len--;
  text.data[text.len] = '\0';
  append_wrapper(&text, fname, args, nargs, machine,
                 any_f32 && !module_has_symbol(m, "printMemrefF32"),
                 any_i32 && !module_has_symbol(m, "printMemrefI32"));
  spm_strbuf_append_str(&text, "}\n");
  if (strcmp(o->output, "-") == 0)
    fwrite(text.data, 1, text.len, stdout);
  else
    st = spm_file_write_atomic(o->output, text.data, text.len);
done:
  spm_strbuf_free(&text);
  spm_run_machine_free(machine);
  spm_run_program_free(prog);
  for (size_t i = 0; i < nargs; ++i)
    free(args[i].type_text);
  free(args);
  if (!mlirModuleIsNull(m))
    mlirModuleDestroy(m);
  spm_diag_engine_destroy(diag);
  mlirContextDestroy(ctx);
  return st;
}
