#include "solver/study/study_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace steppe {

namespace {

// "pressure", or "quantity in m s2" for a dimension without an everyday name.
std::string describe(const Dimension& d) {
  std::string name = dimension_name(d);
  return name.find('^') == std::string::npos && name.find("·") == std::string::npos
             ? name
             : "quantity in " + si_units(d);
}

// A plain number ("12", "-1.5e3"), with nothing after it.
std::optional<double> plain_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

// An absent key gives yaml-cpp's invalid "zombie" node, on which every query but
// IsDefined() throws: keep a valid node of type Undefined instead.
static YAML::Node valid(const YAML::Node& n) {
  return n.IsDefined() ? n : YAML::Node(YAML::NodeType::Undefined);
}

Reader::Reader(YAML::Node node, std::string path, std::shared_ptr<ReadContext> ctx)
    : node_(valid(node)),
      path_(std::move(path)),
      ctx_(std::move(ctx)),
      known_(std::make_shared<std::set<std::string>>()),
      derived_(std::make_shared<std::map<std::string, std::string>>()) {
  if (node_.IsDefined()) mark_ = node_.Mark();
}

std::string Reader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool Reader::has(const std::string& key) const {
  known_->insert(key);
  if (!node_.IsMap()) return false;
  const YAML::Node c = static_cast<const YAML::Node&>(node_)[key];
  return c.IsDefined() && !c.IsNull();
}

Reader Reader::child(const std::string& key) const {
  known_->insert(key);
  // yaml-cpp nodes have reference semantics: bind with copy construction or reset(),
  // never operator= (which assigns the value and throws on an undefined node).
  Reader r(node_.IsMap() ? static_cast<const YAML::Node&>(node_)[key]
                         : YAML::Node(YAML::NodeType::Undefined),
           child_path(key), ctx_);
  const YAML::Node& c = r.node_;
  if (!c.IsDefined()) r.mark_ = mark_;  // report an absent key at its parent
  return r;
}

namespace {

// `path` is `key` or lies below it ("key.x", "key[2]").
bool within(const std::string& path, const std::string& key) {
  return path.size() >= key.size() && path.compare(0, key.size(), key) == 0 &&
         (path.size() == key.size() || path[key.size()] == '.' || path[key.size()] == '[');
}

}  // namespace

void ReadContext::add_override(const std::string& key_path, Location where) {
  for (auto it = overrides.begin(); it != overrides.end();)
    it = within(it->first, key_path) ? overrides.erase(it) : std::next(it);
  overrides[key_path] = std::move(where);
}

Location Reader::location(int column_offset) const {
  // The override that set this node: the deepest one whose path contains it.
  const Location* set_by = nullptr;
  std::size_t depth = 0;
  for (const auto& [key, where] : ctx_->overrides)
    if (within(path_, key) && (!set_by || key.size() > depth)) {
      set_by = &where;
      depth = key.size();
    }
  if (set_by) return *set_by;
  Location loc;
  loc.source = ctx_->source;
  if (mark_.line >= 0) {
    loc.line = mark_.line;
    loc.column = mark_.column + column_offset;
  }
  return loc;
}

void Reader::error(const std::string& message) const {
  ctx_->diagnostics.error(location(), path_, message);
}

void Reader::error_at_key(const std::string& key, const std::string& message) const {
  Reader c = child(key);
  c.error(message);
}

void Reader::finish() const {
  if (!node_.IsMap()) return;
  std::vector<std::string> known(known_->begin(), known_->end());
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      Reader(it->first, child_path(key), ctx_)
          .error(fmt::format("duplicate key '{}' (the first one is used)", key));
      continue;
    }
    if (known_->count(key)) continue;
    if (!it->first.IsScalar() || key.empty()) {  // `: x`, `~: x`, `? [a]: x`
      Reader(it->first, path_, ctx_)
          .error(it->first.IsScalar() || it->first.IsNull()
                     ? "a key is empty: a name is missing before ':'"
                     : "a key is not a plain name (a list or mapping used as a key)");
      continue;
    }
    Reader k(it->first, child_path(key), ctx_);
    std::string hint = closest_match(key, known);
    std::string msg = fmt::format("unknown key '{}'", key);
    if (!hint.empty())
      msg += fmt::format(" (did you mean '{}'?)", hint);
    else if (!known.empty()) {
      msg += "; known keys here:";
      for (const auto& kn : known) msg += " " + kn;
    }
    k.error(msg);
  }
}

