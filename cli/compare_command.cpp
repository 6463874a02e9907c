// ccbench compare BASE.json NEW.json | --baseline FILE NEW.json
#include <memory>

#include "cli/command.hpp"
#include "cli/verdict_report.hpp"
#include "harness/errors.hpp"
#include "reports/baseline.hpp"
#include "reports/compare.hpp"

namespace ccb::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> files;
  std::string baseline, out;
  VerdictArgs verdicts;
};

int compare(const CompareArgs& a) {
  const Verdicts v = parse_verdicts(a.verdicts);
  if (!a.baseline.empty() && a.files.size() != 1)
    throw UsageError("compare --baseline FILE takes exactly one result file: ccbench compare --baseline BASELINE.json NEW.json");
  if (a.baseline.empty() && a.files.size() != 2)
    throw UsageError("compare takes two result files: ccbench compare BASE.json NEW.json (or --baseline FILE NEW.json)");

  const Comparison c = a.baseline.empty() ? compare_runs(load_run(a.files[0]), load_run(a.files[1]), v.options)
                                          : compare_baseline(a.baseline, load_run(a.files[0]));
  return report(c, v, a.out);
}

}  // namespace

void add_compare_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare", "Compare two runs (or a run against a baseline) for CI: exit 1 on a real regression, 0 otherwise");
  cmd->add_option("files", a->files, "BASE.json NEW.json (ccbench results or Google Benchmark JSON)")->required();
  cmd->add_option("--baseline", a->baseline, "Judge NEW.json against a baseline file (configs/baselines/)");
  add_verdict_options(*cmd, a->verdicts);
  cmd->add_option("--out", a->out, "Write the report to this file instead of stdout");
  commands.push_back({cmd, [a](const auto&) { return compare(*a); }});
}

}  // namespace ccb::cli
