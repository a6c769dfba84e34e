// Reads the `power:` section of a study (every key: inputs/README.md, section `power`).
//
//   power:
//     frequency: 50 Hz
//     zones:      [{name, inertia, base, damping, load, infinite_bus, price, agc, interchange,
//                   ufls: [{threshold, delay, fraction}]}]
//     ties:       [{name, from, to, susceptance, limit | limit_forward, limit_reverse,
//                   trip_delay}]
//     generators: [{name, zone, type, capacity, min_output, ramp | ramp_up, ramp_down, droop,
//                   governor, governor_time, turbine_time, hp_fraction, water_time,
//                   setpoint_time,
//                   participation, cost, availability, set_point, trip_at}]
//     wind:       [{name, zone, speed, measurement_height, hub_height, shear, shear_exponent,
//                   roughness, air_density, turbines, rated_power, cut_in, rated_speed,
//                   cut_out, curve: {speeds, powers}, availability}]
//     solar:      [{name, zone, irradiance | clear_sky, latitude, longitude, cloud_factor,
//                   air_temperature, capacity, inverter_limit, temperature_coefficient, noct,
//                   availability}]
//     storage:    [{name, zone, energy, power | power_discharge, power_charge, efficiency,
//                   soc_initial, soc_min, soc_max, schedule, droop}]
//     dispatch:   {interval, ramp_time}
#include "models/power/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "models/common/element_table.hpp"
#include "models/power/common.hpp"
#include "models/power/dispatch.hpp"
#include "models/power/generator.hpp"
#include "models/power/solar.hpp"
#include "models/power/solar_position.hpp"
#include "models/power/storage.hpp"
#include "models/power/tie.hpp"
#include "models/power/wind.hpp"
#include "models/power/zone.hpp"