std::vector<std::string> Reader::unasked_keys() const {
  std::vector<std::string> out;
  if (!node_.IsMap()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!known_->count(key) && std::find(out.begin(), out.end(), key) == out.end())
      out.push_back(std::move(key));
  }
  return out;
}

void Reader::error_at_key_name(const std::string& key, const std::string& message) const {
  known_->insert(key);
  if (!node_.IsMap()) return error(message);
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.Scalar() == key) return Reader(it->first, child_path(key), ctx_).error(message);
  error_at_key(key, message);
}

std::optional<double> Reader::as_quantity(const Dimension& dim) const {
  if (!node_.IsScalar()) {
    error(fmt::format("expected a {} (a number in SI or a string with a unit)", describe(dim)));
    return std::nullopt;
  }
  const std::string& s = node_.Scalar();
  if (auto v = plain_number(s)) {
    if (!std::isfinite(*v)) {
      error("value is not finite");
      return std::nullopt;
    }
    if (!plausible(*v, dim)) return std::nullopt;
    return v;
  }
  // Quoted scalars start one character after the mark.
  int quote = 0;
  if (ctx_->source && mark_.line >= 0 &&
      mark_.line < static_cast<int>(ctx_->source->lines.size())) {
    const std::string& line = ctx_->source->lines[static_cast<std::size_t>(mark_.line)];
    if (mark_.column < static_cast<int>(line.size()) &&
        (line[static_cast<std::size_t>(mark_.column)] == '"' ||
         line[static_cast<std::size_t>(mark_.column)] == '\''))
      quote = 1;
  }
  Quantity q;
  try {
    q = parse_quantity(s);
  } catch (const UnitError& e) {
    ctx_->diagnostics.error(location(quote + static_cast<int>(e.column())), path_, e.what());
    return std::nullopt;
  }
  try {
    double v = to_si(q, dim, ctx_->normal_density);
    if (!std::isfinite(v)) {
      error("value is not finite");
      return std::nullopt;
    }
    if (!plausible(v, dim)) return std::nullopt;
    return v;
  } catch (const UnitError& e) {
    // A unit of the wrong dimension: point at the unit, after the number.
    std::size_t unit_at = 0;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    if (end) unit_at = static_cast<std::size_t>(end - s.c_str());
    while (unit_at < s.size() && s[unit_at] == ' ') ++unit_at;
    if (unit_at >= s.size()) unit_at = 0;
    ctx_->diagnostics.error(location(quote + static_cast<int>(unit_at)), path_, e.what());
    return std::nullopt;
  }
}

static std::string plausibility_problem(double v, const Dimension& dim) {
  const double limit = plausible_limit(dim);
  const std::string si = si_units(dim);
  if (dim == dim::temperature && v < 0) return fmt::format("{:g} K is below absolute zero", v);
  if (std::isfinite(v) && std::abs(v) <= limit) return {};
  return fmt::format("{:g} {} is beyond any plausible {} (the magnitude must not exceed {:g} {})",
                     v, si, describe(dim), limit, si);
}

bool Reader::plausible(double v, const Dimension& dim) const {
  const std::string problem = plausibility_problem(v, dim);
  if (problem.empty()) return true;
  error(problem);
  return false;
}

double Reader::quantity(const std::string& key, const Dimension& dim) const {
  Reader c = child(key);
  if (!c.defined()) {
    c.error(fmt::format("missing required key '{}' (a {})", key, describe(dim)));
    return 0.0;
  }
  return c.as_quantity(dim).value_or(0.0);
}

double Reader::quantity(const std::string& key, const Dimension& dim, double fallback) const {
  Reader c = child(key);
  if (!c.defined()) return fallback;
  return c.as_quantity(dim).value_or(fallback);
}

double Reader::quantity(const std::string& key, const Dimension& dim, const std::string& base_key,
                        double base) const {
  (*derived_)[key] = base_key;
  return quantity(key, dim, base);
}

std::string Reader::text(const std::string& key) const {
  Reader c = child(key);
  if (!c.defined()) {
    c.error(fmt::format("missing required key '{}'", key));
    return {};
  }
  if (!c.node_.IsScalar()) {
    c.error("expected a string");
    return {};
  }
  return c.node_.Scalar();
}

std::string Reader::text(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  return text(key);
}

