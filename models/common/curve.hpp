// A piecewise-linear curve y(x) through points with strictly increasing x, held constant
// beyond its ends: deliverability curves, characteristic tables. value() returns the slope
// too, for Jacobians (the slope of the segment x lies in; 0 beyond the ends).
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace steppe {

class Curve {
 public:
  Curve() = default;
  // A constant curve.
  explicit Curve(double y) : x_{0.0}, y_{y} {}
  Curve(std::vector<double> x, std::vector<double> y) : x_(std::move(x)), y_(std::move(y)) {}

  double value(double x, double* dydx = nullptr) const {
    if (dydx) *dydx = 0.0;
    if (x_.empty()) return 0.0;
    if (x <= x_.front()) return y_.front();
    if (x >= x_.back()) return y_.back();
    const auto k = static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), x) - x_.begin());
    const double slope = (y_[k] - y_[k - 1]) / (x_[k] - x_[k - 1]);
    if (dydx) *dydx = slope;
    return y_[k - 1] + slope * (x - x_[k - 1]);
  }
  const std::vector<double>& x() const { return x_; }
  const std::vector<double>& y() const { return y_; }
  double min() const { return y_.empty() ? 0.0 : *std::min_element(y_.begin(), y_.end()); }
  double max() const { return y_.empty() ? 0.0 : *std::max_element(y_.begin(), y_.end()); }

 private:
  std::vector<double> x_, y_;
};

}  // namespace steppe
