// steppe: the command line. Exit codes: 0 done, 1 the solver failed (partial results
// kept), 2 bad input or usage.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "models/domains.hpp"
#include "solver/app/import/gaslib.hpp"
#include "solver/io/results_file.hpp"
#include "solver/io/results_info.hpp"
#include "solver/run/signals.hpp"
#include "solver/run/simulation.hpp"
#include "solver/batch/sweep_runner.hpp"
#include "solver/study/units.hpp"
#include "steppe/version.hpp"

namespace {

constexpr const char* kDefaultStudy = "inputs/kazakhstan_china.yaml";

int cmd_check(const steppe::Study& study) {
  const auto& sys = study.system;
  std::printf("study %s: %s, %d unknowns, %lld Jacobian non-zeros, %d root functions\n",
              study.path.c_str(), study.settings.name.c_str(), sys.size(),
              static_cast<long long>(sys.nonzeros()), sys.root_count());
  std::printf("%-22s %9s %9s %13s %10s %10s\n", "element kind", "elements", "unknowns",
              "differential", "algebraic", "non-zeros");
  for (const auto& k : sys.kind_stats())
    std::printf("%-22s %9d %9d %13d %10d %10lld\n", k.kind.c_str(), k.elements, k.unknowns,
                k.differential, k.algebraic, static_cast<long long>(k.nonzeros));
  std::printf(
      "duration %g s, output every %g s → %ld samples\n", study.settings.duration,
      study.settings.output_interval,
      static_cast<long>(std::ceil(study.settings.duration / study.settings.output_interval)) + 1);
  return 0;
}

// `steppe import gaslib NET SCN [-o study.yaml] [--cs CS] [--force]`; exit 2 on bad input.
int cmd_import_gaslib(const std::string& net, const std::string& scn, std::string cs,
                      const std::string& out, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (cs.empty()) {  // NET.cs beside NET.net, if there is one
    const fs::path guess = fs::path(net).replace_extension(".cs");
    if (fs::is_regular_file(guess, ec)) cs = guess.string();
  }
  if (!out.empty() && !force && fs::exists(out, ec)) {
    std::fprintf(stderr, "steppe: error: %s exists; use --force to overwrite it\n", out.c_str());
    return 2;
  }
  std::string yaml;
  try {
    yaml = steppe::gas::import_gaslib(net, scn, cs);
  } catch (const steppe::gas::GaslibError& e) {
    for (const auto& m : e.messages()) std::fprintf(stderr, "%s\n", m.c_str());
    std::fprintf(stderr, "steppe: %zu error%s in the GasLib files; nothing was written\n",
                 e.messages().size(), e.messages().size() == 1 ? "" : "s");
    return 2;
  }
  if (out.empty()) {
    std::fputs(yaml.c_str(), stdout);
    return 0;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << yaml;
  f.close();
  if (!f) {
    std::fprintf(stderr, "steppe: error: cannot write %s\n", out.c_str());
    return 2;
  }
  std::fprintf(stderr, "steppe: wrote %s\n", out.c_str());
  return 0;
}

// "6 h", "3600" (seconds) → seconds; std::invalid_argument with the reason otherwise.
double simulated_time(const std::string& option, const std::string& text) {
  try {
    const double v = steppe::to_si(steppe::parse_quantity(text), steppe::dim::time);
    if (!(v > 0)) throw std::invalid_argument("must be > 0");
    return v;
  } catch (const std::exception& e) {
    throw std::invalid_argument(fmt::format("{} '{}': {}", option, text, e.what()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  steppe::prepare_hdf5();
  CLI::App app{
      "Steppe: transient simulation of the Kazakhstan–China energy corridor "
      "(gas, oil and power in one DAE)"};
  app.set_version_flag("--version",
                       fmt::format("steppe {} ({})", steppe::kVersion, steppe::kGitRevision));
  app.require_subcommand(1);

  std::string study_path = kDefaultStudy, output;
  std::vector<std::string> overrides;
  bool quiet = false, check_jac = false, force = false;

  auto* run = app.add_subcommand("run", "run a study and write its HDF5 results");
  run->add_option("study", study_path, "the study file")->capture_default_str();
  run->add_option("-o,--output", output,
                  "results file (default: study.output or outputs/<study>.h5)");
  run->add_option("--set", overrides, "override a study key: key.path=value (repeatable)");
  run->add_flag("-q,--quiet", quiet, "no progress output");
  run->add_flag("-f,--force", force, "replace an existing results file");
  run->add_flag("--check-jacobian", check_jac,
                "compare the analytic Jacobian with finite differences at the initial state");
  std::string ckpt_every_text, ckpt_path, restart_path;
  run->add_option("--checkpoint-every", ckpt_every_text,
                  "write a checkpoint every this much simulated time (e.g. \"6 h\")");
  run->add_option("--checkpoint", ckpt_path, "the checkpoint file (default: OUT.h5.ckpt)");
  run->add_option("--restart", restart_path,
                  "continue the run saved in this checkpoint (its study and results file)");

  auto* check = app.add_subcommand("check", "validate a study and print its size per element kind");
  check->add_option("study", study_path, "the study file")->required();
  check->add_option("--set", overrides, "override a study key: key.path=value (repeatable)");

  std::string sweep_study, sweep_dir, gather_dir;
  std::vector<std::string> sweep_overrides;
  std::optional<int> sweep_index;
  bool sweep_count = false, sweep_list = false, sweep_force = false, sweep_quiet = false;
  std::string sweep_ckpt_every;
  auto* sweep = app.add_subcommand(
      "sweep",
      "run the scenarios of a study's sweep block, each to DIR/<scenario>.h5, and index them in "
      "DIR/ensemble.h5 (serially, under mpirun, or one --index per SLURM array task)");
  sweep->add_option("study", sweep_study, "the study file (with a sweep block)");
  sweep->add_option("-o,--output", sweep_dir,
                    "the sweep directory (default: outputs/<study>-sweep)");
  sweep->add_option("--set", sweep_overrides,
                    "override a key of the base study: key.path=value (repeatable)");
  sweep->add_option(
      "--index", sweep_index,
      "run only scenario I (0-based; e.g. $SLURM_ARRAY_TASK_ID); no index is written");
  sweep->add_flag("--count", sweep_count, "print the number of scenarios and stop");
  sweep->add_flag("--list", sweep_list, "print index, name and overrides of every scenario");
  sweep->add_option("--gather", gather_dir,
                    "write DIR/ensemble.h5 from the scenario files already in DIR");
  sweep->add_flag("-f,--force", sweep_force, "rerun scenarios whose results are complete");
  sweep->add_option("--checkpoint-every", sweep_ckpt_every,
                    "checkpoint every scenario this often in simulated time (e.g. \"6 h\")");
  sweep->add_flag("-q,--quiet", sweep_quiet, "no per-scenario lines");

  std::string info_path;
  auto* info = app.add_subcommand("info", "describe a results file");
  info->add_option("results", info_path, "the HDF5 results file")->required();

  std::string gl_net, gl_scn, gl_cs, gl_out;
  bool gl_force = false;
  auto* import_cmd = app.add_subcommand("import", "write a Steppe study from another format");
  import_cmd->require_subcommand(1);
  auto* gaslib = import_cmd->add_subcommand(
      "gaslib", "a gas study from GasLib XML (gaslib.zib.de, CC BY 3.0): .net, .scn and .cs");
  gaslib->add_option("net", gl_net, "the GasLib network (.net)")->required();
  gaslib->add_option("scn", gl_scn, "the GasLib nomination (.scn)")->required();
  gaslib->add_option("--cs", gl_cs, "compressor-station data (default: NET with .cs, if present)");
  gaslib->add_option("-o,--output", gl_out, "the study file to write (default: standard output)");
  gaslib->add_flag("--force", gl_force, "overwrite an existing output file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    if (*gaslib) return cmd_import_gaslib(gl_net, gl_scn, gl_cs, gl_out, gl_force);
    if (*sweep) {
      if (!gather_dir.empty()) return steppe::gather_sweep(gather_dir, sweep_quiet);
      if (sweep_study.empty()) {
        std::fprintf(stderr, "steppe: error: sweep needs a study file (or --gather DIR)\n");
        return 2;
      }
      if (sweep_count || sweep_list)
        return steppe::count_scenarios(sweep_study, steppe::domains(), sweep_overrides, sweep_list);
      steppe::SweepOptions so;
      so.dir = sweep_dir.empty() ? (std::filesystem::path("outputs") /
                                    (std::filesystem::path(sweep_study).stem().string() + "-sweep"))
                                       .string()
                                 : sweep_dir;
      so.overrides = sweep_overrides;
      so.index = sweep_index;
      so.force = sweep_force;
      so.quiet = sweep_quiet;
      if (!sweep_ckpt_every.empty())  // a bad value: std::invalid_argument, exit 2 below
        so.checkpoint_every = simulated_time("--checkpoint-every", sweep_ckpt_every);
      return steppe::run_sweep(sweep_study, steppe::domains(), so);
    }
    if (*info) {
      std::cout << steppe::describe_results(info_path);
      return 0;
    }
    steppe::RunOptions opts;
    std::optional<steppe::Checkpoint> ckpt;
    std::unique_ptr<steppe::Study> study;
    if (*run && !restart_path.empty()) {
      if (run->count("study") > 0 || !overrides.empty() || !output.empty()) {
        std::fprintf(stderr,
                     "steppe: error: --restart takes the study, its overrides and the results "
                     "file from the checkpoint; give none of them\n");
        return 2;
      }
      try {
        ckpt = steppe::read_checkpoint(restart_path);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "steppe: error: %s\n", e.what());
        return 2;
      }
      study = steppe::load_study_text(ckpt->study_text, ckpt->study_path, {}, steppe::domains());
      opts.restart = &*ckpt;
      opts.checkpoint_path = ckpt_path.empty() ? restart_path : ckpt_path;
      opts.checkpoint_every = ckpt->checkpoint_every;
    } else {
      study = steppe::load_study(study_path, overrides, steppe::domains());
    }
    if (*check) return cmd_check(*study);

    opts.output = output;
    if (!ckpt) {
      const std::string target = output.empty() ? steppe::default_output_path(*study) : output;
      std::error_code ec;
      if (!force && std::filesystem::exists(target, ec)) {
        std::fprintf(stderr,
                     "steppe: error: %s exists; use --force to replace it (nothing was run)\n",
                     target.c_str());
        return 2;
      }
      opts.checkpoint_path = ckpt_path;
    }
    if (!ckpt_every_text.empty())  // a bad value: std::invalid_argument, exit 2 below
      opts.checkpoint_every = simulated_time("--checkpoint-every", ckpt_every_text);
    opts.progress = quiet ? steppe::ProgressMode::Quiet : steppe::ProgressMode::Auto;
    opts.check_jacobian = check_jac;
    steppe::install_stop_handlers();
    steppe::RunResult r = steppe::run_study(*study, opts);
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
    if (!quiet)
      std::fprintf(stderr, "steppe: wrote %s: %ld samples, %ld events, %lld steps, %.2f s wall\n",
                   r.output_path.c_str(), r.samples, r.events,
                   static_cast<long long>(r.stats.steps), r.wall_seconds);
    return 0;
  } catch (const steppe::InputError& e) {
    std::fputs(e.what(), stderr);
    std::fprintf(stderr, "steppe: %zu error%s in the study; nothing was written\n",
                 e.diagnostics().size(), e.diagnostics().size() == 1 ? "" : "s");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "steppe: error: %s\n", e.what());
    return 2;
  }
}
