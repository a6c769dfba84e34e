#include "solver/batch/sweep.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "solver/study/study_reader.hpp"

namespace steppe {

namespace {

// A sweep larger than this is refused: every scenario is loaded to validate it.
constexpr std::size_t kMaxScenarios = 100000;

// One override of a scenario and its place in the sweep block.
struct Setting {
  std::string assignment;  // "key.path=value"
  Location where;          // of the value
  Location key_where;      // of the key path (a path that leads nowhere is reported there)
};

// One item of a factor of the product: a named scenario, a grid value, a sample.
struct Item {
  std::string name;
  std::vector<Setting> settings;
};

struct GridKey {
  std::string key;
  std::vector<std::string> shown;  // each value as written, for the scenario names
  std::vector<Setting> settings;   // one per value
};

struct Varied {
  std::string key;
  Location where;  // the `vary` entry
  Distribution dist;
  std::string unit;  // of the distribution's parameters, appended to the sampled number
};

// The sweep block as read: only the parts without errors.
struct Block {
  bool has_scenarios = false, has_grid = false, has_samples = false;
  std::vector<Item> scenarios;
  std::vector<GridKey> grid;
  long count = 0;
  std::uint64_t seed = 1;
  std::vector<Varied> vary;
  std::vector<std::pair<std::string, Reader>> outputs;
};

// An entry of a mapping whose keys are key paths.
struct Entry {
  std::string key;
  Reader at_key;
  Reader value;
};

// A node as override text (read back as YAML by apply_override): one line, flow style.
std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << n;
  return out.c_str();
}

// A value as shown in a scenario name.
std::string shown_text(const YAML::Node& n) {
  return n.IsScalar() ? n.Scalar() : yaml_text(n);
}

// The entries of mapping `map` in file order (a repeated key: the first; finish() reports
// the others).
std::vector<Entry> entries(const Reader& map, const std::shared_ptr<ReadContext>& ctx) {
  std::vector<Entry> out;
  std::set<std::string> seen;
  for (auto it = map.node().begin(); it != map.node().end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string path = map.path() + "." + key;
    Reader at_key(it->first, path, ctx);
    map.has(key);  // every key path is known here: finish() reports only duplicates
    if (!it->first.IsScalar() || key.empty()) {
      at_key.error("expected a key path such as power.zones.South.load.scale");
      continue;
    }
    if (!seen.insert(key).second) continue;
    out.push_back({key, at_key, Reader(it->second, path, ctx)});
  }
  map.finish();
  return out;
}

// The place of an entry's value (of its key when the value is empty).
Location value_place(const Entry& e) {
  Location at = e.value.where();
  return e.value.node().IsNull() || (at.source && at.line < 0) ? e.at_key.where() : at;
}

// "a.b=c" could not be split back: a key path holds no '='.
bool key_path_ok(const Entry& e) {
  if (e.key.find('=') == std::string::npos) return true;
  e.at_key.error("a key path cannot contain '='");
  return false;
}

std::optional<Item> read_scenario(const Reader& item, const std::shared_ptr<ReadContext>& ctx,
                                  std::map<std::string, std::string>& first_of) {
  const std::size_t before = ctx->diagnostics.size();
  Item s;
  s.name = item.text("name");
  if (!item.has_error("name")) {
    if (s.name.empty()) {
      item.error_at_key("name", "a scenario name must not be empty");
    } else if (auto [it, fresh] = first_of.emplace(s.name, item.path()); !fresh) {
      item.error_at_key("name", fmt::format("duplicate scenario name '{}' (the first is {})",
                                            s.name, it->second));
    }
  }
  if (Reader set = item.child("set"); set.defined()) {
    if (!set.is_map()) {
      set.error(
          "expected a mapping of key paths to values, such as {oil.stations.AA PS2.trips: "
          "[6 h]}");
    } else {
      for (const Entry& e : entries(set, ctx))
        if (key_path_ok(e))
          s.settings.push_back(
              {e.key + "=" + yaml_text(e.value.node()), value_place(e), e.at_key.where()});
    }
  }
  item.finish();
  if (ctx->diagnostics.size() > before) return std::nullopt;
  return s;
}

void read_grid(const Reader& grid, const std::shared_ptr<ReadContext>& ctx, Block& b) {
  if (!grid.is_map()) {
    grid.error(
        "expected a mapping of key paths to value lists, such as "
        "{power.zones.South.load.scale: [0.9, 1.0, 1.1]}");
    return;
  }
  const auto es = entries(grid, ctx);
  if (es.empty() && grid.node().size() == 0) grid.error("expected at least one key path");
  for (const Entry& e : es) {
    if (!key_path_ok(e)) continue;
    if (!e.value.is_sequence() || e.value.node().size() == 0) {
      e.value.error(
          fmt::format("expected a list of values for {}, such as [0.9, 1.0, 1.1]", e.key));
      continue;
    }
    GridKey g;
    g.key = e.key;
    for (std::size_t i = 0; i < e.value.node().size(); ++i) {
      const YAML::Node n = e.value.node()[i];
      Reader r(n, fmt::format("{}[{}]", e.value.path(), i), ctx);
      const std::string shown = shown_text(n);
      if (std::find(g.shown.begin(), g.shown.end(), shown) != g.shown.end()) {
        r.error(fmt::format("the value '{}' is listed twice", shown));
        continue;
      }
      g.shown.push_back(shown);
      g.settings.push_back({e.key + "=" + yaml_text(n), r.where(), e.at_key.where()});
    }
    b.grid.push_back(std::move(g));
  }
}

struct Param {
  double value = 0.0;
  std::string unit;
};

// A distribution parameter: "number" or "number unit".
std::optional<Param> read_param(const Reader& dist, const std::string& key) {
  Reader r = dist.child(key);
  if (!r.defined()) {
    r.error(fmt::format("missing required key '{}'", key));
    return std::nullopt;
  }
  const std::string s = r.node().IsScalar() ? r.node().Scalar() : "";
  const char* begin = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(v)) {
    r.error("expected a number or \"number unit\", such as 90 m");
    return std::nullopt;
  }
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(" \t"));
  unit.erase(unit.find_last_not_of(" \t") + 1);
  if (!unit.empty()) {
    try {
      parse_quantity("1 " + unit);
    } catch (const UnitError& e) {
      r.error(fmt::format("'{}': {}", unit, e.what()));
      return std::nullopt;
    }
  }
  return Param{v, unit};
}

