#include "solver/engine/linearisation.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace steppe {

std::vector<std::complex<double>> eigenvalues(const System& system, const State& s, int max_size) {
  const int n = system.size();
  if (n > max_size)
    throw std::invalid_argument(fmt::format(
        "eigenvalues: {} unknowns, more than the {} a dense eigensolver is asked to take", n,
        max_size));
  // J(cj) = J_y + cj·J_y': J_y at cj = 0, J_y' = J(1) − J(0).
  std::vector<double> j0(static_cast<std::size_t>(system.nonzeros()));
  std::vector<double> j1(j0.size());
  system.jacobian(s.t, s.y, s.yp, 0.0, j0.data());
  system.jacobian(s.t, s.y, s.yp, 1.0, j1.data());
  Eigen::MatrixXd jy = Eigen::MatrixXd::Zero(n, n), jyp = Eigen::MatrixXd::Zero(n, n);
  const auto& cp = system.col_ptr();
  const auto& ri = system.row_index();
  for (int c = 0; c < n; ++c)
    for (auto k = cp[std::size_t(c)]; k < cp[std::size_t(c) + 1]; ++k) {
      const auto r = static_cast<Eigen::Index>(ri[std::size_t(k)]);
      jy(r, c) = j0[std::size_t(k)];
      jyp(r, c) = j1[std::size_t(k)] - j0[std::size_t(k)];
    }
  // J_y·v = μ·J_y'·v with μ = −λ.
  Eigen::GeneralizedEigenSolver<Eigen::MatrixXd> ges(jy, jyp, false);
  if (ges.info() != Eigen::Success)
    throw std::runtime_error("eigenvalues: the QZ iteration failed");
  const Eigen::VectorXcd alpha = ges.alphas();
  const Eigen::VectorXd beta = ges.betas();
  // β ≈ 0 on the scale of J_y': an infinite eigenvalue (an algebraic constraint).
  const double tiny = 1e-12 * jyp.norm();
  std::vector<std::complex<double>> out;
  for (Eigen::Index k = 0; k < alpha.size(); ++k) {
    if (!(std::abs(beta(k)) > tiny)) continue;
    out.push_back(-alpha(k) / beta(k));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.real() != b.real() ? a.real() > b.real() : a.imag() > b.imag();
  });
  return out;
}

}  // namespace steppe
