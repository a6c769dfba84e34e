// Reads the `oil:` section of a study into a crude-oil line (every key: inputs/README.md, section
// `oil`).
//
//   oil:
//     initial_flow, initial_pressure      guesses for the steady start (and scales)
//     fluids:     [{name, density, reference_temperature, thermal_expansion, bulk_modulus,
//                   viscosity: {temperatures: [T1, T2], values: [ν1, ν2]}, vapour_pressure,
//                   temperature}]
//     route:      {distance: [...], elevation: [...]}      (chainage → height)
//     pipes:      [{name, fluid, length, outer_diameter, wall_thickness, roughness,
//                   youngs_modulus, restraint_factor, wave_speed, friction,
//                   max_segment_length, start, upstream, elevation: {distance, elevation},
//                   maop, temperature}]
//     stations:   [{name, upstream, downstream, pumps: {...}, control: {...}, trips,
//                   restarts, rundown_time, initially, bypass_loss}]
//     valves:     [{name, upstream, downstream | outlet_pressure, diameter,
//                   loss_coefficient, opening, characteristic, check_valve}]
//     terminals:  [{name, pipe, end, pressure | tank: {area, initial_level, gas_pressure}}]
//     injections: [{name, pipe, at, mass_flow}]
//     points:     [{name, pipe, at}]
//
// Batch tracking (several crudes in one line) would add a batch-interface position per
// interface as a differential unknown (dx/dt = Q/A at the interface) and take ρ, μ of
// each segment from the batch it lies in; the fluid table is already keyed by name.
#include "models/oil/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "models/common/element_table.hpp"
#include "models/oil/fluid.hpp"
#include "models/oil/junction.hpp"
#include "models/oil/pipe.hpp"
#include "models/oil/station.hpp"
#include "models/oil/terminal.hpp"
#include "models/oil/valve.hpp"

namespace steppe::oil {

namespace {

// A {distance: [...], elevation: [...]} table, distances strictly increasing.
bool read_table(const Reader& owner, const std::string& key, std::vector<double>& x,
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

std::vector<double> read_times(const Reader& item, const std::string& key) {
  std::vector<double> out;
  if (!item.has(key)) return out;
  for (const Reader& r : item.items(key))
    if (auto v = r.as_quantity(dim::time)) out.push_back(*v);
  return out;
}

}  // namespace

void read_line(const Reader& section, System& system, const StudyOptions& options) {
  ElementNames names;

  const double flow_guess = section.quantity("initial_flow", dim::mass_flow, 0.0);
  const double p_guess = section.quantity("initial_pressure", dim::pressure, 30e5);
  const double flow_scale = std::max(100.0, std::abs(flow_guess));

  // ---- fluids
  std::map<std::string, Fluid> fluids;
  std::vector<std::string> fluid_names;
  for (const Reader& item :
       section.map_items("fluids", "name: Kumkol blend, density: 820 kg/m3, viscosity: {...}")) {
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
          fmt::format("missing required key 'viscosity' ({{temperatures: [T1, T2], "
                      "values: [ν1, ν2]}}, kinematic)"));
    } else if (!v.is_map()) {
      v.error("expected a mapping {temperatures: [T1, T2], values: [ν1, ν2]}");
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
    if (f.name.empty() || !visc_ok) continue;
    if (fluids.count(f.name)) {
      item.error_at_key("name", fmt::format("duplicate fluid name '{}'", f.name));
      continue;
    }
    fluid_names.push_back(f.name);
    fluids[f.name] = f;
  }
  if (!section.has("fluids") && !section.has_error("fluids"))
    section.error("missing required key 'fluids' (a list of crudes)");

  // ---- route
  std::vector<double> route_x, route_z;
  const bool has_route = read_table(section, "route", route_x, route_z);

