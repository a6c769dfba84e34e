// steppe sweep STUDY [-o DIR] [--index I | --gather DIR | --count | --list] …: the
// scenarios of a study's sweep block (solver/batch).
#include <cstdio>
#include <filesystem>
#include <optional>

#include "models/domains.hpp"
#include "solver/app/command.hpp"
#include "solver/batch/sweep_runner.hpp"

namespace steppe::app {

namespace {

class SweepCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* sweep = app.add_subcommand(
        "sweep",
        "run the scenarios of a study's sweep block, each to DIR/<scenario>.h5, and index them "
        "in DIR/ensemble.h5 (serially, under mpirun, or one --index per SLURM array task)");
    sweep->add_option("study", study_, "the study file (with a sweep block)");
    sweep->add_option("-o,--output", dir_, "the sweep directory (default: outputs/<study>-sweep)");
    sweep->add_option("--set", overrides_,
                      "override a key of the base study: key.path=value (repeatable)");
    sweep->add_option(
        "--index", index_,
        "run only scenario I (0-based; e.g. $SLURM_ARRAY_TASK_ID); no index is written");
    sweep->add_flag("--count", count_, "print the number of scenarios and stop");
    sweep->add_flag("--list", list_, "print index, name and overrides of every scenario");
    sweep->add_option("--gather", gather_dir_,
                      "write DIR/ensemble.h5 from the scenario files already in DIR");
    sweep->add_flag("-f,--force", force_, "rerun scenarios whose results are complete");
    sweep->add_option("--checkpoint-every", checkpoint_every_,
                      "checkpoint every scenario this often in simulated time (e.g. \"6 h\")");
    sweep->add_flag("-q,--quiet", quiet_, "no per-scenario lines");
    return sweep;
  }

  int run() override {
    if (!gather_dir_.empty()) return gather_sweep(gather_dir_, quiet_);
    if (study_.empty()) {
      std::fprintf(stderr, "steppe: error: sweep needs a study file (or --gather DIR)\n");
      return 2;
    }
    if (count_ || list_) return count_scenarios(study_, domains(), overrides_, list_);
    SweepOptions so;
    so.dir = dir_.empty() ? (std::filesystem::path("outputs") /
                             (std::filesystem::path(study_).stem().string() + "-sweep"))
                                .string()
                          : dir_;
    so.overrides = overrides_;
    so.index = index_;
    so.force = force_;
    so.quiet = quiet_;
    if (!checkpoint_every_.empty())  // a bad value: std::invalid_argument, exit 2 in main
      so.checkpoint_every = simulated_time("--checkpoint-every", checkpoint_every_);
    return run_sweep(study_, domains(), so);
  }

 private:
  std::string study_, dir_, gather_dir_, checkpoint_every_;
  std::vector<std::string> overrides_;
  std::optional<int> index_;
  bool count_ = false, list_ = false, force_ = false, quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_sweep_command() {
  return std::make_unique<SweepCommand>();
}

}  // namespace steppe::app
