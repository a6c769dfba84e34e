// The assembled DAE of a whole study: components with their offsets, the Jacobian's
// sparsity (compressed sparse column, fixed at assembly), names for every global index,
// the root functions and stop times of all event sources, and the output layout.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "solver/engine/component.hpp"
#include "solver/engine/outputs.hpp"

namespace steppe {

// Equations and unknowns that cannot be paired one to one: a block of equations that
// contains fewer unknowns than it has equations (over-determined: two boundaries holding
// one node), found from the structure of ∂F/∂y and ∂F/∂y' together by a maximum
// matching. Such a system is singular whatever its values; it is bad input, not a
// solver failure.
struct StructureProblem {
  std::vector<int> equations;  // rows (each the row of its component's unknown)
  std::vector<int> unknowns;   // the unknowns those equations contain
};

class System {
 public:
  template <class T, class... Args>
  T& emplace(Args&&... args) {
    auto c = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *c;
    add(std::move(c));
    return ref;
  }
  void add(std::unique_ptr<Component> c);
  // Assigns offsets, binds ports, records the Jacobian pattern and the output layout.
  // Throws std::runtime_error if the system is empty or a name is duplicated.
  void assemble();

  int size() const { return static_cast<int>(specs_.size()); }
  const std::vector<std::unique_ptr<Component>>& components() const { return components_; }
  const UnknownSpec& spec(int i) const { return specs_[static_cast<std::size_t>(i)]; }
  const Component& owner(int i) const {
    return *components_[static_cast<std::size_t>(owner_[static_cast<std::size_t>(i)])];
  }
  // Index in components() of the component owning unknown (and equation) i.
  int owner_index(int i) const { return owner_[static_cast<std::size_t>(i)]; }
  // The structural problem found at assembly, if any (the first one).
  const std::optional<StructureProblem>& structure_problem() const { return structure_problem_; }
  // The same for the matrix the steady start factorises first: ∂F/∂y at the initial
  // values at t0, its exact zeros left out, held (quadrature) rows as y − y0. A block found
  // here makes that matrix singular, so the steady start could only fail.
  std::optional<StructureProblem> steady_structure_problem(double t0, double t_end);
  // "lumped node Tank-1: pressure"
  std::string describe(int i) const;
  // Component by name, or nullptr.
  Component* find(const std::string& name) const;
  // Component by name and kind ("power generator"), or nullptr: names may repeat across kinds.
  Component* find(const std::string& name, const std::string& kind) const;

  // Initial guess / given initial state for all unknowns.
  void initial_values(std::span<double> y) const;
  // F = residual(t, y, y'); returns false (and sets error()) if any entry is not finite.
  bool residual(double t, const double* y, const double* yp, double* F) const;
  // CSC values of ∂F/∂y + cj ∂F/∂y' in the pattern of col_ptr()/row_index().
  void jacobian(double t, const double* y, const double* yp, double cj, double* values) const;
  const std::vector<std::int64_t>& col_ptr() const { return col_ptr_; }
  const std::vector<std::int64_t>& row_index() const { return row_index_; }
  std::int64_t nonzeros() const { return static_cast<std::int64_t>(row_index_.size()); }
  // Dense finite-difference Jacobian ∂F/∂y + cj ∂F/∂y' (tests, --check-jacobian), column-major:
  // central differences at two steps, Richardson-extrapolated (fourth order).
  std::vector<double> jacobian_fd(double t, const double* y, const double* yp, double cj) const;

  // The end of the current integration segment (the next stop time). Inputs are
  // evaluated as their left limits there, so a step that happens at a stop time acts
  // only after the engine has stopped and re-initialised, never inside a step.
  void set_segment_end(double t) { segment_end_ = t; }
  double segment_end() const { return segment_end_; }
  double input_time(double t) const {
    return t < segment_end_ ? t : std::nextafter(segment_end_, -HUGE_VAL);
  }

  // Events.
  int root_count() const { return root_count_; }
  void roots(double t, const double* y, const double* yp, double* g) const;
  // The earliest stop time of any source in (t0, t1], or t1 if none.
  double next_stop(double t0, double t1) const;
  // Root flags from IDA (`found[i]` ≠ 0 for the crossed roots, with the direction).
  // Appends the events to record and returns whether the DAE must be re-initialised.
  bool on_roots(const int* found, const State& s, std::vector<EventRecord>& events);
  bool on_stop(double t, const State& s, std::vector<EventRecord>& events);
  bool settle(const State& s, std::vector<EventRecord>& events);
  // Checkpoints: the discrete state of every event source, in assembly order, each
  // block preceded by its length. restore_discrete throws std::runtime_error naming the
  // element when a block does not fit (the checkpoint belongs to another study).
  std::vector<double> save_discrete() const;
  void restore_discrete(const std::vector<double>& blocks);
  // The message of a fatal event from the last on_roots/on_stop/settle call, or "".
  const std::string& fatal() const { return fatal_; }

  // Outputs.
  const ResultsLayout& layout() const { return layout_; }
  void write_outputs(const State& s, std::vector<double>& frame) const;
  // The outputs of some components only (indices in components()): their columns of
  // `frame` (sized to the layout's frame), the others left as they are.
  void write_outputs_of(std::span<const int> components, const State& s,
                        std::vector<double>& frame) const;

  // Counts per element kind, for `steppe check`.
  struct KindStats {
    std::string kind;
    int elements = 0, unknowns = 0, differential = 0, algebraic = 0;
    std::int64_t nonzeros = 0;
  };
  std::vector<KindStats> kind_stats() const;

  // The message of the last non-finite residual or failing component.
  const std::string& error() const { return error_; }
  void set_error(std::string e) const { error_ = std::move(e); }

 private:
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<UnknownSpec> specs_;
  std::vector<int> owner_;  // global index → component index
  // Jacobian: CSC pattern and the slot of each pushed entry.
  std::vector<std::int64_t> col_ptr_, row_index_;
  std::vector<int> slots_;
  std::vector<std::int64_t> nnz_by_component_;
  mutable JacobianWriter writer_;
  // Events.
  struct Source {
    EventSource* source;
    const Component* component;
    int first_root, count;
  };
  std::vector<Source> sources_;
  int root_count_ = 0;
  mutable std::vector<double> stop_buffer_;
  // Outputs.
  OutputPlan plan_;
  ResultsLayout layout_;
  std::vector<int> output_columns_;
  bool apply(const EventAction& a, double t, const Component& c, std::vector<EventRecord>& events);
  std::optional<StructureProblem> structure_problem_;
  mutable std::string error_;
  std::string fatal_;
  double segment_end_ = HUGE_VAL;
  bool assembled_ = false;
};

}  // namespace steppe
