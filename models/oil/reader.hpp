#pragma once

#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"
#include "solver/engine/system.hpp"

namespace steppe::oil {

// Builds the crude-oil line of the study's `oil:` section into `system` (keys in
// inputs/README.md, section `oil`).
void read_line(const Reader& section, System& system, const StudyOptions& options);

}  // namespace steppe::oil
