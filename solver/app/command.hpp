// The `steppe` executable's subcommands, one file each (run_command.cpp, check_command.cpp,
// sweep_command.cpp, info_command.cpp, import_command.cpp, export_command.cpp,
// recover_command.cpp, schema_command.cpp); main.cpp parses the command
// line and runs the one given. Exit codes: 0 done, 1 the solver failed (partial results
// kept), 2 bad input or usage.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace steppe::app {

class Command {
 public:
  virtual ~Command() = default;
  // Adds the subcommand with its options to `app`; returns it.
  virtual CLI::App* declare(CLI::App& app) = 0;
  // Runs the parsed subcommand; returns the exit code. An InputError or another
  // std::exception escaping it is reported by main (exit 2).
  virtual int run() = 0;
};

std::unique_ptr<Command> make_run_command();
std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_sweep_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_import_command();
std::unique_ptr<Command> make_export_command();
std::unique_ptr<Command> make_recover_command();
std::unique_ptr<Command> make_schema_command();

// The study `steppe run` runs when none is given.
inline constexpr const char* kDefaultStudy = "inputs/kazakhstan_china.yaml";

// "6 h", "3600" (seconds) → seconds; std::invalid_argument naming the option otherwise.
double simulated_time(const std::string& option, const std::string& text);

}  // namespace steppe::app
