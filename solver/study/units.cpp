// Quantity strings ("54 bar", "20 Mt/yr", "988 kg/m^3", "-5 degC") to SI values.
//
// Grammar (whitespace = ' ' or '\t'):
//   quantity := ws* number ws* [expr] ws*
//   number   := [+-] digits ['.' digits] [('e'|'E') [+-] digits]   (also ".5", "5.")
//   expr     := factor (sep factor)*
//   sep      := ws* ('*' | '·' | '.' | '/') ws*  |  ws+      ('/' divides the next factor only)
//   factor   := symbol [power]
//   power    := '^' [+-] digits | [-] digits | [⁻] superscript digits
// Symbols come from one explicit table (no generic SI prefixes, so "mm" is never
// ambiguous). A few symbols contain digits or parentheses ("m3(n)", "Nm3", "sm3") and
// are matched before a trailing digit is read as a power.
#include "solver/study/units.hpp"

#include <charconv>
#include <cmath>
#include <numbers>
#include <utility>

#include "solver/study/constants.hpp"

namespace steppe {

namespace {

using Exp = std::array<std::int8_t, 6>;  // m, kg, s, K, A, m3(n)

constexpr Exp kNone{0, 0, 0, 0, 0, 0};
constexpr Exp kLength{1, 0, 0, 0, 0, 0};
constexpr Exp kVolume{3, 0, 0, 0, 0, 0};
constexpr Exp kMass{0, 1, 0, 0, 0, 0};
constexpr Exp kTime{0, 0, 1, 0, 0, 0};
constexpr Exp kTemperature{0, 0, 0, 1, 0, 0};
constexpr Exp kPressure{-1, 1, -2, 0, 0, 0};
constexpr Exp kPower{2, 1, -3, 0, 0, 0};
constexpr Exp kEnergy{2, 1, -2, 0, 0, 0};
constexpr Exp kFrequency{0, 0, -1, 0, 0, 0};
constexpr Exp kForce{1, 1, -2, 0, 0, 0};
constexpr Exp kDynViscosity{-1, 1, -1, 0, 0, 0};
constexpr Exp kKinViscosity{2, 0, -1, 0, 0, 0};
constexpr Exp kStdVolume{0, 0, 0, 0, 0, 1};

constexpr double kMinute = 60.0;
constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kYear = 365.25 * kDay;  // Julian year: 365.25 d, as in astronomy and IEC 80000-3
constexpr double kLbf = 0.45359237 * constants::kGravity;  // N (international pound)
constexpr double kPsi = kLbf / (0.0254 * 0.0254);          // Pa, = 6894.757293168...
constexpr double kDeg = std::numbers::pi / 180.0;          // rad

enum class Affine { None, Celsius, Fahrenheit };

struct UnitDef {
  std::string_view symbol;
  double factor;  // SI value of 1 symbol
  Exp exp;
  Affine affine = Affine::None;
};

// The one symbol table. Case-sensitive.
constexpr UnitDef kUnits[] = {
    // length
    {"m", 1.0, kLength},
    {"mm", 1e-3, kLength},
    {"cm", 1e-2, kLength},
    {"km", 1e3, kLength},
    {"in", 0.0254, kLength},
    {"ft", 0.3048, kLength},
    {"mi", 1609.344, kLength},
    // volume (m3 is m with a power)
    {"L", 1e-3, kVolume},
    {"l", 1e-3, kVolume},
    {"bbl", 0.158987294928, kVolume},  // oil barrel, 42 US gal
    // mass
    {"g", 1e-3, kMass},
    {"kg", 1.0, kMass},
    {"t", 1e3, kMass},  // tonne
    {"kt", 1e6, kMass},
    {"Mt", 1e9, kMass},
    // time; a year is the Julian year, 365.25 d
    {"s", 1.0, kTime},
    {"ms", 1e-3, kTime},
    {"min", kMinute, kTime},
    {"h", kHour, kTime},
    {"hr", kHour, kTime},
    {"d", kDay, kTime},
    {"day", kDay, kTime},
    {"wk", 7 * kDay, kTime},
    {"week", 7 * kDay, kTime},
    {"yr", kYear, kTime},
    {"year", kYear, kTime},
    {"a", kYear, kTime},
    // pressure (absolute; no gauge units)
    {"Pa", 1.0, kPressure},
    {"mPa", 1e-3, kPressure},
    {"hPa", 1e2, kPressure},
    {"kPa", 1e3, kPressure},
    {"MPa", 1e6, kPressure},
    {"GPa", 1e9, kPressure},
    {"bar", 1e5, kPressure},
    {"mbar", 1e2, kPressure},
    {"atm", constants::kStandardAtmosphere, kPressure},
    {"psi", kPsi, kPressure},
    // temperature: K; degC/degF are affine and only allowed alone
    {"K", 1.0, kTemperature},
    {"degC", 1.0, kTemperature, Affine::Celsius},
    {"°C", 1.0, kTemperature, Affine::Celsius},
    {"degF", 5.0 / 9.0, kTemperature, Affine::Fahrenheit},
    {"°F", 5.0 / 9.0, kTemperature, Affine::Fahrenheit},
    // power and energy
    {"W", 1.0, kPower},
    {"kW", 1e3, kPower},
    {"MW", 1e6, kPower},
    {"GW", 1e9, kPower},
    {"J", 1.0, kEnergy},
    {"kJ", 1e3, kEnergy},
    {"MJ", 1e6, kEnergy},
    {"GJ", 1e9, kEnergy},
    {"TJ", 1e12, kEnergy},
    {"PJ", 1e15, kEnergy},
    {"Wh", kHour, kEnergy},
    {"kWh", 1e3 * kHour, kEnergy},
    {"MWh", 1e6 * kHour, kEnergy},
    {"GWh", 1e9 * kHour, kEnergy},
    {"TWh", 1e12 * kHour, kEnergy},
    // frequency, force
    {"Hz", 1.0, kFrequency},
    {"mHz", 1e-3, kFrequency},
    {"kHz", 1e3, kFrequency},
    {"rpm", 1.0 / 60.0, kFrequency},  // revolutions per minute (a rotational frequency, as Hz)
    {"N", 1.0, kForce},
    {"kN", 1e3, kForce},
    {"MN", 1e6, kForce},
    // viscosity (Pa*s, mPa*s are products)
    {"P", 0.1, kDynViscosity},  // poise
    {"cP", 1e-3, kDynViscosity},
    {"St", 1e-4, kKinViscosity},  // stokes
    {"cSt", 1e-6, kKinViscosity},
    // angle (dimensionless, in rad) and fractions
    {"rad", 1.0, kNone},
    {"deg", kDeg, kNone},
    {"°", kDeg, kNone},
    {"%", 1e-2, kNone},
    {"percent", 1e-2, kNone},
    {"ppm", 1e-6, kNone},
    {"pu", 1.0, kNone},
    {"p.u.", 1.0, kNone},
    // standard (normal-condition) gas volume: its own pseudo-dimension
    {"m3(n)", 1.0, kStdVolume},
    {"Nm3", 1.0, kStdVolume},
    {"sm3", 1.0, kStdVolume},
    {"scm", 1.0, kStdVolume},
    {"mcm", 1e6, kStdVolume},
    {"MMscm", 1e6, kStdVolume},
    {"bcm", 1e9, kStdVolume},
};

const UnitDef* find_unit(std::string_view symbol) {
  for (const UnitDef& u : kUnits)
    if (u.symbol == symbol) return &u;
  return nullptr;
}

// Named dimensions, in lookup order: the first match names a dimension. angle == none,
// so it is not listed separately.
struct Named {
  const Dimension* dim;
  std::string_view name;
  std::string_view si;  // UDUNITS
  double limit;         // the largest plausible magnitude in SI (plausible_limit)
};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr std::string_view kDegreeSign = "\u00b0";  // °
constexpr std::string_view kMiddleDot = "\u00b7";   // ·
constexpr std::string_view kSuperMinus = "\u207b";  // ⁻

// The digit of a superscript character at text[pos] (its byte length in `len`), or -1.
int superscript_digit(std::string_view text, std::size_t pos, std::size_t& len) {
  static constexpr std::string_view kSup[10] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                                "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  for (int d = 0; d < 10; ++d) {
    if (text.substr(pos).starts_with(kSup[d])) {
      len = kSup[d].size();
      return d;
    }
  }
  return -1;
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Reads the unit expression of `text` starting at `pos`.
class UnitParser {
 public:
  UnitParser(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

  // Multiplies `factor` and `exp` by the expression. Returns the affine symbol, if the
  // expression is a single affine temperature.
  const UnitDef* parse(double& factor, std::array<int, 6>& exp) {
    const UnitDef* affine = nullptr;
    std::size_t affine_col = 0;
    int n_factors = 0;
    bool divide = false;
    for (;;) {
      const std::size_t col = pos_;
      int power = 1;
      const UnitDef* u = read_factor(power);
      ++n_factors;
      if (u->affine != Affine::None) {
        affine = u;
        affine_col = col;
        if (power != 1 || divide)
          throw UnitError(
              quoted(u->symbol) + " is an absolute temperature and can only be used alone", col);
      }
      if (divide) power = -power;
      factor *= std::pow(u->factor, power);
      for (std::size_t i = 0; i < exp.size(); ++i) exp[i] += power * u->exp[i];

      // Separator, or the end.
      const std::size_t before_ws = pos_;
      skip_spaces();
      if (pos_ == text_.size()) break;
      divide = false;
      if (text_[pos_] == '/') {
        divide = true;
        ++pos_;
      } else if (text_[pos_] == '*' || text_[pos_] == '.') {
        ++pos_;
      } else if (text_.substr(pos_).starts_with(kMiddleDot)) {
        pos_ += kMiddleDot.size();
      } else if (pos_ == before_ws) {
        throw UnitError("unexpected " + quoted(text_.substr(pos_, 1)) + " in unit", pos_);
      }
      skip_spaces();
      if (pos_ == text_.size()) throw UnitError("missing unit after operator", pos_);
    }
    if (affine && n_factors > 1)
      throw UnitError(quoted(affine->symbol) +
                          " is an absolute temperature and can only be used alone (use K in "
                          "compound units)",
                      affine_col);
    return affine;
  }

 private:
  void skip_spaces() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  // symbol [power]
  const UnitDef* read_factor(int& power) {
    const std::size_t start = pos_;
    if (text_.substr(pos_).starts_with("p.u.")) {
      pos_ += 4;
    } else {
      while (pos_ < text_.size()) {
        if (is_alpha(text_[pos_]) || text_[pos_] == '%') {
          ++pos_;
        } else if (text_.substr(pos_).starts_with(kDegreeSign)) {
          pos_ += kDegreeSign.size();
        } else {
          break;
        }
      }
    }
    if (pos_ == start) {
      if (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '.'))
        throw UnitError("malformed number", pos_);
      throw UnitError("expected a unit symbol", pos_);
    }
    std::string symbol(text_.substr(start, pos_ - start));

    // Symbols with a built-in '3' and optional "(n)": m3(n), Nm3, sm3 (also with '³').
    std::size_t sup_len = 0;
    std::size_t three_len = 0;
    if (pos_ < text_.size() && text_[pos_] == '3')
      three_len = 1;
    else if (superscript_digit(text_, pos_, sup_len) == 3)
      three_len = sup_len;
    if (three_len) {
      const bool normal = text_.substr(pos_ + three_len).starts_with("(n)");
      const std::size_t after = pos_ + three_len + (normal ? 3 : 0);
      const bool more_digits = after < text_.size() && is_digit(text_[after]);
      const std::string candidate = symbol + "3" + (normal ? "(n)" : "");
      if (const UnitDef* u = find_unit(candidate); u && !more_digits) {
        pos_ = after;
        read_power(power, /*caret_only=*/true);
        return u;
      }
      if (normal)
        throw UnitError("unknown unit " + quoted(text_.substr(start, after - start)), start);
    }

    const UnitDef* u = find_unit(symbol);
    if (!u) throw UnitError("unknown unit " + quoted(symbol), start);
    read_power(power, /*caret_only=*/false);
    return u;
  }

