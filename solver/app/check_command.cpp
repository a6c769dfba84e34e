// steppe check STUDY [--set k=v …]: validate a study and print its size per element kind.
#include <cmath>
#include <cstdio>

#include "models/domains.hpp"
#include "solver/app/command.hpp"
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
    return check;
  }

  int run() override {
    const auto study = load_study(study_path_, overrides_, domains());
    const auto& sys = study->system;
    std::printf("study %s: %s, %d unknowns, %lld Jacobian non-zeros, %d root functions\n",
                study->path.c_str(), study->settings.name.c_str(), sys.size(),
                static_cast<long long>(sys.nonzeros()), sys.root_count());
    std::printf("%-22s %9s %9s %13s %10s %10s\n", "element kind", "elements", "unknowns",
                "differential", "algebraic", "non-zeros");
    for (const auto& k : sys.kind_stats())
      std::printf("%-22s %9d %9d %13d %10d %10lld\n", k.kind.c_str(), k.elements, k.unknowns,
                  k.differential, k.algebraic, static_cast<long long>(k.nonzeros));
    const StudySettings& s = study->settings;
    std::printf("duration %g s, output every %g s → %ld samples\n", s.duration, s.output_interval,
                static_cast<long>(std::ceil(s.duration / s.output_interval)) + 1);
    return 0;
  }

 private:
  std::string study_path_;
  std::vector<std::string> overrides_;
};

}  // namespace

std::unique_ptr<Command> make_check_command() {
  return std::make_unique<CheckCommand>();
}

}  // namespace steppe::app
