// libFuzzer target: the unit parser on arbitrary text.
//
// parse_quantity and to_si must either return or throw UnitError (with a column inside
// the text); any other exception, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "solver/study/units.hpp"

namespace {

const steppe::Dimension* const kExpected[] = {
    &steppe::dim::none,
    &steppe::dim::length,
    &steppe::dim::pressure,
    &steppe::dim::mass_flow,
    &steppe::dim::time,
    &steppe::dim::temperature,
    &steppe::dim::power,
    &steppe::dim::density,
    &steppe::dim::std_volume_flow,
    &steppe::dim::energy,
    &steppe::dim::flow_conductance,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  steppe::Quantity q;
  try {
    q = steppe::parse_quantity(text);
  } catch (const steppe::UnitError& e) {
    if (e.column() > size) std::abort();  // the caret must point into the text
    return 0;
  }
  (void)q.dim.to_string();
  (void)steppe::dimension_name(q.dim);
  (void)steppe::si_units(q.dim);
  for (const steppe::Dimension* d : kExpected) {
    for (const bool with_density : {false, true}) {
      try {
        (void)steppe::to_si(q, *d, with_density ? std::optional<double>(0.73) : std::nullopt);
      } catch (const steppe::UnitError&) {
      }
    }
  }
  return 0;
}
