#include "solver/app/import/matgas.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numbers>
#include <optional>
#include <set>

#include "models/common/gas_law.hpp"
#include "solver/app/import/gaslib.hpp"
#include "solver/app/import/operating_point.hpp"
#include "solver/study/constants.hpp"
#include "solver/study/units.hpp"

namespace steppe::gas {

namespace {

using imported::kInf;

// Drag factors ζ of GasLib's resistors (station filters, meters, fittings) lie between
// about 1 and 1000; far above, a "resistor" passes next to nothing.
constexpr double kPlausibleDrag = 1e4;

// An id: a whole number that fits an int (ids are compared as ints).
std::optional<int> whole(double v) {
  if (!(v == std::floor(v)) || !(std::abs(v) <= 2147483647.0)) return std::nullopt;
  return static_cast<int>(v);
}

struct Token {
  std::string text;
  int line = 0, column = 0;  // 1-based
  bool quoted = false;
};

struct Table {
  std::string name;
  int line = 0, column = 0;         // of `mgc.<name>`
  std::vector<std::string> header;  // column names from a comment, if any
  std::vector<std::vector<Token>> rows;
};

struct Scalar {
  Token value;
  int line = 0, column = 0;
};

// GasModels' column orders (src/io/matgas.jl) for the tables imported; a header comment
// overrides them.
const std::map<std::string, std::vector<std::string>>& standard_columns() {
  static const std::map<std::string, std::vector<std::string>> cols = {
      {"junction",
       {"id", "p_min", "p_max", "p_nominal", "junction_type", "status", "pipeline_name", "edi_id",
        "lat", "lon"}},
      {"pipe",
       {"id", "fr_junction", "to_junction", "diameter", "length", "friction_factor", "p_min",
        "p_max", "status", "is_bidirectional"}},
      {"compressor",
       {"id", "fr_junction", "to_junction", "c_ratio_min", "c_ratio_max", "power_max", "flow_min",
        "flow_max", "inlet_p_min", "inlet_p_max", "outlet_p_min", "outlet_p_max", "status",
        "operating_cost", "directionality"}},
      {"short_pipe", {"id", "fr_junction", "to_junction", "status", "is_bidirectional"}},
      {"resistor",
       {"id", "fr_junction", "to_junction", "drag", "diameter", "status", "is_bidirectional"}},
      {"regulator",
       {"id", "fr_junction", "to_junction", "reduction_factor_min", "reduction_factor_max",
        "flow_min", "flow_max", "status", "directionality"}},
      {"valve", {"id", "fr_junction", "to_junction", "status"}},
      {"receipt",
       {"id", "junction_id", "injection_min", "injection_max", "injection_nominal",
        "is_dispatchable", "status"}},
      {"delivery",
       {"id", "junction_id", "withdrawal_min", "withdrawal_max", "withdrawal_nominal",
        "is_dispatchable", "status"}},
  };
  return cols;
}

const std::set<std::string>& known_scalars() {
  static const std::set<std::string> s = {"name",
                                          "gas_specific_gravity",
                                          "specific_heat_capacity_ratio",
                                          "temperature",
                                          "sound_speed",
                                          "compressibility_factor",
                                          "R",
                                          "gas_molar_mass",
                                          "base_pressure",
                                          "base_length",
                                          "base_flow",
                                          "base_time",
                                          "base_density",
                                          "base_volume",
                                          "base_mass",
                                          "units",
                                          "is_per_unit",
                                          "per_unit",
                                          "is_english_units",
                                          "is_si_units",
                                          "economic_weighting"};
  return s;
}

class Parser {
 public:
  Parser(std::string path, const std::string& text) : path_(std::move(path)), text_(text) {}
  void parse();
  std::vector<std::string> errors;
  std::map<std::string, Scalar> scalars;
  std::map<std::string, Table> tables;
  std::vector<Table> extensions;  // <table>_data
  std::string function_name;      // `function mgc = <name>`

  std::string where(int line, int column) const {
    return fmt::format("{}:{}:{}", path_, line, column);
  }
  void error(int line, int column, const std::string& msg) {
    errors.push_back(fmt::format("{}: error: {}", where(line, column), msg));
  }

 private:
  // The tokens of one line up to a comment, and the comment (after '%').
  std::vector<Token> tokens(const std::string& s, int line, std::string* comment);

