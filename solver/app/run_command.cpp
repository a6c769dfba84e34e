// steppe run [STUDY] [-o OUT] [--set k=v …] [--checkpoint-every T] [--restart CKPT] …
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "models/domains.hpp"
#include "solver/app/command.hpp"
#include "solver/run/signals.hpp"
#include "solver/run/simulation.hpp"
#include "solver/study/diagnostics.hpp"

namespace steppe::app {

namespace {

// "--step-report": which unknowns made the steps small, as a share of the steps counted.
std::string step_report(const RunResult& r) {
  if (r.steps_attributed <= 0) return "steppe: step report: no steps taken\n";
  std::string out = fmt::format(
      "steppe: steps limited by (largest local error estimate in the solver's error weights, "
      "rtol·|y| + atol·scale), of {} steps:\n",
      r.steps_attributed);
  for (const StepLimiter& l : r.step_limiters)
    out +=
        fmt::format("  {:5.1f} %  {:>8}  {}\n",
                    100.0 * static_cast<double>(l.steps) / static_cast<double>(r.steps_attributed),
                    l.steps, printable(l.unknown, 200));
  return out;
}

class RunCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* run = app.add_subcommand("run", "run a study and write its HDF5 results");
    run->add_option("study", study_path_, "the study file")->capture_default_str();
    run->add_option("-o,--output", output_,
                    "results file (default: study.output or outputs/<study>.h5)");
    run->add_option("--set", overrides_, "override a study key: key.path=value (repeatable)");
    run->add_flag("-q,--quiet", quiet_,
                  "no progress output and no end summary (violated limits stay in /constraints)");
    run->add_flag("-f,--force", force_, "replace an existing results file");
    run->add_flag("--check-jacobian", check_jacobian_,
                  "compare the analytic Jacobian with finite differences at the initial state");
    run->add_flag("--step-report", step_report_,
                  "after the run, the unknowns that limited the most integrator steps (the "
                  "largest local error estimate in the solver's error weights)");
    run->add_option("--checkpoint-every", checkpoint_every_,
                    "write a checkpoint every this much simulated time (e.g. \"6 h\")");
    run->add_option("--checkpoint", checkpoint_path_, "the checkpoint file (default: OUT.h5.ckpt)");
    run->add_option("--restart", restart_path_,
                    "continue the run saved in this checkpoint (its study and results file)");
    sub_ = run;
    return run;
  }

  int run() override {
    RunOptions opts;
    std::optional<Checkpoint> ckpt;
    std::unique_ptr<Study> study;
    if (!restart_path_.empty()) {
      if (sub_->count("study") > 0 || !overrides_.empty() || !output_.empty()) {
        std::fprintf(stderr,
                     "steppe: error: --restart takes the study, its overrides and the results "
                     "file from the checkpoint; give none of them\n");
        return 2;
      }
      try {
        ckpt = read_checkpoint(restart_path_);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "steppe: error: %s\n", e.what());
        return 2;
      }
      study = load_study_text(ckpt->study_text, ckpt->study_path, {}, domains());
      opts.restart = &*ckpt;
      opts.checkpoint_path = checkpoint_path_.empty() ? restart_path_ : checkpoint_path_;
      opts.checkpoint_every = ckpt->checkpoint_every;
    } else {
      study = load_study(study_path_, overrides_, domains());
    }

    opts.output = output_;
    // The --set overrides, recorded in the results file (a restart continues the file
    // that has them).
    if (!ckpt) opts.extra_attributes.push_back({"overrides", join(overrides_, "; ")});
    // run_study checks the destination (only regular files are replaced, and only with
    // --force), locks it and, for a restart, checks that the results file is the
    // checkpoint's, all before it computes anything.
    opts.replace = force_;
    if (!ckpt) opts.checkpoint_path = checkpoint_path_;
    if (!checkpoint_every_.empty())  // a bad value: std::invalid_argument, exit 2 in main
      opts.checkpoint_every = simulated_time("--checkpoint-every", checkpoint_every_);
    opts.progress = quiet_ ? ProgressMode::Quiet : ProgressMode::Auto;
    opts.check_jacobian = check_jacobian_;
    opts.step_report = step_report_;
    install_stop_handlers();
    const RunResult r = run_study(*study, opts);
    // The violated limits, whatever the end (nothing when all were kept; --quiet leaves
    // them to the file's /constraints).
    const std::string violations = violations_summary(
        r.violations, r.monitored, study->settings.start_iso, study->settings.output_interval);
    if (!quiet_ && !violations.empty()) std::fprintf(stderr, "steppe: %s", violations.c_str());
    if (step_report_) std::fprintf(stderr, "%s", step_report(r).c_str());
    if (!r.checkpoint_path.empty()) {
      std::fprintf(stderr, "steppe: %s\nsteppe: %ld samples kept in %s (status \"interrupted\")\n",
                   r.message.c_str(), r.samples, r.output_path.c_str());
      return r.exit_code;
    }
    if (r.exit_code != 0) {
      std::fprintf(stderr,
                   "steppe: error: %s\nsteppe: %ld samples up to the failure kept in %s (status "
                   "\"failed\")\n",
                   r.message.c_str(), r.samples, r.output_path.c_str());
      return r.exit_code;
    }
    if (!quiet_)
      std::fprintf(stderr, "steppe: wrote %s: %ld samples, %ld events, %lld steps, %.2f s wall\n",
                   r.output_path.c_str(), r.samples, r.events,
                   static_cast<long long>(r.stats.steps), r.wall_seconds);
    return 0;
  }

 private:
  CLI::App* sub_ = nullptr;
  std::string study_path_ = kDefaultStudy, output_;
  std::vector<std::string> overrides_;
  bool quiet_ = false, check_jacobian_ = false, force_ = false, step_report_ = false;
  std::string checkpoint_every_, checkpoint_path_, restart_path_;
};

}  // namespace

std::unique_ptr<Command> make_run_command() {
  return std::make_unique<RunCommand>();
}

}  // namespace steppe::app
