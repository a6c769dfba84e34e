// The element kinds of the `gas:` section, in reading order (a kind may refer to those
// above it). One row per kind; its reader lives beside its model. To add a kind, see
// models/README.md.
#include "models/gas/context.hpp"
#include "models/gas/reader.hpp"

namespace steppe::gas {

void read_node(const Reader&, Context&);  // node.cpp
void nodes_read(Context&, bool had_errors);
void read_pipe(const Reader&, Context&);                // pipe.cpp
void read_supply(const Reader&, Context&);              // boundary.cpp
void read_offtake(const Reader&, Context&);             // boundary.cpp
void read_compressor(const Reader&, Context&);          // compressor.cpp
void read_valve(const Reader&, Context&);               // valve.cpp
void read_storage(const Reader&, Context&);             // storage.cpp
void read_cooler(const Reader&, Context&);              // cooler.cpp
void read_compressor_station(const Reader&, Context&);  // compressor_station.cpp

namespace {

const ElementKind<Context> kKinds[] = {
    {"nodes", "name: Beineu, initial_pressure: 70 bar", read_node, "gas-nodes", {}, nodes_read},
    {"pipes", "name: P1, from: A, to: B, length: 100 km, diameter: 1067 mm", read_pipe,
     "gas-pipes"},
    {"supplies", "name: Border, node: A, pressure: 75 bar", read_supply, "gas-supplies"},
    {"offtakes", "name: City, node: A, mass_flow: 100 kg/s", read_offtake, "gas-offtakes"},
    {"compressors", "name: CS1, from: A, to: B, control: discharge, set_point: 90 bar",
     read_compressor, "gas-compressors"},
    {"valves", "name: V1, from: A, to: B, kind: valve, open: 1", read_valve, "gas-valves"},
    {"storages", "name: Bozoi UGS, node: Bozoi, working_gas: 4 bcm, ...", read_storage,
     "gas-storages"},
    {"coolers", "name: AC1, from: CS1 out, to: Line, outlet_temperature: 40 degC", read_cooler,
     "gas-coolers"},
    {"compressor_stations",
     "name: CS1, from: A, to: B, set_point: 70 bar, units: [{name: U1, map: {...}}]",
     read_compressor_station, "gas-compressor-stations"},
};

}  // namespace

std::span<const ElementKind<Context>> kinds() {
  return kKinds;
}

std::vector<KindInfo> kind_list() {
  return kind_infos(kinds());
}

}  // namespace steppe::gas
