#include "solver/app/import/gaslib_xml.hpp"

#include <cmath>
#include <cstdlib>

#include "solver/study/constants.hpp"
#include "solver/study/units.hpp"

namespace steppe::gas::gaslib_xml {

namespace {

constexpr double kAtm = constants::kStandardAtmosphere;  // Pa: barg → bar(a)

struct Unit {
  const char* name;
  Kind kind;
  double factor;  // to SI: value·factor + offset
  double offset;
};

// SI: m, Pa, m³(n)/s, K, kg/m³, g/mol (as the study's molar_mass), J/m³(n), rpm (the
// importer's speed unit), J/kg, m³/s.
constexpr Unit kUnits[] = {
    {"m", Kind::Length, 1.0, 0.0},
    {"meter", Kind::Length, 1.0, 0.0},
    {"km", Kind::Length, 1000.0, 0.0},
    {"cm", Kind::Length, 0.01, 0.0},
    {"mm", Kind::Length, 0.001, 0.0},
    {"bar", Kind::Pressure, 1e5, 0.0},
    {"barg", Kind::Pressure, 1e5, kAtm},
    {"mbar", Kind::Pressure, 100.0, 0.0},
    {"Pa", Kind::Pressure, 1.0, 0.0},
    {"kPa", Kind::Pressure, 1e3, 0.0},
    {"MPa", Kind::Pressure, 1e6, 0.0},
    {"1000m_cube_per_hour", Kind::Flow, 1000.0 / 3600.0, 0.0},
    {"m_cube_per_hour", Kind::Flow, 1.0 / 3600.0, 0.0},
    {"m_cube_per_second", Kind::Flow, 1.0, 0.0},
    {"Celsius", Kind::Temperature, 1.0, constants::kZeroCelsius},
    {"K", Kind::Temperature, 1.0, 0.0},
    {"Kelvin", Kind::Temperature, 1.0, 0.0},
    {"kg_per_m_cube", Kind::Density, 1.0, 0.0},
    {"kg_per_kmol", Kind::MolarMass, 1.0, 0.0},
    {"g_per_mol", Kind::MolarMass, 1.0, 0.0},
    {"MJ_per_m_cube", Kind::Calorific, 1e6, 0.0},
    {"kJ_per_m_cube", Kind::Calorific, 1e3, 0.0},
    {"kWh_per_m_cube", Kind::Calorific, 3.6e6, 0.0},
    {"per_min", Kind::Speed, 1.0, 0.0},
    {"per_second", Kind::Speed, 60.0, 0.0},
    {"kJ_per_kg", Kind::Head, 1e3, 0.0},
    {"J_per_kg", Kind::Head, 1.0, 0.0},
    {"m_cube_per_s", Kind::VolumeFlow, 1.0, 0.0},
    {"m_cube_per_second", Kind::VolumeFlow, 1.0, 0.0},
    {"m_cube_per_hour", Kind::VolumeFlow, 1.0 / 3600.0, 0.0},
};

// The study dimension a kind's SI value is checked against (its plausible range).
const Dimension& dimension(Kind k) {
  switch (k) {
    case Kind::Length:
      return dim::length;
    case Kind::Pressure:
      return dim::pressure;
    case Kind::Flow:
      return dim::std_volume_flow;
    case Kind::Temperature:
      return dim::temperature;
    case Kind::Density:
      return dim::density;
    case Kind::Speed:
      return dim::frequency;
    case Kind::Head:
      return dim::specific_energy;
    case Kind::VolumeFlow:
      return dim::volume_flow;
    case Kind::MolarMass:
    case Kind::Calorific:
    case Kind::None:
      break;
  }
  return dim::none;
}

const char* default_unit(Kind k) {
  switch (k) {
    case Kind::Length:
      return "m";
    case Kind::Pressure:
      return "bar";
    case Kind::Flow:
      return "1000m_cube_per_hour";
    case Kind::Temperature:
      return "K";
    case Kind::Density:
      return "kg_per_m_cube";
    case Kind::MolarMass:
      return "kg_per_kmol";
    case Kind::Calorific:
      return "MJ_per_m_cube";
    case Kind::Speed:
      return "per_min";
    case Kind::Head:
      return "kJ_per_kg";
    case Kind::VolumeFlow:
      return "m_cube_per_s";
    case Kind::None:
      break;
  }
  return "";
}

}  // namespace

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view s = n.name();
  const auto colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  return {};
}

