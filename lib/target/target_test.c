// Unit tests of lib/target: presets, field parsing, spec parsing and the
// #spm.target attribute round trip.
#include <math.h>
#include <string.h>

#include "dialect/spm_dialect.h"
#include "support/unit_test.h"
#include "target/target.h"

SPM_TEST(presets_are_valid) {
  SPM_EXPECT(spm_target_preset_count() >= 4);
  for (size_t i = 0; i < spm_target_preset_count(); ++i) {
    spm_target_t t;
    SPM_EXPECT(spm_status_is_ok(
        spm_target_get_preset(spm_target_preset_name(i), &t)));
    SPM_EXPECT(spm_status_is_ok(spm_target_validate(&t)));
  }
  spm_target_t g;
  SPM_EXPECT(spm_status_is_ok(spm_target_get_preset("gemmini", &g)));
  SPM_EXPECT(g.capacity == 256 * 1024 && g.macs_per_cycle == 256);
  spm_target_t tpu;
  SPM_EXPECT(spm_status_is_ok(spm_target_get_preset("tpuv1", &tpu)));
  SPM_EXPECT(tpu.capacity == 24 * 1024 * 1024 && tpu.macs_per_cycle == 65536);
}

SPM_TEST(unknown_preset_lists_names) {
  spm_target_t t;
  spm_status_t s = spm_target_get_preset("tpuv9", &t);
  SPM_EXPECT(spm_status_code(s) == SPM_STATUS_NOT_FOUND);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "gemmini");
  spm_status_free(s);
}

SPM_TEST(spec_overrides) {
  spm_target_t t;
  SPM_EXPECT(spm_status_is_ok(
      spm_target_parse_spec("gemmini{capacity=512K alignment=64}", &t)));
  SPM_EXPECT(t.capacity == 512 * 1024 && t.alignment == 64);
  SPM_EXPECT(spm_status_is_ok(
      spm_target_parse_spec("tpuv1{capacity=1M,dma_bandwidth=12.5}", &t)));
  SPM_EXPECT(t.capacity == 1 << 20 && t.dma_bandwidth == 12.5);
  const char *bad[] = {"gemmini{capacity=-1}", "gemmini{capacity=abc}",
                       "gemmini{alignment=24}", "gemmini{nope=1}",
                       "gemmini{capacity}", "gemmini{capacity=1", "",
                       "gemmini{capacity=100 alignment=64}",
                       "gemmini{dma_bandwidth=0}",
                       // the program format's limits (docs/isa.md)
                       "gemmini{name=a/b}", "gemmini{capacity=2048G}",
                       "gemmini{dma_latency=1025G}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    spm_status_t s = spm_target_parse_spec(bad[i], &t);
    SPM_EXPECT(!spm_status_is_ok(s));
    spm_status_free(s);
  }
}

SPM_TEST(attribute_round_trip) {
  MlirContext ctx;
  SPM_EXPECT(spm_status_is_ok(spm_context_create(&ctx)));
  spm_target_t t, back;
  SPM_EXPECT(spm_status_is_ok(spm_target_parse_spec(
      "nvdla-large{capacity=1M dram_pj_per_byte=70.5}", &t)));
  MlirAttribute a = spm_target_to_attribute(ctx, &t);
  SPM_EXPECT(!mlirAttributeIsNull(a));
  SPM_EXPECT(spm_status_is_ok(spm_target_from_attribute(a, &back)));
  SPM_EXPECT(memcmp(&t, &back, sizeof t) == 0);
  // Values the command line cannot produce but an attribute can.
  t.mac_pj = -1.0;
  spm_status_t s = spm_target_from_attribute(spm_target_to_attribute(ctx, &t),
                                             &back);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "mac_pj must be a non-negative");
  spm_status_free(s);
  t.mac_pj = 0.23;
  t.dma_latency = -3;
  s = spm_target_from_attribute(spm_target_to_attribute(ctx, &t), &back);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "dma_latency must be >= 0");
  spm_status_free(s);
  t.dma_latency = 100;
  // A name the listing could not carry (an embedded NUL, a space).
  MlirAttribute bad = mlirAttributeParseGet(
      ctx, mlirStringRefCreateFromCString(
               "#spm.target<{name = \"a\\00b\", capacity = 4096 : i64, "
               "alignment = 16 : i64, banks = 1 : i64, dma_bandwidth = 8.0 "
               ": f64, dma_latency = 10 : i64, macs_per_cycle = 64 : i64, "
               "clock_mhz = 1000 : i64, dram_pj_per_byte = 160.0 : f64, "
               "spm_pj_per_byte = 4.0 : f64, mac_pj = 0.2 : f64}>"));
  SPM_EXPECT(!mlirAttributeIsNull(bad));
  s = spm_target_from_attribute(bad, &back);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "[A-Za-z0-9_.-]");
  spm_status_free(s);
  memcpy(t.name, "a b", 4);
  s = spm_target_validate(&t);
  SPM_EXPECT_STR_CONTAINS(spm_status_message(s), "target name must be");
  spm_status_free(s);
  mlirContextDestroy(ctx);
}

// docs/target.md: SRAM energy per byte interpolated geometrically between
// Horowitz's 32 KB (2.5 pJ/B) and 1 MB (12.5 pJ/B) points; 1 MB figure above.
SPM_TEST(sram_energy_follows_documented_rule) {
  for (size_t i = 0; i < spm_target_preset_count(); ++i) {
    spm_target_t t;
    SPM_EXPECT(spm_status_is_ok(
        spm_target_get_preset(spm_target_preset_name(i), &t)));
    double e = t.capacity >= (1 << 20)
                   ? 12.5
                   : 2.5 * pow(5.0, (log2((double)t.capacity) - 15.0) / 5.0);
    SPM_EXPECT(fabs(e - t.spm_pj_per_byte) < 0.05);
  }
}

int main(void) {
  SPM_RUN(sram_energy_follows_documented_rule);
  SPM_RUN(presets_are_valid);
  SPM_RUN(unknown_preset_lists_names);
  SPM_RUN(spec_overrides);
  SPM_RUN(attribute_round_trip);
  return spm_test_finish();
}
