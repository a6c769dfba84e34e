// Constants shared by the crude-oil elements (models/oil).
#include "solver/study/constants.hpp"
#pragma once

namespace steppe::oil {

using constants::kGravity;
inline constexpr double kAtmosphere = constants::kStandardAtmosphere;

}  // namespace steppe::oil
