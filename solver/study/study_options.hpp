// What a domain reader needs to know about the study as a whole.
#pragma once

#include <string>

namespace steppe {

struct StudyOptions {
  bool steady_start = true;  // the run starts from a steady state (needs references)
  double duration = 0.0;     // s
  std::string start_iso;     // "YYYY-MM-DD HH:MM:SS" UTC: calendar time of t = 0
};

}  // namespace steppe
