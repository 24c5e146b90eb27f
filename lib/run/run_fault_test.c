// Unit tests of lib/run: every fault with its message (the run stops at the
// faulting instruction), and the program validator's errors.
//
//   spm-unit-run-fault
#include "run/run_test_util.h"

static int fault_kinds;

// --- faults ------------------------------------------------------------------------------

// A 64-float input, two 256 B buffers (b0 at 0, b1 at 256) and an overlapping
// b2 at 0, a 64-float output.
static spm_run_program_t *fault_base(void) {
  spm_run_program_t *p = prog(target(1024, 16, 10, 16));
  int64_t n = 64;
  tensor(p, "x", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, &n);
  tensor(p, "y", SPM_RUN_F32, SPM_RUN_ROLE_OUTPUT, 1, &n);
  buffer(p, "a", 0, 256);
  buffer(p, "b", 256, 256);
  buffer(p, "alias", 0, 256);
  return p;
}

static const int64_t v64[1] = {64};

static spm_run_instr_t copy_instr(uint32_t from, uint32_t to) {
  spm_run_instr_t in;
  memset(&in, 0, sizeof in);
  in.op = SPM_RUN_OP_ELTWISE;
  in.eltwise.ninputs = 1;
  in.eltwise.in[0] = view(from, SPM_RUN_F32, 1, v64);
  in.eltwise.out = view(to, SPM_RUN_F32, 1, v64);
  return in;
}

static void emit_copy(spm_run_program_t *p, uint32_t from, uint32_t to) {
  spm_run_uop_t u[2] = {{.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
                        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32}};
  spm_run_instr_t in = copy_instr(from, to);
  SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, 2)));
}

static void expect_fault(spm_run_program_t *p, const char *sub) {
  spm_run_machine_t *m = NULL;
  spm_status_t s = run(p, &m);
  expect_status(s, SPM_STATUS_FAILED, sub);
  fault_kinds++;
  spm_run_machine_free(m);
  spm_run_program_free(p);
}

