// steppe check STUDY [--set k=v …]: validate a study and print its size per element kind.
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
    std::fputs(describe_study(*study).c_str(), stdout);
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
