// Gas properties tabulated on a (p, T) grid for the hot path: density ρ [kg/m³] and
// specific enthalpy h [J/kg] as bicubic Hermite patches.
//
// At each grid node the law gives f, ∂f/∂p, ∂f/∂T exactly; the cross derivative ∂²f/∂p∂T
// is a central difference of ∂f/∂p in T. Inside a cell f is the tensor product of cubic
// Hermite polynomials, so ρ and h are C¹ across cells and every derivative the residual
// and Jacobian use (up to second order) is the exact derivative of the interpolant: mass
// and energy are conserved for the tabulated gas exactly as for an analytic law. Outside
// the grid the boundary cell's polynomial is extended (continuous).
//
// Building costs one law evaluation (and, for GERG-2008, one density iteration) per node
// and per difference point; a lookup costs two cell polynomials (about 0.1 µs).
#pragma once

#include <functional>
#include <vector>

namespace steppe::gas {

// Value and first partial derivatives of ρ and h at one (p, T): what a law provides.
struct LawPoint {
  double rho = 0, rho_p = 0, rho_t = 0;  // kg/m³, per Pa, per K
  double h = 0, h_p = 0, h_t = 0;        // J/kg, per Pa, per K (h_t = c_p)
};

// ρ and h with derivatives up to second order in (p, T).
struct TablePoint {
  double rho = 0, rho_p = 0, rho_t = 0, rho_pp = 0, rho_pt = 0, rho_tt = 0;
  double h = 0, h_p = 0, h_t = 0, h_pp = 0, h_pt = 0, h_tt = 0;
};

struct TableGrid {
  double p_min = 1e4, p_max = 250e5, dp = 1e5;      // Pa
  double t_min = 233.15, t_max = 373.15, dt = 2.5;  // K
};

class GasTable {
 public:
  using Law = std::function<LawPoint(double p, double t)>;
  // Throws std::runtime_error naming (p, T) if the law fails at a node (no gas-phase state).
  GasTable(const Law& law, const TableGrid& grid);

  void at(double p, double t, TablePoint* out) const;
  const TableGrid& grid() const { return grid_; }
  int nodes() const { return np_ * nt_; }

 private:
  struct Node {
    double f[2][4];  // [ρ, h] × [f, f_p·Δp, f_T·ΔT, f_pT·Δp·ΔT]
  };
  TableGrid grid_;
  int np_ = 0, nt_ = 0;
  std::vector<Node> nodes_;
};

}  // namespace steppe::gas