  // '^' [+-] digits | [-] digits | [⁻] superscripts
  void read_power(int& power, bool caret_only) {
    const std::size_t start = pos_;
    int sign = 1;
    bool any = false;
    int value = 0;
    auto add_digit = [&](int d) {
      value = value * 10 + d;
      any = true;
      if (value > 99) throw UnitError("unit power too large", start);
    };
    if (pos_ < text_.size() && text_[pos_] == '^') {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+'))
        sign = text_[pos_++] == '-' ? -1 : 1;
      while (pos_ < text_.size() && is_digit(text_[pos_])) add_digit(text_[pos_++] - '0');
      if (!any) throw UnitError("expected an integer power after '^'", pos_);
    } else if (caret_only) {
      return;
    } else if (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '-')) {
      if (text_[pos_] == '-') {
        sign = -1;
        ++pos_;
      }
      while (pos_ < text_.size() && is_digit(text_[pos_])) add_digit(text_[pos_++] - '0');
      if (!any) throw UnitError("expected an integer power after '-'", pos_);
    } else {
      if (text_.substr(pos_).starts_with(kSuperMinus)) {
        sign = -1;
        pos_ += kSuperMinus.size();
      }
      std::size_t len = 0;
      for (int d; (d = superscript_digit(text_, pos_, len)) >= 0; pos_ += len) add_digit(d);
      if (sign < 0 && !any) throw UnitError("expected a superscript power after '⁻'", pos_);
      if (!any) return;
    }
    power = sign * value;
  }

