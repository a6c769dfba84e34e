// steppe check STUDY [--set k=v …] [--modes]: validate a study and print its size per
// element kind; with --modes, also find its initial state and print the modes of the DAE
// linearised there (the least damped first), flagging any that grow.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "models/domains.hpp"
#include "solver/app/command.hpp"
#include "solver/engine/integrator.hpp"
#include "solver/engine/linearisation.hpp"
#include "solver/study/study.hpp"

namespace steppe::app {

namespace {

class CheckCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* check =
        app.add_subcommand("check", "validate a study and print its size per element kind");
    check->add_option("study", study_path_, "the study file")->required();
    check->add_option("--set", overrides_, "override a study key: key.path=value (repeatable)");
    check->add_flag("--modes", modes_,
                    "find the initial state and print the eigenvalues of the linearised DAE "
                    "there (dense: up to 3000 unknowns)");
    return check;
  }

  int run() override {
    const auto study = load_study(study_path_, overrides_, domains());
    std::fputs(describe_study(*study).c_str(), stdout);
    if (!modes_) return 0;
    Integrator integ(study->system, study->settings.solver, 0.0, study->settings.duration);
    std::vector<EventRecord> events;
    try {
      integ.initialise(events);
    } catch (const SolverFailure& e) {
      std::fprintf(stderr, "steppe: error: %s\n", e.what());
      return 1;
    }
    const auto ev = eigenvalues(study->system, integ.state());
    int growing = 0;
    for (const auto& e : ev) growing += e.real() > 1e-9 * std::max(1.0, std::abs(e));
    std::printf("%zu finite modes at the initial state, %d growing (Re λ > 0)\n", ev.size(),
                growing);
    std::printf("%14s %14s %12s %10s\n", "Re λ (1/s)", "Im λ (1/s)", "period (s)", "damping");
    for (std::size_t k = 0; k < std::min<std::size_t>(ev.size(), 12); ++k) {
      const double re = ev[k].real(), im = std::abs(ev[k].imag()), mag = std::abs(ev[k]);
      std::printf("%14.6g %14.6g %12s %10.4g\n", re, im > 0 ? ev[k].imag() : 0.0,
                  im > 0 ? fmt::format("{:.4g}", 2 * M_PI / im).c_str() : "—",
                  mag > 0 ? -re / mag : 0.0);
    }
    return 0;
  }

 private:
  std::string study_path_;
  std::vector<std::string> overrides_;
  bool modes_ = false;
};

}  // namespace

std::unique_ptr<Command> make_check_command() {
  return std::make_unique<CheckCommand>();
}

}  // namespace steppe::app
