// Reading GasLib XML (gaslib.zib.de): documents, elements by local name, quantities with their
// `unit` attribute converted to SI, every problem located at its element.
#pragma once

#include <fmt/format.h>

#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "solver/app/import/gaslib.hpp"

namespace steppe::gas::gaslib_xml {

enum class Kind {
  Length,
  Pressure,
  Flow,
  Temperature,
  Density,
  MolarMass,
  Calorific,
  Speed,       // rpm
  Head,        // J/kg
  VolumeFlow,  // m³/s (actual, at inlet conditions)
  None
};

struct Doc {
  const GaslibText* in = nullptr;
  pugi::xml_document xml;
  bool ok = false;
};

std::string_view local_name(const pugi::xml_node& n);
// The first child element with local name `name`.
pugi::xml_node child(const pugi::xml_node& parent, std::string_view name);

// Collects located errors and notes while documents are read.
class XmlReader {
 public:
  std::string where(const Doc& d, const pugi::xml_node& n) const;
  void error(const Doc& d, const pugi::xml_node& n, const std::string& msg) {
    errors.push_back(fmt::format("{}: error: {}", where(d, n), msg));
  }
  bool parse(Doc& d, const GaslibText& in, const char* root);
  std::optional<double> number(const Doc& d, const pugi::xml_node& el, const char* attr);
  // The quantity in child element `name` of parent, in SI; nullopt if absent (an error if
  // required) or malformed (an error).
  std::optional<double> quantity(const Doc& d, const pugi::xml_node& parent, const char* name,
                                 Kind kind, bool required = false);
  // The value of element `el` itself (value and unit attributes), in SI.
  std::optional<double> value_of(const Doc& d, const pugi::xml_node& el, Kind kind);

  std::vector<std::string> errors, notes;
  std::map<std::string, int> unitless;  // "what → unit": count
};

}  // namespace steppe::gas::gaslib_xml