  std::string path_;
  const std::string& text_;
};

std::vector<Token> Parser::tokens(const std::string& s, int line, std::string* comment) {
  std::vector<Token> out;
  comment->clear();
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '%') {
      *comment = s.substr(i + 1);
      break;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
      ++i;
      continue;
    }
    Token t;
    t.line = line, t.column = static_cast<int>(i) + 1;
    if (c == '\'' || c == '"') {
      const std::size_t end = s.find(c, i + 1);
      if (end == std::string::npos) {
        error(line, t.column, "unterminated string");
        return out;
      }
      t.text = s.substr(i + 1, end - i - 1), t.quoted = true;
      i = end + 1;
    } else if (c == '=' || c == '[' || c == ']' || c == ';') {
      t.text = std::string(1, c);
      ++i;
    } else {
      std::size_t end = i;
      while (end < s.size() && std::string(" \t\r,%=[];'\"").find(s[end]) == std::string::npos)
        ++end;
      t.text = s.substr(i, end - i);
      i = end;
    }
    out.push_back(std::move(t));
  }
  return out;
}

void Parser::parse() {
  Table* open = nullptr;
  std::string last_comment, comment;
  int line = 0;
  std::size_t pos = 0;
  while (pos <= text_.size()) {
    const std::size_t end = std::min(text_.find('\n', pos), text_.size());
    const std::string s = text_.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    const std::size_t errors_before = errors.size();
    std::vector<Token> t = tokens(s, line, &comment);
    if (errors.size() > errors_before) continue;  // a line the tokens already failed on
    if (open && !t.empty() && !t.front().quoted && t.front().text.rfind("mgc.", 0) == 0 &&
        t.size() > 1 && t[1].text == "=") {
      // An assignment inside a table: the table was not closed.
      error(open->line, open->column,
            fmt::format("table mgc.{} is not closed (no `];` before mgc.{} on line {})", open->name,
                        t.front().text.substr(4), line));
      open = nullptr;
    }
    if (t.empty()) {
      if (!comment.empty()) last_comment = comment;
      continue;
    }
    if (open) {
      // Rows until `]`.
      std::vector<Token> row;
      for (const Token& k : t) {
        if (!k.quoted && k.text == "]") {
          if (!row.empty()) open->rows.push_back(std::move(row));
          row.clear();
          open = nullptr;
          break;
        }
        if (!k.quoted && k.text == ";") {
          if (!row.empty()) open->rows.push_back(std::move(row));
          row.clear();
          continue;
        }
        row.push_back(k);
      }
      if (open && !row.empty()) open->rows.push_back(std::move(row));
      last_comment.clear();
      continue;
    }
    const Token& first = t.front();
    if (first.text == "function" || first.text == "end") {
      if (first.text == "function" && t.size() >= 4 && t[2].text == "=") function_name = t[3].text;
      last_comment.clear();
      continue;
    }
    if (first.text.rfind("mgc.", 0) != 0 || t.size() < 3 || t[1].text != "=") {
      error(line, first.column,
            fmt::format("expected `mgc.<field> = value;` or `mgc.<table> = [`, found '{}'",
                        first.text));
      last_comment.clear();
      continue;
    }
    const std::string field = first.text.substr(4);
    if (!t[2].quoted && t[2].text == "[") {
      Table tab;
      tab.name = field, tab.line = line, tab.column = first.column;
      // A header from the comment just before: `% id fr_junction …` or `%column_names% …`.
      std::string h = last_comment;
      if (h.rfind("column_names%", 0) == 0) h = h.substr(13);
      std::string word;
      for (char c : h + " ") {
        if (c == ' ' || c == '\t') {
          if (!word.empty()) tab.header.push_back(word), word.clear();
        } else {
          word += c;
        }
      }
      const bool extension = field.size() > 5 && field.substr(field.size() - 5) == "_data";
      if (!extension && tables.count(field)) {
        error(line, first.column, fmt::format("table mgc.{} is defined twice", field));
        continue;
      }
      Table& slot =
          extension ? extensions.emplace_back(std::move(tab)) : (tables[field] = std::move(tab));
      open = &slot;
      // Rows may begin on the same line.
      std::vector<Token> row;
      for (std::size_t k = 3; k < t.size(); ++k) {
        if (!t[k].quoted && t[k].text == "]") {
          open = nullptr;
          break;
        }
        if (!t[k].quoted && t[k].text == ";") {
          if (!row.empty()) slot.rows.push_back(std::move(row));
          row.clear();
          continue;
        }
        row.push_back(t[k]);
      }
      if (!row.empty()) slot.rows.push_back(std::move(row));
    } else {
      if (scalars.count(field))
        error(line, first.column, fmt::format("mgc.{} is set twice", field));
      scalars[field] = {t[2], line, first.column};
    }
    last_comment.clear();
  }
  if (open)
    error(
        open->line, open->column,
        fmt::format("table mgc.{} is not closed (no `];` before the end of the file)", open->name));
}

