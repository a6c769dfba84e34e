#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "solver/study/units.hpp"

using namespace steppe;
using Catch::Matchers::Contains;

namespace {

// Parses `text`, checks its dimension and returns the SI value.
double si(const std::string& text, const Dimension& d) {
  const Quantity q = parse_quantity(text);
  INFO(text << " -> " << q.dim.to_string());
  CHECK(q.dim == d);
  return q.value;
}

std::size_t error_column(const std::string& text) {
  try {
    parse_quantity(text);
  } catch (const UnitError& e) {
    return e.column();
  }
  FAIL("no UnitError for '" << text << "'");
  return 0;
}

constexpr double kYear = 365.25 * 86400.0;

}  // namespace

TEST_CASE("units: numbers", "[units]") {
  CHECK(si("54", dim::none) == 54.0);
  CHECK(si("-3.25", dim::none) == -3.25);
  CHECK(si("+7", dim::none) == 7.0);
  CHECK(si(".5", dim::none) == 0.5);
  CHECK(si("5.", dim::none) == 5.0);
  CHECK(si("1.5e5", dim::none) == 150000.0);
  CHECK(si("2E-3", dim::none) == Approx(0.002));
  CHECK(si("1e+2 m", dim::length) == 100.0);
  CHECK(si("  42 bar  ", dim::pressure) == 42e5);
  CHECK(si("54bar", dim::pressure) == 54e5);
  CHECK(si("10\tkm", dim::length) == 10e3);
}

TEST_CASE("units: malformed numbers", "[units]") {
  CHECK_THROWS_AS(parse_quantity(""), UnitError);
  CHECK_THROWS_AS(parse_quantity("   "), UnitError);
  CHECK(error_column("bar") == 0);
  CHECK(error_column("-") == 0);
  CHECK(error_column("  . m") == 2);
  CHECK(error_column("1.2.3") == 3);
  CHECK(error_column("1,000 m") == 1);
  CHECK(error_column("1e m") == 1);
  CHECK(error_column("1.5e+ m") == 3);
  CHECK(error_column("1e999") == 0);
  CHECK(error_column("nan") == 0);
  CHECK(error_column("inf") == 0);
  CHECK(error_column("5 3") == 2);
  CHECK_THROWS_WITH(parse_quantity("1,5 bar"), Contains("thousands"));
}

TEST_CASE("units: length, area, volume", "[units]") {
  CHECK(si("1 m", dim::length) == 1.0);
  CHECK(si("1067 mm", dim::length) == Approx(1.067));
  CHECK(si("3 cm", dim::length) == Approx(0.03));
  CHECK(si("12 km", dim::length) == 12000.0);
  CHECK(si("1 in", dim::length) == Approx(0.0254));
  CHECK(si("1 ft", dim::length) == Approx(0.3048));
  CHECK(si("1 mi", dim::length) == Approx(1609.344));
  CHECK(si("2 m2", dim::area) == 2.0);
  CHECK(si("2 m^2", dim::area) == 2.0);
  CHECK(si("2 m²", dim::area) == 2.0);
  CHECK(si("3 km2", dim::area) == Approx(3e6));
  CHECK(si("5 mm2", dim::area) == Approx(5e-6));
  CHECK(si("1 m3", dim::volume) == 1.0);
  CHECK(si("1 m³", dim::volume) == 1.0);
  CHECK(si("1 cm^3", dim::volume) == Approx(1e-6));
  CHECK(si("250 L", dim::volume) == Approx(0.25));
  CHECK(si("250 l", dim::volume) == Approx(0.25));
  CHECK(si("1 bbl", dim::volume) == Approx(0.158987294928));
  // 1 bbl = 42 US gal = 42 * 231 in^3
  CHECK(si("1 bbl", dim::volume) == Approx(42 * 231 * 0.0254 * 0.0254 * 0.0254));
}

