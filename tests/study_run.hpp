// Test helper: a study loaded from YAML text, initialised and integrated step by step.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/domains.hpp"
#include "solver/engine/integrator.hpp"
#include "solver/study/study.hpp"

namespace steppe::testing {

struct StudyRun {
  std::unique_ptr<Study> study;
  std::unique_ptr<Integrator> integ;
  std::vector<EventRecord> events;

  explicit StudyRun(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
    study = load_study_text(yaml, "test.yaml", overrides, domains());
    const auto& s = study->settings;
    integ = std::make_unique<Integrator>(study->system, s.solver, 0.0, s.duration);
    integ->initialise(events);
  }
  const System& system() const { return study->system; }
  // Unknown k of the named element.
  double value(const std::string& element, int k = 0) const {
    return integ->y()[study->system.find(element)->offset() + k];
  }
  double y(int i) const { return integ->y()[i]; }
  State state() const { return integ->state(); }
  // The named element as its concrete type (std::bad_cast if it is another kind).
  template <class T>
  const T& get(const std::string& name) const {
    const Component* c = study->system.find(name);
    if (!c) throw std::invalid_argument("no element named " + name);
    return dynamic_cast<const T&>(*c);
  }
  void to(double t) { integ->advance(t, events); }
  // Events of `kind` recorded for `element` so far.
  int count(const std::string& kind, const std::string& element) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == kind && e.element == element;
    return n;
  }
};

}  // namespace steppe::testing
