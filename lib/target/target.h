// The target description: what the scratchpad and the accelerator around it
// look like. Carried in the IR as the module attribute
//
//   module attributes {spm.target = #spm.target<{name = "gemmini",
//       capacity = 262144 : i64, alignment = 16 : i64, ...}>}
//
// selected in spm-opt with --spm-target=NAME or NAME{field=value ...}.
// docs/target.md lists the fields, the presets and the source of each figure.
#ifndef SPM_TARGET_TARGET_H
#define SPM_TARGET_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "support/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_target_s {
  char name[32];
  int64_t capacity;           // scratchpad bytes
  int64_t alignment;          // byte alignment of every buffer offset (2^k)
  int64_t banks;              // scratchpad banks
  double dma_bandwidth;       // DRAM<->scratchpad bytes per cycle
  int64_t dma_latency;        // cycles before the first byte of a transfer
  int64_t macs_per_cycle;     // compute array throughput
  int64_t clock_mhz;          // clock, for converting cycles to time
  double dram_pj_per_byte;    // energy per DRAM byte moved
  double spm_pj_per_byte;     // energy per scratchpad byte read or written
  double mac_pj;              // energy per multiply-accumulate
} spm_target_t;

// Number of presets and their names (borrowed static strings).
size_t spm_target_preset_count(void);
const char *spm_target_preset_name(size_t i);

// Fills `out` with the preset `name`. NOT_FOUND lists the known names.
spm_status_t spm_target_get_preset(const char *name, spm_target_t *out);

// Sets one field from its textual value ("capacity", "262144"); integer
// fields take spm_parse_size()'s grammar (digits, optional K/M/G suffix for
// KiB/MiB/GiB; no sign or spaces) and must be positive (dma_latency: may be
// 0, as spm_target_validate allows). Values are range-checked.
spm_status_t spm_target_set_field(spm_target_t *t, const char *key,
                                  const char *value);

// Parses "NAME" or "NAME{key=value key=value ...}" (pass-option syntax;
// ',' also separates) into a preset with overrides.
spm_status_t spm_target_parse_spec(const char *spec, spm_target_t *out);

// Upper limits, the same as spm-run's program format (docs/isa.md), so
// that every target the IR accepts can be lowered and run.
#define SPM_TARGET_MAX_CAPACITY ((int64_t)1 << 40)    // bytes
#define SPM_TARGET_MAX_DMA_LATENCY ((int64_t)1 << 40) // cycles

// Checks the invariants: a name of 1-31 characters of [A-Za-z0-9_.-],
// capacity in 1..SPM_TARGET_MAX_CAPACITY, power-of-two alignment dividing
// the capacity, dma_latency in 0..SPM_TARGET_MAX_DMA_LATENCY, ...
spm_status_t spm_target_validate(const spm_target_t *t);

// Returns the #spm.target<{...}> attribute for `t` (owned by `ctx`), or a
// null attribute if the spm dialect is not loaded.
MlirAttribute spm_target_to_attribute(MlirContext ctx, const spm_target_t *t);

// Reads and validates a #spm.target<{...}> attribute. Every field must be
// present with the right kind; unknown fields are errors.
spm_status_t spm_target_from_attribute(MlirAttribute attr, spm_target_t *out);

// Name of the module attribute that carries the target.
#define SPM_TARGET_ATTR_NAME "spm.target"

#ifdef __cplusplus
}
#endif
#endif
