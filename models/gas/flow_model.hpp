// What the gas network's elements share beyond the isothermal single gas: the energy
// equation (gas temperature as a state) and composition tracking (the gas as a blend of
// its source gases).
//
// Every gas cell (a node, or an interior point of a pipe) has the unknowns
//   z = [p, T (energy equation), w₁ … w_{K−1} (tracking)]
// T in K; w_k the mass fraction of source gas k (k = 1 … K−1; source 0 — the study's
// fluid — holds the remainder w₀ = 1 − Σ w_k). Sources are the distinct compositions the
// supplies deliver.
//
// Properties of a cell, with derivatives up to second order in z (what the storage terms
// and their Jacobian need), from the molar amounts per kg of gas n_k = w_k/M_k, N = Σ n_k
// (mole fractions y_k = n_k/N):
//   specific volume  v = Σ_k n_k·v_k(p, T) + Σ_k<l S·s(1 − s)·E_kl(s; p, T)
//   enthalpy         h = Σ_k n_k·h_k(p, T) + Σ_k<l S·s(1 − s)·H_kl(s; p, T)
// with v_k, h_k the molar volume and enthalpy of source gas k, S = n_k + n_l and
// s = n_l/S the pair's own mole fraction of l; the excess E_kl(s) is the cubic through
// the excesses of the pair's blends at s = 0.1, 0.25, 0.5, 0.8, each tabulated like a gas:
// E_kl(s_j) = (v_blend − (1 − s_j)v_k − s_j v_l)/(s_j(1 − s_j)), H_kl alike. For a binary
// this is exact for both gases and at the four blends; for natural gas with 2–30 %
// hydrogen at 20–100 bar it follows GERG-2008 of the blended composition within 0.01 % in
// density (tests/test_gas_tracking.cpp), where the plain sum of volumes (Amagat) misses by
// up to 6.5 %.
//   net heating value per kg  Σ_k w_k LHV_k   (exact: heating values are additive by mass)
// ρ_k, h_k come from each source's table (models/common/gas_table.hpp). Without the energy
// equation T is the fluid temperature (no unknown).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "models/common/gas_law.hpp"
#include "models/common/gas_table.hpp"
#include "solver/engine/component.hpp"
#include "solver/study/profile.hpp"

namespace steppe::gas {

inline constexpr int kMaxSources = 4;
inline constexpr int kMaxVars = 2 + kMaxSources - 1;

// ρ and h of one cell and their derivatives in its unknowns z.
struct CellThermo {
  int n = 1;
  double rho = 0, h = 0;
  double rho_d[kMaxVars] = {}, h_d[kMaxVars] = {};
  double rho_dd[kMaxVars][kMaxVars] = {}, h_dd[kMaxVars][kMaxVars] = {};
  double cp() const;  // ∂h/∂T (or the law's, isothermal)
};

struct GasSource {
  std::string name;   // "fluid" or the supply's
  GasProperties gas;  // its law and composition
  std::shared_ptr<const GasTable> table;
  double lhv = 0.0;  // J/kg, net
};

// The ground temperature a buried pipe exchanges heat with: a time profile, or the annual
// wave of Kusuda & Achenbach (1965) at the pipe's depth d,
//   T(d, t) = T_m − A·exp(−d/δ)·cos(2π(day(t) − day₀)/365 − d/δ),  δ = √(365 α/π)
// (α the soil's thermal diffusivity in m²/day, day₀ the day of the coldest surface).
struct GroundTemperature {
  Profile profile{288.15};
  bool annual_wave = false;
  double mean = 283.15, amplitude = 0.0, coldest_day = 35.0, diffusivity = 0.05;  // K, K, d, m²/d
  double start_day = 0.0;  // day of the year at t = 0 (fractional)
  double depth = 1.5;      // m
  double at(double t) const;
};

// A gas cell's unknowns: idx[c] is the global index of z_c (and of its row: the mass
// balance for p, the energy balance for T, a fraction balance for w_k).
struct Cell {
  int idx[kMaxVars] = {};
};

// Smooth upwinding of a flow m from cell a to cell b (m < 0: from b to a):
//   into_b = (S + m)/2, into_a = (S − m)/2, S = √(m² + ε²)
// (the inflows each cell receives; their difference is m; at m = 0 both are ε/2, a small
// exchange that keeps a stagnant cell's temperature and composition tied to its neighbours).
struct Upwind {
  double into_b = 0, into_a = 0, d_into_b = 0, d_into_a = 0;  // and d/dm
};
Upwind upwind(double m, double eps);

// Gas entering a cell at the rate `rate` ≥ 0 [kg/s] with enthalpy h [J/kg] and the
// fractions of the cell `from` (or the fixed fractions `w`, e.g. a supply's).
struct Inflow {
  double rate = 0, d_rate = 0;  // and d(rate)/d(y[rate_col])
  int rate_col = -1;            // −1: the rate is not a state
  double h = 0;
  int nh = 0;  // the enthalpy's gradient over columns h_col
  int h_col[kMaxVars + 3] = {};
  double h_grad[kMaxVars + 3] = {};
  const Cell* from = nullptr;
  const double* w = nullptr;  // w[k], k = 1 … K−1, when from is null
};

class FlowModel {
 public:
  bool thermal = false;            // the energy equation
  bool tracking = false;           // composition tracking
  std::vector<GasSource> sources;  // [0] the fluid
  // Tables of the blends of each pair of sources (k < l), four per pair, in pair_index order.
  std::vector<std::shared_ptr<const GasTable>> pair_tables;
  static int pair_index(int k, int l, int count) {
    return k * (2 * count - k - 1) / 2 + (l - k - 1);
  }

