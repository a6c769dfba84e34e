// Test helper: a study loaded from YAML text, initialised and integrated step by step.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/domains.hpp"
#include "solver/integrator.hpp"
#include "solver/study.hpp"

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
  template <class T>
  const T& element(const std::string& name) const {
    return dynamic_cast<const T&>(*study->system.find(name));
  }
  void to(double t) { integ->advance(t, events); }
};

}  // namespace steppe::testing