class Converter {
 public:
  Converter(std::string path, const std::string& text) : p_(std::move(path), text) {}
  std::string run(const std::string& path, const MatgasOptions& options);

 private:
  // Column `name` of `row` in table `tab`: its index, or −1 (error when `required`).
  int column(const Table& tab, const std::string& name) const;
  std::optional<double> number(const Table& tab, const std::vector<Token>& row,
                               const std::string& name, bool required = true);
  std::optional<int> junction(const Table& tab, const std::vector<Token>& row,
                              const std::string& name);
  bool active(const Table& tab, const std::vector<Token>& row);
  double scalar(const std::string& name, double fallback);
  void read_junctions();
  void read_links(const std::string& table, const char* type);
  void read_flows(const std::string& table, bool receipt);
  void pair_regulators();

  Parser p_;
  imported::Network net_;
  std::map<std::string, std::string> note_;  // what was left out or ignored, once per kind
  std::map<int, int> junctions_;             // MATGAS id → node index
  std::vector<double> injection_, withdrawal_;
  std::vector<std::string> inactive_;
  bool junction_errors_ = false;  // a row of mgc.junction could not be read
  double inverse_drag_ = 0.0;     // MatgasOptions::inverse_drag
};

int Converter::column(const Table& tab, const std::string& name) const {
  const std::vector<std::string>& cols =
      tab.header.empty() ? standard_columns().at(tab.name) : tab.header;
  const auto it = std::find(cols.begin(), cols.end(), name);
  return it == cols.end() ? -1 : static_cast<int>(it - cols.begin());
}

std::optional<double> Converter::number(const Table& tab, const std::vector<Token>& row,
                                        const std::string& name, bool required) {
  const int c = column(tab, name);
  if (c < 0 || c >= static_cast<int>(row.size())) {
    if (required)
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.{}: the row has no column '{}' ({} values)", tab.name, name,
                           row.size()));
    return std::nullopt;
  }
  const Token& t = row[std::size_t(c)];
  char* end = nullptr;
  const double v = std::strtod(t.text.c_str(), &end);
  if (t.quoted || t.text.empty() || !end || *end != '\0' || !std::isfinite(v)) {
    p_.error(t.line, t.column,
             fmt::format("mgc.{}: column '{}' is '{}', not a number", tab.name, name, t.text));
    return std::nullopt;
  }
  // Values the study is written from must be ones a study may hold (solver/study/units.hpp);
  // bounds where a huge number means none (flow_max, power_max) are not checked.
  static const std::map<std::string, const Dimension*> dimensions = {
      {"p_min", &dim::pressure},
      {"p_max", &dim::pressure},
      {"inlet_p_min", &dim::pressure},
      {"inlet_p_max", &dim::pressure},
      {"outlet_p_min", &dim::pressure},
      {"outlet_p_max", &dim::pressure},
      {"diameter", &dim::length},
      {"length", &dim::length},
      {"injection_nominal", &dim::mass_flow},
      {"withdrawal_nominal", &dim::mass_flow}};
  if (const auto d = dimensions.find(name);
      d != dimensions.end() && !(std::abs(v) <= plausible_limit(*d->second))) {
    p_.error(
        t.line, t.column,
        fmt::format("mgc.{}: column '{}' = {} is beyond any plausible value (the magnitude "
                    "must not exceed {:g} {})",
                    tab.name, name, t.text, plausible_limit(*d->second), si_units(*d->second)));
    return std::nullopt;
  }
  return v;
}

std::optional<int> Converter::junction(const Table& tab, const std::vector<Token>& row,
                                       const std::string& name) {
  const auto v = number(tab, row, name);
  if (!v) return std::nullopt;
  const auto key = whole(*v);
  const auto it = key ? junctions_.find(*key) : junctions_.end();
  if (it == junctions_.end()) {
    // A junction row already in error explains a missing junction: no second error.
    if (junction_errors_) return std::nullopt;
    const Token& t = row[std::size_t(column(tab, name))];
    p_.error(t.line, t.column,
             fmt::format("mgc.{}: {} {} is not an active junction of mgc.junction", tab.name, name,
                         t.text));
    return std::nullopt;
  }
  return it->second;
}

