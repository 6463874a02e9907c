// ccbench command line. Exit codes: 0 success, 1 a case failed (failed, mistrusted, error) or a
// regression was found, 2 bad input, 3 internal error, 130 interrupted.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/document.hpp"
#include "harness/errors.hpp"

int main(int argc, char** argv) {
  using namespace ccb::cli;
  CLI::App app{"ccbench: measures GEMM, memory-bandwidth and peak-FMA kernels, validates every result, "
               "and reports FLOPS figures comparable to published compute-center ratings.",
               "ccbench"};
  app.set_version_flag("--version", std::string("ccbench ") + CCBENCH_VERSION + " (" +
                                        std::string(ccb::kGitSha).substr(0, 12) +
                                        (ccb::kGitDirty ? "-dirty" : "") + ")");
  app.require_subcommand(1);
  Commands commands;
  for (auto add : {add_run_command, add_list_command, add_sysinfo_command, add_peak_command, add_rate_command,
                   add_compare_command, add_history_command, add_fleet_command, add_sign_commands,
                   add_validate_command})
    add(app, commands);

  const std::vector<std::string> args(argv, argv + argc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "ccbench: error: {}\nRun 'ccbench --help' for usage.\n", e.what());
    return 2;
  }

  try {
    for (const auto& c : commands)
      if (*c.subcommand) return c.run(args);
  } catch (const ccb::UsageError& e) {
    fmt::print(stderr, "ccbench: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
