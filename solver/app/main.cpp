// steppe: the command line. Each subcommand lives in its own file (command.hpp).
#include <fmt/format.h>

#include <cstdio>

#include "solver/app/command.hpp"
#include "solver/io/results_file.hpp"
#include "solver/study/diagnostics.hpp"
#include "solver/study/units.hpp"
#include "steppe/version.hpp"

namespace steppe::app {

double simulated_time(const std::string& option, const std::string& text) {
  try {
    const double v = to_si(parse_quantity(text), dim::time);
    if (!(v > 0)) throw std::invalid_argument("must be > 0");
    return v;
  } catch (const std::exception& e) {
    throw std::invalid_argument(fmt::format("{} '{}': {}", option, text, e.what()));
  }
}

}  // namespace steppe::app

int main(int argc, char** argv) {
  using namespace steppe::app;
  steppe::prepare_hdf5();
  CLI::App app{
      "Steppe: transient simulation of the Kazakhstan–China energy corridor "
      "(gas, oil and power in one DAE)"};
  app.set_version_flag("--version",
                       fmt::format("steppe {} ({})", steppe::kVersion, steppe::kGitRevision));
  app.require_subcommand(1);

  std::unique_ptr<Command> commands[] = {
      make_run_command(),    make_check_command(),  make_sweep_command(),   make_info_command(),
      make_import_command(), make_export_command(), make_recover_command(), make_schema_command()};
  std::vector<CLI::App*> subs;
  for (auto& c : commands) subs.push_back(c->declare(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    for (std::size_t k = 0; k < subs.size(); ++k)
      if (*subs[k]) return commands[k]->run();
    return 2;
  } catch (const steppe::InputError& e) {
    std::fputs(e.report().c_str(), stderr);
    return 2;
  } catch (const std::exception& e) {
    // Paths and values from the command line or a file: escaped, bounded.
    std::fprintf(stderr, "steppe: error: %s\n", steppe::printable(e.what(), 2000).c_str());
    return 2;
  }
}