  std::string_view text_;
  std::size_t pos_;
};

// Reads the number at the start of `text` (after `pos`), advancing `pos`.
double read_number(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  std::size_t i = pos;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const std::size_t mantissa = i;
  std::size_t digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++digits;
  }
  if (digits == 0) throw UnitError("malformed number: a quantity starts with a number", start);
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    const std::size_t e = i++;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (i == text.size() || !is_digit(text[i]))
      throw UnitError("malformed number: exponent without digits", e);
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  if (i < text.size() && (text[i] == '.' || text[i] == ','))
    throw UnitError(text[i] == ','
                        ? "malformed number: ',' is not allowed (no thousands separators)"
                        : "malformed number",
                    i);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data() + mantissa, text.data() + i, value);
  if (ec != std::errc() || end != text.data() + i || !std::isfinite(value))
    throw UnitError("number out of range", start);
  pos = i;
  return negative ? -value : value;
}

std::string unit_power(std::string_view sym, int p, std::string_view caret) {
  std::string s(sym);
  if (p != 1) s += std::string(caret) + std::to_string(p);
  return s;
}

// Base units in display order (kg first, as in "kg m-3").
constexpr std::pair<int, std::string_view> kBaseOrder[] = {{1, "kg"}, {0, "m"}, {2, "s"},
                                                           {3, "K"},  {4, "A"}, {5, "m3(n)"}};

