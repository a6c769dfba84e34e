// Small pieces shared by the power-system elements (models/power). SI throughout: W, Hz,
// rad, s, J.
#pragma once

#include <limits>

#include "solver/engine/component.hpp"

namespace steppe::power {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
// A root function that never changes sign (a limit that does not apply).
inline constexpr double kNoRoot = 1.0;

// A dispatched schedule (a unit's set point, a zone's interchange): moves linearly from
// its value when set to the new one over [t0, t0 + ramp].
class RampedSchedule {
 public:
  double value(double t) const {
    if (t >= t0_ + ramp_) return to_;
    if (t <= t0_) return from_;
    return from_ + (to_ - from_) * (t - t0_) / ramp_;
  }
  // A new value p from t, starting from `current` (or at once when ramp_time is 0).
  void set(double current, double p, double t, double ramp_time) {
    from_ = ramp_time > 0 ? current : p;
    to_ = p;
    t0_ = t;
    ramp_ = ramp_time;
  }
  void save(DiscreteState& out) const {
    out.put(from_), out.put(to_), out.put(t0_), out.put(ramp_);
  }
  void restore(DiscreteState& in) { in.get(from_), in.get(to_), in.get(t0_), in.get(ramp_); }

 private:
  double from_ = 0.0, to_ = 0.0, t0_ = 0.0, ramp_ = 0.0;
};

}  // namespace steppe::power
