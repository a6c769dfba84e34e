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
//     drag_reducer: {concentration: [...], reduction: [...]}   (batch.cpp)
//
// Batch tracking (several crudes in one line, batch.cpp) is on when the section lists
// `batches`, gives a `drag_reducer` or an injection names its `grade`.
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

// drag_reducer: {concentration: [0, 5 ppm, ...], reduction: [0, 20 %, ...]}: the drag
// reduction 1 − f/f0 against the concentration, from 0, concentrations increasing, the
// reduction in [0, 1).
void read_drag_reducer(const Reader& section, Context& c) {
  Reader r = section.child("drag_reducer");
  if (!r.defined()) return;
  if (!r.is_map()) {
    r.error("expected a mapping {concentration: [0, 10 ppm, 20 ppm], reduction: [0, 25 %, 35 %]}");
    return;
  }
  std::vector<double> x, y;
  bool ok = true;
  for (const Reader& v : r.items("concentration")) {
    auto q = v.as_quantity(dim::none);
    if (!q) {
      ok = false;
      continue;
    }
    if (x.empty() && *q != 0) {
      v.error("the curve starts at concentration 0");
      ok = false;
    } else if (!x.empty() && *q <= x.back()) {
      v.error("not above the previous concentration (concentrations must increase)");
      ok = false;
    }
    x.push_back(*q);
  }
  for (const Reader& v : r.items("reduction")) {
    auto q = v.as_quantity(dim::none);
    if (q && (*q < 0 || *q >= 1)) {
      v.error("a drag reduction lies in [0, 1) (0 % to below 100 %)");
      ok = false;
    }
    if (!q) ok = false;
    y.push_back(q.value_or(0.0));
  }
  if (!r.has("concentration")) r.text("concentration");  // reports the missing key
  if (!r.has("reduction")) r.text("reduction");
  r.finish();
  if (r.has_error("concentration") || r.has_error("reduction")) return;
  if (ok && x.size() < 2) {
    r.error_at_key("concentration", "needs at least two points");
    ok = false;
  }
  if (ok && x.size() != y.size()) {
    r.child("reduction")
        .error(fmt::format("{} reductions for {} concentrations", y.size(), x.size()));
    ok = false;
  }
  if (ok) c.dra_curve = Curve(x, y);
}

void read_line(const Reader& section, System& system, const StudyOptions& options) {
  Context c(section, system, options);
  c.flow_guess = section.quantity("initial_flow", dim::mass_flow, 0.0);
  c.pressure_guess = section.quantity("initial_pressure", dim::pressure, 30e5);
  // The scale of flows (tolerances, regularisations): the throughput guess, 100 kg/s without one.
  c.flow_scale = c.flow_guess != 0 ? std::abs(c.flow_guess) : 100.0;
  read_elevation_table(section, "route", c.route_x, c.route_z);
  read_drag_reducer(section, c);
  c.tracking = section.has("batches") || c.dra_curve.has_value();
  if (section.has("injections") && section.child("injections").is_sequence())
    for (const Reader& r : section.items("injections"))
      c.tracking = c.tracking || (r.is_map() && r.has("grade"));
  if (c.tracking && section.has("fluids")) {
    const auto fl = section.items("fluids");
    const int scalars = static_cast<int>(fl.size()) - 1 + (c.dra_curve ? 1 : 0);
    if (scalars > 8)
      section.error_at_key(
          "fluids", fmt::format("batch tracking follows at most 8 scalars: {} "
                                "fluids{} give {}",
                                fl.size(), c.dra_curve ? " and a drag reducer" : "", scalars));
  }
  read_kinds(section, c, kinds());
  if (!section.has("fluids") && !section.has_error("fluids"))
    section.error("missing required key 'fluids' (a list of crudes)");
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty() &&
      !c.pipes.elements().empty()) {
    bool any = false;
    for (const auto& [name, pipe] : c.pipes.elements()) any = any || c.parts.referenced(pipe);
    if (!any) {
      section.error_at_key("terminals",
                           "the line has no terminal (pressure reference): the steady start has "
                           "no unique solution; add a terminal or set solver.initial: given");
    } else {
      // A part with no terminal (a pipe joined to nothing that holds a pressure): in the
      // order the pipes were given.
      for (const std::string& name : c.pipe_names)
        if (!c.parts.referenced(c.pipes.elements().at(name))) {
          c.pipes.item(name).error_at_key(
              "name", fmt::format("pipe '{}' is in a part of the line with no terminal "
                                  "(pressure reference): joined to nothing that holds its "
                                  "pressure, the steady start has no unique solution",
                                  name));
          break;
        }
    }
  }
}

}  // namespace steppe::oil