std::string generic_units(const Dimension& d, std::string_view sep, std::string_view caret) {
  if (d.dimensionless()) return "1";
  std::string s;
  for (const auto& [i, sym] : kBaseOrder) {
    if (d.exp[i] == 0) continue;
    if (!s.empty()) s += sep;
    // "m3(n)" already ends in a digit-ish suffix; UDUNITS has no such unit anyway.
    s += unit_power(sym, d.exp[i], i == 5 ? "^" : caret);
  }
  return s;
}

}  // namespace

// ---- Dimension ----------------------------------------------------------------------

Dimension Dimension::operator*(const Dimension& o) const {
  Dimension r;
  for (std::size_t i = 0; i < exp.size(); ++i)
    r.exp[i] = static_cast<std::int8_t>(exp[i] + o.exp[i]);
  return r;
}

Dimension Dimension::operator/(const Dimension& o) const {
  Dimension r;
  for (std::size_t i = 0; i < exp.size(); ++i)
    r.exp[i] = static_cast<std::int8_t>(exp[i] - o.exp[i]);
  return r;
}

Dimension Dimension::pow(int n) const {
  Dimension r;
  for (std::size_t i = 0; i < exp.size(); ++i) r.exp[i] = static_cast<std::int8_t>(exp[i] * n);
  return r;
}

std::string Dimension::to_string() const {
  return generic_units(*this, "·", "^");
}

namespace dim {
const Dimension none{};
const Dimension length{{1, 0, 0, 0, 0, 0}};
const Dimension area{{2, 0, 0, 0, 0, 0}};
const Dimension volume{{3, 0, 0, 0, 0, 0}};
const Dimension mass{{0, 1, 0, 0, 0, 0}};
const Dimension time{{0, 0, 1, 0, 0, 0}};
const Dimension temperature{{0, 0, 0, 1, 0, 0}};
const Dimension velocity{{1, 0, -1, 0, 0, 0}};
const Dimension pressure{{-1, 1, -2, 0, 0, 0}};
const Dimension mass_flow{{0, 1, -1, 0, 0, 0}};
const Dimension volume_flow{{3, 0, -1, 0, 0, 0}};
const Dimension std_volume{{0, 0, 0, 0, 0, 1}};
const Dimension std_volume_flow{{0, 0, -1, 0, 0, 1}};
const Dimension density{{-3, 1, 0, 0, 0, 0}};
const Dimension power{{2, 1, -3, 0, 0, 0}};
const Dimension energy{{2, 1, -2, 0, 0, 0}};
const Dimension frequency{{0, 0, -1, 0, 0, 0}};
const Dimension dynamic_viscosity{{-1, 1, -1, 0, 0, 0}};
const Dimension kinematic_viscosity{{2, 0, -1, 0, 0, 0}};
const Dimension acceleration{{1, 0, -2, 0, 0, 0}};
const Dimension specific_energy{{2, 0, -2, 0, 0, 0}};
const Dimension angle{};                               // radians: dimensionless
const Dimension flow_capacitance{{1, 0, 2, 0, 0, 0}};  // kg/Pa
const Dimension flow_conductance{{1, 0, 1, 0, 0, 0}};  // kg/(s·Pa)
}  // namespace dim