bool Converter::active(const Table& tab, const std::vector<Token>& row) {
  const int c = column(tab, "status");
  if (c < 0 || c >= static_cast<int>(row.size())) return true;
  const auto v = number(tab, row, "status");
  if (!v) return false;
  if (*v == 0) {
    inactive_.push_back(fmt::format("{} {}", tab.name, row.front().text));
    return false;
  }
  return true;
}

double Converter::scalar(const std::string& name, double fallback) {
  const auto it = p_.scalars.find(name);
  if (it == p_.scalars.end()) return fallback;
  const Token& t = it->second.value;
  char* end = nullptr;
  const double v = std::strtod(t.text.c_str(), &end);
  if (t.quoted || !end || *end != '\0' || !std::isfinite(v)) {
    p_.error(t.line, t.column, fmt::format("mgc.{} = '{}' is not a number", name, t.text));
    return fallback;
  }
  return v;
}

void Converter::read_junctions() {
  const auto it = p_.tables.find("junction");
  if (it == p_.tables.end()) {
    p_.error(1, 1, "the file has no mgc.junction table");
    return;
  }
  const Table& tab = it->second;
  const std::size_t errors_before = p_.errors.size();
  for (const auto& row : tab.rows) {
    if (!active(tab, row)) continue;
    const auto id = number(tab, row, "id");
    const auto pmin = number(tab, row, "p_min"), pmax = number(tab, row, "p_max");
    if (!id || !pmin || !pmax) continue;
    if (!whole(*id)) {
      p_.error(
          row.front().line, row.front().column,
          fmt::format("mgc.junction: id {} is not a whole number of int range", row.front().text));
      continue;
    }
    const int key = *whole(*id);
    if (junctions_.count(key)) {
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.junction: id {} is defined twice", key));
      continue;
    }
    if (!(*pmax > *pmin) || !(*pmin >= 0)) {
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.junction {}: p_max must lie above p_min ≥ 0 (Pa)", key));
      continue;
    }
    imported::Node n;
    n.id = fmt::format("J{}", key);
    n.type = "innode";
    n.where = p_.where(row.front().line, row.front().column);
    n.pmin = *pmin, n.pmax = *pmax;
    junctions_[key] = net_.add_node(std::move(n));
  }
  junction_errors_ = p_.errors.size() > errors_before;
  if (junctions_.empty() && p_.errors.empty())
    p_.error(tab.line, tab.column, "mgc.junction has no active junction");
  injection_.assign(net_.nodes.size(), 0.0);
  withdrawal_.assign(net_.nodes.size(), 0.0);
}

