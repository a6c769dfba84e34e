// The constraint monitor: every limit the elements declare (OutputPlan::limit — a gas
// node's MAOP and minimum pressure, a tie's transfer limits, a generator's set point
// against its capacity, a zone's frequency band and AGC range, line-pack bounds, …) is
// checked at every output sample. A limit is violated at a sample when its quantity lies
// beyond it by more than 1 ppm of the limit (a value held at its limit by a mode is not a
// violation). Per violated limit it keeps the first time, the time in violation, the worst
// value and when, and the number of episodes; the results file gets them as the table
// /constraints when the run closes, and `steppe run` prints a summary.
//
// Resolution: the output interval. A violation that starts and ends between two samples
// is not seen; first times are the first violating sample (up to one interval after the
// crossing, which the limit events of the elements that have them record exactly); a
// duration counts from the first violating sample of an episode to the first sample back
// within the limit (or the end of the run); the worst value is the worst sampled one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "solver/io/results_file.hpp"
#include "solver/run/observers.hpp"

namespace steppe {

struct Violation {
  std::string group, element, quantity, limit, units;
  Bound bound = Bound::Upper;
  double limit_value = 0.0;
  double first_time = 0.0;   // s since start: the first violating sample
  double duration = 0.0;     // s in violation (sampled)
  double worst_value = 0.0;  // the sampled value furthest beyond the limit
  double worst_time = 0.0;
  std::int64_t episodes = 0, samples = 0;
};

class ConstraintMonitor : public RunObserver {
 public:
  // Watches the limits of `layout`. When a run continues from a checkpoint, the samples
  // it had written are read back from `replay_path` (its first `replay_rows` rows), so
  // the report is the one an uninterrupted run gives. Throws std::runtime_error when that
  // file cannot be read. `writer` (may be null) gets the table when the run finishes.
  ConstraintMonitor(const ResultsLayout& layout, ResultsWriter* writer,
                    const std::string& replay_path = "", std::int64_t replay_rows = 0);

  void set_writer(ResultsWriter* writer) { writer_ = writer; }
  void sample(Run& run) override;
  void finished(Run& run, const RunEnd& end) override;

  std::size_t monitored() const { return limits_.size(); }
  // The violated limits, in layout order (valid after finished()).
  std::vector<Violation> violations() const;
  // The /constraints table of those.
  Table table(const std::string& time_units) const;

 private:
  struct Track {
    bool active = false;  // in violation at the last sample
    double since = 0.0;   // start of the current episode
    Violation v;
  };
  void observe(double t, std::size_t limit, double value);
  void close_episodes(double t);
  ResultsWriter* writer_;
  std::vector<ResultsLayout::Limit> limits_;
  std::vector<Track> tracks_;
  double last_t_ = 0.0;
  bool closed_ = false;
};

// A few lines for the terminal: each violation with its first time, duration and worst
// value (pressures also in bar, powers in MW), times as UTC dates from `start_iso`
// ("YYYY-MM-DD HH:MM:SS"). "" when nothing was violated.
std::string violations_summary(const std::vector<Violation>& violations, std::size_t monitored,
                               const std::string& start_iso, double output_interval);

}  // namespace steppe
