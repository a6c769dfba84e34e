// A linear constraint on node pressures that an element imposes with its own algebraic
// unknown (a supply's flow, a compressor's flow, an open valve's flow):
//
//   c(t) = Σ_k a_k(t)·p_k − target(t) = 0
//
// When some p_k belongs to a node with storage, p_k is a differential state and the plain
// constraint would make the DAE index 2 (no algebraic unknown appears in it; IDA's
// consistent-initialisation and error test then fail). It is then imposed as
//
//   dc/dt + c/τ = Σ a_k·p_k' + Σ a_k'·p_k − target' + c/τ = 0
//
// which is index 1 (p_k' ties to the element's flow through the node balance) and keeps
// c ≡ 0 exactly while it starts at zero; after a jump of the target, c decays with the
// control time constant τ. Between junctions (algebraic pressures) the plain form is used.
// The differentiated form may hold the p' of a node without storage (a short pipe from a
// pipe's end to an exit node): the integrator then treats that pressure as differential in
// its consistent initialisation (solver/engine/integrator.cpp, mark_differential), so it
// keeps c where it was across a jump of the flows.
#pragma once

#include "solver/engine/component.hpp"

namespace steppe {

class PressureConstraint {
 public:
  static constexpr int kMax = 2;

  // The node pressures the constraint may involve (global indices), whether each is a
  // differential state (its node has storage), and the control time constant τ (s).
  void set(int count, const int* index, const bool* differential, double tau) {
    count_ = count;
    for (int k = 0; k < count; ++k) index_[k] = index[k], diff_[k] = differential[k];
    tau_ = tau;
  }

  // The residual for coefficients a (a_k = 0 leaves p_k out), their rates da, the target
  // and its rate.
  double residual(const State& s, const double* a, const double* da, double target,
                  double target_rate) const {
    double c = -target, dc = -target_rate;
    for (int k = 0; k < count_; ++k) {
      c += a[k] * s.y[index_[k]];
      dc += a[k] * s.yp[index_[k]] + da[k] * s.y[index_[k]];
    }
    return differential(a) ? dc + c / tau_ : c;
  }
  // Pushes one entry per pressure, in the order given to set(), whatever the mode.
  void jacobian(int row, JacobianWriter& J, const double* a, const double* da) const {
    const bool d = differential(a);
    for (int k = 0; k < count_; ++k) {
      if (d)
        J.add(row, index_[k], da[k] + a[k] / tau_, a[k]);
      else
        J.add(row, index_[k], a[k], 0.0);
    }
  }

 private:
  bool differential(const double* a) const {
    for (int k = 0; k < count_; ++k)
      if (a[k] != 0.0 && diff_[k]) return true;
    return false;
  }

  int index_[kMax] = {-1, -1};
  bool diff_[kMax] = {false, false};
  int count_ = 0;
  double tau_ = 1.0;
};

}  // namespace steppe
