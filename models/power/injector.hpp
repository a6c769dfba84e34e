// What a zone sees of the elements that feed it. Each injector adds its power to the
// zone's balance and energy rows itself (the injection pattern); the zone asks it only
// for what it reports and what dispatch plans with:
//   category()     the output category its power counts under (zone dataset
//                  generation_<category>: "coal", "wind", "storage", …)
//   injection(s)   the power it injects now [W] (negative: it draws, e.g. charging)
//   curtailed(s)   power it could give but does not (curtailed wind and solar) [W]
//   scheduled(t)   the injection planned ahead that dispatch takes off the zone's load
//                  (a storage schedule) [W]; 0 for units dispatch sets itself
// A new kind of injector implements this and attaches to its zone: nothing in Zone changes.
#pragma once

#include <string_view>

#include "solver/engine/component.hpp"

namespace steppe::power {

class Injector {
 public:
  virtual ~Injector() = default;
  virtual std::string_view category() const = 0;
  virtual double injection(const State& s) const = 0;
  virtual double curtailed(const State& s) const {
    (void)s;
    return 0.0;
  }
  virtual double scheduled(double t) const {
    (void)t;
    return 0.0;
  }
};

}  // namespace steppe::power