std::string describe_unit(const std::string& unit) {
  return unit.empty() ? "no unit" : fmt::format("unit '{}'", unit);
}

std::optional<Varied> read_varied(const Entry& e, const std::shared_ptr<ReadContext>& ctx) {
  const Reader& v = e.value;
  if (!v.is_map()) {
    v.error("expected a distribution, such as {distribution: normal, mean: 1.0, std: 0.05}");
    return std::nullopt;
  }
  const std::size_t before = ctx->diagnostics.size();
  Varied out;
  out.key = e.key;
  out.where = e.at_key.where();
  std::string kind;
  if (!v.has("distribution"))
    v.error_at_key("distribution",
                   "missing required key 'distribution' (uniform, normal or "
                   "weibull)");
  else
    kind = v.choice("distribution", {"uniform", "normal", "weibull"}, "");
  if (kind.empty()) {
    for (const char* k : {"low", "high", "mean", "std", "shape", "scale"}) v.has(k);
    v.finish();
    return std::nullopt;
  }
  const bool weibull = kind == "weibull";
  const std::string first = kind == "uniform" ? "low" : kind == "normal" ? "mean" : "shape";
  const std::string second = kind == "uniform" ? "high" : kind == "normal" ? "std" : "scale";
  const auto p1 = read_param(v, first);
  const auto p2 = read_param(v, second);
  v.finish();
  if (!p1 || !p2) return std::nullopt;
  out.dist.kind = kind == "uniform"  ? Distribution::Kind::Uniform
                  : kind == "normal" ? Distribution::Kind::Normal
                                     : Distribution::Kind::Weibull;
  out.dist.a = p1->value;
  out.dist.b = p2->value;
  out.unit = p2->unit;
  if (weibull && !p1->unit.empty())
    v.error_at_key("shape",
                   fmt::format("the Weibull shape is a pure number (it has unit '{}')", p1->unit));
  else if (!weibull && p1->unit != p2->unit)
    v.error_at_key(second,
                   fmt::format("'{}' has {} but '{}' has {}: the parameters of a "
                               "distribution carry the same unit",
                               second, describe_unit(p2->unit), first, describe_unit(p1->unit)));
  switch (out.dist.kind) {
    case Distribution::Kind::Uniform:
      v.check("high", out.dist.b > out.dist.a, fmt::format("must be > low ({})", p1->value));
      break;
    case Distribution::Kind::Normal:
      v.check("std", out.dist.b > 0, "must be > 0");
      break;
    case Distribution::Kind::Weibull:
      v.check("shape", out.dist.a > 0, "must be > 0");
      v.check("scale", out.dist.b > 0, "must be > 0");
      break;
  }
  if (ctx->diagnostics.size() > before) return std::nullopt;
  return out;
}

