#include "models/coupling/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/coupling/electric_load.hpp"
#include "models/coupling/gas_plant.hpp"
#include "models/gas/compressor.hpp"
#include "models/gas/node.hpp"
#include "models/oil/station.hpp"
#include "models/power/generator.hpp"
#include "models/power/zone.hpp"

namespace steppe::coupling {

namespace {

const char* article(const std::string& noun) {
  return !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos ? "an"
                                                                                            : "a";
}

// Finds the element of `kind` named by `key` of `item` in the other domains, or reports
// the problem there (wrong kind, or no such element with the closest name suggested).
// `quiet`: the other sections had errors, so a missing element may be their consequence.
template <class T>
T* find_element(const Reader& item, const std::string& key, const System& system,
                const std::string& kind, bool quiet) {
  if (!item.has(key)) {
    item.text(key);  // reports the missing key
    return nullptr;
  }
  const std::string ref = item.text(key);
  if (ref.empty()) return nullptr;
  if (auto* c = dynamic_cast<T*>(system.find(ref, kind))) return c;
  if (quiet) return nullptr;
  std::vector<std::string> kinds, names;
  for (const auto& c : system.components()) {
    if (c->name() == ref) kinds.push_back(c->kind());
    if (c->kind() == kind) names.push_back(c->name());
  }
  if (!kinds.empty()) {
    item.error_at_key(key, fmt::format("'{}' is {} {}, not {} {}", ref, article(kinds.front()),
                                       kinds.front(), article(kind), kind));
    return nullptr;
  }
  const std::string hint = closest_match(ref, names);
  item.error_at_key(key, fmt::format("no {} named '{}'{}", kind, ref,
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  return nullptr;
}

// The heat rate: one value, or {power: [...], rate: [...]} with increasing powers.
void read_heat_rate(const Reader& item, GasPlant::Params& p) {
  const Reader hr = item.child("heat_rate");
  if (!hr.defined()) {
    item.text("heat_rate");  // reports the missing key
    return;
  }
  auto plausible = [](double r) { return r >= 1.0 && r <= 20.0; };
  const char* range =
      "a heat rate is fuel energy per electric energy, between 1 and 20 J/J (3.6–72 MJ/kWh); "
      "give units, e.g. 7.2 MJ/kWh";
  if (!hr.is_map()) {
    const double r = item.quantity("heat_rate", dim::none, 2.0);
    item.check("heat_rate", plausible(r), range);
    p.hr_power = {0.0};
    p.hr_rate = {r};
    return;
  }
  std::vector<double> power, rate;
  for (const Reader& x : hr.items("power"))
    power.push_back(x.as_quantity(dim::power).value_or(0.0));
  for (const Reader& x : hr.items("rate")) rate.push_back(x.as_quantity(dim::none).value_or(1.0));
  if (!hr.has("power")) hr.text("power");
  if (!hr.has("rate")) hr.text("rate");
  hr.finish();
  if (hr.has_error("power") || hr.has_error("rate") || power.empty()) return;
  hr.check(
      "rate", rate.size() == power.size(),
      fmt::format("{} rates for {} powers: give one rate per power", rate.size(), power.size()));
  hr.check("power",
           std::adjacent_find(power.begin(), power.end(), std::greater_equal<>()) == power.end(),
           "powers must increase strictly");
  hr.check("power", std::all_of(power.begin(), power.end(), [](double x) { return x >= 0; }),
           "powers must be ≥ 0");
  hr.check("rate", std::all_of(rate.begin(), rate.end(), plausible), range);
  if (rate.size() == power.size()) {
    p.hr_power = std::move(power);
    p.hr_rate = std::move(rate);
  }
}

}  // namespace

void read_links(const Reader& section, System& system, const StudyOptions&) {
  const bool quiet = !section.context().diagnostics.empty();
  std::set<const Component*> coupled;
  auto claim = [&](const Reader& item, const std::string& key, const Component* c) {
    if (coupled.insert(c).second) return true;
    item.error_at_key(key, fmt::format("'{}' is already coupled (once per element)", c->name()));
    return false;
  };

  for (const Reader& item : section.map_items(
           "gas_plants", "generator: Almaty TPP-2, gas_node: Almaty, heat_rate: 7.2 MJ/kWh")) {
    auto* gen = find_element<power::Generator>(item, "generator", system, "power generator", quiet);
    auto* node = find_element<gas::GasNode>(item, "gas_node", system, "gas node", quiet);
    if (gen && gen->type() != power::GenType::Gas) {
      item.error_at_key("generator",
                        fmt::format("generator '{}' is of type {}: a gas plant needs a generator "
                                    "of type gas",
                                    gen->name(), power::kGenTypeNames[std::size_t(gen->type())]));
      gen = nullptr;
    }
    GasPlant::Params p;
    read_heat_rate(item, p);
    p.lhv = item.quantity("lhv", dim::specific_energy, 47e6);
    item.check("lhv", p.lhv > 0, "must be > 0");
    p.has_min_pressure = item.has("min_supply_pressure");
    p.min_pressure = item.quantity("min_supply_pressure", dim::pressure, 0.0);
    item.check("min_supply_pressure", p.min_pressure >= 0, "must be ≥ 0");
    p.on_low = item.choice("on_low_pressure", {"derate", "trip"}, "derate") == "trip"
                   ? LowPressure::Trip
                   : LowPressure::Derate;
    p.derate_to = item.quantity("derate_to", dim::none, 0.5);
    item.check("derate_to", p.derate_to >= 0 && p.derate_to < 1,
               "the capacity factor while derated must be in [0, 1)");
    p.band = item.quantity("recovery_band", dim::pressure, 1e5);
    item.check("recovery_band", p.band > 0, "must be > 0");
    const std::string name = item.text("name", gen ? gen->name() : "");
    item.finish();
    if (!gen || !node || !claim(item, "generator", gen)) continue;
    system.emplace<GasPlant>(name, *gen, *node, std::move(p));
  }

  for (const Reader& item : section.map_items("pump_loads", "station: Atasu PS, zone: South")) {
    auto* st = find_element<oil::Station>(item, "station", system, "oil station", quiet);
    auto* zone = find_element<power::Zone>(item, "zone", system, "power zone", quiet);
    const std::string name = item.text("name", st ? st->name() : "");
    item.finish();
    if (!st || !zone || !claim(item, "station", st)) continue;
    system.emplace<ElectricLoad>(name, *st, *zone);
  }

  for (const Reader& item :
       section.map_items("compressor_loads", "compressor: Bozoi CS, zone: South")) {
    auto* cs =
        find_element<gas::CompressorStation>(item, "compressor", system, "gas compressor", quiet);
    auto* zone = find_element<power::Zone>(item, "zone", system, "power zone", quiet);
    if (cs && !cs->electric()) {
      item.error_at_key("compressor",
                        fmt::format("compressor '{}' has a gas-turbine drive, which burns its own "
                                    "fuel gas in the gas network; only drive: electric is a zone "
                                    "load",
                                    cs->name()));
      cs = nullptr;
    }
    const std::string name = item.text("name", cs ? cs->name() : "");
    item.finish();
    if (!cs || !zone || !claim(item, "compressor", cs)) continue;
    system.emplace<ElectricLoad>(name, *cs, *zone);
  }
  section.finish();
}

}  // namespace steppe::coupling
