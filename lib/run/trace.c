// The Chrome trace writer (chrome://tracing, Perfetto): one "X" (complete)
// event per DMA transfer (tid 1) and compute op or WAIT stall (tid 0), with
// ts and dur in cycles.
#include "run/machine_internal.h"

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

void spm_run_trace_begin(spm_run_machine_t *m) {
  if (!m->trace)
    return;
  fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"time_unit\":\"cycles\"},"
        "\"traceEvents\":[\n"
        "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,"
        "\"args\":{\"name\":\"compute\"}},\n"
        "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":1,"
        "\"args\":{\"name\":\"dma\"}}",
        m->trace);
}

void spm_run_trace_event(spm_run_machine_t *m, size_t instr, int tid,
                         const char *cat, int64_t ts, int64_t dur) {
  if (!m->trace)
    return;
  spm_strbuf_t t = SPM_STRBUF_INIT;
  spm_run_instr_text(m->p, instr, &t);
  fputs(",\n{\"name\":", m->trace);
  json_string(m->trace, spm_strbuf_cstr(&t));
  fprintf(m->trace,
          ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%lld,\"dur\":%lld,\"pid\":0,"
          "\"tid\":%d,\"args\":{\"instruction\":%zu}}",
          cat, (long long)ts, (long long)dur, tid, instr);
  spm_strbuf_free(&t);
}

void spm_run_trace_end(spm_run_machine_t *m) {
  if (!m->trace)
    return;
  fputs("\n]}\n", m->trace);
  fflush(m->trace);
}