  // ---- pipes
  std::map<std::string, Pipe*> pipes;
  std::vector<std::string> pipe_names;
  std::map<std::string, const Fluid*> pipe_fluid;
  std::map<std::string, double> pipe_temp;
  double chainage = 0.0;
  for (const Reader& item : section.map_items(
           "pipes", "name: Atasu-Alashankou, length: 965 km, outer_diameter: 813 mm, ...")) {
    std::string name = names.claim(item, "pipes");
    PipeSpec sp;
    sp.name = name;
    std::string fluid_name =
        item.text("fluid", fluid_names.empty() ? std::string() : fluid_names.front());
    const Fluid* fluid = nullptr;
    if (auto it = fluids.find(fluid_name); it != fluids.end())
      fluid = &it->second;
    else if (item.has("fluid") && !fluid_name.empty()) {
      std::string hint = closest_match(fluid_name, fluid_names);
      item.error_at_key("fluid",
                        fmt::format("no fluid named '{}'{}", fluid_name,
                                    hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    sp.length = item.quantity("length", dim::length);
    const double od = item.quantity("outer_diameter", dim::length);
    const double wall = item.quantity("wall_thickness", dim::length);
    sp.roughness = item.quantity("roughness", dim::length, 4.5e-5);
    const double young = item.quantity("youngs_modulus", dim::pressure, 2.07e11);
    const double restraint = item.quantity("restraint_factor", dim::none, 0.91);
    const bool given_a = item.has("wave_speed");
    double a = given_a ? item.quantity("wave_speed", dim::velocity) : 0.0;
    if (item.has("friction") && item.text("friction", "") != "churchill") {
      Reader fc = item.child("friction");
      if (auto q = fc.as_quantity(dim::none)) {
        sp.fixed_friction = *q;
        if (*q < 0) fc.error("a fixed Darcy friction factor must be ≥ 0 (or the word churchill)");
      }
    }
    sp.max_segment = item.quantity("max_segment_length", dim::length, 1000.0);
    sp.chainage = item.quantity("start", dim::length, chainage);
    sp.maop = item.quantity("maop", dim::pressure, std::numeric_limits<double>::infinity());
    const double temp =
        item.quantity("temperature", dim::temperature, fluid ? fluid->temperature : 288.15);
    std::string upstream = item.text("upstream", "");
    std::vector<double> ex, ez;
    const bool has_elev = read_table(item, "elevation", ex, ez);
    sp.flow_guess = item.quantity("initial_flow", dim::mass_flow, flow_guess);
    item.check("length", sp.length > 0, "must be > 0");
    item.check("outer_diameter", od > 0, "must be > 0");
    item.check("wall_thickness", wall > 0 && wall < od / 2, "must be > 0 and < outer_diameter/2");
    item.check("roughness", sp.roughness >= 0, "must be ≥ 0");
    item.check("youngs_modulus", young > 0, "must be > 0");
    item.check("restraint_factor", restraint > 0 && restraint <= 1.5, "must lie in (0, 1.5]");
    if (given_a) item.check("wave_speed", a > 0, "must be > 0");
    item.check("max_segment_length", sp.max_segment > 0, "must be > 0");
    Pipe* up = nullptr;
    if (!upstream.empty()) {
      if (auto it = pipes.find(upstream); it != pipes.end())
        up = it->second;
      else {
        std::string hint = closest_match(upstream, pipe_names);
        item.error_at_key("upstream",
                          fmt::format("no pipe named '{}' listed before this one{}", upstream,
                                      hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
    }
    item.finish();
    if (name.empty() || !fluid || sp.length <= 0 || od <= 0 || wall <= 0 || wall >= od / 2 ||
        (given_a && a <= 0) || sp.max_segment <= 0 || (!upstream.empty() && !up))
      continue;
    if (up && !item.has("start")) sp.chainage = up->spec().chainage + up->spec().length;
    sp.inner_diameter = od - 2 * wall;
    sp.density = fluid->density(temp);
    sp.viscosity = fluid->kinematic_viscosity(temp) * sp.density;
    sp.vapour_pressure = fluid->vapour_pressure;
    if (!given_a) a = fluid->wave_speed(sp.density, sp.inner_diameter, wall, young, restraint);
    sp.wave_speed = a;
    sp.pressure_guess = p_guess;
    sp.flow_scale = std::max(100.0, std::abs(sp.flow_guess));
    if (has_elev) {
      sp.elevation_x = ex;
      sp.elevation_z = ez;
    } else if (has_route) {
      for (std::size_t i = 0; i < route_x.size(); ++i) {
        sp.elevation_x.push_back(route_x[i] - sp.chainage);
        sp.elevation_z.push_back(route_z[i]);
      }
    }
    chainage = sp.chainage + sp.length;
    auto z_at = [&](double x) {
      if (sp.elevation_x.empty()) return 0.0;
      if (x <= sp.elevation_x.front()) return sp.elevation_z.front();
      if (x >= sp.elevation_x.back()) return sp.elevation_z.back();
      std::size_t i = 1;
      while (sp.elevation_x[i] < x) ++i;
      const double w = (x - sp.elevation_x[i - 1]) / (sp.elevation_x[i] - sp.elevation_x[i - 1]);
      return sp.elevation_z[i - 1] + w * (sp.elevation_z[i] - sp.elevation_z[i - 1]);
    };
    Node& in = up ? up->outlet() : system.emplace<Node>(name + " inlet", sp.chainage, z_at(0.0));
    Node& out = system.emplace<Node>(name + " outlet", sp.chainage + sp.length, z_at(sp.length));
    Pipe& pipe = system.emplace<Pipe>(sp, in, out);
    pipes[name] = &pipe;
    pipe_names.push_back(name);
  }
  const bool pipes_complete = section.context().diagnostics.empty();

  auto pipe_ref = [&](const Reader& item, const std::string& key) -> Pipe* {
    std::string ref = item.text(key);
    if (ref.empty()) return nullptr;
    if (auto it = pipes.find(ref); it != pipes.end()) return it->second;
    if (!pipes_complete) return nullptr;  // the pipe may be one that failed to read
    std::string hint = closest_match(ref, pipe_names);
    item.error_at_key(key, fmt::format("no pipe named '{}'{}", ref,
                                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return nullptr;
  };

  // ---- stations
  for (const Reader& item :
       section.map_items("stations", "name: PS-1, upstream: Pipe-1, downstream: Pipe-2, ...")) {
    std::string name = names.claim(item, "stations");
    Pipe* up = pipe_ref(item, "upstream");
    Pipe* dn = pipe_ref(item, "downstream");
    StationSpec sp;
    sp.name = name;
    Reader pr = item.child("pumps");
    if (!pr.defined())
      item.error("missing required key 'pumps' ({shutoff_head, rated_head, rated_flow, ...})");
    else if (!pr.is_map())
      pr.error("expected a mapping {count, arrangement, shutoff_head, rated_head, rated_flow}");
    else {
      PumpSpec& p = sp.pumps;
      p.count = static_cast<int>(pr.integer("count", 1));
      p.series = pr.choice("arrangement", {"series", "parallel"}, "series") == "series";
      p.shutoff_head = pr.quantity("shutoff_head", dim::length);
      pr.check("count", p.count >= 1, "must be ≥ 1");
      pr.check("shutoff_head", p.shutoff_head > 0, "must be > 0");
      if (pr.has("curve_coefficient")) {
        p.curve_k = pr.quantity("curve_coefficient", dim::length / dim::volume_flow.pow(2));
        pr.check("curve_coefficient", p.curve_k > 0, "must be > 0");
        p.best_efficiency_flow = pr.quantity("best_efficiency_flow", dim::volume_flow, 1.0);
      } else {
        const double hr = pr.quantity("rated_head", dim::length);
        const double qr = pr.quantity("rated_flow", dim::volume_flow);
        pr.check("rated_flow", qr > 0, "must be > 0");
        pr.check("rated_head", hr > 0, "must be > 0");
        if (p.shutoff_head > 0)
          pr.check("rated_head", hr < p.shutoff_head, "must be below shutoff_head");
        if (qr > 0) p.curve_k = (p.shutoff_head - hr) / (qr * qr);
        p.best_efficiency_flow = pr.quantity("best_efficiency_flow", dim::volume_flow, qr);
      }
      p.best_efficiency = pr.quantity("best_efficiency", dim::none, 0.85);
      p.motor_efficiency = pr.quantity("motor_efficiency", dim::none, 0.96);
      pr.check("best_efficiency", p.best_efficiency > 0 && p.best_efficiency <= 1,
               "must lie in (0, 1]");
      pr.check("motor_efficiency", p.motor_efficiency > 0 && p.motor_efficiency <= 1,
               "must lie in (0, 1]");
      pr.check("best_efficiency_flow", p.best_efficiency_flow > 0, "must be > 0");
      pr.finish();
    }
    Reader cr = item.child("control");
    if (!cr.defined()) {
      sp.variable = ControlVariable::Speed;
      sp.setpoint = Profile(1.0);
    } else if (!cr.is_map()) {
      cr.error("expected a mapping {variable, setpoint, proportional_band, integral_time}");
    } else {
      std::string v = cr.choice("variable", {"discharge", "suction", "speed"}, "discharge");
      sp.variable = v == "discharge" ? ControlVariable::Discharge
                    : v == "suction" ? ControlVariable::Suction
                                     : ControlVariable::Speed;
      sp.setpoint =
          cr.profile("setpoint", sp.variable == ControlVariable::Speed ? dim::none : dim::pressure);
      sp.band = cr.quantity("proportional_band", dim::pressure, 10e5);
      sp.integral_time = cr.quantity("integral_time", dim::time, 60.0);
      sp.actuator_time = cr.quantity("actuator_time", dim::time, 5.0);
      sp.min_speed = cr.quantity("min_speed", dim::none, 0.5);
      sp.max_speed = cr.quantity("max_speed", dim::none, 1.05);
      if (sp.variable == ControlVariable::Discharge && cr.has("min_suction_pressure")) {
        sp.limit_pressure = cr.quantity("min_suction_pressure", dim::pressure);
        sp.has_limit = true;
      }
      if (sp.variable == ControlVariable::Suction && cr.has("max_discharge_pressure")) {
        sp.limit_pressure = cr.quantity("max_discharge_pressure", dim::pressure);
        sp.has_limit = true;
      }
      cr.check("proportional_band", sp.band > 0, "must be > 0");
      cr.check("integral_time", sp.integral_time > 0, "must be > 0");
      cr.check("actuator_time", sp.actuator_time > 0, "must be > 0");
      cr.check("max_speed", sp.max_speed > sp.min_speed && sp.min_speed >= 0,
               "must be > min_speed (and min_speed ≥ 0)");
      cr.finish();
    }
    sp.trips = read_times(item, "trips");
    sp.restarts = read_times(item, "restarts");
    sp.rundown_time = item.quantity("rundown_time", dim::time, 20.0);
    sp.running = item.choice("initially", {"running", "stopped"}, "running") == "running";
    const double bypass = item.quantity("bypass_loss", dim::none, 2.0);
    item.check("rundown_time", sp.rundown_time > 0, "must be > 0");
    item.check("bypass_loss", bypass > 0, "must be > 0");
    if (up && dn && up == dn) item.error_at_key("downstream", "must differ from upstream");
    item.finish();
    if (name.empty() || !up || !dn || up == dn) continue;
    sp.density = dn->density();
    sp.bypass_r = bypass / (2.0 * sp.density * dn->area() * dn->area());
    sp.flow_scale = flow_scale;
    system.emplace<Station>(std::move(sp), up->outlet(), dn->inlet());
  }

  int references = 0;  // pressure references (terminals, valves to a fixed pressure)

  // ---- valves
  for (const Reader& item : section.map_items(
           "valves", "name: V1, upstream: Pipe-1, downstream: Pipe-2, loss_coefficient: 0.2")) {
    std::string name = names.claim(item, "valves");
    Pipe* up = pipe_ref(item, "upstream");
    const bool to_pressure = !item.has("downstream");
    Pipe* dn = to_pressure ? nullptr : pipe_ref(item, "downstream");
    ValveSpec sp;
    if (to_pressure) sp.outlet_pressure = item.profile("outlet_pressure", dim::pressure);
    sp.name = name;
    const double d = item.quantity("diameter", dim::length, up ? up->spec().inner_diameter : 0.5);
    sp.loss = item.quantity("loss_coefficient", dim::none, 0.2);
    sp.opening = item.profile("opening", dim::none, 1.0);
    std::string ch =
        item.choice("characteristic", {"linear", "quadratic", "equal_percentage"}, "linear");
    sp.characteristic = ch == "linear" ? 0 : ch == "quadratic" ? 1 : 2;
    sp.check = item.flag("check_valve", false);
    item.check("diameter", d > 0, "must be > 0");
    item.check("loss_coefficient", sp.loss > 0, "must be > 0");
    item.check("opening",
               std::all_of(sp.opening.values().begin(), sp.opening.values().end(),
                           [](double v) { return v >= 0 && v <= 1; }),
               "opening must lie between 0 and 1");
    if (up && dn && up == dn) item.error_at_key("downstream", "must differ from upstream");
    item.finish();
    if (name.empty() || !up || (!to_pressure && !dn) || up == dn || d <= 0) continue;
    sp.area = M_PI * d * d / 4;
    sp.density = up->density();
    sp.flow_scale = flow_scale;
    system.emplace<Valve>(std::move(sp), up->outlet(), dn ? &dn->inlet() : nullptr);
    if (to_pressure) ++references;
  }

  // ---- terminals
  for (const Reader& item :
       section.map_items("terminals", "name: Atasu, pipe: Pipe-1, end: inlet, pressure: 3 bar")) {
    std::string name = names.claim(item, "terminals");
    Pipe* p = pipe_ref(item, "pipe");
    std::string end = item.choice("end", {"inlet", "outlet"}, "inlet");
    TerminalSpec sp;
    sp.name = name;
    Reader tk = item.child("tank");
    if (tk.defined()) {
      sp.tank = true;
      if (!tk.is_map())
        tk.error("expected a mapping {area, initial_level, gas_pressure}");
      else {
        sp.area = tk.quantity("area", dim::area);
        sp.initial_level = tk.quantity("initial_level", dim::length, 5.0);
        sp.gas_pressure = tk.quantity("gas_pressure", dim::pressure, kAtmosphere);
        tk.check("area", sp.area > 0, "must be > 0");
        tk.finish();
      }
      if (item.has("pressure")) item.error_at_key("pressure", "give either pressure or tank");
    } else {
      sp.pressure = item.profile("pressure", dim::pressure);
    }
    item.finish();
    if (name.empty() || !p) continue;
    Node& node = end == "inlet" ? p->inlet() : p->outlet();
    if (node.held()) {
      item.error_at_key("end", "this pipe end already has a terminal");
      continue;
    }
    sp.density = p->density();
    sp.flow_scale = flow_scale;
    system.emplace<Terminal>(std::move(sp), node);
    ++references;
  }

  // ---- injections and points
  for (const Reader& item : section.map_items(
           "injections", "name: Offtake, pipe: Pipe-1, at: 120 km, mass_flow: -50 kg/s")) {
    std::string name = names.claim(item, "injections");
    Pipe* p = pipe_ref(item, "pipe");
    const double at = item.quantity("at", dim::length, 0.0);
    Profile flow = item.profile("mass_flow", dim::mass_flow);
    if (p) item.check("at", at >= 0 && at <= p->spec().length, "must lie within the pipe");
    item.finish();
    if (name.empty() || !p || at < 0 || at > p->spec().length) continue;
    system.emplace<Injection>(name, *p, p->nearest_point(at), std::move(flow), p->density());
  }
  for (const Reader& item : section.map_items("points", "name: km 480, pipe: Pipe-1, at: 480 km")) {
    std::string name = names.claim(item, "points");
    Pipe* p = pipe_ref(item, "pipe");
    const double at = item.quantity("at", dim::length, 0.0);
    if (p) item.check("at", at >= 0 && at <= p->spec().length, "must lie within the pipe");
    item.finish();
    if (name.empty() || !p || at < 0 || at > p->spec().length) continue;
    system.emplace<Point>(name, *p, p->nearest_point(at));
  }
  section.finish();
  if (options.steady_start && section.context().diagnostics.empty() && !pipes.empty() &&
      references == 0)
    section.error_at_key("terminals",
                         "the line has no terminal (pressure reference): the steady start has no "
                         "unique solution; add a terminal or set solver.initial: given");
}

}  // namespace steppe::oil