namespace steppe::power {

namespace {

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

}  // namespace

void read_system(const Reader& section, System& system, const StudyOptions& options) {
  const double f0 = section.quantity("frequency", dim::frequency, 50.0);
  section.check("frequency", f0 > 0, "must be > 0");
  ElementNames names;

  // ---- zones
  struct ZoneEntry {
    Zone::Params p;
    std::string name;
    double price;
  };
  std::vector<ZoneEntry> zone_entries;
  std::vector<Reader> zone_items;
  const std::size_t errors_before_zones = section.context().diagnostics.size();
  for (const Reader& item : section.map_items("zones", "name: North, inertia: 6 s, load: 9 GW")) {
    std::string name = names.claim(item, "zones");
    Zone::Params p;
    p.f0 = f0;
    p.infinite = item.flag("infinite_bus", false);
    p.load = item.profile("load", dim::power, 0.0);
    p.inertia = item.quantity("inertia", dim::time, p.infinite ? 0.0 : 5.0);
    p.base = item.quantity("base", dim::power, std::max(1e6, profile_max(p.load)));
    p.damping = item.quantity("damping", dim::none, 1.0);
    const double price = item.quantity("price", dim::none, 1e6);
    if (Reader agc = item.child("agc"); agc.defined()) {
      if (!agc.is_map()) {
        agc.error("expected a mapping such as {time_constant: 60 s, bias: 1500 MW/Hz}");
      } else {
        p.agc = true;
        p.agc_time = agc.quantity("time_constant", dim::time, 60.0);
        p.agc_bias = agc.quantity("bias", dim::power / dim::frequency, -1.0);
        agc.check("time_constant", p.agc_time > 0, "must be > 0");
        agc.finish();
      }
    }
    p.interchange = item.profile("interchange", dim::power, 0.0);
    for (const Reader& st :
         item.map_items("ufls", "threshold: 49.2 Hz, delay: 0.3 s, fraction: 5 %")) {
      UflsStage u;
      u.threshold = st.quantity("threshold", dim::frequency);
      u.delay = st.quantity("delay", dim::time, 0.0);
      u.fraction = st.quantity("fraction", dim::none);
      st.check("threshold", u.threshold > 0 && u.threshold < f0, "must lie between 0 and f0");
      st.check("delay", u.delay >= 0, "must be ≥ 0");
      st.check("fraction", u.fraction > 0 && u.fraction <= 1, "must lie in (0, 1]");
      st.finish();
      p.ufls.push_back(u);
    }
    if (!p.infinite) {
      item.check("inertia", p.inertia > 0, "must be > 0 (the zone's aggregated inertia H)");
      item.check("base", p.base > 0, "must be > 0");
    } else {
      item.check("agc", !p.agc, "an infinite bus has no AGC");
      item.check("ufls", p.ufls.empty(), "an infinite bus sheds no load");
    }
    item.check("damping", p.damping >= 0, "must be ≥ 0");
    item.check("load", profile_in(p.load, 0.0, kInf), "load must be ≥ 0");
    item.finish();
    if (!name.empty()) {
      zone_entries.push_back({std::move(p), name, price});
      zone_items.push_back(item);
    }
  }
  // (filled once zone_entries is complete, so that the pointers stay valid)
  ElementTable<const ZoneEntry> zone_table("zone");
  for (std::size_t k = 0; k < zone_entries.size(); ++k)
    zone_table.add(zone_entries[k].name, &zone_entries[k], zone_items[k]);
  zone_table.set_complete(section.context().diagnostics.size() == errors_before_zones);
  // The index in zone_entries of the zone named by `key`, or −1 after reporting.
  auto zone_index = [&](const Reader& item, const std::string& key) -> int {
    const ZoneEntry* z = zone_table.find(item, key);
    return z ? static_cast<int>(z - zone_entries.data()) : -1;
  };

  // ---- ties
  struct TieEntry {
    std::string name;
    int from, to;
    Tie::Params p;
  };
  std::vector<TieEntry> tie_entries;
  for (const Reader& item :
       section.map_items("ties", "name: North-South, from: North, to: South, susceptance: 20 GW")) {
    std::string name = names.claim(item, "ties");
    int from = zone_index(item, "from"), to = zone_index(item, "to");
    Tie::Params p;
    p.susceptance = item.quantity("susceptance", dim::power);
    const double lim = item.quantity("limit", dim::power, kInf);
    p.limit_forward = item.quantity("limit_forward", dim::power, lim);
    p.limit_reverse = item.quantity("limit_reverse", dim::power, lim);
    p.trip_delay = item.quantity("trip_delay", dim::time, kInf);
    item.check("susceptance", p.susceptance > 0, "must be > 0 (power per radian)");
    item.check("limit_forward", p.limit_forward > 0, "must be > 0");
    item.check("limit_reverse", p.limit_reverse > 0, "must be > 0");
    item.check("trip_delay", p.trip_delay >= 0, "must be ≥ 0");
    if (from >= 0 && from == to) item.error_at_key("to", "a tie must join two different zones");
    item.finish();
    if (!name.empty() && from >= 0 && to >= 0 && from != to)
      tie_entries.push_back({name, from, to, p});
  }

  // ---- generators
  struct GenEntry {
    std::string name;
    int zone;
    Generator::Params p;
  };
  std::vector<GenEntry> gen_entries;
  const bool dispatch = section.has("dispatch");
  for (const Reader& item : section.map_items(
           "generators", "name: Ekibastuz GRES-1, zone: North, type: coal, capacity: 4000 MW")) {
    std::string name = names.claim(item, "generators");
    int zone = zone_index(item, "zone");
    Generator::Params p;
    const std::string type = item.choice("type", {"coal", "gas", "hydro"}, "coal");
    p.type = type == "gas" ? GenType::Gas : type == "hydro" ? GenType::Hydro : GenType::Coal;
    p.capacity = item.quantity("capacity", dim::power);
    p.min_output = item.quantity("min_output", dim::power, 0.0);
    const double ramp = item.quantity("ramp", dim::power / dim::time, kInf);
    p.ramp_up = item.quantity("ramp_up", dim::power / dim::time, ramp);
    p.ramp_down = item.quantity("ramp_down", dim::power / dim::time, ramp);
    p.droop = item.quantity("droop", dim::none, 0.05);
    if (!item.flag("governor", true)) p.droop = 0.0;
    p.turbine_time = item.quantity("turbine_time", dim::time, p.type == GenType::Gas ? 1.0 : 5.0);
    p.hp_fraction = item.quantity("hp_fraction", dim::none, 0.0);
    if (item.has("water_time")) {
      const double tw = item.quantity("water_time", dim::time);
      item.check("water_time", tw > 0, "must be > 0");
      item.check("water_time", p.type == GenType::Hydro, "only for type: hydro");
      item.check(
          "water_time", !item.has("turbine_time") && !item.has("hp_fraction"),
          "water_time sets turbine_time = T_w/2 and hp_fraction = −2; give one or the other");
      p.turbine_time = tw / 2;
      p.hp_fraction = -2.0;
    }
    p.governor_time =
        item.quantity("governor_time", dim::time, p.type == GenType::Hydro ? 5.0 : 0.0);
    item.check("governor_time", p.governor_time >= 0, "must be ≥ 0");
    p.setpoint_time = item.quantity("setpoint_time", dim::time, 10.0);
    p.participation = item.quantity("participation", dim::none, -1.0);
    p.cost = item.quantity("cost", dim::none, 0.0);
    p.availability = item.profile("availability", dim::none, 1.0);
    if (item.has("set_point")) {
      p.set_point = item.profile("set_point", dim::power);
    } else if (!dispatch) {
      item.error_at_key("set_point",
                        "missing 'set_point' (needed without a power.dispatch section)");
    }
    p.trip_at = item.quantity("trip_at", dim::time, kInf);
    item.check("capacity", p.capacity > 0, "must be > 0");
    item.check("min_output", p.min_output >= 0 && p.min_output <= p.capacity,
               "must lie between 0 and capacity");
    item.check("ramp_up", p.ramp_up > 0, "must be > 0");
    item.check("ramp_down", p.ramp_down > 0, "must be > 0");
    item.check("droop", p.droop >= 0, "must be ≥ 0 (0: no governor)");
    item.check("turbine_time", p.turbine_time > 0, "must be > 0");
    item.check("setpoint_time", p.setpoint_time > 0, "must be > 0");
    item.check("availability", profile_in(p.availability, 0.0, 1.0),
               "availability must lie between 0 and 1");
    item.finish();
    if (!name.empty() && zone >= 0) gen_entries.push_back({name, zone, p});
  }

  // ---- zones into the system, with synchronous-area references
  std::vector<int> parent(zone_entries.size());
  for (std::size_t k = 0; k < parent.size(); ++k) parent[k] = static_cast<int>(k);
  std::function<int(int)> root = [&](int k) {
    return parent[std::size_t(k)] == k ? k : parent[std::size_t(k)] = root(parent[std::size_t(k)]);
  };
  for (const auto& t : tie_entries) parent[std::size_t(root(t.from))] = root(t.to);
  std::map<int, int> ref_of;  // area root → reference zone
  for (std::size_t k = 0; k < zone_entries.size(); ++k) {
    const int r = root(static_cast<int>(k));
    auto it = ref_of.find(r);
    if (it == ref_of.end())
      ref_of[r] = static_cast<int>(k);
    else if (zone_entries[k].p.infinite && !zone_entries[std::size_t(it->second)].p.infinite)
      it->second = static_cast<int>(k);
  }
  // AGC bias default: the zone's frequency response β = D·P_L/f0 + Σ P_cap/(R·f0).
  for (std::size_t k = 0; k < zone_entries.size(); ++k) {
    Zone::Params& p = zone_entries[k].p;
    if (!p.agc || p.agc_bias >= 0) continue;
    double beta = p.damping * (p.load.values().empty() ? 0.0 : p.load.values().front()) / f0;
    for (const auto& g : gen_entries)
      if (g.zone == static_cast<int>(k) && g.p.droop > 0) beta += g.p.capacity / g.p.droop / f0;
    p.agc_bias = beta;
  }
  // Participation factors: normalised per zone; by default in proportion to capacity.
  for (std::size_t k = 0; k < zone_entries.size(); ++k) {
    double given = 0, cap = 0;
    bool any_given = false;
    for (const auto& g : gen_entries)
      if (g.zone == static_cast<int>(k)) {
        if (g.p.participation >= 0) {
          given += g.p.participation;
          any_given = true;
        }
        cap += g.p.capacity;
      }
    for (auto& g : gen_entries)
      if (g.zone == static_cast<int>(k)) {
        if (any_given)
          g.p.participation = given > 0 ? std::max(0.0, g.p.participation) / given : 0.0;
        else
          g.p.participation = cap > 0 ? g.p.capacity / cap : 0.0;
      }
  }

  // The steady start needs something that fixes each synchronous area's frequency.
  if (options.steady_start && section.context().diagnostics.empty()) {
    std::map<int, bool> fixed;
    for (std::size_t k = 0; k < zone_entries.size(); ++k) {
      const Zone::Params& p = zone_entries[k].p;
      bool& f = fixed[root(static_cast<int>(k))];
      f = f || p.infinite || p.agc || (p.damping > 0 && profile_max(p.load) > 0);
    }
    for (const auto& g : gen_entries) fixed[root(g.zone)] = fixed[root(g.zone)] || g.p.droop > 0;
    for (const auto& [r, ok] : fixed)
      if (!ok)
        zone_table.item(zone_entries[std::size_t(r)].name)
            .error_at_key("damping",
                          fmt::format("the area of zone '{}' has no load damping, governor, AGC or "
                                      "infinite bus: its steady frequency is undetermined",
                                      zone_entries[std::size_t(r)].name));
  }

  std::vector<Zone*> zones;
  for (auto& z : zone_entries) zones.push_back(&system.emplace<Zone>(z.name, z.p));
  for (std::size_t k = 0; k < zones.size(); ++k)
    zones[k]->set_reference(zones[std::size_t(ref_of[root(static_cast<int>(k))])]);
  std::vector<Tie*> ties;
  for (auto& t : tie_entries) {
    Tie& tie =
        system.emplace<Tie>(t.name, *zones[std::size_t(t.from)], *zones[std::size_t(t.to)], t.p);
    zones[std::size_t(t.from)]->ties.push_back(&tie);
    zones[std::size_t(t.to)]->ties.push_back(&tie);
    ties.push_back(&tie);
  }
  std::vector<Generator*> gens;
  for (auto& g : gen_entries) {
    Generator& gen = system.emplace<Generator>(g.name, *zones[std::size_t(g.zone)], g.p);
    zones[std::size_t(g.zone)]->generators.push_back(&gen);
    gens.push_back(&gen);
  }

  // ---- wind farms
  std::vector<WindFarm*> winds;
  for (const Reader& item : section.map_items(
           "wind", "name: Zhanatas, zone: South, turbines: 40, rated_power: 2.5 MW")) {
    std::string name = names.claim(item, "wind");
    int zone = zone_index(item, "zone");
    WindFarm::Params p;
    p.speed = item.profile("speed", dim::velocity);
    p.measurement_height = item.quantity("measurement_height", dim::length, 10.0);
    p.hub_height = item.quantity("hub_height", dim::length, 90.0);
    p.log_law = item.choice("shear", {"power", "log"}, "power") == "log";
    p.shear_exponent = item.quantity("shear_exponent", dim::none, 1.0 / 7.0);
    p.roughness = item.quantity("roughness", dim::length, 0.03);
    p.density = item.profile("air_density", dim::density, 1.225);
    p.count = static_cast<int>(item.integer("turbines", 1));
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
               "must be > 0 and below the measurement height");
    item.check("air_density", profile_in(p.density, 1e-3, kInf), "must be > 0");
    item.check("availability", profile_in(p.availability, 0.0, 1.0),
               "availability must lie between 0 and 1");
    item.finish();
    if (!name.empty() && zone >= 0) {
      WindFarm& w = system.emplace<WindFarm>(name, *zones[std::size_t(zone)], std::move(p));
      zones[std::size_t(zone)]->wind.push_back(&w);
      winds.push_back(&w);
    }
  }

