// libFuzzer target: a profile CSV file through the whole profile reader.
//
// The input's first byte picks the profile's options (interpolation, repeat, time unit,
// value unit, columns by name or by position, scale); the rest is the CSV file. It is
// parsed directly (parse_csv) and then written to a file in the working directory and
// read as the mass flow of a small study's source, so the bounded file reader, the CSV
// parser (quotes, BOM, comments, long lines), column lookup, units, plausible ranges,
// periodic tables and the Profile constructor all see it. load_study_text must return a
// study or throw InputError; anything else is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "models/domains.hpp"
#include "solver/study/diagnostics.hpp"
#include "solver/study/profile.hpp"
#include "solver/study/study.hpp"

namespace {

std::string study_text(unsigned char options, const std::string& csv) {
  std::string p = "{csv: " + csv;
  if (options & 1) p += ", interpolation: step";
  if (options & 2) p += (options & 4) ? ", repeat: weekly" : ", repeat: daily";
  if (options & 8) p += ", time_unit: h";
  if (options & 16) p += ", unit: t/h";
  if (options & 32) p += ", time_column: time, value_column: flow";
  if (options & 64) p += ", scale: 0.5";
  p += "}";
  return "study: {name: fuzz, duration: 2 d, output_interval: 1 h}\n"
         "lumped:\n"
         "  nodes: [{name: Tank, capacitance: 2e-2 kg/Pa}, {name: Grid, capacitance: 0}]\n"
         "  links: [{name: L, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}]\n"
         "  sources: [{name: S, node: Tank, mass_flow: " +
         p +
         "}]\n"
         "  boundaries: [{name: B, node: Grid, pressure: 50 bar}]\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned char options = data[0];
  const std::string csv(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<steppe::CsvError> errors;
  steppe::parse_csv(csv, "fuzz.csv", errors);

  static const std::string file = "fuzz-" + std::to_string(getpid()) + ".csv";
  if (FILE* f = std::fopen(file.c_str(), "wb")) {
    std::fwrite(csv.data(), 1, csv.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    auto study =
        steppe::load_study_text(study_text(options, file), "fuzz.yaml", {}, steppe::domains());
  } catch (const steppe::InputError&) {
  }
  return 0;
}
