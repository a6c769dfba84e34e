#include "models/power/wind.hpp"

#include <algorithm>
#include <cmath>

#include "models/power/context.hpp"

namespace steppe::power {

double PowerCurve::operator()(double v) const {
  if (v >= cut_out) return 0.0;
  if (speeds.empty()) {
    if (v < cut_in) return 0.0;
    if (v >= rated_speed) return rated_power;
    const double c3 = cut_in * cut_in * cut_in;
    return rated_power * (v * v * v - c3) / (rated_speed * rated_speed * rated_speed - c3);
  }
  if (v < speeds.front()) return 0.0;
  if (v >= speeds.back()) return powers.back();
  const auto it = std::upper_bound(speeds.begin(), speeds.end(), v);
  const auto k = static_cast<std::size_t>(it - speeds.begin());
  const double w = (v - speeds[k - 1]) / (speeds[k] - speeds[k - 1]);
  return powers[k - 1] + w * (powers[k] - powers[k - 1]);
}

WindFarm::WindFarm(std::string name, Zone& zone, Params p)
    : Renewable("power wind farm", std::move(name), zone), p_(std::move(p)) {
  shear_factor_ = p_.log_law ? std::log(p_.hub_height / p_.roughness) /
                                   std::log(p_.measurement_height / p_.roughness)
                             : std::pow(p_.hub_height / p_.measurement_height, p_.shear_exponent);
}

double WindFarm::hub_speed(double t) const {
  return std::max(0.0, p_.speed.value(t)) * shear_factor_;
}

double WindFarm::equivalent_speed(double t) const {
  return hub_speed(t) * std::cbrt(p_.density.value(t) / 1.225);
}

double WindFarm::available(double t) const {
  return p_.count * std::max(0.0, p_.availability.value(t)) * p_.curve(equivalent_speed(t));
}

void WindFarm::stop_times(double t0, double t1, std::vector<double>& out) const {
  p_.speed.breakpoints(t0, t1, out);
  p_.density.breakpoints(t0, t1, out);
  p_.availability.breakpoints(t0, t1, out);
  // The curve jumps at cut-in (table) and cut-out and has kinks at the other table
  // speeds and at rated: where the linear speed profile crosses them is a stop time.
  if (!p_.density.is_constant() || p_.speed.interpolation() != Interpolation::Linear ||
      p_.speed.is_constant())
    return;
  const double c = shear_factor_ * std::cbrt(p_.density.value(t0) / 1.225);
  std::vector<double> marks = p_.curve.speeds;
  marks.insert(marks.end(), {p_.curve.cut_in, p_.curve.rated_speed, p_.curve.cut_out});
  double a = t0;
  const double b = std::min(t1, p_.speed.next_breakpoint(t0));
  const double va = p_.speed.value(a), vb = p_.speed.value(std::nextafter(b, a));
  if (!(b > a) || !std::isfinite(b)) return;
  for (double m : marks) {
    const double v = m / c;
    if ((va - v) * (vb - v) < 0) {
      const double tc = a + (v - va) / (vb - va) * (b - a);
      // (a crossing at t0 itself, where the last stop was, is not a new one)
      if (tc > t0 + 1e-9 * std::max(1.0, std::abs(t0)) && tc <= t1) out.push_back(tc);
    }
  }
}

void WindFarm::declare_outputs(OutputPlan& plan) {
  const std::string g = kGroupWind;
  out_ = {plan.column(g, name(), "hub_speed", "m s-1", "wind speed at hub height"),
          plan.column(g, name(), "equivalent_speed", "m s-1",
                      "hub-height speed corrected to 1.225 kg/m3"),
          plan.column(g, name(), "available", "W", "available power"),
          plan.column(g, name(), "power", "W", "farm output (after curtailment)")};
  plan.connection(g, name(), "zone", kGroupZones, zone().name());
  plan.value(g, name(), "capacity", capacity(), "W", "rated power of all turbines");
}

void WindFarm::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_[0], hub_speed(s.t));
  out.set(out_[1], equivalent_speed(s.t));
  out.set(out_[2], available(s.t));
  out.set(out_[3], power(s.t));
}