  // ---- solar plants
  std::vector<SolarPlant*> solars;
  const double start_jd = julian_day(options.start_iso);
  for (const Reader& item : section.map_items(
           "solar", "name: Burnoye, zone: South, capacity: 100 MW, clear_sky: true")) {
    std::string name = names.claim(item, "solar");
    int zone = zone_index(item, "zone");
    SolarPlant::Params p;
    p.clear_sky = item.flag("clear_sky", false);
    if (p.clear_sky) {
      p.latitude = angle_degrees(item, "latitude");
      p.longitude = angle_degrees(item, "longitude");
      item.check("latitude", std::abs(p.latitude) <= 90, "must lie between −90° and 90°");
      item.check("longitude", std::abs(p.longitude) <= 180, "must lie between −180° and 180°");
      item.check("irradiance", !item.has("irradiance"),
                 "give an irradiance profile or clear_sky: true, not both");
      p.start_jd = start_jd;
    } else {
      p.irradiance = item.profile("irradiance", dim::power / dim::area);
    }
    p.cloud_factor = item.profile("cloud_factor", dim::none, 1.0);
    p.air_temperature = item.profile("air_temperature", dim::temperature, 298.15);
    p.capacity = item.quantity("capacity", dim::power);
    p.inverter_limit = item.quantity("inverter_limit", dim::power, p.capacity);
    p.temperature_coefficient =
        item.quantity("temperature_coefficient", dim::none / dim::temperature, -0.004);
    p.noct = item.quantity("noct", dim::temperature, 318.15);
    p.availability = item.profile("availability", dim::none, 1.0);
    item.check("capacity", p.capacity > 0, "must be > 0");
    item.check("inverter_limit", p.inverter_limit > 0, "must be > 0");
    item.check("cloud_factor", profile_in(p.cloud_factor, 0.0, 1.0), "must lie between 0 and 1");
    item.check("availability", profile_in(p.availability, 0.0, 1.0),
               "availability must lie between 0 and 1");
    item.finish();
    if (!name.empty() && zone >= 0) {
      SolarPlant& s = system.emplace<SolarPlant>(name, *zones[std::size_t(zone)], std::move(p));
      zones[std::size_t(zone)]->solar.push_back(&s);
      solars.push_back(&s);
    }
  }

