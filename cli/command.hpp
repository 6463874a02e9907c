#pragma once
// The ccbench subcommands, one file each. An add_*_command function registers its subcommand's
// options on `app` and appends one Command per leaf subcommand; main parses the command line
// and runs the Command whose subcommand was given. Exit codes: 0 success, 1 a case failed or a
// regression was found, 2 bad input (a handler throws UsageError), 3 internal error, 130 interrupted.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ccb::cli {

struct Command {
  CLI::App* subcommand;
  // Called with the whole command line (recorded in result files); returns the exit code.
  std::function<int(const std::vector<std::string>& argv)> run;
};
using Commands = std::vector<Command>;

void add_run_command(CLI::App& app, Commands& commands);
void add_list_command(CLI::App& app, Commands& commands);
void add_sysinfo_command(CLI::App& app, Commands& commands);
void add_peak_command(CLI::App& app, Commands& commands);
void add_rate_command(CLI::App& app, Commands& commands);
void add_compare_command(CLI::App& app, Commands& commands);
void add_history_command(CLI::App& app, Commands& commands);
void add_fleet_command(CLI::App& app, Commands& commands);
void add_sign_commands(CLI::App& app, Commands& commands);
void add_validate_command(CLI::App& app, Commands& commands);

}  // namespace ccb::cli
