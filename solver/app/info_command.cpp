// steppe info FILE: what a results file, an ensemble index or a checkpoint holds.
#include <iostream>

#include "solver/app/command.hpp"
#include "solver/io/results_info.hpp"

namespace steppe::app {

namespace {

class InfoCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* info = app.add_subcommand("info", "describe a results file");
    info->add_option("results", path_, "the HDF5 results file")->required();
    return info;
  }
  int run() override {
    std::cout << describe_results(path_);
    return 0;
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<Command> make_info_command() {
  return std::make_unique<InfoCommand>();
}

}  // namespace steppe::app
