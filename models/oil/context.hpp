// What the readers of the `oil:` section's element kinds share while the section is read
// (models/oil/kinds.cpp lists the kinds; each kind's reader lives beside its model).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/common/element_table.hpp"
#include "models/common/registry.hpp"
#include "models/oil/fluid.hpp"
#include "models/oil/pipe.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::oil {

struct Context {
  Context(const Reader& sec, System& sys, const StudyOptions& opt)
      : section(sec), system(sys), options(opt) {}

  const Reader& section;
  System& system;
  const StudyOptions& options;
  // Section-wide guesses for the steady start (and scales).
  double flow_guess = 0.0, pressure_guess = 30e5, flow_scale = 100.0;
  std::vector<double> route_x, route_z;  // chainage → height, if the section has a route

  ElementNames names;             // one name per element across the lists
  std::deque<Fluid> fluid_store;  // the crudes (stable addresses)
  ElementTable<const Fluid> fluids{"fluid"};
  std::vector<std::string> fluid_names;  // in the order given (the first is the default)
  ElementTable<Pipe> pipes{"pipe"};
  std::vector<std::string> pipe_names;
  double chainage = 0.0;  // where the next pipe starts unless it says
  // Pipes joined through stations, valves and shared ends; terminals and valves to a fixed
  // pressure mark their part as having a pressure reference.
  Connectivity<Pipe> parts;
  // Batch tracking (batch.cpp): on when the section lists batches or a drag reducer.
  bool tracking = false;
  std::optional<Curve> dra_curve;  // drag reduction [1] against concentration [1]
};

// A {distance: [...], elevation: [...]} table of `owner`'s `key`, distances strictly
// increasing. False (x, z empty) when absent or wrong (errors reported).
bool read_elevation_table(const Reader& owner, const std::string& key, std::vector<double>& x,
                          std::vector<double>& z);

// The element kinds of the oil section, in reading order.
std::span<const ElementKind<Context>> kinds();

}  // namespace steppe::oil
