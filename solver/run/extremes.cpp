#include "solver/run/extremes.hpp"

#include <algorithm>
#include <cmath>

namespace steppe {

ExtremesTracker::ExtremesTracker(const System& system)
    : system_(system), columns_(system.layout().extremes()) {
  for (const auto& c : columns_)
    if (std::find(components_.begin(), components_.end(), c.component) == components_.end())
      components_.push_back(c.component);
  const auto n = static_cast<std::size_t>(system.size());
  y_.assign(n, 0.0);
  yp_.assign(n, 0.0);
  v1_.assign(columns_.size(), NAN);
  vm_.assign(columns_.size(), NAN);
  record_.assign(columns_.size(), Record{NAN, NAN, NAN, NAN, NAN});
}

void ExtremesTracker::evaluate(const State& s, std::vector<double>& out) {
  system_.write_outputs_of(components_, s, frame_);
  for (std::size_t k = 0; k < columns_.size(); ++k)
    out[k] = frame_[static_cast<std::size_t>(columns_[k].column)];
}

double ExtremesTracker::value_at(const Integrator& integ, std::size_t k, double t) {
  if (!integ.interpolate(t, y_.data(), yp_.data())) return NAN;
  system_.write_outputs_of(components_, State{t, y_.data(), yp_.data()}, frame_);
  return frame_[static_cast<std::size_t>(columns_[k].column)];
}

void ExtremesTracker::restart(const State& s) {
  if (columns_.empty()) return;
  evaluate(s, v1_);
  for (std::size_t k = 0; k < columns_.size(); ++k) record_[k] = {v1_[k], s.t, v1_[k], s.t, v1_[k]};
}

void ExtremesTracker::update(std::size_t k, double v, double t) {
  if (std::isnan(v)) return;
  Record& r = record_[k];
  if (!(v >= r.lo)) r.lo = v, r.lo_t = t;  // also when the record is still NaN
  if (!(v <= r.hi)) r.hi = v, r.hi_t = t;
}

void ExtremesTracker::started(Run& run) {
  if (restored_) {  // resumed between samples: the record goes on
    restored_ = false;
    return;
  }
  restart(run.state());
}

std::vector<double> ExtremesTracker::save() const {
  std::vector<double> out;
  out.reserve(5 * record_.size());
  for (const Record& r : record_) out.insert(out.end(), {r.lo, r.lo_t, r.hi, r.hi_t, r.last});
  return out;
}

void ExtremesTracker::restore(const std::vector<double>& saved) {
  if (saved.size() != 5 * record_.size()) return;  // checked by Run::resume
  for (std::size_t k = 0; k < record_.size(); ++k) {
    const double* v = saved.data() + 5 * k;
    record_[k] = {v[0], v[1], v[2], v[3], v[4]};
  }
  restored_ = true;
}

void ExtremesTracker::sample(Run& run) {
  if (columns_.empty()) return;
  std::vector<double>& frame = run.frame();
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    const ResultsLayout::Extreme& c = columns_[k];
    const Record& r = record_[k];
    frame[static_cast<std::size_t>(c.lowest)] = r.lo;
    frame[static_cast<std::size_t>(c.lowest_time)] = r.lo_t;
    frame[static_cast<std::size_t>(c.highest)] = r.hi;
    frame[static_cast<std::size_t>(c.highest_time)] = r.hi_t;
  }
  restart(run.state());
}

void ExtremesTracker::jumped(const Integrator& integ) {
  if (columns_.empty()) return;
  evaluate(integ.state(), v1_);
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    update(k, v1_[k], integ.t());
    record_[k].last = v1_[k];
  }
}

void ExtremesTracker::step(double t0, double t1, const Integrator& integ) {
  if (columns_.empty()) return;
  evaluate(integ.state(), v1_);
  const double tm = 0.5 * (t0 + t1);
  const bool inside = tm > t0 && tm < t1 && integ.interpolate(tm, y_.data(), yp_.data());
  if (inside) {
    system_.write_outputs_of(components_, State{tm, y_.data(), yp_.data()}, frame_);
    for (std::size_t k = 0; k < columns_.size(); ++k)
      vm_[k] = frame_[static_cast<std::size_t>(columns_[k].column)];
  }
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    const double a = record_[k].last, b = vm_[k], c = v1_[k];
    update(k, c, t1);
    if (inside) {
      update(k, b, tm);
      // The parabola through (t0, a), (tm, b), (t1, c): a + B·s + A·s², s = (t − t0)/(t1 − t0).
      const double A = 2 * a - 4 * b + 2 * c, B = -3 * a + 4 * b - c;
      if (std::isfinite(A) && std::isfinite(B) && A != 0) {
        const double s = -B / (2 * A);
        const double peak = a + B * s + A * s * s;
        if (s > 0 && s < 1) {
          if (A < 0 && peak > std::max(a, c) && peak > record_[k].hi)
            refine(integ, k, t0, t1, true);
          if (A > 0 && peak < std::min(a, c) && peak < record_[k].lo)
            refine(integ, k, t0, t1, false);
        }
      }
    }
    record_[k].last = c;
  }
}

// Golden-section search of [t0, t1] for the highest (lowest) value of column k on IDA's
// interpolating polynomial, its time to 1e-4 of the step (see the header).
void ExtremesTracker::refine(const Integrator& integ, std::size_t k, double t0, double t1,
                             bool highest) {
  const double sign = highest ? 1.0 : -1.0;
  const GoldenResult r =
      golden_max([&](double t) { return sign * value_at(integ, k, t); }, t0, t1, 1e-4 * (t1 - t0));
  if (std::isfinite(r.value)) update(k, sign * r.value, r.t);
}

}  // namespace steppe
