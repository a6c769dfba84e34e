// Time-varying inputs: piecewise-linear or step tables of (time, value), optionally
// repeated daily or weekly. Times are seconds since the study start, values in SI.
//
// A Profile is evaluated inside residual calls, so value() is allocation-free and
// keeps a cursor to the last interval used (amortised O(1) for monotone time).
// breakpoints() lists the times where the profile is not smooth; the engine makes
// them integrator stop times.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace steppe {

enum class Interpolation { Linear, Step };

class Profile {
 public:
  // A constant.
  explicit Profile(double constant = 0.0);
  // `times` strictly increasing (seconds, first may be > 0: the value before it is the
  // first value), `values` the same length, at least one point. `period` > 0 repeats
  // the table with that period (the table must then lie within [0, period)); between
  // the last point and the next period's first point the profile interpolates (Linear)
  // or holds (Step). Throws std::invalid_argument when the table is malformed.
  Profile(std::vector<double> times, std::vector<double> values, Interpolation interp,
          double period = 0.0);

  double value(double t) const;
  // d value / dt (0 for Step, and at/after a breakpoint the right derivative).
  double slope(double t) const;
  // Times in (t0, t1] where the profile has a kink or a jump, in increasing order,
  // appended to `out`.
  void breakpoints(double t0, double t1, std::vector<double>& out) const;
  // The first breakpoint strictly after t, or +infinity.
  double next_breakpoint(double t) const;

  bool is_constant() const { return times_.size() <= 1 && period_ <= 0.0; }
  Interpolation interpolation() const { return interp_; }
  double period() const { return period_; }
  const std::vector<double>& times() const { return times_; }
  const std::vector<double>& values() const { return values_; }

 private:
  std::size_t locate(double tau) const;  // index i with times_[i] <= tau < times_[i+1]
  double local_time(double t) const;     // t folded into one period

  std::vector<double> times_, values_;
  Interpolation interp_ = Interpolation::Linear;
  double period_ = 0.0;
  mutable std::size_t cursor_ = 0;
};

// One row of a CSV file that could not be read.
struct CsvError {
  int line = 0;    // 1-based line in the CSV file
  int column = 0;  // 1-based column (character) in that line
  std::string message;
};

// A CSV table with a header row: column names, then numeric rows (',' separated,
// '#' comments and blank lines ignored, a field may be "quoted" with "" for a quote, a
// UTF-8 byte-order mark before the header is skipped). Numbers only; units are applied
// by the caller.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<double>> columns;  // columns[c][row]
  std::vector<int> lines;                    // 1-based file line of each row
};

// Bounds on what is read: a profile is a table of numbers, not a stream or a data dump.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{32} << 20;  // 32 MiB per file
inline constexpr std::size_t kMaxCsvLineBytes = 8192;
inline constexpr std::size_t kMaxCsvRowErrors = 5;  // then one line says how many more

// Reads `path`: only a regular file (a FIFO, a device or a directory is refused at once,
// without reading), at most kMaxCsvBytes. Every malformed row is appended to `errors` (the
// table keeps the good rows); a file that cannot be opened or is refused gives one error
// with line 0.
CsvTable read_csv(const std::string& path, std::vector<CsvError>& errors);
// The same for the text of such a file (`name` for messages).
CsvTable parse_csv(std::string_view text, const std::string& name, std::vector<CsvError>& errors);

}  // namespace steppe
