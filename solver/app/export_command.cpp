// steppe export RESULTS.h5 [--select gas/nodes/pressure …] [-o DIR]: the results as CSV
// (solver/io/results_export.hpp).
#include <cstdio>
#include <filesystem>

#include "solver/app/command.hpp"
#include "solver/io/results_export.hpp"

namespace steppe::app {

namespace {

class ExportCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* sub = app.add_subcommand(
        "export",
        "write a results file as CSV: one file per group, ISO times, units in the "
        "header, values at full precision");
    sub->add_option("results", options_.results, "the HDF5 results file")->required();
    sub->add_option("--select", options_.select,
                    "a dataset (gas/nodes/pressure) or group (gas/nodes, events) to export "
                    "(repeatable; default: everything)");
    sub->add_option("-o,--output", options_.dir,
                    "directory for the CSV files (default: <results stem>_csv/ beside it)");
    return sub;
  }

  int run() override {
    if (options_.dir.empty()) {
      const std::filesystem::path p(options_.results);
      options_.dir = (p.parent_path() / (p.stem().string() + "_csv")).string();
    }
    const auto files = export_csv(options_);
    std::printf("%zu CSV files in %s\n", files.size(), options_.dir.c_str());
    for (const std::string& f : files)
      std::printf("  %s\n", std::filesystem::path(f).filename().c_str());
    return 0;
  }

 private:
  ExportOptions options_;
};

}  // namespace

std::unique_ptr<Command> make_export_command() {
  return std::make_unique<ExportCommand>();
}

}  // namespace steppe::app