TEST_CASE("units: mass and time", "[units]") {
  CHECK(si("500 g", dim::mass) == Approx(0.5));
  CHECK(si("2 kg", dim::mass) == 2.0);
  CHECK(si("3 t", dim::mass) == 3000.0);
  CHECK(si("4 kt", dim::mass) == 4e6);
  CHECK(si("5 Mt", dim::mass) == 5e9);
  CHECK(si("1 s", dim::time) == 1.0);
  CHECK(si("20 ms", dim::time) == Approx(0.02));
  CHECK(si("15 min", dim::time) == 900.0);
  CHECK(si("2 h", dim::time) == 7200.0);
  CHECK(si("2 hr", dim::time) == 7200.0);
  CHECK(si("1 d", dim::time) == 86400.0);
  CHECK(si("3 day", dim::time) == 259200.0);
  CHECK(si("1 wk", dim::time) == 604800.0);
  CHECK(si("2 week", dim::time) == 1209600.0);
  CHECK(si("1 yr", dim::time) == 31557600.0);
  CHECK(si("1 year", dim::time) == 31557600.0);
  CHECK(si("1 a", dim::time) == 31557600.0);
}

TEST_CASE("units: pressure", "[units]") {
  CHECK(si("1 Pa", dim::pressure) == 1.0);
  CHECK(si("1013 hPa", dim::pressure) == Approx(101300.0));
  CHECK(si("7 kPa", dim::pressure) == 7000.0);
  CHECK(si("8.4 MPa", dim::pressure) == Approx(8.4e6));
  CHECK(si("200 GPa", dim::pressure) == Approx(2e11));
  CHECK(si("54 bar", dim::pressure) == 5.4e6);
  CHECK(si("20 mbar", dim::pressure) == Approx(2000.0));
  CHECK(si("1 atm", dim::pressure) == 101325.0);
  CHECK(si("1 psi", dim::pressure) == Approx(6894.757293168).epsilon(1e-12));
  CHECK(si("1000 psi", dim::pressure) == Approx(6894757.293168).epsilon(1e-12));
}

TEST_CASE("units: temperature", "[units]") {
  CHECK(si("300 K", dim::temperature) == 300.0);
  CHECK(si("-5 degC", dim::temperature) == Approx(268.15));
  CHECK(si("15 °C", dim::temperature) == Approx(288.15));
  CHECK(si("0°C", dim::temperature) == Approx(273.15));
  CHECK(si("32 degF", dim::temperature) == Approx(273.15));
  CHECK(si("212 °F", dim::temperature) == Approx(373.15));
  CHECK(si("-40 degF", dim::temperature) == Approx(233.15));
  CHECK(si("1000 J/kg/K", Dimension{{2, 0, -2, -1, 0, 0}}) == 1000.0);
  // Affine temperatures only alone.
  CHECK(error_column("5 degC/h") == 2);
  CHECK(error_column("5 kJ/degC") == 5);
  CHECK(error_column("5 degC^2") == 2);
  CHECK_THROWS_WITH(parse_quantity("5 W/°C"), Contains("alone"));
}

TEST_CASE("units: power, energy, frequency, force", "[units]") {
  CHECK(si("1 W", dim::power) == 1.0);
  CHECK(si("3 kW", dim::power) == 3e3);
  CHECK(si("100 MW", dim::power) == 1e8);
  CHECK(si("2 GW", dim::power) == 2e9);
  CHECK(si("1 J", dim::energy) == 1.0);
  CHECK(si("1 kJ", dim::energy) == 1e3);
  CHECK(si("1 MJ", dim::energy) == 1e6);
  CHECK(si("1 GJ", dim::energy) == 1e9);
  CHECK(si("1 Wh", dim::energy) == 3600.0);
  CHECK(si("1 kWh", dim::energy) == 3.6e6);
  CHECK(si("1 MWh", dim::energy) == 3.6e9);
  CHECK(si("1 GWh", dim::energy) == 3.6e12);
  CHECK(si("1 TWh", dim::energy) == 3.6e15);
  CHECK(si("50 Hz", dim::frequency) == 50.0);
  CHECK(si("200 mHz", dim::frequency) == Approx(0.2));
  CHECK(si("1500 rpm", dim::frequency) == Approx(25.0));  // revolutions, as Hz
  CHECK(si("10 N", Dimension{{1, 1, -2, 0, 0, 0}}) == 10.0);
  CHECK(si("1 W*s", dim::energy) == 1.0);
  CHECK(si("1 kW h", dim::energy) == 3.6e6);
  CHECK(si("1 N.m", dim::energy) == 1.0);
  CHECK(si("1 N·m", dim::energy) == 1.0);
  CHECK(si("1 MJ/kg", dim::specific_energy) == 1e6);
}