SPM_TEST(faults) {
  spm_run_program_t *p;
  // Out of capacity (a buffer placed past the end).
  p = fault_base();
  buffer(p, "far", 1024, 16);
  alloc_(p, 3);
  expect_fault(p, "instruction 0 `alloc b3`: buffer 'far' [1024, 1040) lies "
                  "outside the scratchpad (capacity 1024 bytes)");
  // Access outside its buffer: 256 B into a 64 B buffer.
  p = fault_base();
  buffer(p, "small", 512, 64);
  alloc_(p, 3);
  dma_(p, true, 0, 3, 0, 1);
  expect_fault(p, "instruction 1 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b3+0 token=1`: dma: bytes [0, 256) lie "
                  "outside buffer 'small' (64 bytes)");
  // A view past the end of its buffer.
  p = fault_base();
  alloc_(p, 0);
  {
    spm_run_view_t v = view(0, SPM_RUN_F32, 1, v64);
    v.offset = 16;
    emit(p, fill_instr(v, 0));
  }
  expect_fault(p, "out: bytes [16, 272) lie outside buffer 'a' (256 bytes)");
  // Buffer not allocated.
  p = fault_base();
  emit(p, fill_instr(view(1, SPM_RUN_F32, 1, v64), 0));
  expect_fault(p, "instruction 0 `fill value=0 out=b1+0:f32[64](1)`: out: "
                  "buffer 'b' is not allocated");
  // Double allocation.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 0);
  expect_fault(p, "instruction 1 `alloc b0`: buffer 'a' is already allocated");
  // Read of bytes never written.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 2 `eltwise in0=b0+0:f32[64](1) "
                  "out=b1+0:f32[64](1) { r0 = load.f32 in0; yield.f32 r0 }`: "
                  "in0: reads scratchpad byte 0 (buffer 'a' + 0), which was "
                  "never written");
  // Read of bytes overwritten through another (overlapping) buffer.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 2);
  emit(p, fill_instr(view(2, SPM_RUN_F32, 1, v64), f32bits(1)));
  dealloc_(p, 2);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 8 `eltwise");
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 2);
  emit(p, fill_instr(view(2, SPM_RUN_F32, 1, v64), f32bits(1)));
  dealloc_(p, 2);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "which was overwritten through buffer 'alias'");
  // Stale data of an earlier lifetime of the same buffer.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dealloc_(p, 0);
  alloc_(p, 0);
  alloc_(p, 1);
  emit_copy(p, 0, 1);
  expect_fault(p, "written only in an earlier lifetime of the buffer");
  // Writing over live data of another buffer (overlapping allocation).
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  alloc_(p, 2);
  dma_(p, true, 0, 2, 0, 1);
  expect_fault(p, "instruction 3 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b2+0 token=1`: dma: writes scratchpad byte "
                  "0 (buffer 'alias' + 0), which holds live data of buffer "
                  "'a'");
  // Compute reading bytes of an unwaited DMA_LOAD.
  p = fault_base();
  alloc_(p, 0);
  alloc_(p, 1);
  dma_(p, true, 0, 0, 0, 7);
  emit_copy(p, 0, 1);
  expect_fault(p, "instruction 3 `eltwise in0=b0+0:f32[64](1) "
                  "out=b1+0:f32[64](1) { r0 = load.f32 in0; yield.f32 r0 }`: "
                  "in0: reads scratchpad byte 0 while DMA_LOAD instruction 2 "
                  "(token 7) is in flight (not waited for)");
  // DMA_STORE of bytes an unwaited DMA_LOAD fills.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dma_(p, false, 1, 0, 0, 2);
  expect_fault(p, "instruction 2 `dma_store b0+0 offset=0 sizes=[64] "
                  "strides=[1] -> t1 token=2`: dma: reads scratchpad byte 0 "
                  "while DMA_LOAD instruction 1 (token 1) is in flight");
  // Compute overwriting bytes an unwaited DMA_STORE reads.
  p = fault_base();
  alloc_(p, 0);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), 0));
  dma_(p, false, 1, 0, 0, 4);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 1, v64), f32bits(2)));
  expect_fault(p, "instruction 3 `fill value=2 out=b0+0:f32[64](1)`: out: "
                  "overwrites scratchpad byte 0 while DMA_STORE instruction 2 "
                  "(token 4) is in flight");
  // DMA_LOAD into bytes an unwaited DMA_LOAD fills.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dma_(p, true, 0, 0, 0, 2);
  expect_fault(p, "instruction 2 `dma_load t0 offset=0 sizes=[64] "
                  "strides=[1] -> b0+0 token=2`: dma: writes scratchpad byte "
                  "0 while DMA_LOAD instruction 1 (token 1) is in flight");
  // WAIT of an unknown token (and of a token already waited for).
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  wait_(p, 1);
  wait_(p, 1);
  expect_fault(p, "instruction 3 `wait 1`: no DMA with token 1 is in flight");
  // DEALLOC with a transfer in flight.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  dealloc_(p, 0);
  expect_fault(p, "instruction 2 `dealloc b0`: buffer 'a' is freed while DMA "
                  "instruction 1 (token 1) on it is in flight");
  // The end of the program with a transfer never waited for.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 9);
  expect_fault(p, "instruction 2 `end of program`: the program ends with DMA "
                  "instruction 1 (token 9) never waited for");
  // Micro-op poison: integer division by zero.
  p = fault_base();
  {
    int64_t n = 4;
    tensor(p, "q", SPM_RUN_I32, SPM_RUN_ROLE_INPUT, 1, &n);
    alloc_(p, 0);
    alloc_(p, 1);
    emit(p, fill_instr(view(0, SPM_RUN_I32, 1, &n), 0));
    spm_run_uop_t u[4] = {
        {.op = SPM_RUN_UOP_CONST, .type = SPM_RUN_I32, .dst = 1, .imm = 7},
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_I32, .dst = 0},
        {.op = SPM_RUN_UOP_DIV, .type = SPM_RUN_I32, .dst = 2, .a = 1, .b = 0},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_I32, .a = 2}};
    spm_run_instr_t in;
    memset(&in, 0, sizeof in);
    in.op = SPM_RUN_OP_ELTWISE;
    in.eltwise.ninputs = 1;
    in.eltwise.in[0] = view(0, SPM_RUN_I32, 1, &n);
    in.eltwise.out = view(1, SPM_RUN_I32, 1, &n);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &in, u, 4)));
  }
  expect_fault(p, "micro-op 2 `r2 = div.i32 r1, r0`: integer division by "
                  "zero");
}

