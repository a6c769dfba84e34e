// The results-format document (`steppe schema`, docs/results-format.md): the layout every
// results file shares, and per group the datasets the element kinds declare — generated
// from a study's output declarations (ResultsLayout), so it cannot drift from the code.
#pragma once

#include <string>

#include "solver/engine/outputs.hpp"

namespace steppe {

// Markdown: the fixed parts of the format (root attributes, /time, /events, /constraints,
// how a group is laid out), then one section per group of `layout` — its element
// dimension and kinds, every series (shape, units, meaning, flag meanings, companions),
// every static dataset (units or the group it names elements of) and every monitored
// limit. Profile groups appear once per kind of group, their last path component shown
// as <pipe>. `source` names the study the layout came from.
std::string results_format_document(const ResultsLayout& layout, const std::string& source);

}  // namespace steppe
