// The DAE linearised at a state, F(t, y, y') ≈ J_y·δy + J_y'·δy' = 0, and its modes: the
// finite eigenvalues λ of the pencil, det(J_y + λ·J_y') = 0 (solutions δy = v·e^{λt}).
// Algebraic constraints give infinite eigenvalues, which are left out. A mode with
// Re λ > 0 grows: the operating point is unstable. Dense (Eigen's QZ), for systems up to a
// few thousand unknowns: the stability checks of zones, governors and small networks.
#pragma once

#include <complex>
#include <vector>

#include "solver/engine/system.hpp"

namespace steppe {

// The finite eigenvalues at state `s`, sorted by decreasing real part. Throws
// std::invalid_argument when the system has more than `max_size` unknowns.
std::vector<std::complex<double>> eigenvalues(const System& system, const State& s,
                                              int max_size = 3000);

}  // namespace steppe