TEST_CASE("units: flows, velocity, density, viscosity", "[units]") {
  CHECK(si("20 Mt/yr", dim::mass_flow) == Approx(20e9 / (365.25 * 86400.0)));
  CHECK(si("3.2 m/s", dim::velocity) == Approx(3.2));
  CHECK(si("36 km/h", dim::velocity) == Approx(10.0));
  CHECK(si("9.81 m/s2", dim::acceleration) == Approx(9.81));
  CHECK(si("9.81 m/s^2", dim::acceleration) == Approx(9.81));
  CHECK(si("9.81 m s-2", dim::acceleration) == Approx(9.81));
  CHECK(si("9.81 m·s⁻²", dim::acceleration) == Approx(9.81));
  CHECK(si("988 kg/m^3", dim::density) == 988.0);
  CHECK(si("988 kg/m3", dim::density) == 988.0);
  CHECK(si("988 kg / m³", dim::density) == 988.0);
  CHECK(si("988 kg m-3", dim::density) == 988.0);
  CHECK(si("3600 m3/h", dim::volume_flow) == Approx(1.0));
  CHECK(si("1000 W/m2", Dimension{{0, 1, -3, 0, 0, 0}}) == 1000.0);
  CHECK(si("1 Pa*s", dim::dynamic_viscosity) == 1.0);
  CHECK(si("1 Pa s", dim::dynamic_viscosity) == 1.0);
  CHECK(si("1.2 mPa*s", dim::dynamic_viscosity) == Approx(1.2e-3));
  CHECK(si("1.2 mPa·s", dim::dynamic_viscosity) == Approx(1.2e-3));
  CHECK(si("1.2 cP", dim::dynamic_viscosity) == Approx(1.2e-3));
  CHECK(si("2 P", dim::dynamic_viscosity) == Approx(0.2));
  CHECK(si("4 cSt", dim::kinematic_viscosity) == Approx(4e-6));
  CHECK(si("4 St", dim::kinematic_viscosity) == Approx(4e-4));
  CHECK(si("1e-6 m2/s", dim::kinematic_viscosity) == Approx(1e-6));
}

TEST_CASE("units: angles and fractions", "[units]") {
  const double pi = 3.14159265358979323846;
  CHECK(si("1 rad", dim::angle) == 1.0);
  CHECK(si("180 deg", dim::angle) == Approx(pi));
  CHECK(si("90 °", dim::angle) == Approx(pi / 2));
  CHECK(si("90°", dim::angle) == Approx(pi / 2));
  CHECK(si("5 %", dim::none) == Approx(0.05));
  CHECK(si("5%", dim::none) == Approx(0.05));
  CHECK(si("12 percent", dim::none) == Approx(0.12));
  CHECK(si("300 ppm", dim::none) == Approx(3e-4));
  CHECK(si("0.98 pu", dim::none) == 0.98);
  CHECK(si("0.98 p.u.", dim::none) == 0.98);
}

TEST_CASE("units: standard gas volumes", "[units]") {
  CHECK(si("1 m3(n)", dim::std_volume) == 1.0);
  CHECK(si("1 m³(n)", dim::std_volume) == 1.0);
  CHECK(si("1 Nm3", dim::std_volume) == 1.0);
  CHECK(si("1 sm3", dim::std_volume) == 1.0);
  CHECK(si("1 scm", dim::std_volume) == 1.0);
  CHECK(si("2 mcm", dim::std_volume) == 2e6);
  CHECK(si("2 MMscm", dim::std_volume) == 2e6);
  CHECK(si("10 bcm", dim::std_volume) == 1e10);
  CHECK(si("3600 m3(n)/h", dim::std_volume_flow) == Approx(1.0));
  CHECK(si("24 Nm3/d", dim::std_volume_flow) == Approx(24.0 / 86400.0));
  CHECK(si("10 bcm/yr", dim::std_volume_flow) == Approx(1e10 / kYear));
  CHECK(error_column("1 km3(n)") == 2);
  CHECK(parse_quantity("1 m3").dim == dim::volume);  // not a standard volume

  SECTION("to mass with a normal density") {
    const Quantity q = parse_quantity("10 bcm/yr");
    CHECK(to_si(q, dim::mass_flow, 0.72) == Approx(10e9 * 0.72 / (365.25 * 86400.0)));
    CHECK(to_si(q, dim::std_volume_flow) == Approx(1e10 / kYear));
    CHECK(to_si(parse_quantity("5 MMscm"), dim::mass, 0.8) == Approx(4e6));
    CHECK_THROWS_AS(to_si(q, dim::mass_flow), UnitError);
    CHECK_THROWS_WITH(to_si(q, dim::mass_flow), Contains("normal density"));
    CHECK_THROWS_WITH(to_si(q, dim::mass_flow, 0.0), Contains("normal density"));
    // A normal density does not make a standard volume flow a length.
    CHECK_THROWS_WITH(to_si(q, dim::length, 0.72), Contains("length") && Contains("standard"));
  }
}

