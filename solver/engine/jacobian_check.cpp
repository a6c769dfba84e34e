#include "solver/engine/jacobian_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace steppe {

std::string JacobianCheck::describe(const System& s) const {
  if (row < 0) return "analytic and finite-difference Jacobians agree exactly";
  return fmt::format(
      "largest relative difference {:.3g} at ∂F[{}]/∂y[{}] (analytic {:.9g}, "
      "finite difference {:.9g})",
      max_error, s.describe(row), s.describe(col), analytic, finite_difference);
}

JacobianCheck check_jacobian(const System& system, double t, const double* y, const double* yp,
                             double cj, double refine_above) {
  const int n = system.size();
  std::vector<double> fd = system.jacobian_fd(t, y, yp, cj);
  std::vector<double> vals(static_cast<std::size_t>(system.nonzeros()));
  system.jacobian(t, y, yp, cj, vals.data());
  std::vector<double> an(fd.size(), 0.0);
  for (int c = 0; c < n; ++c)
    for (auto k = system.col_ptr()[std::size_t(c)]; k < system.col_ptr()[std::size_t(c) + 1]; ++k)
      an[std::size_t(c) * std::size_t(n) + std::size_t(system.row_index()[std::size_t(k)])] =
          vals[std::size_t(k)];
  // Entries are compared relative to themselves, but never to less than 1e-6 of their
  // row's typical size Σ_j |J_ij|·scale_j (divided by the column's scale): entries that
  // are negligible in their equation are judged absolutely.
  std::vector<double> row_size(std::size_t(n), 0.0);
  for (std::size_t k = 0; k < an.size(); ++k)
    row_size[k % std::size_t(n)] +=
        std::max(std::abs(an[k]), std::abs(fd[k])) * system.spec(int(k / std::size_t(n))).scale;
  // ∂F_r/∂y_c + cj·∂F_r/∂y'_c by central differences with a step of 1e-9 of the unknown.
  std::vector<double> yy(y, y + n), yyp(yp, yp + n);
  std::vector<double> fp(static_cast<std::size_t>(n)), fm(static_cast<std::size_t>(n));
  auto fine = [&](std::size_t r, std::size_t c) {
    double d = 0.0;
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<double>& v = pass == 0 ? yy : yyp;
      const double base = v[c];
      const double h =
          1e-9 * std::max(std::abs(base), system.spec(int(c)).scale * (pass == 0 ? 1.0 : 1e-2));
      v[c] = base + h;
      system.residual(t, yy.data(), yyp.data(), fp.data());
      v[c] = base - h;
      system.residual(t, yy.data(), yyp.data(), fm.data());
      v[c] = base;
      d += (pass == 0 ? 1.0 : cj) * (fp[r] - fm[r]) / (2 * h);
    }
    return d;
  };
  JacobianCheck out;
  int refined = 0;
  for (std::size_t k = 0; k < an.size(); ++k) {
    const std::size_t r = k % std::size_t(n), c = k / std::size_t(n);
    const double floor = 1e-6 * row_size[r] / system.spec(int(c)).scale;
    auto error = [&](double f) {
      return std::abs(an[k] - f) / std::max({std::abs(an[k]), std::abs(f), floor, 1e-300});
    };
    double f = fd[k], e = error(f);
    if (e > refine_above) {
      f = fine(r, c), e = error(f);
      ++refined;
    }
    if (e > out.max_error) out = {e, int(r), int(c), an[k], f};
  }
  out.refined = refined;
  return out;
}

}  // namespace steppe
