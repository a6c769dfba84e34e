// What a zone sees of the elements that feed it. Each injector adds its power to the
// zone's balance and energy rows itself (the injection pattern), and its inertia (the
// term 2·H·S/f0 · dΔf/dt of its rotating mass, or of the synthetic inertia it emulates)
// to the balance row too; the zone asks it only for what it reports and what dispatch and
// AGC plan with:
//   category()      the output category its power counts under (zone dataset
//                   generation_<category>: "coal", "wind", "storage", …)
//   injection(s)    the power it injects now [W] (negative: it draws, e.g. charging)
//   curtailed(s)    power it could give but does not (curtailed wind and solar) [W]
//   scheduled(t)    the injection planned ahead that dispatch takes off the zone's load
//                   (a storage schedule) [W]; 0 for units dispatch sets itself
//   inertia(s)      H·S of what it has online now [J = W·s] (a tripped unit: 0): the
//                   zone's inertia online and kinetic energy
//   participation() its AGC participation factor α (normalised within the zone; 0: it
//                   does not regulate)
//   band(t)         its regulating band at t: how far its set point may move above and
//                   below its base point [W] (both 0 when offline)
// A new kind of injector implements this and attaches to its zone: nothing in Zone changes.
#pragma once

#include <string_view>

#include "solver/engine/component.hpp"

namespace steppe::power {

struct RegulatingBand {
  double up = 0.0, down = 0.0;  // W, ≥ 0
};

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
  virtual double inertia(const State& s) const {
    (void)s;
    return 0.0;
  }
  virtual double participation() const { return 0.0; }
  virtual RegulatingBand band(double t) const {
    (void)t;
    return {};
  }
};

}  // namespace steppe::power