SPM_TEST(validation_errors) {
  spm_run_program_t *p = fault_base();
  spm_run_instr_t in = matmul_instr(false, view(0, SPM_RUN_F32, 1, v64),
                                    view(0, SPM_RUN_F32, 1, v64),
                                    view(1, SPM_RUN_F32, 1, v64));
  emit(p, in);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "instruction 0 `matmul acc=0 a=b0+0:f32[64](1)");
  spm_run_program_free(p);
  // DRAM window past the end of its tensor.
  p = fault_base();
  alloc_(p, 0);
  dma_(p, true, 0, 0, 0, 1);
  p->instrs[1].dma.offset = 1;
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "window [offset 1, last element 64] outside tensor 'x' (64 "
                "elements)");
  spm_run_program_free(p);
  // Unknown ids, bad names, duplicate names, output broadcast, misaligned.
  p = fault_base();
  alloc_(p, 9);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "buffer b9 does not exist (3 buffers)");
  spm_run_program_free(p);
  p = prog(target(1024, 16, 10, 16)); // one buffer: the count is singular
  buffer(p, "a", 0, 256);
  alloc_(p, 1);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "buffer b1 does not exist (1 buffer)");
  spm_run_program_free(p);
  p = fault_base();
  expect_status(spm_run_program_add_tensor(p, "bad name", SPM_RUN_F32,
                                           SPM_RUN_ROLE_INPUT, 1, v64, NULL,
                                           NULL),
                SPM_STATUS_INVALID_ARGUMENT, "is not [A-Za-z0-9_.-]");
  buffer(p, "a", 16, 16);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "buffer name 'a' used twice");
  spm_run_program_free(p);
  p = fault_base();
  buffer(p, "odd", 8, 16);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "not a multiple of the alignment 16");
  spm_run_program_free(p);
  p = fault_base();
  {
    spm_run_view_t v = view(0, SPM_RUN_F32, 1, v64);
    v.stride[0] = 0;
    emit(p, fill_instr(v, 0));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "an output view cannot broadcast");
  spm_run_program_free(p);
  // Micro-op typing.
  p = fault_base();
  {
    spm_run_uop_t u[3] = {
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
        {.op = SPM_RUN_UOP_SHRS, .type = SPM_RUN_F32, .dst = 1, .a = 0, .b = 0},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 1}};
    spm_run_instr_t e = copy_instr(0, 1);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &e, u, 3)));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "micro-op 1 (shrs): integer only");
  spm_run_program_free(p);
  p = fault_base();
  {
    spm_run_uop_t u[2] = {
        {.op = SPM_RUN_UOP_LOAD, .type = SPM_RUN_F32},
        {.op = SPM_RUN_UOP_YIELD, .type = SPM_RUN_F32, .a = 3}};
    spm_run_instr_t e = copy_instr(0, 1);
    SPM_EXPECT(ok(spm_run_program_add_instr(p, &e, u, 2)));
  }
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "register r3 read before written");
  spm_run_program_free(p);
  // A matmul writing bytes it reads (same buffer, overlapping spans); one
  // element past the input is fine.
  p = fault_base();
  int64_t sq[2] = {4, 4};
  spm_run_view_t a = view(0, SPM_RUN_F32, 2, sq), c = a;
  c.offset = 60;
  emit(p, matmul_instr(false, a, view(1, SPM_RUN_F32, 2, sq), c));
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "output c (bytes [60, 124) of buffer b0) overlaps input a "
                "(bytes [0, 64))");
  p->instrs[0].matmul.c.offset = 64;
  SPM_EXPECT(ok(spm_run_program_validate(p)));
  spm_run_program_free(p);
  // Bad target.
  spm_target_t t = target(1000, 16, 1, 1);
  p = prog(t);
  expect_status(spm_run_program_validate(p), SPM_STATUS_INVALID_ARGUMENT,
                "alignment 16 is not a power of two dividing the capacity");
  spm_run_program_free(p);
}