// ---- reader: power.wind[i]
void read_wind(const Reader& item, Context& c) {
  std::string name = c.names.claim(item, "wind");
  Zone* zone = c.zones.find(item, "zone");
  WindFarm::Params p;
  p.speed = item.profile("speed", dim::velocity);
  p.measurement_height = item.quantity("measurement_height", dim::length, 10.0);
  p.hub_height = item.quantity("hub_height", dim::length, 90.0);
  p.log_law = item.choice("shear", {"power", "log"}, "power") == "log";
  p.shear_exponent = item.quantity("shear_exponent", dim::none, 1.0 / 7.0);
  p.roughness = item.quantity("roughness", dim::length, 0.03);
  p.density = item.profile("air_density", dim::density, 1.225);
  p.count = static_cast<int>(item.integer("turbines", 1, 1, 100000));
  p.curve.cut_in = item.quantity("cut_in", dim::velocity, 3.0);
  p.curve.rated_speed = item.quantity("rated_speed", dim::velocity, 12.0);
  p.curve.cut_out = item.quantity("cut_out", dim::velocity, 25.0);
  p.availability = item.profile("availability", dim::none, 1.0);
  if (Reader curve = item.child("curve"); curve.defined()) {
    if (!curve.is_map()) {
      curve.error("expected a mapping {speeds: [...], powers: [...]} (per turbine)");
    } else {
      p.curve.speeds = quantity_list(curve, "speeds", dim::velocity);
      p.curve.powers = quantity_list(curve, "powers", dim::power);
      const auto& v = p.curve.speeds;
      const auto& w = p.curve.powers;
      if (!curve.has("speeds")) curve.error_at_key("speeds", "missing required key 'speeds'");
      if (!curve.has("powers")) curve.error_at_key("powers", "missing required key 'powers'");
      curve.check("powers", v.size() == w.size() && v.size() >= 2,
                  "needs as many powers as speeds (at least 2)");
      curve.check("speeds",
                  std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end(),
                  "speeds must increase strictly");
      if (!w.empty()) {
        const auto rated = std::max_element(w.begin(), w.end());
        curve.check("powers",
                    std::adjacent_find(w.begin(), rated + 1, std::greater<>()) == rated + 1,
                    "the power curve must not decrease up to its rated (largest) power");
        curve.check("powers", std::all_of(w.begin(), w.end(), [](double x) { return x >= 0; }),
                    "powers must be ≥ 0");
        p.curve.rated_power = *rated;
        if (!v.empty() && v.size() == w.size()) {
          p.curve.cut_in = v.front();
          p.curve.rated_speed = v[std::size_t(rated - w.begin())];
        }
      }
      curve.finish();
    }
    item.check("rated_power", !item.has("rated_power"),
               "give rated_power or a curve table, not both");
  } else {
    p.curve.rated_power = item.quantity("rated_power", dim::power);
    item.check("rated_power", p.curve.rated_power > 0, "must be > 0");
    item.check("rated_speed", p.curve.rated_speed > p.curve.cut_in, "must be above cut_in");
  }
  item.check("cut_out", p.curve.cut_out > p.curve.rated_speed, "must be above rated_speed");
  item.check("turbines", p.count >= 1, "must be ≥ 1");
  item.check("measurement_height", p.measurement_height > 0, "must be > 0");
  item.check("hub_height", p.hub_height > 0, "must be > 0");
  item.check("roughness", p.roughness > 0 && p.roughness < p.measurement_height,
             "must be > 0 and below the measurement height", {"measurement_height"});
  item.check("air_density", profile_in(p.density, 1e-3, kInf), "must be > 0");
  item.check("availability", profile_in(p.availability, 0.0, 1.0),
             "availability must lie between 0 and 1");
  const double h = synthetic_inertia(item);
  const double rating = p.count * p.curve.rated_power;
  item.finish();
  if (name.empty() || !zone) return;
  WindFarm& w = c.system.emplace<WindFarm>(name, *zone, std::move(p));
  w.set_synthetic_inertia(h, rating);
  zone->attach(w);
  c.renewables.push_back(&w);
}

}  // namespace steppe::power