  int tracked() const { return tracking ? int(sources.size()) - 1 : 0; }
  int vars() const { return 1 + (thermal ? 1 : 0) + tracked(); }
  // Anything beyond the isothermal single gas (the elements then use the general equations).
  bool extended() const { return thermal || tracking; }
  int temperature_var() const { return thermal ? 1 : -1; }
  int fraction_var(int k) const { return (thermal ? 2 : 1) + (k - 1); }  // k = 1 … K−1
  double fluid_temperature() const { return sources[0].gas.temperature; }

  // Properties of a cell whose unknowns (in the order above) are z.
  void cell(const double* z, CellThermo* out) const;
  // Net heating value [J/kg] of a cell's gas and its derivatives in z (zero for p, T).
  double heating_value(const double* z, double* d = nullptr) const;
  // Mole fraction of component c in a cell's gas.
  double mole_fraction(const double* z, int component) const;
  // Gathers a cell's unknowns z (and z') from the state.
  void gather(const State& s, const Cell& c, double* z, double* zp = nullptr) const;
  // Storage terms of a cell holding v_mass of gas for its mass balance and v_mix for its
  // energy and fraction balances:
  //   mass row    += v_mass·Σ ρ_c z′_c
  //   energy row  += v_mix·(ρ·Σ h_c z′_c − p′)
  //   fraction k  += v_mix·ρ·w′_k
  void storage(const State& s, const Cell& c, double v_mass, double v_mix, double* F) const;
  void storage_jacobian(const State& s, const Cell& c, double v_mass, double v_mix,
                        JacobianWriter& J) const;
  // What an inflow changes in a cell (advective form: the cell's own outflows change
  // nothing of its temperature or composition):
  //   energy row −= rate·(h_in − h),  fraction k −= rate·(w_in,k − w_k)
  void inflow(const State& s, const Cell& to, const CellThermo& t, const Inflow& in,
              double* F) const;
  void inflow_jacobian(const State& s, const Cell& to, const CellThermo& t, const Inflow& in,
                       JacobianWriter& J) const;
  // Builds the source tables; the T range covers the energy equation or the fluid
  // temperature. Throws std::runtime_error when a law has no gas state on the grid.
  void build_tables(double p_max);
};

}  // namespace steppe::gas
