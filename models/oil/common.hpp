// Constants shared by the crude-oil elements (models/oil).
#pragma once

namespace steppe::oil {

inline constexpr double kGravity = 9.80665;      // m/s²
inline constexpr double kAtmosphere = 101325.0;  // Pa

}  // namespace steppe::oil
