#pragma once

#include "solver/study/study.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"
#include "solver/engine/system.hpp"

namespace steppe::lumped {

// Builds the lumped network of the study's `lumped:` section into `system`.
void read_network(const Reader& section, System& system, const StudyOptions& options);

// Its element kinds (list key and documentation anchor), in reading order.
std::vector<KindInfo> kind_list();

}  // namespace steppe::lumped
