#include "solver/engine/system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <stdexcept>

namespace steppe {

void System::add(std::unique_ptr<Component> c) {
  if (assembled_) throw std::logic_error("System::add after assemble()");
  components_.push_back(std::move(c));
}

Component* System::find(const std::string& name) const {
  for (const auto& c : components_)
    if (c->name() == name) return c.get();
  return nullptr;
}

Component* System::find(const std::string& name, const std::string& kind) const {
  for (const auto& c : components_)
    if (c->name() == name && c->kind() == kind) return c.get();
  return nullptr;
}

std::string System::describe(int i) const {
  if (i < 0 || i >= size()) return fmt::format("unknown #{}", i);
  const Component& c = owner(i);
  return fmt::format("{} {}: {}", c.kind(), c.name(), spec(i).name);
}

namespace {

// A block of equations that holds fewer unknowns than it has equations, from a maximum
// matching of the pattern (rows[e], cols[e]) of an n × n matrix; nullopt if there is none.
std::optional<StructureProblem> unmatched_block(int n, const std::vector<int>& rows,
                                                const std::vector<int>& cols) {
  // The pushed entries as rows of column lists (CSR), duplicates kept (harmless).
  std::vector<std::int64_t> start(std::size_t(n) + 1, 0);
  for (int r : rows) start[std::size_t(r) + 1]++;
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<int> adj(rows.size());
  {
    std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
    for (std::size_t e = 0; e < rows.size(); ++e)
      adj[std::size_t(fill[std::size_t(rows[e])]++)] = cols[e];
  }
  std::vector<int> match_row(std::size_t(n), -1), match_col(std::size_t(n), -1);
  auto entries = [&](int r) {
    return std::span<const int>(adj.data() + start[std::size_t(r)],
                                adj.data() + start[std::size_t(r) + 1]);
  };
  // Start from the diagonal (a component's rows belong to its own unknowns), then any free
  // unknown; augment the rest along shortest alternating paths (breadth first).
  for (int r = 0; r < n; ++r)
    for (int c : entries(r))
      if (c == r) {
        match_row[std::size_t(r)] = r, match_col[std::size_t(r)] = r;
        break;
      }
  for (int r = 0; r < n; ++r)
    if (match_row[std::size_t(r)] < 0)
      for (int c : entries(r))
        if (match_col[std::size_t(c)] < 0) {
          match_row[std::size_t(r)] = c, match_col[std::size_t(c)] = r;
          break;
        }
  std::vector<int> seen(std::size_t(n), -1), from(std::size_t(n), -1), queue;
  for (int r0 = 0; r0 < n; ++r0) {
    if (match_row[std::size_t(r0)] >= 0) continue;
    queue.assign(1, r0);
    int free_col = -1;
    for (std::size_t q = 0; q < queue.size() && free_col < 0; ++q)
      for (int c : entries(queue[q])) {
        if (seen[std::size_t(c)] == r0) continue;
        seen[std::size_t(c)] = r0;
        from[std::size_t(c)] = queue[q];
        if (match_col[std::size_t(c)] < 0) {
          free_col = c;
          break;
        }
        queue.push_back(match_col[std::size_t(c)]);
      }
    if (free_col >= 0) {
      for (int c = free_col; c >= 0;) {
        const int r = from[std::size_t(c)], next = match_row[std::size_t(r)];
        match_row[std::size_t(r)] = c, match_col[std::size_t(c)] = r;
        c = next;
      }
      continue;
    }
    // Every equation reachable from r0 is matched to an unknown it contains, except r0:
    // these equations hold one unknown fewer than they are.
    StructureProblem p;
    p.equations = queue;
    for (int c = 0; c < n; ++c)
      if (seen[std::size_t(c)] == r0) p.unknowns.push_back(c);
    std::sort(p.equations.begin(), p.equations.end());
    return p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<StructureProblem> System::steady_structure_problem(double t0, double t_end) {
  const int n = size();
  std::vector<double> y(std::size_t(n), 0.0), yp(std::size_t(n), 0.0);
  initial_values(y);
  const double saved_end = segment_end_;
  set_segment_end(next_stop(t0, t_end));
  std::vector<double> values(std::size_t(nonzeros()), 0.0);
  jacobian(t0, y.data(), yp.data(), 0.0, values.data());
  set_segment_end(saved_end);
  std::vector<int> rows, cols;
  for (int c = 0; c < n; ++c)
    for (auto q = col_ptr_[std::size_t(c)]; q < col_ptr_[std::size_t(c) + 1]; ++q) {
      const int r = static_cast<int>(row_index_[std::size_t(q)]);
      // Held states (running totals, storage levels) are y − y0 = 0 in the steady start.
      const bool held = spec(r).quadrature;
      if ((held && r == c) || (!held && values[std::size_t(q)] != 0.0)) {
        rows.push_back(r);
        cols.push_back(c);
      }
    }
  for (int i = 0; i < n; ++i)
    if (spec(i).quadrature) rows.push_back(i), cols.push_back(i);
  return unmatched_block(n, rows, cols);
}

void System::assemble() {
  if (assembled_) return;
  if (components_.empty()) throw std::runtime_error("the study defines no elements");
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t k = 0; k < components_.size(); ++k) {
    Component& c = *components_[k];
    if (!seen.insert({c.kind(), c.name()}).second)
      throw std::runtime_error(
          fmt::format("two elements of kind {} are named '{}'", c.kind(), c.name()));
    c.offset_ = size();
    for (auto& u : c.unknowns()) {
      specs_.push_back(std::move(u));
      owner_.push_back(static_cast<int>(k));
    }
  }
  for (auto& c : components_) c->bind();

  // Record the Jacobian pattern at the initial guess.
  const int n = size();
  std::vector<double> y(static_cast<std::size_t>(n)), yp(static_cast<std::size_t>(n), 0.0);
  initial_values(y);
  State s{0.0, y.data(), yp.data()};
  writer_.recording_ = true;
  std::vector<int> entry_owner;
  for (std::size_t k = 0; k < components_.size(); ++k) {
    components_[k]->jacobian(s, writer_);
    entry_owner.resize(writer_.rows_.size(), static_cast<int>(k));
  }
  writer_.recording_ = false;
  const std::size_t pushed = writer_.rows_.size();
  for (std::size_t e = 0; e < pushed; ++e) {
    int r = writer_.rows_[e], c = writer_.cols_[e];
    if (r < 0 || r >= n || c < 0 || c >= n)
      throw std::logic_error(fmt::format("{} {}: Jacobian entry ({}, {}) outside the system",
                                         components_[std::size_t(entry_owner[e])]->kind(),
                                         components_[std::size_t(entry_owner[e])]->name(), r, c));
  }
  structure_problem_ = unmatched_block(n, writer_.rows_, writer_.cols_);
  // Entries (column, row); every diagonal is in the pattern so KLU sees a full diagonal.
  std::vector<std::pair<int, int>> keys;
  keys.reserve(pushed + std::size_t(n));
  for (std::size_t e = 0; e < pushed; ++e) keys.emplace_back(writer_.cols_[e], writer_.rows_[e]);
  for (int i = 0; i < n; ++i) keys.emplace_back(i, i);
  std::vector<std::pair<int, int>> unique = keys;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  col_ptr_.assign(std::size_t(n) + 1, 0);
  row_index_.resize(unique.size());
  for (std::size_t k = 0; k < unique.size(); ++k) {
    row_index_[k] = unique[k].second;
    col_ptr_[std::size_t(unique[k].first) + 1]++;
  }
  std::partial_sum(col_ptr_.begin(), col_ptr_.end(), col_ptr_.begin());
  slots_.resize(pushed);
  for (std::size_t e = 0; e < pushed; ++e) {
    auto it = std::lower_bound(unique.begin(), unique.end(), keys[e]);
    slots_[e] = static_cast<int>(it - unique.begin());
  }
  nnz_by_component_.assign(components_.size(), 0);
  {
    std::set<std::tuple<int, int, int>> per;
    for (std::size_t e = 0; e < pushed; ++e)
      per.insert({entry_owner[e], keys[e].first, keys[e].second});
    for (int i = 0; i < n; ++i) per.insert({owner_[std::size_t(i)], i, i});  // the diagonal
    for (const auto& t : per) nnz_by_component_[std::size_t(std::get<0>(t))]++;
  }
  writer_.rows_.clear();
  writer_.cols_.clear();
  writer_.rows_.shrink_to_fit();
  writer_.cols_.shrink_to_fit();
  writer_.slots_ = slots_.data();

  // Event sources.
  for (auto& c : components_) {
    if (auto* es = dynamic_cast<EventSource*>(c.get())) {
      sources_.push_back({es, c.get(), root_count_, es->root_count()});
      root_count_ += es->root_count();
    }
  }

  // Outputs: groups in order of first appearance, elements in order of declaration.
  std::map<std::string, std::vector<std::string>> group_kinds;
  std::vector<int> output_owner;  // the component declaring each output entry
  for (std::size_t k = 0; k < components_.size(); ++k) {
    Component* c = components_[k].get();
    const std::size_t before = plan_.entries().size();
    c->declare_outputs(plan_);
    output_owner.resize(plan_.entries().size(), static_cast<int>(k));
    for (std::size_t e = before; e < plan_.entries().size(); ++e) {
      auto& kinds = group_kinds[plan_.entries()[e].group];
      if (std::find(kinds.begin(), kinds.end(), c->kind()) == kinds.end())
        kinds.push_back(c->kind());
    }
  }
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<std::string>> group_elements;
  std::map<std::string, std::vector<std::size_t>> group_series;  // first entry of each quantity
  for (std::size_t e = 0; e < plan_.entries().size(); ++e) {
    const auto& en = plan_.entries()[e];
    if (!group_elements.count(en.group)) group_order.push_back(en.group);
    auto& els = group_elements[en.group];
    if (std::find(els.begin(), els.end(), en.element) == els.end()) els.push_back(en.element);
    auto& ser = group_series[en.group];
    if (std::none_of(ser.begin(), ser.end(),
                     [&](std::size_t i) { return plan_.entries()[i].quantity == en.quantity; }))
      ser.push_back(e);
  }
  output_columns_.assign(plan_.entries().size(), -1);
  std::map<std::string, int> group_index;
  std::vector<int> series_of_entry(plan_.entries().size(), -1);
  for (const auto& g : group_order) {
    const auto& els = group_elements[g];
    const OutputPlan::Coordinate* coord = plan_.coordinate(g);
    int gi = coord ? layout_.add_coordinate_group(g, coord->name, coord->values, coord->units,
                                                  coord->long_name)
                   : layout_.add_group(g, els, plan_.dimension_of(g));
    group_index[g] = gi;
    layout_.set_element_kinds(gi, group_kinds[g]);
    for (std::size_t first : group_series[g]) {
      const auto& f = plan_.entries()[first];
      const std::vector<Flag>* flags = plan_.flags_of(g, f.quantity);
      const int series = static_cast<int>(layout_.series().size());
      int col0 = layout_.add_series(gi, f.quantity, f.units, f.long_name,
                                    flags ? *flags : std::vector<Flag>{},
                                    plan_.companion_of(g, f.quantity));
      for (std::size_t e = 0; e < plan_.entries().size(); ++e) {
        const auto& en = plan_.entries()[e];
        if (en.group != g || en.quantity != f.quantity) continue;
        if (en.units != f.units)
          throw std::logic_error(
              fmt::format("{}/{}: units {} and {}", g, en.quantity, f.units, en.units));
        auto pos = std::find(els.begin(), els.end(), en.element) - els.begin();
        output_columns_[e] = col0 + static_cast<int>(pos);
        series_of_entry[e] = series;
      }
    }
  }
  // Static data: one [element] dataset per (group, name), in order of first declaration.
  std::map<std::pair<int, std::string>, int> static_index;
  for (const OutputPlan::Static& st : plan_.statics()) {
    auto gi = group_index.find(st.group);
    if (gi == group_index.end())
      throw std::logic_error(
          fmt::format("{}: static data '{}' for a group without series", st.group, st.name));
    const auto& els = group_elements[st.group];
    auto [it, fresh] = static_index.try_emplace({gi->second, st.name}, -1);
    if (fresh)
      it->second =
          layout_.add_static(gi->second, st.name, st.text, st.units, st.long_name, st.target_group);
    const auto& sd = layout_.statics()[static_cast<std::size_t>(it->second)];
    if (sd.text != st.text || sd.units != st.units || sd.target_group != st.target_group)
      throw std::logic_error(fmt::format("{}/{}: declared twice differently", st.group, st.name));
    const auto pos =
        static_cast<std::size_t>(std::find(els.begin(), els.end(), st.element) - els.begin());
    if (pos >= els.size())
      throw std::logic_error(fmt::format("{}/{}: element '{}' has no series in the group", st.group,
                                         st.name, st.element));
    if (st.text)
      layout_.set_static(it->second, pos, st.text_value);
    else
      layout_.set_static(it->second, pos, st.value);
  }
  for (const OutputPlan::LimitDecl& l : plan_.limits()) {
    const auto e = static_cast<std::size_t>(l.handle);
    const int series = series_of_entry[e];
    const auto& sr = layout_.series()[static_cast<std::size_t>(series)];
    layout_.add_limit(series, static_cast<std::size_t>(output_columns_[e] - sr.first_column),
                      output_columns_[e], l.name, l.bound, l.value);
  }
  // Exact extremes: four series beside each tracked one (NaN for its untracked elements).
  std::map<int, std::array<int, 4>> extreme_series;  // series → first columns
  for (const int h : plan_.extremes()) {
    const auto e = static_cast<std::size_t>(h);
    const int series = series_of_entry[e];
    // (a copy: add_series below may move the layout's series)
    const ResultsLayout::Series sr = layout_.series()[static_cast<std::size_t>(series)];
    auto [it, fresh] = extreme_series.try_emplace(series);
    if (fresh) {
      const std::string q = sr.name, u = sr.units, ln = sr.long_name;
      const int g = sr.group;
      it->second = {
          layout_.add_series(g, q + "_lowest", u,
                             "lowest " + ln + " since the previous sample (every solver step)"),
          layout_.add_series(g, q + "_lowest_time", "s",
                             "when " + q + "_lowest occurred (s since the start)"),
          layout_.add_series(g, q + "_highest", u,
                             "highest " + ln + " since the previous sample (every solver step)"),
          layout_.add_series(g, q + "_highest_time", "s",
                             "when " + q + "_highest occurred (s since the start)")};
    }
    const int pos = output_columns_[e] - sr.first_column;
    layout_.add_extreme({output_columns_[e], output_owner[e], it->second[0] + pos,
                         it->second[1] + pos, it->second[2] + pos, it->second[3] + pos});
  }
  assembled_ = true;
}

void System::initial_values(std::span<double> y) const {
  for (const auto& c : components_) {
    auto n = c->unknowns().size();
    c->initial_values(y.subspan(static_cast<std::size_t>(c->offset()), n));
  }
}

bool System::residual(double t, const double* y, const double* yp, double* F) const {
  const int n = size();
  std::fill(F, F + n, 0.0);
  State s{input_time(t), y, yp};
  for (const auto& c : components_) c->residual(s, F);
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(F[i])) {
      int bad_y = -1;
      for (int j = 0; j < n && bad_y < 0; ++j)
        if (!std::isfinite(y[j]) || !std::isfinite(yp[j])) bad_y = j;
      error_ = fmt::format("t = {:.6g} s: residual of {} is {}", t, describe(i), F[i]);
      if (bad_y >= 0) error_ += fmt::format(" (state {} is not finite)", describe(bad_y));
      return false;
    }
  }
  return true;
}

void System::jacobian(double t, const double* y, const double* yp, double cj,
                      double* values) const {
  std::fill(values, values + nonzeros(), 0.0);
  writer_.values_ = values;
  writer_.cj_ = cj;
  writer_.cursor_ = 0;
  State s{input_time(t), y, yp};
  for (const auto& c : components_) c->jacobian(s, writer_);
  if (writer_.cursor_ != slots_.size())
    throw std::logic_error(fmt::format("Jacobian pushed {} entries, the pattern has {}",
                                       writer_.cursor_, slots_.size()));
}

std::vector<double> System::jacobian_fd(double t, const double* y, const double* yp,
                                        double cj) const {
  // Central differences at steps h and h/2, combined by Richardson extrapolation
  // (4·D(h/2) − D(h))/3: the h² truncation error cancels, so a residual that is smooth on
  // a scale σ is resolved to (h/σ)⁴ rather than (h/σ)² (a smooth limiter's scale is a few
  // kPa where the step on a 50 bar pressure is 5 Pa), at three times the round-off.
  const int n = size();
  std::vector<double> J(std::size_t(n) * std::size_t(n), 0.0);
  std::vector<double> yy(y, y + n), yyp(yp, yp + n);
  std::vector<double> Fp(static_cast<std::size_t>(n)), Fm(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    for (int pass = 0; pass < 2; ++pass) {  // ∂/∂y, then ∂/∂y'
      std::vector<double>& v = pass == 0 ? yy : yyp;
      const double base = v[std::size_t(j)];
      const double scale = std::max(std::abs(base), spec(j).scale * (pass == 0 ? 1.0 : 1e-2));
      const double w = pass == 0 ? 1.0 : cj;
      for (int half = 0; half < 2; ++half) {
        const double h = (half == 0 ? 1e-6 : 0.5e-6) * std::max(scale, 1e-12);
        const double weight = (half == 0 ? -1.0 / 3.0 : 4.0 / 3.0) * w;
        v[std::size_t(j)] = base + h;
        residual(t, yy.data(), yyp.data(), Fp.data());
        v[std::size_t(j)] = base - h;
        residual(t, yy.data(), yyp.data(), Fm.data());
        v[std::size_t(j)] = base;
        for (int i = 0; i < n; ++i)
          J[std::size_t(j) * std::size_t(n) + std::size_t(i)] +=
              weight * (Fp[std::size_t(i)] - Fm[std::size_t(i)]) / (2 * h);
      }
    }
  }
  return J;
}

void System::roots(double t, const double* y, const double* yp, double* g) const {
  State s{input_time(t), y, yp};
  for (const auto& src : sources_)
    if (src.count > 0) src.source->roots(s, g + src.first_root);
}

double System::next_stop(double t0, double t1) const {
  double best = t1;
  for (const auto& src : sources_) {
    stop_buffer_.clear();
    src.source->stop_times(t0, best, stop_buffer_);
    for (double ts : stop_buffer_)
      if (ts > t0 && ts < best) best = ts;
  }
  return best;
}

// Records the action's event, remembers a fatal one, and says whether to re-initialise.
bool System::apply(const EventAction& a, double t, const Component& c,
                   std::vector<EventRecord>& events) {
  if (!a.kind.empty())
    events.push_back({t, a.kind, c.name(), a.value, a.message, a.units, c.kind()});
  if (a.fatal && fatal_.empty()) fatal_ = fmt::format("{} {}: {}", c.kind(), c.name(), a.message);
  return a.reinitialise;
}

bool System::on_roots(const int* found, const State& s, std::vector<EventRecord>& events) {
  bool reinit = false;
  fatal_.clear();
  for (const auto& src : sources_)
    for (int i = 0; i < src.count; ++i)
      if (int dir = found[src.first_root + i]; dir != 0)
        reinit = apply(src.source->on_root(i, dir, s), s.t, *src.component, events) || reinit;
  return reinit;
}

bool System::on_stop(double t, const State& s, std::vector<EventRecord>& events) {
  bool reinit = false;
  fatal_.clear();
  for (const auto& src : sources_)
    reinit = apply(src.source->on_stop(t, s), t, *src.component, events) || reinit;
  return reinit;
}

bool System::settle(const State& s, std::vector<EventRecord>& events) {
  bool reinit = false;
  fatal_.clear();
  for (const auto& src : sources_)
    reinit = apply(src.source->settle(s), s.t, *src.component, events) || reinit;
  return reinit;
}

std::vector<double> System::save_discrete() const {
  std::vector<double> blocks;
  for (const auto& src : sources_) {
    DiscreteState d;
    src.source->save(d);
    blocks.push_back(static_cast<double>(d.values().size()));
    blocks.insert(blocks.end(), d.values().begin(), d.values().end());
  }
  return blocks;
}

void System::restore_discrete(const std::vector<double>& blocks) {
  std::size_t at = 0;
  for (const auto& src : sources_) {
    const std::string who = src.component->kind() + " " + src.component->name();
    if (at >= blocks.size()) throw std::runtime_error("checkpoint: no discrete state for " + who);
    const double count = blocks[at++];
    if (!(count >= 0 && count == std::floor(count) && count <= double(blocks.size() - at)))
      throw std::runtime_error("checkpoint: the discrete state of " + who + " is cut short");
    const auto n = static_cast<std::size_t>(count);
    if (at + n > blocks.size())
      throw std::runtime_error("checkpoint: the discrete state of " + who + " is cut short");
    DiscreteState d;
    d.values().assign(blocks.begin() + static_cast<std::ptrdiff_t>(at),
                      blocks.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    try {
      src.source->restore(d);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} ({})", e.what(), who));
    }
    if (d.cursor() != n)
      throw std::runtime_error(fmt::format(
          "checkpoint: the discrete state of {} has {} values, the study's element reads {}", who,
          n, d.cursor()));
  }
  if (at != blocks.size())
    throw std::runtime_error("checkpoint: more discrete state than the study has event sources");
  fatal_.clear();
}

void System::write_outputs_of(std::span<const int> components, const State& s,
                              std::vector<double>& frame) const {
  frame.resize(static_cast<std::size_t>(layout_.frame_size()), std::nan(""));
  OutputFrame out;
  out.columns_ = output_columns_.data();
  out.frame_ = frame.data();
  for (const int k : components) components_[static_cast<std::size_t>(k)]->write_outputs(s, out);
}

void System::write_outputs(const State& s, std::vector<double>& frame) const {
  frame.assign(static_cast<std::size_t>(layout_.frame_size()), std::nan(""));
  OutputFrame out;
  out.columns_ = output_columns_.data();
  out.frame_ = frame.data();
  for (const auto& c : components_) c->write_outputs(s, out);
}

std::vector<System::KindStats> System::kind_stats() const {
  std::vector<KindStats> out;
  for (std::size_t k = 0; k < components_.size(); ++k) {
    const Component& c = *components_[k];
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const KindStats& s) { return s.kind == c.kind(); });
    if (it == out.end()) {
      out.push_back({c.kind()});
      it = out.end() - 1;
    }
    it->elements++;
    for (const auto& u : c.unknowns()) {
      it->unknowns++;
      (u.kind == VarKind::Differential ? it->differential : it->algebraic)++;
    }
    it->nonzeros += nnz_by_component_[k];
  }
  return out;
}

}  // namespace steppe
