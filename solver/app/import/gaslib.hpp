// GasLib import: a Steppe study (YAML text) from GasLib XML (gaslib.zib.de; CC BY 3.0,
// Pfetsch et al. (2012), "Validation of Nominations in Gas Network Optimization: Models,
// Methods, and Solutions", ZIB-Report 12-41).
//
//   .net  network: nodes (source, sink, innode: height, pressureMin/Max, gas data at
//         sources) and connections (pipe, shortPipe, valve, controlValve, resistor,
//         compressorStation), every quantity with its `unit` attribute
//   .scn  one nomination: flows at entries and exits (1000 m³/h at normal conditions;
//         ṁ [kg/s] = q · normDensity / 3.6), optional pressure bounds (bar or barg); several
//         nominations make a day-by-day schedule (step profiles, one day each, in order)
//   .cs   compressor-station data (optional): turbo compressors with their characteristic
//         diagrams (measured speed lines and efficiency contours, or GasLib's fitted
//         polynomials sampled), drives (gas turbines: energy rate and maximal power over speed
//         and ambient temperature), configurations (the single-stage one with the most
//         parallel units)
//
// Mapping (each choice is repeated in the generated file's header comment):
//   source, sink, innode      → gas.nodes (height, min/max pressure = .net bounds ∩ .scn
//                               bounds, initial_pressure = the estimated level of its
//                               pressure zone, inside the bounds)
//   largest entry             → gas.supplies (pressure-controlled); other entries →
//                               gas.offtakes with negative mass_flow; exits → gas.offtakes
//   pipe                      → gas.pipes (friction colebrook, roughness in m)
//   shortPipe, valve          → gas.valves kind short_pipe, kind valve (open)
//   controlValve              → gas.valves kind control_valve (set point in its bounds)
//   resistor                  → gas.valves kind resistor (dragFactor, diameter)
//   compressorStation         → gas.compressor_stations (units on their maps) when the .cs
//                               gives its turbo compressors, else gas.compressors (ratio
//                               limit pressureOutMax/pressureInMin); fuelGasVertex → fuel_node;
//                               internalBypassRequired → bypass: two_way
//   gas data of the entries   → gas.fluid (flow-weighted molar mass, temperature and
//                               pseudo-critical data; Papay law), normal_conditions.density,
//                               compressor fuel_lhv
// Pressure zones and the control set points: solver/app/import/gas_network.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/app/import/gas_network.hpp"

namespace steppe::gas {

// One XML document: where it came from (for messages) and its text.
struct GaslibText {
  std::string path;
  std::string text;
};

// Every problem found, each "file:line:column: error: message".
using GaslibError = ImportError;

struct GaslibOptions {
  bool maps = true;  // units on their maps where the .cs gives them
};

// The study text for a network, its nominations (one: a steady nomination; several: a
// day-by-day schedule) and (optionally, may be null) the compressor-station data. Throws
// GaslibError.
std::string gaslib_to_yaml(const GaslibText& net, const std::vector<GaslibText>& scns,
                           const GaslibText* cs = nullptr, const GaslibOptions& options = {});
std::string gaslib_to_yaml(const GaslibText& net, const GaslibText& scn,
                           const GaslibText* cs = nullptr);

// Reads the files and converts them; cs_path may be empty. Throws GaslibError (also for
// files that cannot be read).
std::string import_gaslib(const std::string& net_path, const std::vector<std::string>& scn_paths,
                          const std::string& cs_path = "", const GaslibOptions& options = {});
std::string import_gaslib(const std::string& net_path, const std::string& scn_path,
                          const std::string& cs_path = "");

// Reads a text file (an error message in `errors` if it cannot be read).
GaslibText read_text(const std::string& path, std::vector<std::string>& errors);

// 1-based line and column (in bytes) of a byte offset into text.
std::pair<int, int> line_column(std::string_view text, std::ptrdiff_t offset);

}  // namespace steppe::gas