  // ---- storage
  for (const Reader& item :
       section.map_items("storage", "name: BESS, zone: South, energy: 200 MWh, power: 50 MW")) {
    std::string name = names.claim(item, "storage");
    int zone = zone_index(item, "zone");
    Storage::Params p;
    p.energy = item.quantity("energy", dim::energy);
    const double pw = item.quantity("power", dim::power, 0.0);
    p.power_discharge = item.quantity("power_discharge", dim::power, pw);
    p.power_charge = item.quantity("power_charge", dim::power, p.power_discharge);
    p.efficiency = item.quantity("efficiency", dim::none, 0.9);
    p.soc_initial = item.quantity("soc_initial", dim::none, 0.5);
    p.soc_min = item.quantity("soc_min", dim::none, 0.0);
    p.soc_max = item.quantity("soc_max", dim::none, 1.0);
    p.schedule = item.profile("schedule", dim::power, 0.0);
    p.droop = item.quantity("droop", dim::none, 0.0);
    item.check("energy", p.energy > 0, "must be > 0");
    item.check("power_discharge", p.power_discharge > 0,
               "must be > 0 (give power or power_discharge)");
    item.check("power_charge", p.power_charge > 0, "must be > 0");
    item.check("efficiency", p.efficiency > 0 && p.efficiency <= 1, "must lie in (0, 1]");
    item.check("soc_min", p.soc_min >= 0 && p.soc_min < p.soc_max && p.soc_max <= 1,
               "need 0 ≤ soc_min < soc_max ≤ 1");
    item.check("soc_initial", p.soc_initial >= p.soc_min && p.soc_initial <= p.soc_max,
               "must lie between soc_min and soc_max");
    item.check("droop", p.droop >= 0, "must be ≥ 0 (0: no frequency response)");
    item.finish();
    if (!name.empty() && zone >= 0) {
      Storage& s = system.emplace<Storage>(name, *zones[std::size_t(zone)], std::move(p));
      zones[std::size_t(zone)]->storage.push_back(&s);
    }
  }

