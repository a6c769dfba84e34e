// Physical quantities with units, as a study file writes them.
//
// A quantity is a number with an optional unit expression: "54 bar", "1067 mm",
// "15 min", "20 Mt/yr", "100 MW", "3.2 m/s", "10 bcm/yr", "988 kg/m^3", "-5 degC".
// parse_quantity() converts it to SI and reports its dimension as exponents of the
// SI base units (m, kg, s, K, A). Standard (normal-condition) gas volumes — m3(n),
// Nm3, scm, bcm, mcm, MMscm — are a separate pseudo-dimension: they become a mass
// only with the gas's normal density, which the study loader supplies.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace steppe {

// Exponents of the SI base units m, kg, s, K, A, and of the standard gas volume
// pseudo-unit (normal m³), which converts to kg only through a normal density.
struct Dimension {
  std::array<std::int8_t, 6> exp{};  // m, kg, s, K, A, m3(n)

  friend bool operator==(const Dimension&, const Dimension&) = default;
  Dimension operator*(const Dimension& o) const;
  Dimension operator/(const Dimension& o) const;
  Dimension pow(int n) const;
  bool dimensionless() const { return *this == Dimension{}; }
  // "kg·m^-1·s^-2" style, or "1" when dimensionless.
  std::string to_string() const;
};

// Named dimensions a study key can expect: "length", "pressure", "mass_flow", …
namespace dim {
extern const Dimension none, length, area, volume, mass, time, temperature, velocity, pressure,
    mass_flow, volume_flow, std_volume, std_volume_flow, density, power, energy, frequency,
    dynamic_viscosity, kinematic_viscosity, acceleration, specific_energy, angle,
    flow_capacitance,  // kg/Pa: mass stored per pressure rise
    flow_conductance;  // kg/(s·Pa): mass flow per pressure difference
}  // namespace dim

// The dimension's everyday name ("pressure"), or its to_string() if it has none.
std::string dimension_name(const Dimension& d);

struct Quantity {
  double value = 0.0;  // in SI (standard volumes in m³(n))
  Dimension dim;
};

// A unit expression that could not be read. `column` is the 0-based character offset
// in the text given to parse_quantity where the problem starts.
class UnitError : public std::runtime_error {
 public:
  UnitError(const std::string& what, std::size_t column)
      : std::runtime_error(what), column_(column) {}
  std::size_t column() const { return column_; }

 private:
  std::size_t column_;
};

// Parses "<number> [unit expression]". The unit expression is a product of unit
// symbols with optional integer powers ("m^3", "m3", "m²"), joined by '*', '·', '.'
// or a space, with '/' dividing by the next factor ("kg/m^3", "m3(n)/h",
// "W/(m2)" is not supported). Affine temperatures (degC, °C, degF) are only allowed
// alone. Throws UnitError for an unknown unit, a malformed number or expression.
Quantity parse_quantity(std::string_view text);

// Converts a parsed quantity to the expected dimension, or throws UnitError saying
// which dimension was expected and which was given. `normal_density` (kg/m³ at normal
// conditions), when given, lets standard volumes stand in for masses.
double to_si(const Quantity& q, const Dimension& expected,
             std::optional<double> normal_density = std::nullopt);

// The largest magnitude a value of this dimension can plausibly have in a study, in SI:
// far beyond any real network (a length of 10⁸ m is 2.5 times round the Earth, a pressure
// of 10⁹ Pa 10,000 bar, a flow capacitance of 10⁶ kg/Pa a store of 10¹¹ kg per bar), so
// that only nonsense — a mistyped exponent, 1e300 — is refused. 10¹⁸ for dimensions
// without a name.
double plausible_limit(const Dimension& d);

// The SI unit string for a dimension as written in HDF5 `units` attributes
// ("Pa", "kg s-1", "W", "1"): UDUNITS syntax, so CF tools understand it.
std::string si_units(const Dimension& d);

}  // namespace steppe
