#include "models/coupling/electric_load.hpp"

#include "models/coupling/context.hpp"
#include "models/gas/compressor.hpp"
#include "models/oil/station.hpp"
#include "models/power/zone.hpp"

namespace steppe::coupling {

ElectricLoad::ElectricLoad(std::string name, const oil::Station& station, const power::Zone& zone)
    : Component("coupling electric load", std::move(name)), station_(&station), zone_(zone) {}

ElectricLoad::ElectricLoad(std::string name, const gas::CompressorStation& compressor,
                           const power::Zone& zone)
    : Component("coupling electric load", std::move(name)), compressor_(&compressor), zone_(zone) {}

std::vector<UnknownSpec> ElectricLoad::unknowns() const {
  return {{"energy", "J", VarKind::Differential, 1e6 * 3600.0, true}};
}

void ElectricLoad::bind() {
  if (station_) {
    cols_ = {station_->offset(), station_->offset() + 1, -1};
  } else {
    cols_ = compressor_->power_columns();
  }
  bal_ = zone_.balance_row();
  served_ = zone_.energy(power::Zone::kServed);
}

double ElectricLoad::power(const State& s, std::array<double, 3>* grad) const {
  std::array<double, 3> g{};
  double P = 0.0;
  if (station_) {
    // A tripped station's motors are off the supply (the pumps coast down unpowered).
    if (station_->running()) P = station_->electric_power(s, &g[0], &g[1], &g[2]);
  } else {
    P = compressor_->electric_power(s.y, &g);
  }
  if (grad) *grad = g;
  return P;
}

void ElectricLoad::residual(const State& s, double* F) const {
  const double P = power(s);
  F[bal_] += P;
  F[served_] -= P;
  F[offset()] = s.yp[offset()] - P;
}

void ElectricLoad::jacobian(const State& s, JacobianWriter& J) const {
  std::array<double, 3> g{};
  power(s, &g);
  auto push = [&](int col, double v) {
    J.add(bal_, col, v);
    J.add(served_, col, -v);
    J.add(offset(), col, -v);
  };
  for (std::size_t k = 0; k < 3; ++k)
    if (cols_[k] >= 0) push(cols_[k], g[k]);
  if (station_)  // the suction density's grade fractions (g[2] = ∂P/∂ρ)
    for (std::size_t j = 0; j < station_->density_columns().size(); ++j)
      push(station_->density_columns()[j], g[2] * station_->density_coefficients()[j]);
  J.add(offset(), offset(), 0.0, 1.0);
}

void ElectricLoad::declare_outputs(OutputPlan& plan) {
  out_ = plan.column(kGroupElectricLoads, name(), "power", "W",
                     "electric power drawn from the zone by the station's drives");
  plan.column(kGroupElectricLoads, name(), "energy", "J", "electric energy drawn since start");
  plan.connection(kGroupElectricLoads, name(), "zone", "power/zones", zone_.name());
  if (station_)
    plan.connection(kGroupElectricLoads, name(), "station", "oil/stations", station_->name());
  if (compressor_)
    plan.connection(kGroupElectricLoads, name(), "compressor", "gas/compressors",
                    compressor_->name());
}

void ElectricLoad::write_outputs(const State& s, OutputFrame& out) const {
  out.set(out_, power(s));
  out.set(out_ + 1, s.y[offset()]);
}

void ElectricLoad::summary(const State& s, std::vector<std::pair<std::string, double>>& out) const {
  out.emplace_back("coupling_electric_energy_J", s.y[offset()]);
}

// ---- readers: coupling.pump_loads[i], coupling.compressor_loads[i]
void read_pump_load(const Reader& item, Context& c) {
  auto* st = c.find<oil::Station>(item, "station", "oil station");
  auto* zone = c.find<power::Zone>(item, "zone", "power zone");
  const std::string name = item.text("name", st ? st->name() : "");
  item.finish();
  if (!st || !zone || !c.claim(item, "station", st)) return;
  c.system.emplace<ElectricLoad>(name, *st, *zone);
}

void read_compressor_load(const Reader& item, Context& c) {
  auto* cs = c.find<gas::CompressorStation>(item, "compressor", "gas compressor");
  auto* zone = c.find<power::Zone>(item, "zone", "power zone");
  if (cs && !cs->electric()) {
    item.error_at_key("compressor",
                      fmt::format("compressor '{}' has a gas-turbine drive, which burns its own "
                                  "fuel gas in the gas network; only drive: electric is a zone "
                                  "load",
                                  cs->name()));
    cs = nullptr;
  }
  const std::string name = item.text("name", cs ? cs->name() : "");
  item.finish();
  if (!cs || !zone || !c.claim(item, "compressor", cs)) return;
  c.system.emplace<ElectricLoad>(name, *cs, *zone);
}

}  // namespace steppe::coupling
