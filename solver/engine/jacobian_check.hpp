// The analytic Jacobian of a system against central finite differences, entry by entry:
// what the tests assert for every element and `steppe run --check-jacobian` prints.
#pragma once

#include <string>

#include "solver/engine/system.hpp"

namespace steppe {

// Analytic vs central finite-difference Jacobian at a state.
struct JacobianCheck {
  double max_error = 0.0;  // max of |A − FD| / max(|A|, |FD|, 1e-6 · row size / scale_col)
  int row = -1, col = -1;
  double analytic = 0.0, finite_difference = 0.0;
  std::string describe(const System& s) const;
};
JacobianCheck check_jacobian(const System& system, double t, const double* y, const double* yp,
                             double cj);

}  // namespace steppe
