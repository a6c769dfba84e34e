// Least-squares polynomial fits (Eigen's column-pivoting QR) of degree ≤ 2 in one or two
// variables, with their partial derivatives for Jacobians: compressor maps (head and
// efficiency over flow and speed), surge and choke lines, driver power over speed and
// ambient temperature.
//
//   Poly1:  y = Σ_{i≤d} c_i·x̂^i                        x̂ = x / x_ref
//   Poly2:  z = Σ_{(i,j) ∈ basis} c_ij·x̂^i·ŷ^j        x̂ = x / x_ref, ŷ = y / y_ref, i, j ≤ 2
//
// The variables are scaled by their largest magnitude in the data so that the normal
// equations of a map in m³/s and rev/s are as well conditioned as those of one in 1.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace steppe {

class Poly1 {
 public:
  Poly1() = default;
  explicit Poly1(double constant) { c_[0] = constant; }
  // The least-squares polynomial of degree ≤ `degree` (at most 2) through (x, y); nullopt
  // when the points cannot determine it (fewer distinct x than coefficients).
  static std::optional<Poly1> fit(std::span<const double> x, std::span<const double> y, int degree);
  double value(double x, double* dydx = nullptr) const;
  int degree() const { return degree_; }

 private:
  std::array<double, 3> c_{};
  double xs_ = 1.0;
  int degree_ = 0;
};

class Poly2 {
 public:
  // Exponent pairs (i of x, j of y) of the terms fitted.
  using Basis = std::vector<std::pair<int, int>>;
  static Basis full();                  // i, j ≤ 2: 9 terms
  static Basis total_degree2();         // i + j ≤ 2: 6 terms
  static Basis plane();                 // 1, x, y
  static Basis in_y(int degree);        // 1, y, …, y^degree (no x dependence)
  static Basis tensor(int dx, int dy);  // x^i·y^j, i ≤ dx, j ≤ dy

  Poly2() = default;
  explicit Poly2(double constant) { c_[0][0] = constant; }
  // The least-squares fit on `basis`; nullopt if rank deficient.
  static std::optional<Poly2> fit(std::span<const double> x, std::span<const double> y,
                                  std::span<const double> z, const Basis& basis);
  // The richest fit the points determine: the tensor basis of degrees (distinct x − 1,
  // distinct y − 1) capped at 2, then total degree 2, a plane, x or y alone, a constant.
  static Poly2 fit_best(std::span<const double> x, std::span<const double> y,
                        std::span<const double> z);
  double value(double x, double y, double* dzdx = nullptr, double* dzdy = nullptr) const;
  // z(x, y) = A(x) + B(x)·y + C(x)·y² and z(x, y) = a(y) + b(y)·x + c(y)·x²: the
  // coefficients of the quadratic in one variable at a fixed other (unscaled).
  std::array<double, 3> in_y_at(double x) const;
  std::array<double, 3> in_x_at(double y) const;
  // The coefficient of x^i·y^j in unscaled variables.
  double coefficient(int i, int j) const;

 private:
  double c_[3][3] = {};
  double xs_ = 1.0, ys_ = 1.0;
};

}  // namespace steppe
