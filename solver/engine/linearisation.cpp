#include "solver/engine/linearisation.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace steppe {

std::vector<Mode> modes(const System& system, const State& s, std::size_t shape_size,
                        int max_size) {
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
  // Equilibrated first: rows, then columns, scaled by powers of two to a largest entry
  // of about 1 in [J_y J_y'] (the eigenvalues do not change: D_r·(J_y + λ·J_y')·D_c). A
  // pencil mixing 5e9 W/rad and 1 on one row made QZ give a swing pair β ≈ 0, i.e. no
  // finite eigenvalue at all.
  // Scales a row or column of both (views into jy, jyp) and returns the factor.
  auto equilibrate = [](auto a, auto b) {
    const double largest = std::max(a.cwiseAbs().maxCoeff(), b.cwiseAbs().maxCoeff());
    const double f = largest > 0 ? std::exp2(-std::ilogb(largest)) : 1.0;
    a *= f;
    b *= f;
    return f;
  };
  for (Eigen::Index r = 0; r < n; ++r) equilibrate(jy.row(r), jyp.row(r));
  Eigen::VectorXd col_factor(n);
  for (Eigen::Index c = 0; c < n; ++c) col_factor(c) = equilibrate(jy.col(c), jyp.col(c));
  // A regular pencil of index 1 has rank(J_y') finite eigenvalues; the others are infinite
  // (the algebraic constraints). QZ's β alone does not tell them apart (each 2×2 block of a
  // complex pair is normalised its own way): the rank(J_y') smallest |α/β| are the finite ones.
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(jyp);
  qr.setThreshold(1e-12);
  const auto finite = static_cast<std::size_t>(qr.rank());
  // J_y·v = μ·J_y'·v with μ = −λ.
  const bool shapes = shape_size > 0;
  Eigen::GeneralizedEigenSolver<Eigen::MatrixXd> ges(jy, jyp, shapes);
  if (ges.info() != Eigen::Success)
    throw std::runtime_error("eigenvalues: the QZ iteration failed");
  const Eigen::VectorXcd alpha = ges.alphas();
  const Eigen::VectorXd beta = ges.betas();
  std::vector<std::pair<std::complex<double>, Eigen::Index>> found;
  for (Eigen::Index k = 0; k < alpha.size(); ++k)
    found.emplace_back(beta(k) != 0.0
                           ? -alpha(k) / beta(k)
                           : std::complex<double>(std::numeric_limits<double>::infinity()),
                       k);
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return std::abs(a.first) < std::abs(b.first); });
  found.resize(std::min(finite, found.size()));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first.real() != b.first.real() ? a.first.real() > b.first.real()
                                            : a.first.imag() > b.first.imag();
  });
  std::vector<Mode> out;
  out.reserve(found.size());
  Eigen::MatrixXcd vectors;
  if (shapes) vectors = ges.eigenvectors();
  for (const auto& [lambda, k] : found) {
    Mode m{lambda, {}};
    if (shapes) {
      // The eigenvector of the original pencil is D_c·w; each differential unknown's motion
      // in its own scale, relative to the largest.
      std::vector<std::pair<int, double>> motion;
      for (int i = 0; i < n; ++i)
        if (system.spec(i).kind == VarKind::Differential)
          motion.emplace_back(i, std::abs(vectors(i, k)) * col_factor(i) / system.spec(i).scale);
      std::sort(motion.begin(), motion.end(),
                [](const auto& a, const auto& b) { return a.second > b.second; });
      const double largest = motion.empty() ? 0.0 : motion.front().second;
      for (std::size_t q = 0; q < std::min(shape_size, motion.size()); ++q)
        if (largest > 0) m.shape.emplace_back(motion[q].first, motion[q].second / largest);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::complex<double>> eigenvalues(const System& system, const State& s, int max_size) {
  std::vector<std::complex<double>> out;
  for (const Mode& m : modes(system, s, 0, max_size)) out.push_back(m.lambda);
  return out;
}

}  // namespace steppe