std::string XmlReader::where(const Doc& d, const pugi::xml_node& n) const {
  // pugixml points at an element's name: step back to its '<'.
  std::ptrdiff_t at = n ? n.offset_debug() : 0;
  if (at > 0 && static_cast<std::size_t>(at) <= d.in->text.size() &&
      d.in->text[std::size_t(at - 1)] == '<')
    --at;
  const auto [line, col] = line_column(d.in->text, at);
  return fmt::format("{}:{}:{}", d.in->path, line, col);
}

bool XmlReader::parse(Doc& d, const GaslibText& in, const char* root) {
  d.in = &in;
  const pugi::xml_parse_result r = d.xml.load_buffer(in.text.data(), in.text.size());
  if (!r) {
    const auto [line, col] = line_column(in.text, r.offset);
    errors.push_back(
        fmt::format("{}:{}:{}: error: malformed XML: {}", in.path, line, col, r.description()));
    return false;
  }
  pugi::xml_node top = d.xml.document_element();
  if (local_name(top) != root) {
    error(d, top,
          fmt::format("expected a GasLib <{}> document, found <{}>", root, top ? top.name() : ""));
    return false;
  }
  d.ok = true;
  return true;
}

std::optional<double> XmlReader::number(const Doc& d, const pugi::xml_node& el, const char* attr) {
  const pugi::xml_attribute a = el.attribute(attr);
  if (!a) {
    error(d, el, fmt::format("<{}> has no '{}' attribute", el.name(), attr));
    return std::nullopt;
  }
  const char* s = a.value();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (end == s || !end || *end != '\0' || !std::isfinite(v)) {
    error(d, el, fmt::format("<{}> {}=\"{}\" is not a number", el.name(), attr, s));
    return std::nullopt;
  }
  return v;
}

std::optional<double> XmlReader::value_of(const Doc& d, const pugi::xml_node& el, Kind kind) {
  const std::optional<double> v = number(d, el, "value");
  if (!v || kind == Kind::None) return v;
  std::string unit = el.attribute("unit").value();
  if (unit.empty()) {
    unit = default_unit(kind);
    ++unitless[fmt::format("<{}> in <{}>: read in {}", local_name(el), el.parent().name(), unit)];
  }
  for (const Unit& u : kUnits)
    if (u.kind == kind && unit == u.name) {
      // Only what a network can hold: the study's plausible ranges (solver/study/units.hpp).
      const double si = *v * u.factor + u.offset;
      if (kind == Kind::Temperature && si < 0) {
        error(d, el, fmt::format("<{}> {} {} is below absolute zero", local_name(el), *v, unit));
        return std::nullopt;
      }
      const Dimension& dim = dimension(kind);
      const double si_value = kind == Kind::Speed ? si / 60.0 : si;  // rpm → rev/s
      if (!(std::abs(si_value) <= plausible_limit(dim))) {
        error(d, el,
              fmt::format("<{}> {} {} is beyond any plausible value (the magnitude must not "
                          "exceed {:g} {})",
                          local_name(el), *v, unit, plausible_limit(dim), si_units(dim)));
        return std::nullopt;
      }
      return si;
    }
  std::string known;
  for (const Unit& u : kUnits)
    if (u.kind == kind) known += std::string(known.empty() ? "" : ", ") + u.name;
  error(
      d, el,
      fmt::format("<{}>: unit \"{}\" is not known here (known: {})", local_name(el), unit, known));
  return std::nullopt;
}

std::optional<double> XmlReader::quantity(const Doc& d, const pugi::xml_node& parent,
                                          const char* name, Kind kind, bool required) {
  const pugi::xml_node el = child(parent, name);
  if (!el) {
    if (required)
      error(d, parent,
            fmt::format("<{} id=\"{}\"> has no <{}>", parent.name(), parent.attribute("id").value(),
                        name));
    return std::nullopt;
  }
  return value_of(d, el, kind);
}

}  // namespace steppe::gas::gaslib_xml