void read_samples(const Reader& smp, const std::shared_ptr<ReadContext>& ctx, Block& b) {
  if (!smp.is_map()) {
    smp.error("expected a mapping {count, seed, vary}");
    return;
  }
  long count = 0;
  if (!smp.has("count")) {
    smp.error_at_key("count", "missing required key 'count' (the number of samples)");
  } else {
    count = smp.integer("count", 0, 1, long(kMaxScenarios));
    smp.check("count", count >= 1 && count <= long(kMaxScenarios),
              fmt::format("must be 1 to {}", kMaxScenarios));
  }
  const long seed = smp.integer("seed", 1, 0, 0xFFFFFFFFL);
  smp.check("seed", seed >= 0 && seed <= 0xFFFFFFFFL, "must be 0 to 4294967295");
  Reader vary = smp.child("vary");
  if (!vary.defined()) {
    vary.error(
        "missing required key 'vary' (the key paths to sample, with their "
        "distributions)");
  } else if (!vary.is_map()) {
    vary.error(
        "expected a mapping of key paths to distributions, such as "
        "{power.zones.South.load.scale: {distribution: normal, mean: 1.0, std: 0.05}}");
  } else {
    const auto es = entries(vary, ctx);
    if (es.empty() && vary.node().size() == 0) vary.error("expected at least one key path");
    for (const Entry& e : es)
      if (key_path_ok(e))
        if (auto v = read_varied(e, ctx)) b.vary.push_back(std::move(*v));
  }
  smp.finish();
  if (!smp.has_error("count")) b.count = count;
  if (!smp.has_error("seed")) b.seed = static_cast<std::uint64_t>(seed);
}

// Reads the sweep block into `b`; false when the study has none or it is empty.
bool read_block(const Reader& root, const std::shared_ptr<ReadContext>& ctx, Block& b) {
  Reader sw = root.child("sweep");
  if (!sw.node().IsDefined()) {
    sw.error("the study has no 'sweep' section");
    return false;
  }
  if (!sw.is_map() && !sw.node().IsNull()) {
    sw.error("'sweep' must be a mapping (scenarios, grid, samples, outputs)");
    return false;
  }
  if (sw.has("scenarios")) {
    b.has_scenarios = true;
    Reader list = sw.child("scenarios");
    if (list.is_sequence() && list.node().size() == 0)
      list.error("expected at least one scenario, such as {name: base}");
    std::map<std::string, std::string> first_of;
    for (const Reader& item : sw.map_items("scenarios", "name: base, set: {key.path: value}"))
      if (auto s = read_scenario(item, ctx, first_of)) b.scenarios.push_back(std::move(*s));
  }
  if (Reader grid = sw.child("grid"); grid.defined()) {
    b.has_grid = true;
    read_grid(grid, ctx, b);
  }
  if (Reader smp = sw.child("samples"); smp.defined()) {
    b.has_samples = true;
    read_samples(smp, ctx, b);
  }
  if (sw.has("outputs")) {
    for (const Reader& r : sw.items("outputs")) {
      std::string p = r.node().IsScalar() ? r.node().Scalar() : "";
      if (!p.empty() && p.front() == '/') p.erase(0, 1);
      if (p.empty())
        r.error("expected a dataset path such as gas/nodes/pressure");
      else
        b.outputs.emplace_back(p, r);
    }
  }
  sw.finish();
  if (!b.has_scenarios && !b.has_grid && !b.has_samples) {
    sw.error("the sweep has nothing to vary: give scenarios, grid or samples");
    return false;
  }
  return true;
}

