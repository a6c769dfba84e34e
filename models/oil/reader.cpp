// Reads the `oil:` section of a study into a crude-oil line (every key: inputs/README.md, section
// `oil`).
//
//   oil:
//     initial_flow, initial_pressure      guesses for the steady start (and scales)
//     route:      {distance: [...], elevation: [...]}      (chainage → height)
//     fluids, pipes, stations, valves, terminals, …      the element kinds (kinds.cpp),
//                                                         each read beside its model
//
// then checks that the line has a pressure reference.
//
// Batch tracking (several crudes in one line) would add a batch-interface position per
// interface as a differential unknown (dx/dt = Q/A at the interface) and take ρ, μ of
// each segment from the batch it lies in; the fluid table is already keyed by name.
#include "models/oil/reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/oil/context.hpp"

namespace steppe::oil {

bool read_elevation_table(const Reader& owner, const std::string& key, std::vector<double>& x,
                          std::vector<double>& z) {
  Reader t = owner.child(key);
  if (!t.defined()) return false;
  if (!t.is_map()) {
    t.error("expected a mapping {distance: [...], elevation: [...]}");
    return false;
  }
  auto xs = t.items("distance");
  auto zs = t.items("elevation");
  bool ok = !xs.empty();
  if (xs.empty() && !t.has_error("distance"))
    t.error_at_key("distance", "needs at least one point");
  for (std::size_t i = 0; i < xs.size(); ++i) {
    auto v = xs[i].as_quantity(dim::length);
    if (!v) {
      ok = false;
      continue;
    }
    if (!x.empty() && *v <= x.back()) {
      xs[i].error("not after the previous distance (distances must increase)");
      ok = false;
    }
    x.push_back(*v);
  }
  for (const Reader& r : zs) {
    auto v = r.as_quantity(dim::length);
    if (!v) ok = false;
    z.push_back(v.value_or(0.0));
  }
  if (ok && zs.size() != xs.size()) {
    t.child("elevation").error(fmt::format("{} elevations for {} distances", zs.size(), xs.size()));
    ok = false;
  }
  t.finish();
  if (!ok) x.clear(), z.clear();
  return ok;
}

void read_line(const Reader& section, System& system, const StudyOptions& options) {
  Context c(section, system, options);
  c.flow_guess = section.quantity("initial_flow", dim::mass_flow, 0.0);
  c.pressure_guess = section.quantity("initial_pressure", dim::pressure, 30e5);
  // The scale of flows (tolerances, regularisations): the throughput guess, 100 kg/s without one.
  c.flow_scale = c.flow_guess != 0 ? std::abs(c.flow_guess) : 100.0;
  read_elevation_table(section, "route", c.route_x, c.route_z);
  read_kinds(section, c, kinds());
  if (!section.has("fluids") && !section.has_error("fluids"))
    section.error("missing required key 'fluids' (a list of crudes)");
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty() &&
      !c.pipes.elements().empty() && c.references == 0)
    section.error_at_key("terminals",
                         "the line has no terminal (pressure reference): the steady start has no "
                         "unique solution; add a terminal or set solver.initial: given");
}

}  // namespace steppe::oil
