// Piecewise-linear / step time tables, optionally periodic, and a small CSV reader.
#include "solver/study/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace steppe {

namespace {

std::string num(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

Profile::Profile(double constant) : times_{0.0}, values_{constant} {}

Profile::Profile(std::vector<double> times, std::vector<double> values, Interpolation interp,
                 double period)
    : times_(std::move(times)), values_(std::move(values)), interp_(interp), period_(period) {
  if (times_.empty()) throw std::invalid_argument("profile: the table has no points");
  if (times_.size() != values_.size())
    throw std::invalid_argument("profile: " + std::to_string(times_.size()) + " times but " +
                                std::to_string(values_.size()) + " values");
  for (std::size_t i = 0; i < times_.size(); ++i) {
    const std::string at = fmt::format("[{}]", i);
    if (!std::isfinite(times_[i]))
      throw std::invalid_argument("profile: time" + at + " is not finite");
    if (!std::isfinite(values_[i]))
      throw std::invalid_argument("profile: value" + at + " is not finite");
    if (i > 0 && !(times_[i] > times_[i - 1]))
      throw std::invalid_argument("profile: time" + at + " = " + num(times_[i]) +
                                  " is not greater than time[" + std::to_string(i - 1) +
                                  "] = " + num(times_[i - 1]) + " (times must increase)");
  }
  if (!std::isfinite(period_) || period_ < 0.0)
    throw std::invalid_argument("profile: period " + num(period_) +
                                " must be finite and >= 0 (0: not periodic)");
  if (period_ > 0.0) {
    if (times_.front() < 0.0)
      throw std::invalid_argument("profile: time[0] = " + num(times_.front()) +
                                  " is before 0; a periodic table lies within [0, period)");
    if (!(times_.back() < period_))
      throw std::invalid_argument("profile: time[" + std::to_string(times_.size() - 1) +
                                  "] = " + num(times_.back()) + " is not before the period " +
                                  num(period_) + "; a periodic table lies within [0, period)");
  }
}

double Profile::local_time(double t) const {
  if (period_ <= 0.0) return t;
  double tau = std::fmod(t, period_);
  if (tau < 0.0) tau += period_;
  if (tau >= period_) tau = 0.0;  // rounding of a tiny negative tau
  return tau;
}

std::size_t Profile::locate(double tau) const {
  const std::size_t last = times_.size() - 2;  // last interval index
  std::size_t c = std::min(cursor_, last);
  if (times_[c] <= tau && tau < times_[c + 1]) return c;
  if (c < last && times_[c + 1] <= tau && tau < times_[c + 2]) return cursor_ = c + 1;
  const auto it = std::upper_bound(times_.begin(), times_.end(), tau);
  const std::size_t i =
      it == times_.begin() ? 0 : static_cast<std::size_t>(it - times_.begin()) - 1;
  return cursor_ = std::min(i, last);
}

double Profile::value(double t) const {
  const std::size_t n = times_.size();
  if (n == 1) return values_[0];
  const double tau = local_time(t);
  const double t0 = times_.front(), tn = times_.back();
  const double v0 = values_.front(), vn = values_.back();
  if (tau < t0 || tau >= tn) {
    if (period_ <= 0.0) return tau < t0 ? v0 : vn;
    if (interp_ == Interpolation::Step) return vn;
    // Across the wrap: from (tn, vn) to (t0 + period, v0).
    const double a = tau >= tn ? tau - tn : tau + period_ - tn;
    return vn + (v0 - vn) * a / (t0 + period_ - tn);
  }
  const std::size_t i = locate(tau);
  if (interp_ == Interpolation::Step) return values_[i];
  const double w = (tau - times_[i]) / (times_[i + 1] - times_[i]);
  return values_[i] + w * (values_[i + 1] - values_[i]);
}

double Profile::slope(double t) const {
  const std::size_t n = times_.size();
  if (n == 1 || interp_ == Interpolation::Step) return 0.0;
  const double tau = local_time(t);
  const double t0 = times_.front(), tn = times_.back();
  if (tau < t0 || tau >= tn) {
    if (period_ <= 0.0) return 0.0;
    return (values_.front() - values_.back()) / (t0 + period_ - tn);
  }
  const std::size_t i = locate(tau);
  return (values_[i + 1] - values_[i]) / (times_[i + 1] - times_[i]);
}

void Profile::breakpoints(double t0, double t1, std::vector<double>& out) const {
  const std::size_t n = times_.size();
  if (n <= 1 || !(t1 > t0)) return;
  if (period_ <= 0.0) {
    // Step: the value before the first point is the first value, so no jump there.
    const std::size_t first = interp_ == Interpolation::Step ? 1 : 0;
    for (std::size_t i = first; i < n; ++i)
      if (times_[i] > t0 && times_[i] <= t1) out.push_back(times_[i]);
    return;
  }
  if (!std::isfinite(t0) || !std::isfinite(t1))
    throw std::invalid_argument("profile: breakpoints of a periodic profile need finite bounds");
  // Every table time of every period (the wrap to the first point is a kink or jump too).
  for (double k = std::floor(t0 / period_) - 1.0;; k += 1.0) {
    const double base = k * period_;
    if (base + times_.front() > t1) break;
    for (std::size_t i = 0; i < n; ++i) {
      const double bt = base + times_[i];
      if (bt > t0 && bt <= t1) out.push_back(bt);
    }
  }
}

double Profile::next_breakpoint(double t) const {
  const std::size_t n = times_.size();
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (n <= 1) return inf;
  if (period_ <= 0.0) {
    const std::size_t first = interp_ == Interpolation::Step ? 1 : 0;
    for (std::size_t i = first; i < n; ++i)
      if (times_[i] > t) return times_[i];
    return inf;
  }
  if (!std::isfinite(t)) return inf;
  for (double k = std::floor(t / period_) - 1.0; k <= std::floor(t / period_) + 2.0; k += 1.0)
    for (std::size_t i = 0; i < n; ++i)
      if (k * period_ + times_[i] > t) return k * period_ + times_[i];
  return inf;
}

// ---- CSV ----------------------------------------------------------------------------

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Splits `line` at ',' into trimmed fields with their 0-based start offsets.
void split(std::string_view line, std::vector<std::pair<std::string_view, std::size_t>>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = std::min(line.find(',', start), line.size());
    std::size_t b = start, e = comma;
    while (b < e && is_space(line[b])) ++b;
    while (e > b && is_space(line[e - 1])) --e;
    fields.emplace_back(line.substr(b, e - b), b);
    if (comma == line.size()) break;
    start = comma + 1;
  }
}

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return false;
  }
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