TEST_CASE("units: to_si dimension checks", "[units]") {
  CHECK(to_si(parse_quantity("54 bar"), dim::pressure) == 5.4e6);
  CHECK(to_si(parse_quantity("1.5"), dim::none) == 1.5);
  try {
    to_si(parse_quantity("54 bar"), dim::length);
    FAIL("no error");
  } catch (const UnitError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Contains("expected length") && Contains("pressure"));
    CHECK(e.column() == 0);
  }
  CHECK_THROWS_WITH(to_si(parse_quantity("100 MW"), dim::energy),
                    Contains("energy") && Contains("power"));
  CHECK_THROWS_WITH(to_si(parse_quantity("3"), dim::mass_flow),
                    Contains("mass flow") && Contains("dimensionless"));
  CHECK_THROWS_WITH(to_si(parse_quantity("3 kg/h"), dim::volume_flow),
                    Contains("volume flow") && Contains("mass flow"));
}

TEST_CASE("units: unknown units and bad expressions", "[units]") {
  CHECK(error_column("54 barr") == 3);
  CHECK(error_column("54 bar/sec") == 7);
  CHECK(error_column("54 BAR") == 3);
  CHECK(error_column("1 kg/") == 5);
  CHECK(error_column("1 kg//m") == 5);
  CHECK(error_column("1 kg*") == 5);
  CHECK(error_column("1 kg(m)") == 4);
  CHECK(error_column("1 W/(m2)") == 4);
  CHECK(error_column("1 m^") == 4);
  CHECK(error_column("1 m^x") == 4);
  CHECK(error_column("1 m^999") == 3);
  CHECK(error_column("1 Mm") == 2);
  CHECK_THROWS_WITH(parse_quantity("54 barr"), Contains("barr"));
}

TEST_CASE("units: powers", "[units]") {
  CHECK(parse_quantity("1 m^-2").dim == dim::area.pow(-1));
  CHECK(parse_quantity("1 m^+2").dim == dim::area);
  CHECK(parse_quantity("1 s^-1").dim == dim::frequency);
  CHECK(parse_quantity("1 s-1").dim == dim::frequency);
  CHECK(parse_quantity("1 s⁻¹").dim == dim::frequency);
  CHECK(parse_quantity("1 m^0").dim == dim::none);
  CHECK(si("1 km^2", dim::area) == Approx(1e6));
  CHECK(si("2 mm³", dim::volume) == Approx(2e-9));
  CHECK(si("1 kg m2 s-3", dim::power) == 1.0);
  CHECK(si("1 J/s", dim::power) == 1.0);
  CHECK(si("1 m/s/s", dim::acceleration) == 1.0);  // '/' divides the next factor only
  CHECK(si("1 m/s*s", dim::length) == 1.0);
}