// The scenarios: scenarios × grid points × samples, in that nesting order.
std::vector<Item> expand(const Block& b, const Reader& sw) {
  std::vector<Item> scenarios = b.scenarios;
  if (scenarios.empty()) scenarios.emplace_back();
  // Grid labels: the last element of the key path, unless two keys share it.
  std::vector<std::string> labels;
  for (const GridKey& g : b.grid) labels.push_back(g.key.substr(g.key.rfind('.') + 1));
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (std::count_if(b.grid.begin(), b.grid.end(), [&](const GridKey& g) {
          return g.key.substr(g.key.rfind('.') + 1) == labels[i];
        }) > 1)
      labels[i] = b.grid[i].key;
  const bool sampled = b.count > 0 && !b.vary.empty();
  const std::size_t samples = sampled ? std::size_t(b.count) : 1;
  double points = 1.0;
  for (const GridKey& g : b.grid) points *= double(g.settings.size());
  const double total = double(scenarios.size()) * points * double(samples);
  if (total > double(kMaxScenarios)) {
    sw.error(fmt::format("the sweep expands to {:.0f} scenarios; at most {} are allowed", total,
                         kMaxScenarios));
    return {};
  }

  std::vector<Item> sample_items(1);
  if (sampled) {
    sample_items.clear();
    std::vector<Distribution> dists;
    for (const Varied& v : b.vary) dists.push_back(v.dist);
    const int width = std::max(2, int(std::to_string(b.count - 1).size()));
    for (long i = 0; i < b.count; ++i) {
      Item s;
      s.name = fmt::format("s{:0{}}", i, width);
      const auto values = draw_sample(dists, b.seed, std::uint64_t(i));
      for (std::size_t j = 0; j < b.vary.size(); ++j) {
        const Varied& v = b.vary[j];
        std::string value = fmt::format("{:.17g}", values[j]);
        if (!v.unit.empty()) value += " " + v.unit;
        s.settings.push_back({v.key + "=" + value, v.where, v.where});
      }
      sample_items.push_back(std::move(s));
    }
  }

  std::vector<Item> out;
  out.reserve(std::size_t(total));
  auto join = [](std::string& name, const std::string& part) {
    if (part.empty()) return;
    name += (name.empty() ? "" : "+") + part;
  };
  for (const Item& sc : scenarios) {
    std::vector<std::size_t> at(b.grid.size(), 0);  // the grid point: an odometer
    while (true) {
      Item point = sc;
      for (std::size_t k = 0; k < b.grid.size(); ++k) {
        join(point.name, labels[k] + "=" + b.grid[k].shown[at[k]]);
        point.settings.push_back(b.grid[k].settings[at[k]]);
      }
      for (const Item& s : sample_items) {
        Item full = point;
        join(full.name, s.name);
        full.settings.insert(full.settings.end(), s.settings.begin(), s.settings.end());
        out.push_back(std::move(full));
      }
      std::size_t k = b.grid.size();
      while (k > 0 && ++at[k - 1] == b.grid[k - 1].settings.size()) at[--k] = 0;
      if (k == 0) break;
    }
  }
  return out;
}

std::vector<Override> command_line(const std::vector<std::string>& cli_overrides) {
  std::vector<Override> out;
  for (const auto& o : cli_overrides) out.push_back(command_line_override(o));
  return out;
}