// Host memory: what spm_run_machine_memory counts, and the limit checked
// before anything is allocated, naming the tensor, the scratchpad or the
// instruction.
SPM_TEST(memory_limit) {
  spm_run_program_t *p = prog(target(4096, 16, 1, 1));
  int64_t big[1] = {1000}, s2[2] = {64, 64}, row[2] = {1, 64};
  tensor(p, "x", SPM_RUN_F32, SPM_RUN_ROLE_INPUT, 1, big);
  buffer(p, "A", 0, 256);
  buffer(p, "C", 256, 256);
  alloc_(p, 0);
  alloc_(p, 1);
  emit(p, fill_instr(view(0, SPM_RUN_F32, 2, row), f32bits(1)));
  // C[1,64] = A[1,64] * B[64,64] with B[k,j] = row[k] (stride 0 in j): the
  // copies are 64 + 64 + 64 elements, not 64 + 4096 + 64.
  spm_run_view_t a = view(0, SPM_RUN_F32, 2, row),
                 b = view(0, SPM_RUN_F32, 2, s2),
                 c = view(1, SPM_RUN_F32, 2, row);
  b.stride[0] = 1;
  b.stride[1] = 0;
  emit(p, matmul_instr(false, a, b, c));
  spm_run_memory_t mem;
  SPM_EXPECT(ok(spm_run_program_validate(p)));
  spm_run_machine_memory(p, &mem);
  SPM_EXPECT(mem.tensors == 4000);
  SPM_EXPECT(mem.scratchpad == 7 * 4096);
  SPM_EXPECT(mem.temp == 4 * (64 + 64 + 64) && mem.temp_instr == 3);
  SPM_EXPECT(mem.tables > 0 && mem.fixed == 4000 + 7 * 4096 + mem.tables);
  SPM_EXPECT(mem.peak == mem.fixed + mem.temp);
  spm_run_machine_t *m = NULL;
  SPM_EXPECT(ok(spm_run_machine_create_limited(p, mem.peak, &m)));
  SPM_EXPECT(m && ok(spm_run_execute(m)));
  spm_run_machine_free(m);
  expect_status(spm_run_machine_create_limited(p, mem.peak - 1, &m),
                SPM_STATUS_OUT_OF_RANGE,
                "not enough memory: instruction 3 `matmul acc=0 "
                "a=b0+0:f32[1,64](64,1) b=b0+0:f32[64,64](1,0) "
                "c=b1+0:f32[1,64](64,1)` needs 768 bytes for dense copies");
  SPM_EXPECT(m == NULL);
  expect_status(spm_run_machine_create_limited(p, mem.fixed - 1, &m),
                SPM_STATUS_OUT_OF_RANGE,
                "not enough memory: the scratchpad of 4096 bytes needs 28672 "
                "bytes");
  spm_run_program_free(p);
  // A tensor larger than everything else is named, with its type.
  p = prog(target(4096, 16, 1, 1));
  int64_t huge[2] = {1 << 20, 1 << 10};
  tensor(p, "w", SPM_RUN_I8, SPM_RUN_ROLE_WEIGHT, 2, huge);
  expect_status(spm_run_machine_create_limited(p, 1 << 29, &m),
                SPM_STATUS_OUT_OF_RANGE,
                "not enough memory: tensor 'w' (i8[1048576x1024]) needs "
                "1073741824 bytes");
  SPM_EXPECT(m == NULL);
  spm_run_program_free(p);
}

int main(int argc, char **argv) {
  parse_quick(argc, argv);
  SPM_RUN(faults);
  SPM_RUN(validation_errors);
  SPM_RUN(memory_limit);
  printf("faults: %d kinds, each stops the run naming its instruction\n",
         fault_kinds);
  return spm_test_finish();
}