bool Reader::flag(const std::string& key, bool fallback) const {
  Reader c = child(key);
  if (!c.defined()) return fallback;
  const std::string s = c.node_.IsScalar() ? c.node_.Scalar() : "";
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  c.error("expected true or false");
  return fallback;
}

long Reader::integer(const std::string& key, long fallback) const {
  return integer(key, fallback, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}

long Reader::integer(const std::string& key, long fallback, long lo, long hi) const {
  Reader c = child(key);
  if (!c.defined()) return fallback;
  auto v = c.node_.IsScalar() ? plain_number(c.node_.Scalar()) : std::nullopt;
  if (!v || std::floor(*v) != *v) {
    c.error("expected a whole number");
    return fallback;
  }
  if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi)) {
    if (lo == std::numeric_limits<int>::min() && hi == std::numeric_limits<int>::max())
      c.error(fmt::format("is out of range: a whole number within ±{} is expected", hi));
    else
      c.error(fmt::format("must be {} to {}", lo, hi));
    return fallback;
  }
  return static_cast<long>(*v);
}

int Reader::segments(double length, double max_segment, const std::string& max_segment_key) const {
  const double n = std::max(1.0, std::ceil(length / max_segment - 1e-9));
  const std::int64_t left = kMaxSegmentsTotal - ctx_->segments;
  if (!(n <= static_cast<double>(kMaxSegmentsPerPipe)) || !(n <= static_cast<double>(left))) {
    const bool per_pipe = !(n <= static_cast<double>(kMaxSegmentsPerPipe));
    error_at_key(
        max_segment_key,
        fmt::format("{:.0f} m in segments of at most {:g} m makes {:.4g} segments; {} "
                    "(choose max_segment_length ≥ {:.4g} m)",
                    length, max_segment, n,
                    per_pipe ? fmt::format("a pipe may have at most {}", kMaxSegmentsPerPipe)
                             : fmt::format("the study may have at most {} in all, and "
                                           "{} are left",
                                           kMaxSegmentsTotal, left),
                    length / static_cast<double>(per_pipe ? kMaxSegmentsPerPipe
                                                          : std::max<std::int64_t>(left, 1))));
    return 0;
  }
  ctx_->segments += static_cast<std::int64_t>(n);
  return static_cast<int>(n);
}

std::string Reader::choice(const std::string& key, const std::vector<std::string>& choices,
                           const std::string& fallback) const {
  Reader c = child(key);
  if (!c.defined()) return fallback;
  std::string s = c.node_.IsScalar() ? c.node_.Scalar() : "";
  for (const auto& ch : choices)
    if (s == ch) return s;
  std::string msg = fmt::format("'{}' is not one of:", s);
  for (const auto& ch : choices) msg += " " + ch;
  std::string hint = closest_match(s, choices);
  if (!hint.empty()) msg += fmt::format(" (did you mean '{}'?)", hint);
  c.error(msg);
  return fallback;
}

std::vector<Reader> Reader::items(const std::string& key) const {
  Reader c = child(key);
  std::vector<Reader> out;
  if (!c.defined()) return out;
  if (!c.node_.IsSequence()) {
    c.error("expected a list");
    return out;
  }
  for (std::size_t i = 0; i < c.node_.size(); ++i)
    out.emplace_back(c.node_[i], fmt::format("{}[{}]", c.path_, i), ctx_);
  return out;
}

std::vector<Reader> Reader::map_items(const std::string& key, const std::string& example) const {
  std::vector<Reader> out;
  for (Reader& item : items(key)) {
    if (item.is_map())
      out.push_back(std::move(item));
    else
      item.error(fmt::format("expected a mapping such as {{{}}}", example));
  }
  return out;
}

bool Reader::has_error(const std::string& key) const {
  const std::string p = key.empty() ? path_ : child_path(key);
  for (const auto& d : ctx_->diagnostics.entries()) {
    const std::string& k = d.key_path;
    if (k == p || (k.size() > p.size() && k.compare(0, p.size(), p) == 0 &&
                   (k[p.size()] == '.' || k[p.size()] == '[')))
      return true;
  }
  return false;
}

std::string Reader::checked_key(const std::string& key) const {
  std::string at = key;
  for (int hops = 0; hops < 8 && !has(at); ++hops) {  // a default of a default
    const auto it = derived_->find(at);
    if (it == derived_->end()) break;
    at = it->second;
  }
  return at;
}

void Reader::check(const std::string& key, bool ok, const std::string& message) const {
  if (ok) return;
  const std::string at = checked_key(key);
  if (!has_error(at) && !has_error(key)) error_at_key(at, message);
}