std::vector<Override> scenario_overrides(const Scenario& s,
                                         const std::vector<std::string>& cli_overrides) {
  std::vector<Override> out = command_line(cli_overrides);
  for (std::size_t k = 0; k < s.overrides.size(); ++k)
    out.push_back({s.overrides[k], k < s.where.size() ? s.where[k] : Location{}, {}});
  return out;
}

std::string scenario_note(const std::vector<std::string>& names) {
  if (names.size() == 1) return fmt::format(" (sweep scenario '{}')", names[0]);
  if (names.size() == 2) return fmt::format(" (sweep scenarios '{}' and '{}')", names[0], names[1]);
  return fmt::format(" (sweep scenarios '{}', '{}' and {} more)", names[0], names[1],
                     names.size() - 2);
}

// The identity of a diagnostic, to report a problem once.
std::string identity(const Diagnostic& d) {
  const Location& w = d.where;
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", w.source ? w.source->path : "", w.line, w.column,
                     w.origin, d.key_path, d.message);
}

}  // namespace

std::vector<double> draw_sample(std::span<const Distribution> vary, std::uint64_t seed,
                                std::uint64_t index) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(index)};
  std::mt19937_64 engine(seq);
  auto uniform = [&engine] { return static_cast<double>(engine() >> 11) * 0x1p-53; };
  std::vector<double> out;
  out.reserve(vary.size());
  for (const Distribution& d : vary) {
    switch (d.kind) {
      case Distribution::Kind::Uniform:
        out.push_back(d.a + (d.b - d.a) * uniform());
        break;
      case Distribution::Kind::Normal: {
        const double u1 = uniform();
        const double u2 = uniform();
        const double z =
            std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * std::numbers::pi * u2);
        out.push_back(d.a + d.b * z);
        break;
      }
      case Distribution::Kind::Weibull:
        out.push_back(d.b * std::pow(-std::log(1.0 - uniform()), 1.0 / d.a));
        break;
    }
  }
  return out;
}

