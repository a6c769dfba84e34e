// What the readers of the `power:` section's element kinds share while the section is read
// (models/power/kinds.cpp lists the kinds; each kind's reader lives beside its model).
#pragma once

#include <string>
#include <vector>

#include "models/common/element_table.hpp"
#include "models/common/registry.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::power {

class Generator;
class Renewable;
class Tie;

struct Context {
  Context(const Reader& sec, System& sys, const StudyOptions& opt, double frequency)
      : section(sec), system(sys), options(opt), f0(frequency) {}

  const Reader& section;
  System& system;
  const StudyOptions& options;
  double f0;              // Hz, the nominal frequency of the section
  bool dispatch = false;  // the section has a dispatch block (set points are dispatched)

  ElementNames names;  // one name per element across the lists
  ElementTable<Zone> zones{"zone"};
  std::vector<Zone*> zone_list;    // in the order given
  std::vector<double> zone_price;  // per zone: the price of an infinite bus's energy
  std::vector<Tie*> ties;
  std::vector<Generator*> generators;  // dispatchable units
  std::vector<Renewable*> renewables;  // variable sources (wind, solar)

  // The index of `z` in zone_list.
  std::size_t index(const Zone* z) const;
};

// Helpers for the power readers.
std::vector<double> quantity_list(const Reader& r, const std::string& key, const Dimension& d);
// An angle in degrees: a bare number is degrees; "0.69 rad" or "39.7 deg" convert.
double angle_degrees(const Reader& item, const std::string& key);
double profile_max(const Profile& p);
bool profile_in(const Profile& p, double lo, double hi);
// `synthetic_inertia` (s, default 0, ≥ 0) of an inverter-based element.
double synthetic_inertia(const Reader& item);

// The element kinds of the power section, in reading order.
std::span<const ElementKind<Context>> kinds();

}  // namespace steppe::power
