// `steppe info`: what a results file holds, for a person at a terminal.
#pragma once

#include <string>

namespace steppe {

// A summary of the results file at `path`: root attributes (status, study, version,
// statistics), time span and sample count, every dataset with its shape and units.
// Opens files left by a killed run too. Throws std::runtime_error if it is unreadable.
std::string describe_results(const std::string& path);

}  // namespace steppe
