// Small pieces shared by the power-system elements (models/power). SI throughout: W, Hz,
// rad, s, J.
#pragma once

#include <algorithm>
#include <limits>

#include "solver/engine/component.hpp"

namespace steppe::power {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
// A root function that never changes sign (a limit that does not apply).
inline constexpr double kNoRoot = 1.0;

// Soft clamps of u to [lo, hi] (limits without modes: continuous with their slope, which
// is returned in ds; d > 0).
// Outside corners: u itself within [lo, hi]; past hi by q, hi + q − q²/(4d) up to q = 2d,
// then hi + d (likewise below lo): exact within the limits, at most d beyond one.
inline double soft_clamp_outside(double u, double lo, double hi, double d, double& ds) {
  if (u > hi || u < lo) {
    const double q = std::min(u > hi ? u - hi : lo - u, 2.0 * d);
    ds = 1.0 - q / (2.0 * d);
    const double past = q - q * q / (4.0 * d);
    return u > hi ? hi + past : lo - past;
  }
  ds = 1.0;
  return u;
}
// Centred corners of half-width d' = min(d, (hi − lo)/2): u itself within [lo + d', hi − d'],
// hi − (hi + d' − u)²/(4d') on |u − hi| < d' (likewise at lo), the limit beyond: never
// outside [lo, hi], d'/4 inside a limit at u on it (a hard clamp when hi = lo).
inline double soft_clamp_inside(double u, double lo, double hi, double d, double& ds) {
  d = std::min(d, 0.5 * (hi - lo));
  if (!(d > 0)) {
    ds = u > lo && u < hi ? 1.0 : 0.0;
    return std::clamp(u, lo, hi);
  }
  if (u <= lo - d || u >= hi + d) {
    ds = 0.0;
    return u <= lo - d ? lo : hi;
  }
  if (u < lo + d || u > hi - d) {
    const double q = u < lo + d ? u - lo + d : hi + d - u;
    ds = q / (2.0 * d);
    return u < lo + d ? lo + q * q / (4.0 * d) : hi - q * q / (4.0 * d);
  }
  ds = 1.0;
  return u;
}

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
