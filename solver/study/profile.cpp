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

#include "solver/study/input_file.hpp"

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

struct Field {
  std::string text;
  std::size_t column;  // 0-based byte offset of its first character
};

// Splits `line` at ',' into trimmed fields (a "quoted" field keeps its commas and spaces,
// "" standing for one quote); a '#' outside quotes ends the line. Returns false with
// `error` set when a quote is not closed or text follows a closing quote.
bool split(std::string_view line, std::vector<Field>& fields, CsvError& error) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    Field f{{}, i};
    bool ended = false;  // by a comment or the end of the line
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = i++;
      for (;;) {
        if (i >= line.size()) {
          error = {0, static_cast<int>(open) + 1,
                   "this quoted field is not closed: its closing '\"' is missing"};
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.text += line[i++];
      }
      while (i < line.size() && is_space(line[i])) ++i;
      if (i < line.size() && line[i] != ',' && line[i] != '#') {
        error = {0, static_cast<int>(i) + 1, "text after the closing quote of a field"};
        return false;
      }
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ',' && line[i] != '#') ++i;
      std::size_t e = i;
      while (e > start && is_space(line[e - 1])) --e;
      f.text.assign(line.substr(start, e - start));
    }
    fields.push_back(std::move(f));
    if (i >= line.size() || line[i] == '#') ended = true;
    if (ended) break;
    ++i;  // the comma
  }
  return true;
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

std::string quoted(std::string_view s) {
  return fmt::format("'{}{}'", s.substr(0, 60), s.size() > 60 ? "…" : "");
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& name, std::vector<CsvError>& errors) {
  CsvTable table;
  std::vector<Field> fields;
  std::vector<double> row;
  int line_no = 0;
  bool have_header = false;
  std::size_t row_errors = 0, more_errors = 0;
  auto row_error = [&](CsvError e) {
    if (row_errors++ < kMaxCsvRowErrors)
      errors.push_back(std::move(e));
    else
      ++more_errors;
  };
  // A spreadsheet's UTF-8 byte-order mark.
  std::size_t offset = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (offset < text.size()) {
    ++line_no;
    std::size_t eol = text.find('\n', offset);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(offset, eol - offset);
    offset = eol + 1;
    if (line.size() > kMaxCsvLineBytes) {
      errors.push_back({line_no, 1,
                        fmt::format("line {} is {} bytes long (limit {}): not a profile table",
                                    line_no, line.size(), kMaxCsvLineBytes)});
      return table;  // what follows is no table either
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos ||
        line[line.find_first_not_of(" \t\r")] == '#')
      continue;
    CsvError bad;
    if (!split(line, fields, bad)) {
      bad.line = line_no;
      row_error(std::move(bad));
      if (!have_header) return table;
      continue;
    }

    if (!have_header) {
      have_header = true;
      for (const auto& [col_name, col] : fields) {
        if (col_name.empty())
          errors.push_back({line_no, static_cast<int>(col) + 1, "empty column name"});
        else if (std::find(table.header.begin(), table.header.end(), col_name) !=
                 table.header.end())
          errors.push_back(
              {line_no, static_cast<int>(col) + 1, "duplicate column name " + quoted(col_name)});
        table.header.push_back(col_name);
      }
      table.columns.resize(table.header.size());
      continue;
    }

    const std::size_t want = table.header.size();
    if (fields.size() != want) {
      const int col = fields.size() > want ? static_cast<int>(fields[want].column) + 1
                                           : static_cast<int>(line.size()) + 1;
      row_error({line_no, col,
                 "expected " + std::to_string(want) + " columns, found " +
                     std::to_string(fields.size())});
      continue;
    }
    row.clear();
    bool ok = true;
    for (const auto& [cell, col] : fields) {
      double v = 0.0;
      if (!parse_double(cell, v)) {
        row_error({line_no, static_cast<int>(col) + 1,
                   cell.empty() ? "empty field" : quoted(cell) + " is not a number"});
        ok = false;
        break;
      }
      row.push_back(v);
    }
    if (!ok) continue;
    for (std::size_t c = 0; c < want; ++c) table.columns[c].push_back(row[c]);
    table.lines.push_back(line_no);
  }
  if (more_errors > 0)
    errors.push_back({line_no, 1,
                      fmt::format("and {} more row{} that cannot be read", more_errors,
                                  more_errors == 1 ? "" : "s")});
  if (!have_header) errors.push_back({1, 1, "'" + name + "' has no header row"});
  return table;
}

CsvTable read_csv(const std::string& path, std::vector<CsvError>& errors) {
  std::string why;
  const auto text = read_input_file(path, kMaxCsvBytes, why);
  if (!text) {
    errors.push_back({0, 0, fmt::format("cannot read the profile '{}': {}", path, why)});
    return {};
  }
  return parse_csv(*text, path, errors);
}

}  // namespace steppe
