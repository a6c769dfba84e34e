#include "models/common/polyfit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace steppe {

namespace {

double largest_magnitude(std::span<const double> v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m > 0 ? m : 1.0;
}

// Least squares A·c = b by column-pivoting QR; nullopt if A has not full column rank.
std::optional<Eigen::VectorXd> least_squares(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  if (A.rows() < A.cols()) return std::nullopt;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(A);
  qr.setThreshold(1e-10);
  if (qr.rank() < A.cols()) return std::nullopt;
  return Eigen::VectorXd(qr.solve(b));
}

}  // namespace

std::optional<Poly1> Poly1::fit(std::span<const double> x, std::span<const double> y, int degree) {
  degree = std::clamp(degree, 0, 2);
  Poly1 p;
  p.xs_ = largest_magnitude(x);
  p.degree_ = degree;
  Eigen::MatrixXd A(static_cast<Eigen::Index>(x.size()), degree + 1);
  Eigen::VectorXd b(static_cast<Eigen::Index>(x.size()));
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double xh = x[k] / p.xs_;
    for (int i = 0; i <= degree; ++i) A(Eigen::Index(k), i) = std::pow(xh, i);
    b(Eigen::Index(k)) = y[k];
  }
  const auto c = least_squares(A, b);
  if (!c) return std::nullopt;
  for (int i = 0; i <= degree; ++i) p.c_[std::size_t(i)] = (*c)(i);
  return p;
}

double Poly1::value(double x, double* dydx) const {
  const double xh = x / xs_;
  if (dydx) *dydx = (c_[1] + 2.0 * c_[2] * xh) / xs_;
  return c_[0] + (c_[1] + c_[2] * xh) * xh;
}

Poly2::Basis Poly2::full() {
  Basis b;
  for (int i = 0; i <= 2; ++i)
    for (int j = 0; j <= 2; ++j) b.emplace_back(i, j);
  return b;
}

Poly2::Basis Poly2::total_degree2() {
  return {{0, 0}, {1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 2}};
}

Poly2::Basis Poly2::plane() {
  return {{0, 0}, {1, 0}, {0, 1}};
}

Poly2::Basis Poly2::in_y(int degree) {
  Basis b;
  for (int j = 0; j <= std::clamp(degree, 0, 2); ++j) b.emplace_back(0, j);
  return b;
}

std::optional<Poly2> Poly2::fit(std::span<const double> x, std::span<const double> y,
                                std::span<const double> z, const Basis& basis) {
  Poly2 p;
  p.xs_ = largest_magnitude(x);
  p.ys_ = largest_magnitude(y);
  const auto rows = static_cast<Eigen::Index>(x.size());
  Eigen::MatrixXd A(rows, static_cast<Eigen::Index>(basis.size()));
  Eigen::VectorXd b(rows);
  for (Eigen::Index k = 0; k < rows; ++k) {
    const double xh = x[std::size_t(k)] / p.xs_, yh = y[std::size_t(k)] / p.ys_;
    for (std::size_t t = 0; t < basis.size(); ++t)
      A(k, Eigen::Index(t)) = std::pow(xh, basis[t].first) * std::pow(yh, basis[t].second);
    b(k) = z[std::size_t(k)];
  }
  const auto c = least_squares(A, b);
  if (!c) return std::nullopt;
  for (std::size_t t = 0; t < basis.size(); ++t)
    p.c_[basis[t].first][basis[t].second] = (*c)(Eigen::Index(t));
  return p;
}

Poly2::Basis Poly2::tensor(int dx, int dy) {
  Basis b;
  for (int i = 0; i <= std::clamp(dx, 0, 2); ++i)
    for (int j = 0; j <= std::clamp(dy, 0, 2); ++j) b.emplace_back(i, j);
  return b;
}

namespace {
// The number of distinct values, values within 1e-9 of the largest magnitude counted once.
int distinct(std::span<const double> v) {
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  const double tol = 1e-9 * largest_magnitude(v);
  int n = s.empty() ? 0 : 1;
  for (std::size_t k = 1; k < s.size(); ++k) n += s[k] - s[k - 1] > tol;
  return n;
}
}  // namespace

Poly2 Poly2::fit_best(std::span<const double> x, std::span<const double> y,
                      std::span<const double> z) {
  const int dx = std::min(2, distinct(x) - 1), dy = std::min(2, distinct(y) - 1);
  for (const Basis& b : {tensor(dx, dy), total_degree2(), plane(), tensor(dx, 0), tensor(0, dy)})
    if (auto p = fit(x, y, z, b)) return *p;
  double mean = 0.0;
  for (double v : z) mean += v / static_cast<double>(std::max<std::size_t>(1, z.size()));
  return Poly2(mean);
}

double Poly2::value(double x, double y, double* dzdx, double* dzdy) const {
  const double xh = x / xs_, yh = y / ys_;
  const double px[3] = {1.0, xh, xh * xh}, py[3] = {1.0, yh, yh * yh};
  const double dpx[3] = {0.0, 1.0, 2.0 * xh}, dpy[3] = {0.0, 1.0, 2.0 * yh};
  double z = 0.0, zx = 0.0, zy = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      z += c_[i][j] * px[i] * py[j];
      zx += c_[i][j] * dpx[i] * py[j];
      zy += c_[i][j] * px[i] * dpy[j];
    }
  if (dzdx) *dzdx = zx / xs_;
  if (dzdy) *dzdy = zy / ys_;
  return z;
}

std::array<double, 3> Poly2::in_y_at(double x) const {
  const double xh = x / xs_;
  std::array<double, 3> a{};
  for (int j = 0; j < 3; ++j)
    a[std::size_t(j)] = (c_[0][j] + c_[1][j] * xh + c_[2][j] * xh * xh) / std::pow(ys_, j);
  return a;
}

std::array<double, 3> Poly2::in_x_at(double y) const {
  const double yh = y / ys_;
  std::array<double, 3> a{};
  for (int i = 0; i < 3; ++i)
    a[std::size_t(i)] = (c_[i][0] + c_[i][1] * yh + c_[i][2] * yh * yh) / std::pow(xs_, i);
  return a;
}

double Poly2::coefficient(int i, int j) const {
  return c_[i][j] / (std::pow(xs_, i) * std::pow(ys_, j));
}

}  // namespace steppe
