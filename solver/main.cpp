// steppe: the command line. Exit codes: 0 done, 1 the solver failed (partial results
// kept), 2 bad input or usage.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "models/domains.hpp"
#include "models/gas/gaslib.hpp"
#include "solver/results_file.hpp"
#include "solver/results_info.hpp"
#include "solver/simulation.hpp"
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

  auto* check = app.add_subcommand("check", "validate a study and print its size per element kind");
  check->add_option("study", study_path, "the study file")->required();
  check->add_option("--set", overrides, "override a study key: key.path=value (repeatable)");

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
    if (*info) {
      std::cout << steppe::describe_results(info_path);
      return 0;
    }
    auto study = steppe::load_study(study_path, overrides, steppe::domains());
    if (*check) return cmd_check(*study);

    steppe::RunOptions opts;
    opts.output = output;
    const std::string target = output.empty() ? steppe::default_output_path(*study) : output;
    std::error_code ec;
    if (!force && std::filesystem::exists(target, ec)) {
      std::fprintf(stderr,
                   "steppe: error: %s exists; use --force to replace it (nothing was run)\n",
                   target.c_str());
      return 2;
    }
    opts.progress = quiet ? steppe::ProgressMode::Quiet : steppe::ProgressMode::Auto;
    opts.check_jacobian = check_jac;
    steppe::RunResult r = steppe::run_study(*study, opts);
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
