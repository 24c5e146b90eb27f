// spm-run: printing outputs and the JSON report (spm_run_tool.h).
#include <inttypes.h>
#include <string.h>

#include "spm_run_tool.h"

void spm_run_tool_print_outputs(const spm_run_program_t *p,
                                const spm_run_machine_t *m, FILE *f) {
  for (size_t i = 0; i < p->ntensors; ++i) {
    const spm_run_tensor_t *t = &p->tensors[i];
    if (t->role != SPM_RUN_ROLE_OUTPUT)
      continue;
    fprintf(f, "%s: %s[", t->name, spm_run_type_name(t->elem));
    for (int d = 0; d < t->rank; ++d)
      fprintf(f, "%s%" PRId64, d ? "x" : "", t->shape[d]);
    fprintf(f, "]\n");
    const void *data;
    size_t bytes;
    spm_status_t st = spm_run_tensor_data(m, (uint32_t)i, &data, &bytes);
    if (!spm_status_is_ok(st)) { // cannot happen: the id is the program's
      spm_status_free(st);
      continue;
    }
    const uint8_t *b = data;
    int64_t n = spm_run_tensor_numel(t);
    for (int64_t e = 0; e < n; ++e) {
      if (t->elem == SPM_RUN_F32) {
        float v;
        memcpy(&v, b + 4 * e, 4);
        fprintf(f, "%.9g\n", (double)v);
      } else if (t->elem == SPM_RUN_I8) {
        fprintf(f, "%d\n", (int)(int8_t)b[e]);
      } else {
        int32_t v;
        memcpy(&v, b + 4 * e, 4);
        fprintf(f, "%" PRId32 "\n", v);
      }
    }
  }
}

void spm_run_tool_report_json(const spm_run_stats_t *s,
                              const spm_target_t *t, FILE *f) {
  fprintf(f, "{\"target\": \"%s\", \"capacity\": %" PRId64 ", ", t->name,
          t->capacity);
#define I(x) fprintf(f, "\"" #x "\": %" PRId64 ", ", s->x)
#define D(x) fprintf(f, "\"" #x "\": %.17g, ", s->x)
  I(cycles);
  I(compute_cycles);
  I(dma_cycles);
  I(stall_cycles);
  I(instructions);
  I(dma_transfers);
  I(dram_bytes_read);
  I(dram_bytes_written);
  I(spm_bytes_read);
  I(spm_bytes_written);
  I(macs);
  I(vector_ops);
  I(peak_spm_bytes);
  D(compute_utilisation);
  D(mac_utilisation);
  D(energy_dram_pj);
  D(energy_spm_pj);
  D(energy_compute_pj);
  D(energy_pj);
#undef I
#undef D
  fprintf(f, "\"time_us\": %.17g}\n", s->time_us);
}