CsvTable read_csv(const std::string& path, std::vector<CsvError>& errors) {
  CsvTable table;
  std::ifstream in(path);
  if (!in) {
    errors.push_back({0, 0, "cannot open '" + path + "'"});
    return table;
  }
  std::string raw;
  std::vector<std::pair<std::string_view, std::size_t>> fields;
  std::vector<double> row;
  int line_no = 0;
  bool have_header = false;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string_view line(raw);
    line = line.substr(0, std::min(line.find('#'), line.size()));
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    split(line, fields);

    if (!have_header) {
      have_header = true;
      for (const auto& [name, col] : fields) {
        if (name.empty())
          errors.push_back({line_no, static_cast<int>(col) + 1, "empty column name"});
        else if (std::find(table.header.begin(), table.header.end(), name) != table.header.end())
          errors.push_back({line_no, static_cast<int>(col) + 1,
                            "duplicate column name '" + std::string(name) + "'"});
        table.header.emplace_back(name);
      }
      table.columns.resize(table.header.size());
      continue;
    }

    const std::size_t want = table.header.size();
    if (fields.size() != want) {
      const int col = fields.size() > want ? static_cast<int>(fields[want].second) + 1
                                           : static_cast<int>(line.size()) + 1;
      errors.push_back({line_no, col,
                        "expected " + std::to_string(want) + " columns, found " +
                            std::to_string(fields.size())});
      continue;
    }
    row.clear();
    bool ok = true;
    for (const auto& [text, col] : fields) {
      double v = 0.0;
      if (!parse_double(text, v)) {
        errors.push_back(
            {line_no, static_cast<int>(col) + 1,
             text.empty() ? "empty field" : "'" + std::string(text) + "' is not a number"});
        ok = false;
        break;
      }
      row.push_back(v);
    }
    if (!ok) continue;
    for (std::size_t c = 0; c < want; ++c) table.columns[c].push_back(row[c]);
    table.lines.push_back(line_no);
  }
  if (!have_header) errors.push_back({1, 1, "'" + path + "' has no header row"});
  return table;
}

}  // namespace steppe
