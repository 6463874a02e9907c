// ccbench fleet FLEET.json: the nodes of a fleet run that are slow or defective.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/verdict_report.hpp"
#include "harness/errors.hpp"
#include "harness/fleet.hpp"
#include "reports/fleet_report.hpp"

namespace ccb::cli {
namespace {

struct FleetArgs {
  std::string file, threshold = "5%", format = "table", fail_on = "defective", out;
  std::vector<std::string> baselines;
};

int fleet(const FleetArgs& a) {
  FleetOptions o;
  o.threshold = parse_threshold(a.threshold);
  o.baselines.assign(a.baselines.begin(), a.baselines.end());
  if (a.format != "table" && a.format != "markdown" && a.format != "json" && a.format != "csv")
    throw UsageError(fmt::format("--format: expected table, markdown, json or csv, got \"{}\"", a.format));
  if (a.fail_on != "defective" && a.fail_on != "slow" && a.fail_on != "never")
    throw UsageError(fmt::format("--fail-on: expected defective, slow or never, got \"{}\"", a.fail_on));
  const ijson doc = read_json_file(a.file, "fleet file");
  if (!is_fleet_document(doc) && doc.is_object() && doc.value("schema", "").rfind("urn:ccbench:schema:result:", 0) == 0)
    throw UsageError(fmt::format("{}: a result file of one node, not a fleet document (ccbench compare or rate "
                                 "read it)", a.file));
  FleetReport report;
  try {
    report = analyse_fleet(read_fleet(doc, a.file), o);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: malformed fleet document: {}", a.file, e.what()));
  }
  const std::string text = a.format == "markdown" ? render_fleet_markdown(report)
                           : a.format == "json"   ? render_fleet_json(report).dump(2) + "\n"
                           : a.format == "csv"    ? render_fleet_csv(report)
                                                  : render_fleet_table(report);
  print_or_write(text, a.out);
  if (a.fail_on == "never") return 0;
  return report.defective_nodes > 0 || report.fleet_wide_failures > 0 || (a.fail_on == "slow" && report.slow_nodes > 0)
             ? 1
             : 0;
}

}  // namespace

void add_fleet_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<FleetArgs>();
  auto* cmd = app.add_subcommand("fleet", "Per node and case, a fleet run's figures against the fleet median: slow "
                                          "and defective nodes named; exit 1 when a node is defective (--fail-on)");
  cmd->add_option("file", a->file, "Fleet document written by a fleet run (mpirun/srun ccbench run)")->required();
  cmd->add_option("--threshold", a->threshold, "Deviation below the fleet median that makes a node slow (with a "
                                               "robust z below -3.5), e.g. 5% or 0.05")
      ->capture_default_str();
  cmd->add_option("--baseline", a->baselines,
                  "A baseline per node type (configs/baselines/ format, its \"match\" naming the node type); "
                  "repeat for several types")
      ->expected(1)
      ->take_all();
  cmd->add_option("--format", a->format, "table, markdown, json or csv")->capture_default_str();
  cmd->add_option("--fail-on", a->fail_on, "Exit 1 on a defective node (defective), also on a slow one (slow), or never")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Write the report to this file instead of stdout");
  commands.push_back({cmd, [a](const auto&) { return fleet(*a); }});
}

}  // namespace ccb::cli
