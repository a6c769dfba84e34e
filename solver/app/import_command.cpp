// steppe import FORMAT …: a Steppe study from another format (importers in import/).
//   steppe import gaslib NET SCN [SCN ...] [--cs CS] [--no-maps] [-o study.yaml] [--force]
//   steppe import matgas FILE.m [--demand-swing F] [--duration D] [--inverse-drag C]
//                               [-o study.yaml] [--force]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "solver/app/command.hpp"
#include "solver/app/import/gaslib.hpp"
#include "solver/app/import/matgas.hpp"

namespace steppe::app {

namespace {

// Writes an imported study to `out` (or standard output when empty). Exit code.
int write_study(const std::string& yaml, const std::string& out) {
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

class ImportCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* import_cmd = app.add_subcommand("import", "write a Steppe study from another format");
    import_cmd->require_subcommand(1);
    gaslib_ = import_cmd->add_subcommand(
        "gaslib", "a gas study from GasLib XML (gaslib.zib.de, CC BY 3.0): .net, .scn and .cs");
    gaslib_->add_option("net", net_, "the GasLib network (.net)")->required();
    gaslib_
        ->add_option("scn", scn_,
                     "the GasLib nomination (.scn); several make a day-by-day schedule, in the "
                     "order given")
        ->required();
    gaslib_->add_option("--cs", cs_, "compressor-station data (default: NET with .cs, if present)");
    gaslib_->add_flag("--no-maps", no_maps_,
                      "model compressor stations without their .cs maps (ratio limits only)");
    gaslib_->add_option("-o,--output", out_, "the study file to write (default: standard output)");
    gaslib_->add_flag("--force", force_, "overwrite an existing output file");
    matgas_ = import_cmd->add_subcommand(
        "matgas", "a gas study from a GasModels.jl MATGAS network file (.m, SI units)");
    matgas_->add_option("file", net_, "the MATGAS file (.m)")->required();
    matgas_
        ->add_option("--demand-swing", swing_,
                     "deliveries swing daily by ± this fraction (e.g. 0.2)")
        ->check(CLI::Range(0.0, 0.99));
    matgas_->add_option("--duration", duration_, "the study's duration (default 1 d)");
    matgas_
        ->add_option("--inverse-drag", inverse_drag_,
                     "the file's resistor drag column holds C·D⁸/ζ: recover ζ with this C "
                     "(GasModels' gaslib-582-G.m: 4.67e11)")
        ->check(CLI::Validator(
            [](std::string& text) {
              char* end = nullptr;
              const double v = std::strtod(text.c_str(), &end);
              return end && *end == '\0' && v > 0 && std::isfinite(v)
                         ? std::string()
                         : "must be a number > 0 (C of ζ = C·D⁸/drag), not '" + text + "'";
            },
            "C > 0"));
    matgas_->add_option("-o,--output", out_, "the study file to write (default: standard output)");
    matgas_->add_flag("--force", force_, "overwrite an existing output file");
    return import_cmd;
  }

  int run() override {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!out_.empty() && !force_ && fs::exists(out_, ec)) {
      std::fprintf(stderr, "steppe: error: %s exists; use --force to overwrite it\n", out_.c_str());
      return 2;
    }
    if (*gaslib_) return import_gaslib_files();
    if (*matgas_) return import_matgas_file();
    return 2;
  }

 private:
  int import_gaslib_files() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (cs_.empty()) {  // NET.cs beside NET.net, if there is one
      const fs::path guess = fs::path(net_).replace_extension(".cs");
      if (fs::is_regular_file(guess, ec)) cs_ = guess.string();
    }
    std::string yaml;
    try {
      gas::GaslibOptions options;
      options.maps = !no_maps_;
      yaml = gas::import_gaslib(net_, scn_, cs_, options);
    } catch (const gas::GaslibError& e) {
      return report(e, "GasLib files");
    }
    return write_study(yaml, out_);
  }

  int import_matgas_file() {
    std::string yaml;
    try {
      gas::MatgasOptions options;
      options.demand_swing = swing_;
      options.duration = duration_;
      options.inverse_drag = inverse_drag_;
      yaml = gas::import_matgas(net_, options);
    } catch (const gas::ImportError& e) {
      return report(e, "MATGAS file");
    }
    return write_study(yaml, out_);
  }

  static int report(const gas::ImportError& e, const char* what) {
    for (const auto& m : e.messages()) std::fprintf(stderr, "%s\n", m.c_str());
    std::fprintf(stderr, "steppe: %zu error%s in the %s; nothing was written\n",
                 e.messages().size(), e.messages().size() == 1 ? "" : "s", what);
    return 2;
  }

  CLI::App* gaslib_ = nullptr;
  CLI::App* matgas_ = nullptr;
  double swing_ = 0.0;
  double inverse_drag_ = 0.0;
  std::string duration_ = "1 d";
  std::string net_, cs_, out_;
  std::vector<std::string> scn_;
  bool force_ = false, no_maps_ = false;
};

}  // namespace

std::unique_ptr<Command> make_import_command() {
  return std::make_unique<ImportCommand>();
}

}  // namespace steppe::app
