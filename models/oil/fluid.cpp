#include "models/oil/fluid.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/oil/context.hpp"

namespace steppe::oil {

double Fluid::kinematic_viscosity(double t_kelvin) const {
  if (constant_viscosity > 0) return constant_viscosity;
  const double z = std::pow(10.0, walther_a - walther_b * std::log10(t_kelvin));
  return (std::pow(10.0, z) - 0.7) * 1e-6;
}

void Fluid::fit_walther(double t1, double nu1, double t2, double nu2) {
  const double y1 = std::log10(std::log10(nu1 * 1e6 + 0.7));
  const double y2 = std::log10(std::log10(nu2 * 1e6 + 0.7));
  walther_b = (y1 - y2) / (std::log10(t2) - std::log10(t1));
  walther_a = y1 + walther_b * std::log10(t1);
}

// ---- reader: oil.fluids[i]
void read_fluid(const Reader& item, Context& c) {
  Fluid f;
  f.name = item.text("name");
  f.density_ref = item.quantity("density", dim::density);
  f.t_ref = item.quantity("reference_temperature", dim::temperature, 288.15);
  f.expansion = item.quantity("thermal_expansion", dim::none / dim::temperature, 7e-4);
  f.bulk_modulus = item.quantity("bulk_modulus", dim::pressure, 1.5e9);
  f.vapour_pressure = item.quantity("vapour_pressure", dim::pressure, 3e4);
  f.temperature = item.quantity("temperature", dim::temperature, 288.15);
  item.check("density", f.density_ref > 0, "must be > 0");
  item.check("bulk_modulus", f.bulk_modulus > 0, "must be > 0");
  item.check("thermal_expansion", f.expansion >= 0 && f.expansion < 0.01,
             "must lie in [0, 0.01) 1/K");
  Reader v = item.child("viscosity");
  bool visc_ok = false;
  if (!v.defined()) {
    item.error(
        fmt::format("missing required key 'viscosity' (a kinematic viscosity such as 10 cSt, or "
                    "{{temperatures: [T1, T2], values: [ν1, ν2]}})"));
  } else if (!v.is_map()) {
    // A single kinematic viscosity, independent of temperature.
    if (auto q = v.as_quantity(dim::kinematic_viscosity)) {
      if (*q <= 0)
        v.error("must be > 0");
      else {
        f.constant_viscosity = *q;
        visc_ok = true;
      }
    }
  } else {
    auto ts = v.items("temperatures");
    auto vs = v.items("values");
    std::vector<double> t, n;
    for (const Reader& r : ts)
      if (auto q = r.as_quantity(dim::temperature)) t.push_back(*q);
    for (const Reader& r : vs)
      if (auto q = r.as_quantity(dim::kinematic_viscosity)) {
        if (*q <= 0) r.error("must be > 0");
        n.push_back(*q);
      }
    v.finish();
    if (ts.size() != 2 || vs.size() != 2)
      v.error("needs exactly two temperatures and two values (the Walther/ASTM D341 points)");
    else if (t.size() == 2 && n.size() == 2 && n[0] > 0 && n[1] > 0) {
      if (t[0] == t[1])
        ts[1].error("the two temperatures must differ");
      else {
        f.fit_walther(t[0], n[0], t[1], n[1]);
        visc_ok = true;
      }
    }
  }
  item.finish();
  if (f.name.empty() || !visc_ok) return;
  if (c.fluids.elements().count(f.name)) {
    item.error_at_key("name", fmt::format("duplicate fluid name '{}'", f.name));
    return;
  }
  c.fluid_names.push_back(f.name);
  const Fluid& stored = c.fluid_store.emplace_back(std::move(f));
  c.fluids.add(stored.name, &stored, item);
}

// References to crudes stay quiet when the list had errors (the crude named may be one
// that failed to read).
void fluids_read(Context& c, bool had_errors) {
  c.fluids.set_complete(!had_errors);
}

}  // namespace steppe::oil
