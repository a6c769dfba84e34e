#include "solver/engine/system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
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
  for (auto& c : components_) c->declare_outputs(plan_);
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
  for (const auto& g : group_order) {
    const auto& els = group_elements[g];
    const OutputPlan::Coordinate* coord = plan_.coordinate(g);
    int gi = coord ? layout_.add_coordinate_group(g, coord->name, coord->values, coord->units,
                                                  coord->long_name)
                   : layout_.add_group(g, els);
    for (std::size_t first : group_series[g]) {
      const auto& f = plan_.entries()[first];
      int col0 = layout_.add_series(gi, f.quantity, f.units, f.long_name);
      for (std::size_t e = 0; e < plan_.entries().size(); ++e) {
        const auto& en = plan_.entries()[e];
        if (en.group != g || en.quantity != f.quantity) continue;
        if (en.units != f.units)
          throw std::logic_error(
              fmt::format("{}/{}: units {} and {}", g, en.quantity, f.units, en.units));
        auto pos = std::find(els.begin(), els.end(), en.element) - els.begin();
        output_columns_[e] = col0 + static_cast<int>(pos);
      }
    }
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
  const int n = size();
  std::vector<double> J(std::size_t(n) * std::size_t(n), 0.0);
  std::vector<double> yy(y, y + n), yyp(yp, yp + n);
  std::vector<double> Fp(static_cast<std::size_t>(n)), Fm(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    for (int pass = 0; pass < 2; ++pass) {  // ∂/∂y, then ∂/∂y'
      std::vector<double>& v = pass == 0 ? yy : yyp;
      const double base = v[std::size_t(j)];
      const double scale = std::max(std::abs(base), spec(j).scale * (pass == 0 ? 1.0 : 1e-3));
      const double h = 1e-6 * std::max(scale, 1e-12);
      v[std::size_t(j)] = base + h;
      residual(t, yy.data(), yyp.data(), Fp.data());
      v[std::size_t(j)] = base - h;
      residual(t, yy.data(), yyp.data(), Fm.data());
      v[std::size_t(j)] = base;
      const double w = pass == 0 ? 1.0 : cj;
      for (int i = 0; i < n; ++i)
        J[std::size_t(j) * std::size_t(n) + std::size_t(i)] +=
            w * (Fp[std::size_t(i)] - Fm[std::size_t(i)]) / (2 * h);
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
  if (!a.kind.empty()) events.push_back({t, a.kind, c.name(), a.value, a.message});
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
    const auto n = static_cast<std::size_t>(blocks[at++]);
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