  // ---- dispatch
  if (Reader d = section.child("dispatch"); d.defined()) {
    if (!d.is_map()) {
      d.error("expected a mapping such as {interval: 1 h}");
    } else {
      const double interval = d.quantity("interval", dim::time, 3600.0);
      const double ramp_time = d.quantity("ramp_time", dim::time, std::min(600.0, interval / 2));
      d.check("interval", interval > 0, "must be > 0");
      d.check("ramp_time", ramp_time >= 0 && ramp_time < interval,
              "must be ≥ 0 and shorter than the interval");
      d.finish();
      // Every zone with load must be reachable by some supply.
      for (std::size_t k = 0; k < zone_entries.size(); ++k) {
        const Zone& z = *zones[k];
        if (z.infinite() || profile_max(z.params().load) <= 0) continue;
        if (z.generators.empty() && z.ties.empty() && z.wind.empty() && z.solar.empty() &&
            z.storage.empty())
          zone_table.item(z.name()).error_at_key(
              "load", fmt::format("zone '{}' has load but no generator and no tie: the dispatch "
                                  "cannot serve it",
                                  z.name()));
      }
      if (interval > 0 && section.context().diagnostics.empty()) {
        std::vector<double> prices;
        for (const auto& z : zone_entries) prices.push_back(z.p.infinite ? z.price : kInf);
        system.emplace<Dispatcher>("power dispatch", interval, ramp_time, zones, ties, gens, winds,
                                   solars, std::move(prices));
      }
    }
  }
  section.finish();
}

}  // namespace steppe::power