void Converter::read_links(const std::string& name, const char* type) {
  const auto it = p_.tables.find(name);
  if (it == p_.tables.end()) return;
  const Table& tab = it->second;
  std::set<int> ids;
  for (const auto& row : tab.rows) {
    if (!active(tab, row)) continue;
    const auto id = number(tab, row, "id");
    const auto from = junction(tab, row, "fr_junction"), to = junction(tab, row, "to_junction");
    if (!id || !from || !to) continue;
    if (!whole(*id)) {
      p_.error(
          row.front().line, row.front().column,
          fmt::format("mgc.{}: id {} is not a whole number of int range", name, row.front().text));
      continue;
    }
    if (!ids.insert(*whole(*id)).second) {
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.{}: id {} is defined twice", name, row.front().text));
      continue;
    }
    if (*from == *to) {
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.{} {} joins a junction to itself", name, row.front().text));
      continue;
    }
    imported::Link l;
    l.type = type;
    l.id = fmt::format("{}_{}", name, row.front().text);
    l.where = p_.where(row.front().line, row.front().column);
    l.from = *from, l.to = *to;
    bool ok = true;
    auto positive = [&](const char* col, double* out) {
      const auto v = number(tab, row, col);
      if (!v) return ok = false;
      if (!(*v > 0)) {
        const Token& t = row[std::size_t(column(tab, col))];
        p_.error(t.line, t.column,
                 fmt::format("mgc.{} {}: {} must be > 0", name, row.front().text, col));
        return ok = false;
      }
      *out = *v;
      return true;
    };
    if (name == "pipe") {
      double lambda = 0.0;
      positive("diameter", &l.diameter), positive("length", &l.length);
      if (positive("friction_factor", &lambda) && !(lambda < 1.0)) {
        const Token& t = row[std::size_t(column(tab, "friction_factor"))];
        p_.error(t.line, t.column,
                 fmt::format("mgc.pipe {}: friction_factor {} is not a Darcy factor (it lies in "
                             "(0, 1))",
                             row.front().text, t.text));
        ok = false;
      }
      l.lambda = lambda;
    } else if (name == "resistor") {
      positive("drag", &l.drag), positive("diameter", &l.diameter);
      if (inverse_drag_ > 0 && l.drag > 0 && l.diameter > 0) {
        const double written = l.drag;
        l.drag = inverse_drag_ * std::pow(l.diameter, 8) / written;
        if (!(l.drag <= kPlausibleDrag)) {
          const Token& t = row[std::size_t(column(tab, "drag"))];
          p_.error(t.line, t.column,
                   fmt::format("mgc.resistor {}: with --inverse-drag {:g} its drag {:g} gives "
                               "ζ = {:.6g}, far above any drag factor (1 to 1000): this file's "
                               "drag column holds ζ itself (import it without --inverse-drag)",
                               row.front().text, inverse_drag_, written, l.drag));
          ok = false;
        }
      }
    } else if (name == "compressor") {
      const auto rmin = number(tab, row, "c_ratio_min"), rmax = number(tab, row, "c_ratio_max");
      const auto pmax = number(tab, row, "power_max", false);
      const auto fmax = number(tab, row, "flow_max", false);
      const auto fmin = number(tab, row, "flow_min", false);
      if (!rmin || !rmax) ok = false;
      if (rmin && rmax && !(*rmax > 1.0 && *rmax > *rmin)) {
        p_.error(row.front().line, row.front().column,
                 fmt::format("mgc.compressor {}: c_ratio_max must lie above 1 and c_ratio_min",
                             row.front().text));
        ok = false;
      }
      // A huge limit is none (GasModels writes 1e100 and the like).
      if (rmax && *rmax <= plausible_limit(dim::none)) l.ratio_max = *rmax;
      if (fmax && *fmax > 0 && *fmax <= plausible_limit(dim::mass_flow)) l.flow_max = *fmax;
      if (fmin) l.flow_min = *fmin;
      if (pmax && *pmax < 1e30)
        note_["power_max"] = "compressors' power_max is not used (their drive power is not given)";
      const auto dir = number(tab, row, "directionality", false);
      if (dir && *dir == 0)
        note_["directionality"] =
            "bidirectional compressors (directionality 0) compress from fr_junction to "
            "to_junction; flow the other way passes only while they run at ratio 1";
    } else if (name == "valve") {
      l.open = true;
    }
    if (ok) net_.links.push_back(std::move(l));
  }
}

void Converter::read_flows(const std::string& name, bool receipt) {
  const auto it = p_.tables.find(name);
  if (it == p_.tables.end()) return;
  const Table& tab = it->second;
  for (const auto& row : tab.rows) {
    if (!active(tab, row)) continue;
    const auto node = junction(tab, row, "junction_id");
    const auto q = number(tab, row, receipt ? "injection_nominal" : "withdrawal_nominal");
    if (!node || !q) continue;
    if (*q < 0) {
      p_.error(row.front().line, row.front().column,
               fmt::format("mgc.{} {}: a negative nominal flow", name, row.front().text));
      continue;
    }
    (receipt ? injection_ : withdrawal_)[std::size_t(*node)] += *q;
  }
}

