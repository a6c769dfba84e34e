// libFuzzer target: the study loader on arbitrary text.
//
// load_study_text must either return an assembled study or throw InputError listing
// the problems; any other exception (std::terminate → abort), a crash, a sanitizer
// report, a hang or runaway memory is a finding. Relative CSV paths resolve against
// the working directory, which scripts/fuzz fills with the CSV files of the corpus.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/domains.hpp"
#include "solver/study/diagnostics.hpp"
#include "solver/study/study.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto study = steppe::load_study_text(text, "fuzz.yaml", {}, steppe::domains());
  } catch (const steppe::InputError&) {
    // a rejected study: the expected outcome for most inputs
  }
  return 0;
}
