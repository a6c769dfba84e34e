// What a domain reader needs to know about the study as a whole.
#pragma once

namespace steppe {

struct StudyOptions {
  bool steady_start = true;  // the run starts from a steady state (needs references)
  double duration = 0.0;     // s
};

}  // namespace steppe
