// A scenario ensemble: the top-level `sweep:` section of a study.
//
//   sweep:
//     scenarios: [{name: base}, {name: trip, set: {key.path: value, …}}]   named override sets
//     grid: {key.path: [v1, v2, …], …}                Cartesian product over value lists
//     samples: {count: 20, seed: 42, vary: {key.path: {distribution: normal, mean: 1,
//               std: 0.05}, …}}                       seeded random samples
//     outputs: [gas/nodes/pressure, …]                datasets stacked in the ensemble index
//
// The scenarios are scenarios × grid points × samples (an absent part counts as one empty
// item), scenarios outermost, samples innermost, the first grid key varying slowest. Each
// is the base study (after --set) plus its overrides, applied in the order scenario `set`,
// grid values, sample values, with the semantics of --set (solver/study/study_reader.hpp).
//
// Every scenario is validated by loading it: an error caused by one of its overrides is
// reported at that value in the sweep block, with the study key path it targets and the
// scenario's name; identical errors of several scenarios are reported once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "solver/study/diagnostics.hpp"
#include "solver/study/study.hpp"

namespace steppe {

struct Scenario {
  int index = 0;                       // 0-based position in the sweep
  std::string name;                    // unique within the sweep
  std::vector<std::string> overrides;  // "key.path=value", in the order applied
  std::vector<Location> where;         // same length: the place in the sweep block of each
};

struct Sweep {
  std::string study_path;
  std::vector<Scenario> scenarios;
  std::vector<std::string> outputs;  // "group/quantity"
};

// Reads the study file, applies `cli_overrides` (--set, applied to the base before the
// sweep's own), reads and expands the sweep block, validates every scenario (loads each)
// and the outputs. Throws InputError with every problem. A study without a sweep block is
// an error at the top of the file ("the study has no 'sweep' section").
Sweep load_sweep(const std::string& path, const std::vector<std::string>& cli_overrides,
                 std::span<const Domain> domains);
// The same from text (tests); `path` labels messages and anchors relative CSV paths.
Sweep load_sweep_text(const std::string& text, const std::string& path,
                      const std::vector<std::string>& cli_overrides,
                      std::span<const Domain> domains);

// Loads one scenario's study: the base with `cli_overrides`, then the scenario's overrides,
// without its sweep section (text_as_run is that study, overrides included). Throws
// InputError, each message naming the scenario.
std::unique_ptr<Study> load_scenario(const std::string& path, const Sweep& sweep, int index,
                                     const std::vector<std::string>& cli_overrides,
                                     std::span<const Domain> domains);
// The same from text (tests).
std::unique_ptr<Study> load_scenario_text(const std::string& text, const std::string& path,
                                          const Sweep& sweep, int index,
                                          const std::vector<std::string>& cli_overrides,
                                          std::span<const Domain> domains);

// "0007_ps2_trip+scale=1.1.h5": the index zero-padded to the width of the scenario count
// (at least 4 digits), the name with every character outside [A-Za-z0-9._=+-] replaced
// by '_'.
std::string scenario_file_name(const Sweep& sweep, int index);

// A distribution of `samples.vary`.
struct Distribution {
  enum class Kind { Uniform, Normal, Weibull };
  Kind kind = Kind::Uniform;
  double a = 0.0;  // uniform: low;  normal: mean; weibull: shape k
  double b = 1.0;  // uniform: high; normal: std;  weibull: scale λ
};

// The numbers of sample `index` for the varied keys `vary`, in order. One
// std::mt19937_64 seeded with std::seed_seq{seed, index} gives uniforms
// u = (x >> 11)·2^-53, drawn in order: one for a uniform (low + (high − low)·u) and a
// Weibull (λ·(−ln(1 − u))^(1/k)), two for a normal (Box–Muller, mean + std·
// √(−2 ln(1 − u1))·cos(2π u2)). Reproducible across machines (no std::*_distribution)
// and independent of the sample count. `seed` is used modulo 2^32.
std::vector<double> draw_sample(std::span<const Distribution> vary, std::uint64_t seed,
                                std::uint64_t index);

}  // namespace steppe
