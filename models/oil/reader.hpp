#pragma once

#include "solver/engine/system.hpp"
#include "solver/study/study.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::oil {

// Builds the crude-oil line of the study's `oil:` section into `system` (keys in
// inputs/README.md, section `oil`).
void read_line(const Reader& section, System& system, const StudyOptions& options);

// Its element kinds (list key and documentation anchor), in reading order.
std::vector<KindInfo> kind_list();

}  // namespace steppe::oil
