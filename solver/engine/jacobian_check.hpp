// The analytic Jacobian of a system against central finite differences, entry by entry:
// what the tests assert for every element and `steppe run --check-jacobian` prints.
#pragma once

#include <cmath>
#include <string>

#include "solver/engine/system.hpp"

namespace steppe {

// Analytic vs central finite-difference Jacobian at a state.
struct JacobianCheck {
  double max_error = 0.0;  // max of |A − FD| / max(|A|, |FD|, 1e-6 · row size / scale_col)
  int row = -1, col = -1;
  double analytic = 0.0, finite_difference = 0.0;
  int refined = 0;  // entries differenced again with the fine step
  std::string describe(const System& s) const;
};
// Differences with steps of 1e-6 and 5e-7 of each unknown (Richardson). Entries whose error
// exceeds `refine_above` are differenced again, centrally, with a step of 1e-9: where a smooth
// limiter bends within the check's steps of the state (a slope limiter between a large and a
// tiny difference of a fraction), that quotient is off by more than the analytic entry is.
JacobianCheck check_jacobian(const System& system, double t, const double* y, const double* yp,
                             double cj, double refine_above = HUGE_VAL);

}  // namespace steppe
