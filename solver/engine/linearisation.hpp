// The DAE linearised at a state, F(t, y, y') ≈ J_y·δy + J_y'·δy' = 0, and its modes: the
// finite eigenvalues λ of the pencil, det(J_y + λ·J_y') = 0 (solutions δy = v·e^{λt}).
// Algebraic constraints give infinite eigenvalues, which are left out. A mode with
// Re λ > 0 grows: the operating point is unstable. Dense (Eigen's QZ), for systems up to a
// few thousand unknowns: the stability checks of zones, governors and small networks.
#pragma once

#include <complex>
#include <cstddef>
#include <utility>
#include <vector>

#include "solver/engine/system.hpp"

namespace steppe {

// A mode: its eigenvalue and its shape, the differential unknowns that move most in it —
// index and |v_i|/scale_i (their motion in their own typical magnitudes) relative to the
// largest, which is 1.
struct Mode {
  std::complex<double> lambda;
  std::vector<std::pair<int, double>> shape;
};

// The finite modes at state `s`, sorted by decreasing real part, each with its
// `shape_size` largest motions (0: eigenvalues only). Throws std::invalid_argument when the
// system has more than `max_size` unknowns.
std::vector<Mode> modes(const System& system, const State& s, std::size_t shape_size = 3,
                        int max_size = 3000);

// The finite eigenvalues at state `s`, sorted by decreasing real part.
std::vector<std::complex<double>> eigenvalues(const System& system, const State& s,
                                              int max_size = 3000);

}  // namespace steppe