namespace {
const Named kNamed[] = {
    {&dim::none, "dimensionless", "1", 1e12},
    {&dim::length, "length", "m", 1e8},
    {&dim::area, "area", "m2", 1e12},
    {&dim::volume, "volume", "m3", 1e15},
    {&dim::mass, "mass", "kg", 1e14},
    {&dim::time, "time", "s", 1e10},
    {&dim::temperature, "temperature", "K", 1e4},
    {&dim::velocity, "velocity", "m s-1", 1e5},
    {&dim::pressure, "pressure", "Pa", 1e9},
    {&dim::mass_flow, "mass flow", "kg s-1", 1e6},
    {&dim::volume_flow, "volume flow", "m3 s-1", 1e4},
    {&dim::std_volume, "standard volume", "m3(n)", 1e15},
    {&dim::std_volume_flow, "standard volume flow", "m3(n) s-1", 1e7},
    {&dim::density, "density", "kg m-3", 1e5},
    {&dim::power, "power", "W", 1e13},
    {&dim::energy, "energy", "J", 1e19},
    {&dim::frequency, "frequency", "Hz", 1e6},
    {&dim::dynamic_viscosity, "dynamic viscosity", "Pa s", 1e6},
    {&dim::kinematic_viscosity, "kinematic viscosity", "m2 s-1", 1e3},
    {&dim::acceleration, "acceleration", "m s-2", 1e4},
    {&dim::specific_energy, "specific energy", "J kg-1", 1e12},
    {&dim::flow_capacitance, "flow capacitance", "kg Pa-1", 1e6},
    {&dim::flow_conductance, "flow conductance", "kg s-1 Pa-1", 1e6},
};

const Named* find_named(const Dimension& d) {
  for (const Named& n : kNamed)
    if (*n.dim == d) return &n;
  return nullptr;
}
}  // namespace

double plausible_limit(const Dimension& d) {
  const Named* n = find_named(d);
  return n ? n->limit : 1e18;
}

std::string dimension_name(const Dimension& d) {
  const Named* n = find_named(d);
  return n ? std::string(n->name) : d.to_string();
}

std::string si_units(const Dimension& d) {
  const Named* n = find_named(d);
  return n ? std::string(n->si) : generic_units(d, " ", "");
}

// ---- Parsing and conversion ---------------------------------------------------------

Quantity parse_quantity(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos == text.size()) throw UnitError("empty quantity", pos);
  const double number = read_number(text, pos);

  std::size_t end = text.size();
  while (end > pos && is_space(text[end - 1])) --end;
  while (pos < end && is_space(text[pos])) ++pos;

  double factor = 1.0;
  std::array<int, 6> exp{};
  const UnitDef* affine = nullptr;
  if (pos < end) affine = UnitParser(text.substr(0, end), pos).parse(factor, exp);

  Quantity q;
  for (std::size_t i = 0; i < exp.size(); ++i) {
    if (exp[i] < -100 || exp[i] > 100) throw UnitError("unit power out of range", pos);
    q.dim.exp[i] = static_cast<std::int8_t>(exp[i]);
  }
  if (!affine) {
    q.value = number * factor;
  } else if (affine->affine == Affine::Celsius) {
    q.value = number + constants::kZeroCelsius;
  } else {
    q.value = (number + 459.67) * affine->factor;
  }
  if (!std::isfinite(q.value)) throw UnitError("quantity out of range", 0);
  return q;
}

double to_si(const Quantity& q, const Dimension& expected, std::optional<double> normal_density) {
  if (q.dim == expected) return q.value;

  const int k = q.dim.exp[5];
  if (k != 0 && expected.exp[5] == 0) {
    Dimension as_mass = q.dim;
    as_mass.exp[5] = 0;
    as_mass.exp[1] = static_cast<std::int8_t>(as_mass.exp[1] + k);
    if (as_mass == expected) {
      if (!normal_density)
        throw UnitError(
            "a " + dimension_name(q.dim) + " (" + si_units(q.dim) + ") needs the gas's " +
                "normal density (gas normal conditions) to become a " + dimension_name(expected),
            0);
      if (!(*normal_density > 0.0) || !std::isfinite(*normal_density))
        throw UnitError("normal density must be positive and finite", 0);
      return q.value * std::pow(*normal_density, k);
    }
  }
  throw UnitError("expected " + dimension_name(expected) + " (e.g. " + si_units(expected) +
                      "), got " + dimension_name(q.dim) + " (" + si_units(q.dim) + ")",
                  0);
}

}  // namespace steppe
