// steppe recover FILE: makes a killed run's results file readable by any HDF5 reader
// (recover_results in solver/io/results_file.hpp).
#include <cstdio>

#include "solver/app/command.hpp"
#include "solver/io/results_file.hpp"

namespace steppe::app {

namespace {

class RecoverCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* sub = app.add_subcommand(
        "recover",
        "make a killed run's results file readable by any HDF5 reader: clear its SWMR mark, "
        "cut the series to the complete samples, set status \"interrupted\"");
    sub->add_option("results", path_, "the results file (or its .part)")->required();
    return sub;
  }

  int run() override {
    std::printf("%s\n", recover_results(path_).c_str());
    return 0;
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<Command> make_recover_command() {
  return std::make_unique<RecoverCommand>();
}

}  // namespace steppe::app
