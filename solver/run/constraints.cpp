#include "solver/run/constraints.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <cmath>
#include <ctime>
#include <stdexcept>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace {

// Beyond its limit by more than 1 ppm of it (a value a mode holds at the limit is within).
bool beyond(Bound bound, double value, double limit) {
  const double tol = 1e-6 * std::max(std::abs(limit), 1e-300);
  return bound == Bound::Upper ? value > limit + tol : value < limit - tol;
}

bool worse(Bound bound, double a, double b) {
  return bound == Bound::Upper ? a > b : a < b;
}

}  // namespace

ConstraintMonitor::ConstraintMonitor(const ResultsLayout& layout, ResultsWriter* writer,
                                     const std::string& replay_path, std::int64_t replay_rows)
    : writer_(writer), limits_(layout.limits()) {
  tracks_.resize(limits_.size());
  for (std::size_t k = 0; k < limits_.size(); ++k) {
    const ResultsLayout::Limit& l = limits_[k];
    const ResultsLayout::Series& s = layout.series()[static_cast<std::size_t>(l.series)];
    const ResultsLayout::Group& g = layout.groups()[static_cast<std::size_t>(s.group)];
    Violation& v = tracks_[k].v;
    v.group = g.path;
    v.element = g.names.at(l.element);
    v.quantity = s.name;
    v.limit = l.name;
    v.units = s.units;
    v.bound = l.bound;
    v.limit_value = l.value;
  }
  if (replay_rows <= 0 || limits_.empty()) return;

  // The samples the run had written, read back from its results file.
  quiet_hdf5();
  hid_t id = H5Fopen(replay_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    id = H5Fopen(replay_path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  }
  FileH f(check(id, replay_path, "reading the samples written before the checkpoint"));
  const auto rows = static_cast<hsize_t>(replay_rows);
  DatasetH tds(check(H5Dopen2(f.get(), "time", H5P_DEFAULT), replay_path, "opening /time"));
  const auto t = read_doubles(tds.get(), rows);
  if (!t) fail(replay_path, "reading /time");
  std::vector<std::vector<double>> columns(limits_.size());
  for (std::size_t k = 0; k < limits_.size(); ++k) {
    const std::string ds_path = tracks_[k].v.group + "/" + tracks_[k].v.quantity;
    DatasetH ds(
        check(H5Dopen2(f.get(), ds_path.c_str(), H5P_DEFAULT), replay_path, "opening " + ds_path));
    auto col = read_column(ds.get(), rows, static_cast<hsize_t>(limits_[k].element));
    if (!col) fail(replay_path, "reading " + ds_path);
    columns[k] = std::move(*col);
  }
  for (hsize_t r = 0; r < rows; ++r) {
    for (std::size_t k = 0; k < limits_.size(); ++k) observe((*t)[r], k, columns[k][r]);
    last_t_ = (*t)[r];
  }
}

void ConstraintMonitor::observe(double t, std::size_t k, double value) {
  Track& tr = tracks_[k];
  const ResultsLayout::Limit& l = limits_[k];
  if (std::isnan(value)) return;
  if (beyond(l.bound, value, l.value)) {
    if (!tr.active) {
      if (tr.v.episodes == 0) {
        tr.v.first_time = t;
        tr.v.worst_value = value;
        tr.v.worst_time = t;
      }
      tr.active = true;
      tr.since = t;
      ++tr.v.episodes;
    }
    ++tr.v.samples;
    if (worse(l.bound, value, tr.v.worst_value)) {
      tr.v.worst_value = value;
      tr.v.worst_time = t;
    }
  } else if (tr.active) {
    tr.v.duration += t - tr.since;
    tr.active = false;
  }
}

void ConstraintMonitor::sample(Run& run) {
  if (limits_.empty()) return;
  const std::vector<double>& frame = run.frame();
  const double t = run.t();
  for (std::size_t k = 0; k < limits_.size(); ++k)
    observe(t, k, frame[static_cast<std::size_t>(limits_[k].column)]);
  last_t_ = t;
}

void ConstraintMonitor::close_episodes(double t) {
  if (closed_) return;
  closed_ = true;
  for (Track& tr : tracks_)
    if (tr.active) {
      tr.v.duration += t - tr.since;
      tr.active = false;
    }
}

void ConstraintMonitor::finished(Run& run, const RunEnd&) {
  close_episodes(last_t_);
  if (writer_) {
    const std::string units = "seconds since " + run.study().settings.start_iso;
    writer_->add_table(table(units));
  }
}

std::vector<Violation> ConstraintMonitor::violations() const {
  std::vector<Violation> out;
  for (const Track& tr : tracks_)
    if (tr.v.episodes > 0) out.push_back(tr.v);
  return out;
}

Table ConstraintMonitor::table(const std::string& time_units) const {
  const std::vector<Violation> vs = violations();
  Table t;
  t.name = "constraints";
  t.dimension = "constraint";
  t.long_name = fmt::format(
      "monitored limits that were violated ({} monitored), checked at every output sample",
      limits_.size());
  t.rows = vs.size();
  auto text = [&](const char* name, const char* long_name, auto get) {
    TableColumn c;
    c.name = name;
    c.long_name = long_name;
    c.text = true;
    for (const Violation& v : vs) c.texts.push_back(get(v));
    t.columns.push_back(std::move(c));
  };
  auto number = [&](const char* name, const std::string& units, const char* long_name, auto get) {
    TableColumn c;
    c.name = name;
    c.units = units;
    c.long_name = long_name;
    for (const Violation& v : vs) c.numbers.push_back(get(v));
    t.columns.push_back(std::move(c));
  };
  text("group", "the element's group (its kind)", [](const Violation& v) { return v.group; });
  text("element", "element name", [](const Violation& v) { return v.element; });
  text("quantity", "the monitored dataset of the group",
       [](const Violation& v) { return v.quantity; });
  text("limit", "the limit's name (static data of the group)",
       [](const Violation& v) { return v.limit; });
  text("bound", "upper: must stay at or below; lower: at or above",
       [](const Violation& v) { return std::string(v.bound == Bound::Upper ? "upper" : "lower"); });
  text("units", "units of limit_value and worst_value", [](const Violation& v) { return v.units; });
  number("limit_value", "", "the limit, in the row's units",
         [](const Violation& v) { return v.limit_value; });
  number("first_time", time_units, "the first sample beyond the limit",
         [](const Violation& v) { return v.first_time; });
  number("duration", "s",
         "time beyond the limit (from each episode's first violating sample "
         "to the first sample back within it)",
         [](const Violation& v) { return v.duration; });
  number("worst_value", "", "the sampled value furthest beyond the limit, in the row's units",
         [](const Violation& v) { return v.worst_value; });
  number("worst_time", time_units, "when the worst value was sampled",
         [](const Violation& v) { return v.worst_time; });
  number("episodes", "1", "separate times the limit was violated",
         [](const Violation& v) { return static_cast<double>(v.episodes); });
  number("samples", "1", "output samples beyond the limit",
         [](const Violation& v) { return static_cast<double>(v.samples); });
  return t;
}

namespace {

std::string utc(const std::string& start_iso, double seconds) {
  std::tm tm{};
  if (std::sscanf(start_iso.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return fmt::format("t = {:g} s", seconds);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm) + static_cast<std::time_t>(std::floor(seconds));
  std::tm out{};
  gmtime_r(&t, &out);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", out.tm_year + 1900, out.tm_mon + 1,
                     out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec);
}

std::string human(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  if (s < 3 * 86400) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

// A value with its units, pressures also in bar and powers in MW.
std::string with_units(double v, const std::string& units) {
  if (units == "Pa") return fmt::format("{:.4g} bar", v / 1e5);
  if (units == "W") return fmt::format("{:.4g} MW", v / 1e6);
  if (units == "1" || units.empty()) return fmt::format("{:.4g}", v);
  return fmt::format("{:.4g} {}", v, units);
}

}  // namespace

std::string violations_summary(const std::vector<Violation>& violations, std::size_t monitored,
                               const std::string& start_iso, double output_interval) {
  if (violations.empty()) return "";
  std::string out =
      fmt::format("{} of {} monitored limits violated (checked every {}; /constraints):\n",
                  violations.size(), monitored, human(output_interval));
  for (const Violation& v : violations)
    out += fmt::format("  {} {}: {} {} {} {}: from {} UTC for {}{}, worst {} at {}\n", v.group,
                       v.element, v.quantity, v.bound == Bound::Upper ? "above" : "below", v.limit,
                       with_units(v.limit_value, v.units), utc(start_iso, v.first_time),
                       human(v.duration),
                       v.episodes > 1 ? fmt::format(" in {} episodes", v.episodes) : "",
                       with_units(v.worst_value, v.units), utc(start_iso, v.worst_time));
  return out;
}

}  // namespace steppe
