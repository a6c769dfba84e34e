// The physics domains a study may contain, each with the reader of its top-level section.
#pragma once

#include <span>

#include "solver/study/study.hpp"

namespace steppe {

std::span<const Domain> domains();

}  // namespace steppe
