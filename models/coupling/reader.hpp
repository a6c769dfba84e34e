// The study's `coupling:` section: links between elements of the other domains, read
// after them (models/domains.cpp lists it last).
//
//   coupling:
//     gas_plants:       [{generator, gas_node, heat_rate, lhv, min_supply_pressure,
//                         on_low_pressure: derate | trip, derate_to, recovery_band, name}]
//     pump_loads:       [{station, zone, name}]        oil pump station → zone load
//     compressor_loads: [{compressor, zone, name}]     electric-drive gas compressor → load
#pragma once

#include "solver/study/study.hpp"

namespace steppe::coupling {

void read_links(const Reader& section, System& system, const StudyOptions& options);

// Its element kinds (list key and documentation anchor), in reading order.
std::vector<KindInfo> kind_list();

}  // namespace steppe::coupling
