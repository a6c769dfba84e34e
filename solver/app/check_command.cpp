// steppe check STUDY [--set k=v …] [--modes]: validate a study and print its size per
// element kind; with --modes, also find its initial state and print the modes of the DAE
// linearised there: how many grow, how many sit at λ = 0, and the twelve least damped.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
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
    const auto ev = modes(study->system, integ.state(), 3);
    // λ ≈ 0: running totals and other free integrals (no dynamics of their own), counted
    // apart: |λ| within 1e-7 of the largest |λ| (Eigen's QZ places a zero eigenvalue within
    // about 2e-9 of it: 3.2e-8 beside 13.9 1/s on the power benchmark), at most 1e-6 1/s
    // (a time constant of 12 days, slower than a gas network's line pack), at least 1e-9. The
    // rest least damped first (ζ = −Re λ/|λ|; growing modes have ζ < 0), a complex pair once
    // (Im λ > 0), each with the unknowns that move most in it.
    double largest = 0;
    for (const Mode& m : ev) largest = std::max(largest, std::abs(m.lambda));
    const double zero_below = std::max(1e-9, std::min(1e-7 * largest, 1e-6));
    std::vector<const Mode*> listed;
    std::size_t zero = 0;
    int growing = 0;
    for (const Mode& m : ev) {
      const auto e = m.lambda;
      if (std::abs(e) <= zero_below) {
        ++zero;
        continue;
      }
      growing += e.real() > 1e-9 * std::max(1.0, std::abs(e));
      if (e.imag() >= 0) listed.push_back(&m);
    }
    auto zeta = [](std::complex<double> e) { return -e.real() / std::abs(e); };
    std::stable_sort(listed.begin(), listed.end(), [&](const Mode* x, const Mode* y) {
      return zeta(x->lambda) < zeta(y->lambda);
    });
    std::printf(
        "%zu finite modes at the initial state, %d growing (Re λ > 0), %zu at λ ≈ 0 (running "
        "totals, free integrals); the least damped, with the unknowns that move most (their "
        "motion in their typical magnitudes, the largest 1):\n",
        ev.size(), growing, zero);
    std::printf("%14s %14s %12s %10s\n", "Re λ (1/s)", "Im λ (1/s)", "period (s)", "damping");
    for (std::size_t k = 0; k < std::min<std::size_t>(listed.size(), 12); ++k) {
      const Mode& m = *listed[k];
      const double re = m.lambda.real(), im = m.lambda.imag();
      std::printf("%14.6g %14s %12s %10.4g\n", re,
                  im > 0 ? fmt::format("±{:.6g}", im).c_str() : "0",
                  im > 0 ? fmt::format("{:.4g}", 2 * M_PI / im).c_str() : "—", zeta(m.lambda));
      std::string moves;
      for (const auto& [i, r] : m.shape)
        moves +=
            fmt::format("{}{} {:.3g}", moves.empty() ? "" : "; ", study->system.describe(i), r);
      std::printf("%16s%s\n", "", moves.c_str());
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