TEST_CASE("units: dimensions, names and SI unit strings", "[units]") {
  CHECK(dim::area == dim::length * dim::length);
  CHECK(dim::velocity == dim::length / dim::time);
  CHECK(dim::volume == dim::length.pow(3));
  CHECK(dim::angle == dim::none);
  CHECK(dim::power == dim::energy / dim::time);
  CHECK(dim::pressure.to_string() == "kg·m^-1·s^-2");
  CHECK(dim::none.to_string() == "1");

  CHECK(dimension_name(dim::none) == "dimensionless");
  CHECK(dimension_name(dim::angle) == "dimensionless");
  CHECK(dimension_name(dim::length) == "length");
  CHECK(dimension_name(dim::area) == "area");
  CHECK(dimension_name(dim::volume) == "volume");
  CHECK(dimension_name(dim::mass) == "mass");
  CHECK(dimension_name(dim::time) == "time");
  CHECK(dimension_name(dim::temperature) == "temperature");
  CHECK(dimension_name(dim::velocity) == "velocity");
  CHECK(dimension_name(dim::pressure) == "pressure");
  CHECK(dimension_name(dim::mass_flow) == "mass flow");
  CHECK(dimension_name(dim::volume_flow) == "volume flow");
  CHECK(dimension_name(dim::std_volume) == "standard volume");
  CHECK(dimension_name(dim::std_volume_flow) == "standard volume flow");
  CHECK(dimension_name(dim::density) == "density");
  CHECK(dimension_name(dim::power) == "power");
  CHECK(dimension_name(dim::energy) == "energy");
  CHECK(dimension_name(dim::frequency) == "frequency");
  CHECK(dimension_name(dim::dynamic_viscosity) == "dynamic viscosity");
  CHECK(dimension_name(dim::kinematic_viscosity) == "kinematic viscosity");
  CHECK(dimension_name(dim::acceleration) == "acceleration");
  CHECK(dimension_name(dim::specific_energy) == "specific energy");
  CHECK(dimension_name(Dimension{{1, 1, -2, 0, 0, 0}}) == "kg·m·s^-2");

  CHECK(si_units(dim::none) == "1");
  CHECK(si_units(dim::pressure) == "Pa");
  CHECK(si_units(dim::power) == "W");
  CHECK(si_units(dim::energy) == "J");
  CHECK(si_units(dim::frequency) == "Hz");
  CHECK(si_units(dim::temperature) == "K");
  CHECK(si_units(dim::time) == "s");
  CHECK(si_units(dim::length) == "m");
  CHECK(si_units(dim::mass) == "kg");
  CHECK(si_units(dim::mass_flow) == "kg s-1");
  CHECK(si_units(dim::volume_flow) == "m3 s-1");
  CHECK(si_units(dim::density) == "kg m-3");
  CHECK(si_units(dim::velocity) == "m s-1");
  CHECK(si_units(dim::kinematic_viscosity) == "m2 s-1");
  CHECK(si_units(dim::dynamic_viscosity) == "Pa s");
  CHECK(si_units(dim::std_volume) == "m3(n)");
  CHECK(si_units(Dimension{{1, 1, -2, 0, 0, 0}}) == "kg m s-2");
  CHECK(si_units(Dimension{{-1, 1, -3, 0, 0, 0}}) == "kg m-1 s-3");

  // The SI strings of the named dimensions parse back to the same dimension.
  for (const Dimension* d :
       {&dim::pressure, &dim::mass_flow, &dim::volume_flow, &dim::density, &dim::velocity,
        &dim::kinematic_viscosity, &dim::dynamic_viscosity, &dim::std_volume, &dim::std_volume_flow,
        &dim::acceleration, &dim::specific_energy, &dim::area, &dim::power}) {
    INFO(si_units(*d));
    CHECK(parse_quantity("1 " + si_units(*d)).dim == *d);
  }
}

TEST_CASE("units: the shared table (tests/data/units_table.tsv) that the Python parser reads too",
          "[units]") {
  std::ifstream in(std::string(STEPPE_TEST_DATA) + "/units_table.tsv");
  REQUIRE(in);
  std::string line;
  int values = 0, errors = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    INFO("'" << cols[0] << "'");
    if (cols.size() == 2 && cols[1] == "error") {
      CHECK_THROWS_AS(parse_quantity(cols[0]), UnitError);
      ++errors;
      continue;
    }
    REQUIRE(cols.size() == 3);
    const double expected = std::strtod(cols[1].c_str(), nullptr);  // subnormals too
    Dimension d;
    std::size_t at = 0;
    for (std::size_t i = 0; i < d.exp.size(); ++i) {
      const std::size_t comma = cols[2].find(',', at);
      d.exp[i] = static_cast<std::int8_t>(std::stoi(cols[2].substr(at, comma - at)));
      at = comma + 1;
    }
    Quantity q;
    REQUIRE_NOTHROW(q = parse_quantity(cols[0]));
    CHECK(q.dim == d);
    CHECK(q.value == Approx(expected).epsilon(1e-12).margin(1e-300));
    ++values;
  }
  CHECK(values + errors >= 100);
  CHECK(errors >= 20);
}
