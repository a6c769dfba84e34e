// A study: the YAML file an engineer writes, read into settings and an assembled System.
//
//   study:   name, start (ISO 8601), duration, output_interval, output, flush_every,
//            compression
//   solver:  rtol, atol, max_step, initial_step, max_order, max_steps, linear_solver,
//            initial (steady | given)
//   normal_conditions: temperature, pressure, density (of the gas at them: lets standard
//            volumes such as "10 bcm/yr" stand for mass flows)
//   <domain>: one section per physics domain (see models/domains.cpp)
//   sweep:   a scenario ensemble (solver/batch/sweep.hpp); a plain load ignores it
//
// Every error in the file is collected; load_study throws InputError with all of them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "solver/engine/integrator.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe {

// An element kind of a domain, as `steppe check` and the documentation test see it.
struct KindInfo {
  const char* list;  // the section's key, e.g. "storages"
  const char* docs;  // the heading anchor in inputs/README.md, e.g. "gas-storages"
};

struct Domain {
  const char* key;  // the study's top-level key, e.g. "lumped"
  void (*read)(const Reader& section, System& system, const StudyOptions& options);
  std::vector<KindInfo> (*kinds)();  // its registered element kinds, in reading order
};

struct StudySettings {
  std::string name;
  std::string start_iso;         // "YYYY-MM-DD HH:MM:SS", UTC
  double duration = 0.0;         // s
  double output_interval = 0.0;  // s
  std::string output;            // results path ("" = outputs/<study file stem>.h5)
  int flush_every = 0;           // samples between flushes; 0: a chunk's worth or 10 s
  int compression = 1;           // deflate level of the results file (0: none)
  SolverOptions solver;
};

struct Study {
  std::string path;         // the study file
  std::string text_as_run;  // the YAML after --set overrides
  StudySettings settings;
  System system;  // assembled
};

// Reads and assembles a study. `overrides` are "key.path=value" strings (--set).
// Throws InputError listing every problem found.
std::unique_ptr<Study> load_study(const std::string& path,
                                  const std::vector<std::string>& overrides,
                                  std::span<const Domain> domains);
// The same from text (tests); `path` labels messages and anchors relative CSV paths.
std::unique_ptr<Study> load_study_text(const std::string& text, const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       std::span<const Domain> domains);

// An override with the place it came from: the internal form of --set and of a sweep
// scenario's values. Errors at or below its key path are reported at `where`.
struct Override {
  std::string assignment;  // "key.path=value"
  Location where;          // origin "command line (--set …)", or a value in the sweep block
  Location path_where;     // where a key path that leads nowhere is reported (unset: `where`)
};
// A --set override: where.origin = "command line (--set key.path=value)".
Override command_line_override(const std::string& assignment);

// load_study_text with located overrides, applied in order (a later one wins on the same
// key). An override that cannot be applied (no such item) is an error at its path_where
// (or where), keyed by its path as written, except for command-line ones (origin
// "command line", no key path, as before). `drop_sweep` removes the top-level `sweep`
// section from the study and from text_as_run (a sweep scenario as a plain study).
std::unique_ptr<Study> load_study_with(const std::string& text, const std::string& path,
                                       const std::vector<Override>& overrides,
                                       std::span<const Domain> domains, bool drop_sweep = false);

// Parses a study's text into `doc`: text nested deeper than kMaxYamlDepth and YAML syntax
// errors are reported into `diag` at their place (false returned).
bool parse_study_yaml(const std::string& text, const std::shared_ptr<const SourceText>& source,
                      Diagnostics& diag, YAML::Node& doc);

// Output samples of a run (at 0, every interval, and the end), and the most a study may
// ask for.
double output_samples(double duration, double output_interval);
inline constexpr std::int64_t kMaxOutputSamples = 100'000'000;

// What `steppe check` prints: the study's size, a table of its element kinds (elements,
// unknowns, differential and algebraic, Jacobian non-zeros) and its output samples.
std::string describe_study(const Study& study);

// The largest study file read (a study is a few hundred kB at most; the rest is in CSVs).
inline constexpr std::size_t kMaxStudyBytes = std::size_t{16} << 20;
// The text of a study file; InputError ("cannot open the study file: why") if it is not
// a regular file, cannot be read or is larger than kMaxStudyBytes.
std::string read_study_file(const std::string& path);

// "2024-01-01T06:00:00+06:00" → "2024-01-01 00:00:00" (UTC); empty on a malformed date.
std::string normalise_iso8601(const std::string& text);

}  // namespace steppe