// GasModels writes a two-way GasLib control valve X–Y as two regulators into an auxiliary
// junction V (X → V ← Y, the second passing its flow backwards). Such a pair, with nothing
// else at V and no flow nominated there, becomes one two-way regulator X → Y and V goes.
void Converter::pair_regulators() {
  auto& nodes = net_.nodes;
  auto& links = net_.links;
  std::vector<std::vector<std::size_t>> at(nodes.size());
  for (std::size_t k = 0; k < links.size(); ++k) {
    at[std::size_t(links[k].from)].push_back(k);
    at[std::size_t(links[k].to)].push_back(k);
  }
  std::vector<char> drop_link(links.size(), 0), drop_node(nodes.size(), 0);
  std::vector<std::string> pairs;
  for (std::size_t v = 0; v < nodes.size(); ++v) {
    if (at[v].size() != 2 || injection_[v] != 0 || withdrawal_[v] != 0) continue;
    imported::Link& a = links[at[v][0]];
    const imported::Link& b = links[at[v][1]];
    if (a.type != "controlValve" || b.type != "controlValve" || a.to != int(v) || b.to != int(v))
      continue;
    pairs.push_back(fmt::format("{} + {} (via {})", a.id, b.id, nodes[v].id));
    a.id += "+" + b.id.substr(b.id.find('_') + 1);
    a.to = b.from;
    a.bidirectional = true;
    drop_link[at[v][1]] = 1, drop_node[v] = 1;
  }
  if (pairs.empty()) return;
  std::vector<int> remap(nodes.size(), -1);
  std::vector<imported::Node> kept;
  std::vector<double> inj, wd;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (drop_node[i]) continue;
    remap[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(nodes[i]));
    inj.push_back(injection_[i]), wd.push_back(withdrawal_[i]);
  }
  std::vector<imported::Link> kept_links;
  for (std::size_t k = 0; k < links.size(); ++k) {
    if (drop_link[k]) continue;
    imported::Link l = std::move(links[k]);
    l.from = remap[std::size_t(l.from)], l.to = remap[std::size_t(l.to)];
    kept_links.push_back(std::move(l));
  }
  nodes = std::move(kept), links = std::move(kept_links);
  injection_ = std::move(inj), withdrawal_ = std::move(wd);
  net_.node_index.clear();
  for (std::size_t i = 0; i < nodes.size(); ++i) net_.node_index[nodes[i].id] = int(i);
  for (auto& [id, index] : junctions_) index = index >= 0 ? remap[std::size_t(index)] : -1;
  note_["pairs"] = fmt::format(
      "{} pairs of regulators into an auxiliary junction (X → V ← Y, GasModels' form of a "
      "two-way control valve) are one two-way regulator X → Y each: {}",
      pairs.size(), fmt::join(pairs, "; "));
}

