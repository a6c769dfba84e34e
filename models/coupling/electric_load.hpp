// Electric drives as loads in a power zone, inside the one DAE: an oil pump station's
// motors, or a gas compressor station with an electric drive. (A gas-turbine compressor
// burns its own fuel gas, which the gas network already takes from its suction node:
// no coupling element.)
//
//   unknown   E [J] (differential, quadrature): electric energy drawn since the start
//   power     P_el(y): the station's own electric_power(), W
//               oil:  g·ṁ·H(s, ṁ)/(η(ṁ, s)·η_motor)   in the station's ṁ and speed s;
//                     0 once the station has tripped (motors off; the pumps coast down).
//                     The station's own cut-off to 0 below 2 % efficiency is a jump in
//                     P_el with no event (only near standstill).
//               gas:  P_shaft(ṁ, p_s, p_d)/η_motor      in the station's ṁ and node pressures
//   rows      the zone's balance row += P_el (a load, as the zone's own P_L), and its
//             served-energy row −= P_el (dE_served/dt includes it, so the zone's energy
//             balance closes); own row dE/dt − P_el = 0; with ∂P_el/∂y across domains.
#pragma once

#include <array>
#include <vector>

#include "models/gas/compressor.hpp"
#include "models/oil/station.hpp"
#include "models/power/zone.hpp"
#include "solver/engine/component.hpp"

namespace steppe::coupling {

inline constexpr const char* kGroupElectricLoads = "coupling/electric_loads";

class ElectricLoad : public Component, public SummarySource {
 public:
  ElectricLoad(std::string name, const oil::Station& station, const power::Zone& zone);
  ElectricLoad(std::string name, const gas::CompressorStation& compressor, const power::Zone& zone);

  // P_el [W] and its gradient at the columns of columns() (unused entries are -1).
  double power(const State& s, std::array<double, 3>* grad = nullptr) const;
  const std::array<int, 3>& columns() const { return cols_; }
  const power::Zone& zone() const { return zone_; }

  std::vector<UnknownSpec> unknowns() const override;
  void bind() override;
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override;
  void jacobian(const State& s, JacobianWriter& J) const override;
  void declare_outputs(OutputPlan& plan) override;
  void write_outputs(const State& s, OutputFrame& out) const override;
  void summary(const State& s, std::vector<std::pair<std::string, double>>& out) const override;

 private:
  const oil::Station* station_ = nullptr;
  const gas::CompressorStation* compressor_ = nullptr;
  const power::Zone& zone_;
  std::array<int, 3> cols_{-1, -1, -1};
  int bal_ = -1, served_ = -1;
  int out_ = -1;
};

}  // namespace steppe::coupling
