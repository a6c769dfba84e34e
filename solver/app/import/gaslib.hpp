// GasLib import: a Steppe study (YAML text) from GasLib XML (gaslib.zib.de; CC BY 3.0,
// Pfetsch et al. (2012), "Validation of Nominations in Gas Network Optimization: Models,
// Methods, and Solutions", ZIB-Report 12-41).
//
//   .net  network: nodes (source, sink, innode: height, pressureMin/Max, gas data at
//         sources) and connections (pipe, shortPipe, valve, controlValve, resistor,
//         compressorStation), every quantity with its `unit` attribute
//   .scn  one nomination: flows at entries and exits (1000 m³/h at normal conditions;
//         ṁ [kg/s] = q · normDensity / 3.6), optional pressure bounds (bar or barg)
//   .cs   compressor-station data (optional): only the drive kinds are used
//
// Mapping (each choice is repeated in the generated file's header comment):
//   source, sink, innode      → gas.nodes (height, min/max pressure = .net bounds ∩ .scn
//                               bounds, initial_pressure = the estimated level of its
//                               pressure zone, inside the bounds)
//   largest entry             → gas.supplies (pressure-controlled at 3/4 of its zone's
//                               common pressure range); other entries → gas.offtakes with
//                               negative mass_flow; exits → gas.offtakes
//   pipe                      → gas.pipes (friction colebrook, roughness in m)
//   shortPipe, valve          → gas.valves kind short_pipe, kind valve (open)
//   controlValve              → gas.valves kind control_valve (set point in its bounds)
//   resistor                  → gas.valves kind resistor (dragFactor, diameter)
//   compressorStation         → gas.compressors: ratio_max = pressureOutMax/pressureInMin;
//                               control discharge where the station sets the level of its
//                               discharge zone, ratio where the zone is set from elsewhere
//   gas data of the entries   → gas.fluid (flow-weighted molar mass and temperature; Papay
//                               law), normal_conditions.density, compressor fuel_lhv
// Pressure zones are the parts joined by pipes, short pipes, valves and resistors; zones
// are linked by compressors and control valves, walked outwards from the supply's zone.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace steppe::gas {

// One XML document: where it came from (for messages) and its text.
struct GaslibText {
  std::string path;
  std::string text;
};

// Every problem found, each "file:line:column: error: message".
class GaslibError : public std::runtime_error {
 public:
  explicit GaslibError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// The study text for a network, a nomination and (optionally, may be null) the
// compressor-station data. Throws GaslibError.
std::string gaslib_to_yaml(const GaslibText& net, const GaslibText& scn,
                           const GaslibText* cs = nullptr);

// Reads the files and converts them; cs_path may be empty. Throws GaslibError (also for
// files that cannot be read).
std::string import_gaslib(const std::string& net_path, const std::string& scn_path,
                          const std::string& cs_path = "");

// 1-based line and column (in bytes) of a byte offset into text.
std::pair<int, int> line_column(std::string_view text, std::ptrdiff_t offset);

}  // namespace steppe::gas
