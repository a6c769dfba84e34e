// libFuzzer target: the MATGAS importer (parser, regulator pairing, the operating point's
// network flow computation and levels, the study writer) on arbitrary text, and the study
// it writes through the study loader.
//
// The input's first byte picks the options (bit 0: --inverse-drag 4.67e11, bit 1: a ±10 %
// demand swing); the rest is the file. matgas_to_yaml must return a study or throw
// ImportError; a study it returns must load (load_study_text may not refuse what the
// importer wrote: that is a finding, reported and aborted). A crash, a sanitizer report,
// another exception, a hang or runaway memory is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/domains.hpp"
#include "solver/app/import/matgas.hpp"
#include "solver/study/diagnostics.hpp"
#include "solver/study/study.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  steppe::gas::MatgasOptions options;
  if (data[0] & 1) options.inverse_drag = 4.67e11;
  if (data[0] & 2) options.demand_swing = 0.1;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string yaml;
  try {
    yaml = steppe::gas::matgas_to_yaml("fuzz.m", text, options);
  } catch (const steppe::gas::ImportError&) {
    return 0;  // a rejected file: the expected outcome for most inputs
  }
  try {
    auto study = steppe::load_study_text(yaml, "imported.yaml", {}, steppe::domains());
  } catch (const steppe::InputError& e) {
    std::fprintf(stderr, "the imported study does not load: %s\n--- study ---\n%s\n", e.what(),
                 yaml.c_str());
    std::abort();
  }
  return 0;
}
