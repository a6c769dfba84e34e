// GasLib compressor-station data (.cs): each station's turbo compressors on their maps, their
// drives and the configuration of units, into the imported network's compressor stations.
//
//   turboCompressor   speedMin/Max (rpm); the characteristic diagram: measured points
//                     (characteristicDiagramMeasurements: points of equal adiabatic
//                     efficiency at each speed, the last one the choke line; and the surge
//                     line's points), grouped into speed lines from the surge point on, and
//                     the equal-efficiency contours as islands; without measurements, GasLib's
//                     fitted polynomials sampled: head H [kJ/kg] = Σ n_isoline_coeff_{3i+j+1}·
//                     Q^i·n^j and η = Σ eta_ad_isoline_coeff_{3i+j+1}·Q^i·n^j (Q m³/s, n rpm)
//                     on 5 speeds from speedMin to speedMax, 7 points each from the surge line
//                     H = Σ surgeline_coeff_{k+1}·Q^k to the choke line
//   gasTurbine        energy rate E [kW] = Σ energy_rate_fun_coeff_{k+1}·P^k (P in kW) →
//                     fuel_power; maximal power P_max [kW] = Σ power_fun_coeff_{3i+j+1}·T^i·n^j
//                     (T the ambient temperature in °C, n in rpm) sampled on 3 speeds × 3
//                     temperatures (−10, 15, 40 °C) → max_power
//   electricMotor     drive: electric
//   configuration     the single-stage configuration with the most parallel units; serial
//                     stages and piston compressors are not modelled (the station then stays a
//                     gas.compressors station, with a note)
// Each map is fitted and checked as the study would (models/gas/compressor_map.hpp): a fault
// is an error at its <turboCompressor>.
#pragma once

#include "solver/app/import/gas_network.hpp"
#include "solver/app/import/gaslib_xml.hpp"

namespace steppe::gas {

// Reads the .cs into the stations of `net` (maps only if `maps`; drive kinds always).
void read_compressor_data(gaslib_xml::XmlReader& x, const gaslib_xml::Doc& cs,
                          imported::Network& net, bool maps);

}  // namespace steppe::gas
