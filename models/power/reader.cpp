// Reads the `power:` section of a study (every key: inputs/README.md, section `power`).
//
//   power:
//     frequency: 50 Hz
//     zones, ties, generators, wind, solar, storage    the element kinds (kinds.cpp), each
//                                                      read beside its model
//     dispatch:   {interval, ramp_time, tie_margin, forecast}
//
// then resolves what needs the whole section: the synchronous areas (zones joined by ties)
// and their reference zones, the default AGC bias, the participation factors, the check
// that each area's frequency is determined, and the merit-order dispatcher.
#include "models/power/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "models/power/context.hpp"
#include "models/power/dispatch.hpp"
#include "models/power/generator.hpp"
#include "models/power/renewable.hpp"
#include "models/power/tie.hpp"

namespace steppe::power {

std::size_t Context::index(const Zone* z) const {
  return static_cast<std::size_t>(std::find(zone_list.begin(), zone_list.end(), z) -
                                  zone_list.begin());
}

std::vector<double> quantity_list(const Reader& r, const std::string& key, const Dimension& d) {
  std::vector<double> out;
  for (const Reader& item : r.items(key)) out.push_back(item.as_quantity(d).value_or(0.0));
  return out;
}

// An angle in degrees: a bare number is degrees; "0.69 rad" or "39.7 deg" convert.
double angle_degrees(const Reader& item, const std::string& key) {
  const std::string text = item.text(key);
  if (text.empty()) return 0.0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0') return v;
  return item.quantity(key, dim::none) * 180.0 / 3.14159265358979323846;
}

double profile_max(const Profile& p) {
  double m = 0.0;
  for (double v : p.values()) m = std::max(m, v);
  return m;
}

bool profile_in(const Profile& p, double lo, double hi) {
  return std::all_of(p.values().begin(), p.values().end(),
                     [&](double v) { return v >= lo && v <= hi; });
}

double synthetic_inertia(const Reader& item) {
  const double h = item.quantity("synthetic_inertia", dim::time, 0.0);
  item.check("synthetic_inertia", h >= 0, "must be ≥ 0 (H on the element's rating, s)");
  return h;
}

void read_system(const Reader& section, System& system, const StudyOptions& options) {
  double f0 = section.quantity("frequency", dim::frequency, 50.0);
  section.check("frequency", f0 > 0, "must be > 0");
  if (section.has_error("frequency")) f0 = 50.0;  // a stand-in: its error says it all
  Context c(section, system, options, f0);
  c.dispatch = section.has("dispatch");
  read_kinds(section, c, kinds());
  const std::vector<Zone*>& zones = c.zone_list;

  // Synchronous areas: zones joined by ties; the reference of each is its first zone, or
  // its first infinite bus.
  std::vector<int> parent(zones.size());
  for (std::size_t k = 0; k < parent.size(); ++k) parent[k] = static_cast<int>(k);
  std::function<int(int)> root = [&](int k) {
    return parent[std::size_t(k)] == k ? k : parent[std::size_t(k)] = root(parent[std::size_t(k)]);
  };
  for (const Tie* t : c.ties)
    parent[std::size_t(root(int(c.index(&t->from()))))] = root(int(c.index(&t->to())));
  std::map<int, int> ref_of;  // area root → reference zone
  for (std::size_t k = 0; k < zones.size(); ++k) {
    const int r = root(static_cast<int>(k));
    auto it = ref_of.find(r);
    if (it == ref_of.end())
      ref_of[r] = static_cast<int>(k);
    else if (zones[k]->infinite() && !zones[std::size_t(it->second)]->infinite())
      it->second = static_cast<int>(k);
  }
  // AGC bias default: the zone's frequency response β = D·P_L/f0 + Σ P_cap/(R·f0).
  for (Zone* z : zones) {
    const Zone::Params& p = z->params();
    if (!p.agc || p.agc_bias >= 0) continue;
    double beta = p.damping * (p.load.values().empty() ? 0.0 : p.load.values().front()) / f0;
    for (const Generator* g : c.generators)
      if (&g->zone() == z && g->params().droop > 0)
        beta += g->params().capacity / g->params().droop / f0;
    z->set_agc_bias(beta);
  }
  // Participation factors: normalised per zone; by default in proportion to capacity.
  for (const Zone* z : zones) {
    double given = 0, cap = 0;
    bool any_given = false;
    for (const Generator* g : c.generators)
      if (&g->zone() == z) {
        if (g->params().participation >= 0) {
          given += g->params().participation;
          any_given = true;
        }
        cap += g->params().capacity;
      }
    for (Generator* g : c.generators)
      if (&g->zone() == z) {
        const double a = g->params().participation;
        if (any_given)
          g->set_participation(given > 0 ? std::max(0.0, a) / given : 0.0);
        else
          g->set_participation(cap > 0 ? g->params().capacity / cap : 0.0);
      }
    // An AGC nobody follows has no steady state of its integral: say so at the zone.
    if (z->params().agc && !z->infinite() && !(any_given ? given > 0 : cap > 0))
      c.zones.item(z->name()).error_at_key(
          "agc",
          fmt::format("no unit of zone '{}' takes part in its AGC ({}): give "
                      "one a participation > 0, or remove 'agc'",
                      z->name(),
                      any_given ? "every participation given is 0" : "the zone has no generator"));
  }

  // The steady start needs something that fixes each synchronous area's frequency.
  if (options.steady_start && section.context().diagnostics.empty()) {
    std::map<int, bool> fixed;
    for (std::size_t k = 0; k < zones.size(); ++k) {
      const Zone::Params& p = zones[k]->params();
      bool& f = fixed[root(static_cast<int>(k))];
      f = f || p.infinite || p.agc || (p.damping > 0 && profile_max(p.load) > 0);
    }
    for (const Generator* g : c.generators) {
      const int r = root(int(c.index(&g->zone())));
      fixed[r] = fixed[r] || g->params().droop > 0;
    }
    for (const auto& [r, ok] : fixed)
      if (!ok)
        c.zones.item(zones[std::size_t(r)]->name())
            .error_at_key("damping",
                          fmt::format("the area of zone '{}' has no load damping, governor, AGC or "
                                      "infinite bus: its steady frequency is undetermined",
                                      zones[std::size_t(r)]->name()));
  }

  const std::vector<OutputCategory> categories = output_categories(kinds());
  for (std::size_t k = 0; k < zones.size(); ++k) {
    zones[k]->set_reference(zones[std::size_t(ref_of[root(static_cast<int>(k))])]);
    zones[k]->set_categories(categories);
  }

  // ---- dispatch
  if (Reader d = section.child("dispatch"); d.defined()) {
    if (!d.is_map()) {
      d.error("expected a mapping such as {interval: 1 h}");
    } else {
      const double interval = d.quantity("interval", dim::time, 3600.0);
      const double ramp_time = d.quantity("ramp_time", dim::time, std::min(600.0, interval / 2));
      const double tie_margin = d.quantity("tie_margin", dim::none, 0.0);
      const bool interval_max =
          d.choice("forecast", {"instant", "interval_max"}, "instant") == "interval_max";
      d.check("interval", interval > 0, "must be > 0");
      d.check("tie_margin", tie_margin >= 0 && tie_margin < 1, "must lie in [0, 1)");
      d.check("ramp_time", ramp_time >= 0 && ramp_time < interval,
              "must be ≥ 0 and shorter than the interval", {"interval"});
      d.finish();
      // Every zone with load must be reachable by some supply.
      for (const Zone* z : zones) {
        if (z->infinite() || profile_max(z->params().load) <= 0) continue;
        if (z->injectors().empty() && z->ties.empty())
          c.zones.item(z->name()).error_at_key(
              "load", fmt::format("zone '{}' has load but no generator and no tie: the "
                                  "dispatch cannot serve it",
                                  z->name()));
      }
      if (interval > 0 && section.context().diagnostics.empty()) {
        std::vector<double> prices;
        for (std::size_t k = 0; k < zones.size(); ++k)
          prices.push_back(zones[k]->infinite() ? c.zone_price[k] : kInf);
        system.emplace<Dispatcher>("power dispatch", interval, ramp_time, tie_margin, zones, c.ties,
                                   c.generators, c.renewables, std::move(prices), interval_max);
      }
    }
  }
  section.finish();
}

}  // namespace steppe::power
