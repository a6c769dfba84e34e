// `steppe export`: a results file as CSV, for spreadsheets and tools that read no HDF5.
//
// One file per group of [time × element] series, DIR/<group path with '/' as '.'>.csv:
//   time,time_s,<quantity>[<element>] (<units>),…
//   2024-01-15T00:10:00Z,600,6512345.123456789,…
// time is ISO 8601 UTC (fractional seconds when there are any), time_s the seconds since
// the start as stored; every value is written in the shortest form that reads back as the
// same double (std::to_chars), so the CSV round-trips to the HDF5 values exactly; NaN is
// "nan". A profile group's columns are <quantity>[<coordinate value>]. Beside each element
// group with static data, DIR/<group>.elements.csv: one row per element, one column per
// static dataset (<name> (<units>) for numbers). /events and /constraints become
// DIR/events.csv and DIR/constraints.csv (times as ISO 8601 and seconds). Fields with a
// comma, quote or line break are quoted (RFC 4180). Only complete samples (len(/time)) are
// written, so a killed run's file exports too.
#pragma once

#include <string>
#include <vector>

namespace steppe {

struct ExportOptions {
  std::string results;  // the HDF5 results file
  std::string dir;      // where the CSV files go (created if missing)
  // Datasets ("gas/nodes/pressure") or groups ("gas/nodes", "events") to export; empty:
  // everything.
  std::vector<std::string> select;
};

// Writes the CSV files; returns their paths. Throws std::runtime_error naming the file
// and the problem (not a results file, a selection that matches nothing, a write failure).
std::vector<std::string> export_csv(const ExportOptions& options);

}  // namespace steppe
