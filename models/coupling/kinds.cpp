// The element kinds of the `coupling:` section, in reading order. One row per kind; its
// reader lives beside its model. To add a kind, see models/README.md.
#include "models/coupling/context.hpp"
#include "models/coupling/reader.hpp"

namespace steppe::coupling {

void read_gas_plant(const Reader&, Context&);        // gas_plant.cpp
void read_pump_load(const Reader&, Context&);        // electric_load.cpp
void read_compressor_load(const Reader&, Context&);  // electric_load.cpp

namespace {

const ElementKind<Context> kKinds[] = {
    {"gas_plants", "generator: Almaty TPP-2, gas_node: Almaty, heat_rate: 7.2 MJ/kWh",
     read_gas_plant, "coupling-gas-plants"},
    {"pump_loads", "station: Atasu PS, zone: South", read_pump_load, "coupling-pump-loads"},
    {"compressor_loads", "compressor: Bozoi CS, zone: South", read_compressor_load,
     "coupling-compressor-loads"},
};

}  // namespace

std::span<const ElementKind<Context>> kinds() {
  return kKinds;
}

std::vector<KindInfo> kind_list() {
  return kind_infos(kinds());
}

}  // namespace steppe::coupling
