// Physical constants and reference conditions: one definition each, in SI, used by the
// unit parser, the models and the importers alike.
#pragma once

namespace steppe::constants {

inline constexpr double kGravity = 9.80665;              // m/s², standard gravity
inline constexpr double kStandardAtmosphere = 101325.0;  // Pa
inline constexpr double kGasConstant = 8.314462618;      // J/(mol·K), molar gas constant
inline constexpr double kMolarMassAir = 28.9647e-3;      // kg/mol, dry air
inline constexpr double kZeroCelsius = 273.15;           // K

}  // namespace steppe::constants
