// spm-run's command line (docs/spm-run.md): loading programs and writing
// what a run produced. The interpreter itself is lib/run.
//
// Ownership: paths are borrowed; a loaded program is owned by the caller
// (spm_run_program_free()). Statuses follow support/status.h.
#ifndef SPM_TOOLS_SPM_RUN_TOOL_H
#define SPM_TOOLS_SPM_RUN_TOOL_H

#include <stdio.h>

#include "run/isa.h"
#include "run/machine.h"
#include "support/status.h"

// Loads PATH ("-" = stdin): a binary program (recognised by its magic), a
// listing (first non-comment line "spm_run ..."), or MLIR, lowered with
// lib/lower (function `func`, or the only one with a body).
spm_status_t spm_run_tool_load(const char *path, const char *func,
                               spm_run_program_t **out);

// Every OUTPUT tensor as text: "NAME: TYPE[d0xd1...]" then one value per
// line (f32 "%.9g", integers in decimal).
void spm_run_tool_print_outputs(const spm_run_program_t *p,
                                const spm_run_machine_t *m, FILE *f);

// The statistics as one JSON object (every spm_run_stats_t field, the
// target name and capacity).
void spm_run_tool_report_json(const spm_run_stats_t *s,
                              const spm_target_t *t, FILE *f);

#endif