Sweep load_sweep_text(const std::string& text, const std::string& path,
                      const std::vector<std::string>& cli_overrides,
                      std::span<const Domain> domains) {
  // The base study: its errors are reported once, not again for every scenario.
  Diagnostics base_errors;
  std::unique_ptr<Study> base;
  try {
    base = load_study_with(text, path, command_line(cli_overrides), domains);
  } catch (const InputError& e) {
    base_errors = e.diagnostics();
  }

  auto ctx = std::make_shared<ReadContext>();
  ctx->source = SourceText::from_string(path, text);
  ctx->study_dir = std::filesystem::path(path).parent_path().string();
  YAML::Node doc;
  Diagnostics unused;
  if (!parse_study_yaml(text, ctx->source, unused, doc))
    throw InputError(base_errors);  // the base load reported the syntax error
  if (!doc.IsMap()) throw InputError(base_errors);
  // --set may reach into the sweep block too; the base load reports those that fail.
  for (const auto& o : cli_overrides) {
    std::string key_path;
    if (apply_override(doc, o, &key_path).empty())
      ctx->add_override(key_path, command_line_override(o).where);
  }

  Sweep sweep;
  sweep.study_path = path;
  Block block;
  Reader root(doc, "", ctx);
  std::vector<Item> items;
  if (read_block(root, ctx, block)) items = expand(block, root.child("sweep"));

  std::set<std::string> names;
  std::vector<const Item*> item_of;  // of each scenario
  for (const Item& it : items) {
    if (!names.insert(it.name).second) {
      root.child("sweep").error(fmt::format("two scenarios are named '{}'", it.name));
      continue;
    }
    item_of.push_back(&it);
    Scenario s;
    s.index = int(sweep.scenarios.size());
    s.name = it.name;
    for (const Setting& st : it.settings) {
      s.overrides.push_back(st.assignment);
      s.where.push_back(st.where);
    }
    sweep.scenarios.push_back(std::move(s));
  }

  // Every scenario is loaded; its errors that the base study does not have are its own.
  std::set<std::string> known;
  for (const Diagnostic& d : base_errors.entries()) known.insert(identity(d));
  std::vector<std::pair<Diagnostic, std::vector<std::string>>> found;  // with the scenarios
  std::map<std::string, std::size_t> found_at;
  for (const Scenario& s : sweep.scenarios) {
    if (s.overrides.empty()) continue;  // the base study
    std::vector<Override> overrides = command_line(cli_overrides);
    for (const Setting& st : item_of[std::size_t(s.index)]->settings)
      overrides.push_back({st.assignment, st.where, st.key_where});
    try {
      load_study_with(text, path, overrides, domains, true);
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics().entries()) {
        const std::string id = identity(d);
        if (known.count(id)) continue;
        auto [it, fresh] = found_at.emplace(id, found.size());
        if (fresh) found.push_back({d, {}});
        found[it->second].second.push_back(s.name);
      }
    }
  }

  // The outputs: datasets of the base study's results.
  if (base) {
    const ResultsLayout& layout = base->system.layout();
    std::vector<std::string> datasets;
    for (const auto& s : layout.series())
      datasets.push_back(layout.groups()[std::size_t(s.group)].path + "/" + s.name);
    for (const auto& [p, r] : block.outputs) {
      if (std::find(sweep.outputs.begin(), sweep.outputs.end(), p) != sweep.outputs.end()) {
        r.error(fmt::format("'{}' is listed twice", p));
      } else if (std::find(datasets.begin(), datasets.end(), p) != datasets.end()) {
        sweep.outputs.push_back(p);
      } else {
        const std::string hint = closest_match(p, datasets);
        r.error(fmt::format("no dataset '{}' in the study's results{}", p,
                            hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
      }
    }
  }

  // In file order (a scenario's errors follow the study's reading order).
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    const Location &a = x.first.where, &b = y.first.where;
    return std::pair(a.source ? a.line : -1, a.column) <
           std::pair(b.source ? b.line : -1, b.column);
  });
  Diagnostics all = base_errors;
  for (const Diagnostic& d : ctx->diagnostics.entries()) all.error(d.where, d.key_path, d.message);
  for (const auto& [d, in] : found) all.error(d.where, d.key_path, d.message + scenario_note(in));
  if (!all.empty()) throw InputError(all);
  return sweep;
}

Sweep load_sweep(const std::string& path, const std::vector<std::string>& cli_overrides,
                 std::span<const Domain> domains) {
  return load_sweep_text(read_study_file(path), path, cli_overrides, domains);
}

std::unique_ptr<Study> load_scenario_text(const std::string& text, const std::string& path,
                                          const Sweep& sweep, int index,
                                          const std::vector<std::string>& cli_overrides,
                                          std::span<const Domain> domains) {
  const Scenario& s = sweep.scenarios.at(std::size_t(index));
  try {
    return load_study_with(text, path, scenario_overrides(s, cli_overrides), domains, true);
  } catch (const InputError& e) {
    Diagnostics d;
    for (const Diagnostic& x : e.diagnostics().entries())
      d.error(x.where, x.key_path, x.message + scenario_note({s.name}));
    throw InputError(d);
  }
}

std::unique_ptr<Study> load_scenario(const std::string& path, const Sweep& sweep, int index,
                                     const std::vector<std::string>& cli_overrides,
                                     std::span<const Domain> domains) {
  return load_scenario_text(read_study_file(path), path, sweep, index, cli_overrides, domains);
}

std::string scenario_file_name(const Sweep& sweep, int index) {
  const Scenario& s = sweep.scenarios.at(std::size_t(index));
  const int width = std::max(4, int(std::to_string(sweep.scenarios.size()).size()));
  std::string name = s.name;
  for (char& c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '=' || c == '+' || c == '-';
    if (!ok) c = '_';
  }
  return fmt::format("{:0{}}_{}.h5", index, width, name);
}

}  // namespace steppe