std::string Converter::run(const std::string& path, const MatgasOptions& options) {
  p_.parse();
  if (!p_.errors.empty()) throw ImportError(p_.errors);
  // Units and the gas.
  if (const auto it = p_.scalars.find("units"); it == p_.scalars.end())
    p_.error(1, 1, "the file gives no mgc.units (expected 'si')");
  else if (it->second.value.text != "si")
    p_.error(it->second.value.line, it->second.value.column,
             fmt::format("mgc.units = '{}': only 'si' is imported", it->second.value.text));
  for (const char* pu : {"is_per_unit", "per_unit"})
    if (const auto it = p_.scalars.find(pu); it != p_.scalars.end() && scalar(pu, 0.0) != 0.0)
      p_.error(it->second.line, it->second.column,
               fmt::format("mgc.{} is set: per-unit data are not imported", pu));
  for (const auto& [field, s] : p_.scalars)
    if (!known_scalars().count(field))
      p_.error(s.line, s.column, fmt::format("unknown MATGAS field mgc.{}", field));
  for (const auto& [name, tab] : p_.tables)
    if (!standard_columns().count(name) && !tab.rows.empty())
      p_.error(tab.line, tab.column,
               fmt::format("mgc.{}: this table is not imported (known: junction, pipe, "
                           "compressor, short_pipe, resistor, regulator, valve, receipt, "
                           "delivery)",
                           name));
  const double G = scalar("gas_specific_gravity", 0.6);
  const double M = scalar("gas_molar_mass", G * constants::kMolarMassAir);  // kg/mol
  const double Z = scalar("compressibility_factor", 1.0);
  const double T = scalar("temperature", 288.15);
  const double kappa = scalar("specific_heat_capacity_ratio", 1.3);
  const double R = scalar("R", constants::kGasConstant);
  // Where a scalar is given (the first of `names` present), else the file's first line.
  auto at_scalar = [&](std::initializer_list<const char*> names, const std::string& message) {
    for (const char* n : names)
      if (const auto it = p_.scalars.find(n); it != p_.scalars.end())
        return p_.error(it->second.value.line, it->second.value.column, message);
    p_.error(1, 1, message);
  };
  for (const auto& [name, bad] : std::initializer_list<std::pair<const char*, bool>>{
           {"gas_molar_mass", !(M > 0)},
           {"compressibility_factor", !(Z > 0)},
           {"temperature", !(T > 0)},
           {"specific_heat_capacity_ratio", !(kappa > 1 && kappa < 2)},
           {"R", !(R > 0)}})
    if (bad) at_scalar({name, "gas_specific_gravity"}, fmt::format("mgc.{} is out of range", name));
  if (p_.errors.empty()) {
    // The study's gas (an ideal gas of molar mass M/Z·R_Steppe/R at T) must be one a study
    // may hold.
    const double written = M / Z * (constants::kGasConstant / R);  // kg/mol
    const double gravity = written / constants::kMolarMassAir;
    if (!(gravity > kGravityMin && gravity < kGravityMax))
      at_scalar(
          {"gas_molar_mass", "gas_specific_gravity", "compressibility_factor"},
          fmt::format("the gas (molar mass M/Z·{:.9g}/R = {:.6g} g/mol) has a specific "
                      "gravity of {:.6g}, outside {:g} to {:g}",
                      constants::kGasConstant, written * 1e3, gravity, kGravityMin, kGravityMax));
    if (!(T > kTemperatureMin && T < kTemperatureMax))
      at_scalar({"temperature"}, fmt::format("mgc.temperature = {:g} K lies outside {:g}–{:g} K", T,
                                             kTemperatureMin, kTemperatureMax));
  }
  if (!p_.errors.empty()) throw ImportError(p_.errors);

  inverse_drag_ = options.inverse_drag;
  read_junctions();
  read_links("pipe", "pipe");
  read_links("compressor", "compressorStation");
  read_links("short_pipe", "shortPipe");
  read_links("resistor", "resistor");
  read_links("regulator", "controlValve");
  read_links("valve", "valve");
  read_flows("receipt", true);
  read_flows("delivery", false);
  for (const Table& ext : p_.extensions) {
    const std::string base = ext.name.substr(0, ext.name.size() - 5);
    const auto it = p_.tables.find(base);
    if (it == p_.tables.end() || it->second.rows.size() != ext.rows.size())
      p_.error(ext.line, ext.column,
               fmt::format("mgc.{} has {} rows, mgc.{} {}", ext.name, ext.rows.size(), base,
                           it == p_.tables.end() ? 0 : it->second.rows.size()));
    else if (ext.name == "regulator_data" && ext.header.size() == 1 &&
             ext.header[0] == "is_bidirectional")
      for (std::size_t k = 0; k < ext.rows.size(); ++k) {
        const Table& reg = it->second;
        const std::string id = "regulator_" + reg.rows[k].front().text;
        for (imported::Link& l : net_.links)
          if (l.id == id) l.bidirectional = ext.rows[k].front().text == "1";
      }
    else
      note_[ext.name] =
          fmt::format("mgc.{} (columns {}) is not used", ext.name, fmt::join(ext.header, ", "));
  }
  if (!p_.errors.empty()) throw ImportError(p_.errors);
  pair_regulators();
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    imported::Node& n = net_.nodes[i];
    const double net_flow = withdrawal_[i] - injection_[i];
    if (injection_[i] == 0 && withdrawal_[i] == 0) continue;
    if (injection_[i] > 0 && withdrawal_[i] > 0)
      note_["both"] = "junctions with receipts and deliveries take their net flow";
    n.type = net_flow < 0 ? "source" : "sink";
    n.flow = {std::abs(net_flow)};
    n.flow_note = fmt::format("{}", net_flow < 0 ? "receipt" : "delivery");
  }
  if (!std::any_of(net_.nodes.begin(), net_.nodes.end(),
                   [](const auto& n) { return n.type == "source"; }))
    p_.error(1, 1, "the network has no receipt: nothing can hold its pressure");
  if (!p_.errors.empty()) throw ImportError(p_.errors);

  // An ideal gas of molar mass M/Z·(R_Steppe/R) has GasModels' density ρ = p·M/(Z·R·T) with
  // the file's R.
  net_.molar_mass = M / Z * (constants::kGasConstant / R) * 1e3;  // g/mol
  net_.temperature = T;
  net_.law = "ideal";
  net_.isentropic_exponent = kappa;
  net_.friction = "colebrook";
  net_.duration = options.duration;
  net_.demand_swing = options.demand_swing;
  std::vector<std::string> drag_notes;
  // Resistors whose drag factor cannot be one: say what they pass (at a 1 bar drop, the gas
  // at the mean of their junctions' pressure limits), so a steady start that fails there is
  // explained.
  for (const imported::Link& l : net_.links) {
    if (l.type != "resistor" || !(l.drag > kPlausibleDrag)) continue;
    const double p =
        0.25 * (net_.nodes[std::size_t(l.from)].pmin + net_.nodes[std::size_t(l.from)].pmax +
                net_.nodes[std::size_t(l.to)].pmin + net_.nodes[std::size_t(l.to)].pmax);
    const double rho = p * M / (Z * R * T),
                 area = 0.25 * std::numbers::pi * l.diameter * l.diameter;
    drag_notes.push_back(fmt::format(
        "{} ({}): drag {:.6g} is far above the drag factors of real resistors (1 to "
        "1000); it passes {:.3g} kg/s at a 1 bar drop at {} ({:.3g} kg/m³): check the file's "
        "drag column",
        l.id, l.where, l.drag, area * std::sqrt(2 * rho * 1e5 / l.drag), imported::bar(p), rho));
  }
  imported::solve_operating_point(net_, p_.errors);
  if (!p_.errors.empty()) {
    // The likeliest cause, where there is one, in the same message.
    if (!drag_notes.empty())
      p_.errors.back() += " (" + fmt::format("{}", fmt::join(drag_notes, "; ")) + ")";
    throw ImportError(p_.errors);
  }

  std::string name = p_.function_name.empty() ? "MATGAS" : p_.function_name;
  if (const auto it = p_.scalars.find("name"); it != p_.scalars.end()) name = it->second.value.text;
  net_.name = name;
  net_.header.push_back(
      "Steppe study imported from MATGAS (GasModels.jl) by `steppe import matgas`.");
  net_.header.push_back(fmt::format("  network: {}", path));
  auto& a = net_.assumptions;
  a.push_back(fmt::format(
      "gas: GasModels' constant compressibility Z = {:.6g} at T = {:.6g} K and molar mass "
      "{:.6g} kg/mol (R = {:.9g} J/(mol K)), as an ideal gas of molar mass M/Z·{:.9g}/R = "
      "{:.9g} g/mol (the same density ρ = p·M/(Z·R·T) and sound speed √(Z·R·T/M) = {:.6g} m/s); "
      "κ = {:.6g} for compressor power.",
      Z, T, M, R, constants::kGasConstant, net_.molar_mass, std::sqrt(Z * R * T / M), kappa));
  a.push_back(
      "pipes: GasModels' friction_factor as a fixed Darcy λ (`lambda`); junctions have no "
      "elevation; grid max_segment_length 1 km.");
  a.push_back(
      "flows: receipts and deliveries at their nominal values in kg/s; the largest receipt's "
      "junction holds the pressure without a flow limit (it also gives the compressors' fuel; "
      "injection_min/max and withdrawal_min/max are not used).");
  a.push_back(
      "regulators are control valves, resistors use drag and diameter (Δp = ζ·ṁ|ṁ|/(2ρA²)), "
      "valves are open.");
  if (options.inverse_drag > 0)
    a.push_back(fmt::format(
        "resistors: the file's drag column read as C·D⁸/ζ with C = {:.6g} (--inverse-drag): "
        "ζ = C·D⁸/drag",
        options.inverse_drag));
  for (const std::string& n : drag_notes) a.push_back(n);
  for (const auto& [k, n] : note_) a.push_back(n);
  if (!inactive_.empty())
    a.push_back(fmt::format("left out with status 0: {}", fmt::join(inactive_, ", ")));
  std::vector<std::string> ignored;
  for (const auto& [field, s] : p_.scalars)
    if (field.rfind("base_", 0) == 0 || field == "sound_speed" || field == "economic_weighting")
      ignored.push_back("mgc." + field);
  if (!ignored.empty()) a.push_back(fmt::format("not needed: {}", fmt::join(ignored, ", ")));
  return imported::emit_study(net_);
}

}  // namespace

std::string matgas_to_yaml(const std::string& path, const std::string& text,
                           const MatgasOptions& options) {
  Converter c(path, text);
  return c.run(path, options);
}

std::string import_matgas(const std::string& path, const MatgasOptions& options) {
  std::vector<std::string> errors;
  const GaslibText t = read_text(path, errors);
  if (!errors.empty()) throw ImportError(errors);
  return matgas_to_yaml(path, t.text, options);
}

}  // namespace steppe::gas
