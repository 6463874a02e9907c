// ccbench validate FILE...: every figure of each result file recomputed from what it measured;
// one line per finding, exit 1 when there is any, 2 for a file that cannot be checked.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/suite.hpp"
#include "reports/validate.hpp"

namespace ccb::cli {
namespace {

int validate(const std::vector<std::string>& files) {
  const HardwareTables tables = HardwareTables::load(config_dir() / "hardware");
  const auto bases = RatingBasis::load_all(config_dir() / "ratings");
  std::size_t findings = 0;
  for (const auto& file : files) {
    const auto found = validate_result_file(file, tables, bases);
    for (const auto& f : found) fmt::print("{}: {}: expected {}, found {}\n", f.file, f.path, f.expected, f.found);
    if (found.empty()) fmt::print("{}: valid: every figure recomputed from its samples and problem agrees\n", file);
    findings += found.size();
  }
  return findings > 0 ? 1 : 0;
}

}  // namespace

void add_validate_command(CLI::App& app, Commands& commands) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("validate",
                                 "Re-check result files without trusting their writer: schema, statistics, work, rates, "
                                 "status, ceilings, peaks and ratings recomputed; exit 1 on any finding");
  cmd->add_option("files", *files, "ccbench result JSON files")->required();
  commands.push_back({cmd, [files](const auto&) { return validate(*files); }});
}

}  // namespace ccb::cli
