#pragma once

#include "solver/engine/system.hpp"
#include "solver/study/study.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::power {

// Builds the power system of the study's `power:` section into `system`
// (keys: inputs/README.md, section `power`).
void read_system(const Reader& section, System& system, const StudyOptions& options);

// Its element kinds (list key and documentation anchor), in reading order.
std::vector<KindInfo> kind_list();

}  // namespace steppe::power