void Reader::check(const std::string& key, bool ok, const std::string& message,
                   std::initializer_list<const char*> involves) const {
  if (ok) return;
  for (const char* other : involves)
    if (has_error(checked_key(other))) return;
  check(key, ok, message);
}

Profile Reader::profile(const std::string& key, const Dimension& dim, double fallback) const {
  if (!has(key)) return Profile(fallback);
  return profile(key, dim);
}

Profile Reader::profile(const std::string& key, const Dimension& dim) const {
  Reader c = child(key);
  if (!c.defined()) {
    c.error(fmt::format("missing required key '{}' (a {} or a profile)", key, describe(dim)));
    return Profile(0.0);
  }
  if (c.node_.IsScalar()) return Profile(c.as_quantity(dim).value_or(0.0));
  if (!c.node_.IsMap()) {
    c.error(fmt::format("expected a {} or a profile mapping (times/values, points or csv)",
                        describe(dim)));
    return Profile(0.0);
  }
  const std::size_t errors_before = ctx_->diagnostics.size();
  const std::string interp_s = c.choice("interpolation", {"linear", "step"}, "linear");
  const std::string repeat = c.choice("repeat", {"none", "daily", "weekly"}, "none");
  const std::string time_unit = c.text("time_unit", "");
  const std::string unit = c.text("unit", "");
  const double value_factor = c.quantity("scale", dim::none, 1.0);
  c.check("scale", value_factor >= 0, "must be ≥ 0");
  const Interpolation interp = interp_s == "step" ? Interpolation::Step : Interpolation::Linear;
  const double period = repeat == "daily" ? 86400.0 : repeat == "weekly" ? 7 * 86400.0 : 0.0;

  // The table's units for bare numbers, read once (an error points at the unit key).
  auto unit_scale = [&](const std::string& key, const std::string& unit_text,
                        const Dimension& d) -> double {
    if (unit_text.empty()) return 1.0;
    Reader u = c.child(key);
    try {
      return to_si(parse_quantity("1 " + unit_text), d, ctx_->normal_density);
    } catch (const UnitError& e) {
      u.error(fmt::format("'{}': {}", unit_text, e.what()));
      return 1.0;
    }
  };
  const double tscale = unit_scale("time_unit", time_unit, dim::time);
  const double vscale = unit_scale("unit", unit, dim);
  // One table entry: a bare number in the table's unit, or a quantity with its own.
  auto convert = [&](const Reader& r, const Dimension& d, double scale) {
    if (r.node_.IsScalar())
      if (auto v = plain_number(r.node_.Scalar())) {
        if (!std::isfinite(*v * scale)) {
          r.error("value is not finite");
          return 0.0;
        }
        return r.plausible(*v * scale, d) ? *v * scale : 0.0;
      }
    return r.as_quantity(d).value_or(0.0);
  };

  std::vector<double> times, values;
  std::vector<Reader> time_nodes;
  const bool has_table = c.has("times") || c.has("values");
  const bool has_points = c.has("points");
  const bool has_csv = c.has("csv");
  if (int(has_table) + int(has_points) + int(has_csv) != 1) {
    c.error("a profile needs exactly one of: times + values, points, csv");
    c.finish();
    return Profile(0.0);
  }
  if (has_table) {
    auto ts = c.items("times");
    auto vs = c.items("values");
    if (ts.size() != vs.size())
      c.child("values").error(fmt::format("{} values for {} times", vs.size(), ts.size()));
    for (const auto& t : ts) times.push_back(convert(t, dim::time, tscale));
    for (const auto& v : vs) values.push_back(convert(v, dim, vscale));
    time_nodes = ts;
  } else if (has_points) {
    for (const auto& p : c.items("points")) {
      if (!p.is_sequence() || p.node_.size() != 2) {
        p.error("expected a [time, value] pair");
        continue;
      }
      Reader t(p.node_[0], p.path_ + "[0]", ctx_);
      Reader v(p.node_[1], p.path_ + "[1]", ctx_);
      times.push_back(convert(t, dim::time, tscale));
      values.push_back(convert(v, dim, vscale));
      time_nodes.push_back(t);
    }
  } else {
    const std::string file = c.text("csv");
    const std::string tcol = c.text("time_column", "");
    const std::string vcol = c.text("value_column", "");
    std::filesystem::path p(file);
    if (p.is_relative()) p = std::filesystem::path(ctx_->study_dir) / p;
    std::vector<CsvError> errs;
    CsvTable table = read_csv(p.string(), errs);
    for (const auto& e : errs) {
      if (e.line <= 0) {  // the file itself: a fault of the path the study gives
        c.error_at_key("csv", e.message);
        continue;
      }
      Location loc;
      loc.source = nullptr;
      loc.origin = fmt::format("{}:{}:{}", p.string(), e.line, e.column);
      ctx_->diagnostics.error(loc, c.path_ + ".csv", e.message);
    }
    auto column_index = [&](const std::string& name, std::size_t fallback_index,
                            const char* key_name) -> int {
      if (name.empty()) return fallback_index < table.header.size() ? int(fallback_index) : -1;
      for (std::size_t i = 0; i < table.header.size(); ++i)
        if (table.header[i] == name) return int(i);
      std::string hint = closest_match(name, table.header);
      c.error_at_key(key_name, fmt::format("no column '{}' in {}{}", name, p.string(),
                                           hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      return -1;
    };
    int ti = column_index(tcol, 0, "time_column");
    int vi = column_index(vcol, 1, "value_column");
    if (errs.empty() && (ti < 0 || vi < 0) && tcol.empty() && vcol.empty())
      c.error(fmt::format("{} needs at least two columns (time, value)", p.string()));
    if (ti >= 0 && vi >= 0) {
      for (std::size_t r = 0; r < table.columns[std::size_t(ti)].size(); ++r) {
        times.push_back(table.columns[std::size_t(ti)][r] * tscale);
        values.push_back(table.columns[std::size_t(vi)][r] * vscale);
        // One implausible row is enough to say what is wrong with the file.
        for (const auto& [v, d] :
             {std::pair{times.back(), dim::time}, std::pair{values.back(), dim}})
          if (const std::string problem = plausibility_problem(v, d); !problem.empty()) {
            Location loc;
            loc.origin = fmt::format("{}:{}", p.string(), table.lines[r]);
            ctx_->diagnostics.error(loc, c.path_ + ".csv", problem);
            r = table.columns[std::size_t(ti)].size();
            break;
          }
      }
    }
  }
  c.finish();
  if (ctx_->diagnostics.size() > errors_before)
    return Profile(values.empty() ? 0.0 : values.front());
  if (times.empty()) {
    c.error("the profile has no points");
    return Profile(0.0);
  }
  if (times.size() != values.size()) return Profile(values.empty() ? 0.0 : values.front());
  for (std::size_t i = 1; i < times.size() && i < time_nodes.size(); ++i)
    if (!(times[i] > times[i - 1])) {
      time_nodes[i].error(
          fmt::format("time {:g} s is not after the previous time {:g} s "
                      "(profile times must increase)",
                      times[i], times[i - 1]));
      return Profile(values.front());
    }
  for (double& v : values) v *= value_factor;
  try {
    return Profile(times, values, interp, period);
  } catch (const std::invalid_argument& e) {
    c.error(e.what());
    return Profile(values.front());
  }
}

std::optional<YamlTextProblem> scan_yaml_text(std::string_view text) {
  const auto too_deep = [](int line, std::size_t col) {
    return YamlTextProblem{
        line, static_cast<int>(col),
        fmt::format("nested too deeply (limit {} levels of mappings and lists)", kMaxYamlDepth)};
  };
  std::vector<int> indents;  // the open block levels' indentations
  int flow = 0;              // open [ and {
  char quote = 0;            // inside a quoted scalar ('"' or '\'')
  int block_scalar = -1;     // indentation of the line that opened a | or > scalar
  int line = 0;
  for (std::size_t at = 0; at <= text.size(); ++line) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view l = text.substr(at, eol - at);
    at = eol + 1;
    std::size_t k = 0;
    while (k < l.size() && l[k] == ' ') ++k;
    const bool blank = k == l.size() || l[k] == '#' || l[k] == '\r';
    if (block_scalar >= 0) {
      if (blank || static_cast<int>(k) > block_scalar) continue;  // the scalar's text
      block_scalar = -1;
    }
    int depth = flow;
    if (flow == 0 && quote == 0 && !blank) {
      const int col = static_cast<int>(k);
      while (!indents.empty() && indents.back() > col) indents.pop_back();
      if (indents.empty() || indents.back() < col) indents.push_back(col);
      depth = static_cast<int>(indents.size());
      // "- - - x": every indicator on the line opens one more level.
      while (k < l.size() && (l[k] == '-' || l[k] == '?') &&
             (k + 1 == l.size() || l[k + 1] == ' ')) {
        ++depth;
        ++k;
        while (k < l.size() && l[k] == ' ') ++k;
      }
      if (depth > kMaxYamlDepth) return too_deep(line, k);
    }
    const int line_indent = static_cast<int>(l.find_first_not_of(' '));
    std::size_t quote_at = 0;
    const bool quoted_before = quote != 0;
    for (std::size_t c = k; c < l.size(); ++c) {
      const char ch = l[c];
      if (quote) {
        if (ch == quote) {
          if (quote == '\'' && c + 1 < l.size() && l[c + 1] == '\'')
            ++c;  // '' inside single quotes
          else
            quote = 0;
        } else if (ch == '\\' && quote == '"') {
          ++c;
        }
        continue;
      }
      if (ch == '#' && (c == 0 || l[c - 1] == ' ' || l[c - 1] == '\t')) break;
      if ((ch == '"' || ch == '\'') &&
          (c == 0 || std::string_view(" \t[{,:").find(l[c - 1]) != std::string_view::npos)) {
        quote = ch;
        quote_at = c;
        continue;
      }
      if (ch == '[' || ch == '{') {
        if (++flow + depth > kMaxYamlDepth) return too_deep(line, c);
      } else if ((ch == ']' || ch == '}') && flow > 0) {
        --flow;
      }
    }
    if (quote && !quoted_before)
      return YamlTextProblem{line, static_cast<int>(quote_at),
                             fmt::format("this quoted string is not closed on its line: the "
                                         "closing {} is missing",
                                         quote == '"' ? "\"" : "'")};
    // "key: |" or "- >-": the lines below that are indented deeper are text.
    if (flow == 0 && quote == 0 && !blank) {
      std::string_view rest = l.substr(0, std::min(l.find(" #"), l.size()));
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
      while (!rest.empty() &&
             std::string_view("+-0123456789").find(rest.back()) != std::string_view::npos)
        rest.remove_suffix(1);
      if (!rest.empty() && (rest.back() == '|' || rest.back() == '>') &&
          (rest.size() == 1 || rest[rest.size() - 2] == ' '))
        block_scalar = line_indent;
    }
  }
  return std::nullopt;
}

std::string apply_override(YAML::Node& root, const std::string& assignment, std::string* key_path) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return fmt::format("--set '{}': expected key.path=value", assignment);
  const std::string path = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (const auto problem = scan_yaml_text(value))
    return fmt::format("--set '{}': the value: {}", assignment, problem->message);
  YAML::Node v;
  try {
    v = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    return fmt::format("--set '{}': value is not valid YAML: {}", assignment, e.msg);
  }
  std::string canonical;
  YAML::Node cur;
  cur.reset(root);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty()) return fmt::format("--set '{}': empty key in path", assignment);
    const bool last = i + 1 == parts.size();
    if (cur.IsSequence()) {
      std::optional<std::size_t> idx;
      for (std::size_t k = 0; k < cur.size(); ++k) {
        const YAML::Node item = cur[k];
        if (item.IsMap() && item["name"] && item["name"].IsScalar() && item["name"].Scalar() == p)
          idx = k;
      }
      if (!idx && !p.empty() && p.find_first_not_of("0123456789") == std::string::npos &&
          p.size() < 10 && std::stoul(p) < cur.size())
        idx = std::stoul(p);
      if (!idx)
        return fmt::format("--set '{}': no item named '{}' in {}", assignment, p, canonical);
      canonical += fmt::format("[{}]", *idx);
      if (last) {  // the whole item is replaced
        cur[*idx] = v;
        break;
      }
      YAML::Node next = cur[*idx];
      cur.reset(next);
      continue;
    }
    if (cur.IsDefined() && !cur.IsNull() && !cur.IsMap())
      return fmt::format("--set '{}': '{}' is not a mapping", assignment, canonical);
    canonical += (canonical.empty() ? "" : ".") + p;
    if (last) {
      cur[p] = v;
    } else {
      YAML::Node next = cur[p];
      if (!next.IsDefined() || next.IsNull()) {
        cur[p] = YAML::Node(YAML::NodeType::Map);
        next = cur[p];
      }
      cur.reset(next);
    }
  }
  if (key_path) *key_path = canonical;
  return {};
}

}  // namespace steppe
