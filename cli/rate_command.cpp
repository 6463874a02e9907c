// ccbench rate RESULT.json --nodes N | FLEET.json: a node's figures projected to a center, or a
// fleet's summed.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/errors.hpp"
#include "harness/rate_report.hpp"
#include "harness/suite.hpp"
#include "harness/units.hpp"
#include "reports/peaks.hpp"

namespace ccb::cli {
namespace {

struct RateArgs {
  std::string result;
  std::int64_t nodes = 0;
  std::string basis, declared, center, convention;
  bool json = false;
};

int rate(const RateArgs& a) {
  RateRequest req;
  req.nodes = a.nodes;
  if (!a.basis.empty()) req.basis = a.basis;
  if (!a.center.empty()) req.center = a.center;
  if (!a.convention.empty()) req.convention = Convention::load(a.convention);
  if (!a.declared.empty()) {
    req.declared = parse_si(a.declared);
    if (!req.declared)
      throw UsageError(fmt::format("--declared: expected a positive quantity such as 40P, 45E or \"181.9 PFLOPS\", "
                                   "got \"{}\"", a.declared));
  }
  json report;
  try {
    report = rate_report(read_json_file(a.result, "result file"), a.result, req,
                         RatingBasis::load_all(config_dir() / "ratings"), Center::load_all(config_dir() / "centers"));
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type deep inside
    throw UsageError(fmt::format("{}: malformed result or fleet document: {}", a.result, e.what()));
  }
  fmt::print("{}", a.json ? report.dump(2) + "\n" : rate_table(report));
  return 0;
}

}  // namespace

void add_rate_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RateArgs>();
  auto* cmd = app.add_subcommand(
      "rate", "Project a result to N nodes (or sum a fleet's nodes) on the published rating bases and compare with a "
              "declared or center rating");
  cmd->add_option("result", a->result, "Result JSON file of one node, or a fleet document, written by ccbench run")
      ->required();
  cmd->add_option("--nodes", a->nodes,
                  "Number of nodes like this one (required for one node's result); for a fleet, the center's node "
                  "count, the unmeasured ones counted at the fleet median (default: the measured nodes)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  cmd->add_option("--basis", a->basis, "Rating basis: fp64, fp32, fp16, int8 (configs/ratings/)");
  cmd->add_option("--declared", a->declared, "Declared rating to compare with, e.g. 40P, 45E, \"181.9 PFLOPS\"");
  cmd->add_option("--center", a->center, "Published center to compare with (configs/centers/), e.g. hangzhou-aicc");
  cmd->add_option("--convention", a->convention,
                  "A cross-precision convention file (id, title, target, factors per basis, source); "
                  "converted figures are labelled with it");
  cmd->add_flag("--json", a->json, "Print JSON instead of the table");
  commands.push_back({cmd, [a](const auto&) { return rate(*a); }});
}

}  // namespace ccb::cli
