// ccbench history add | list | show | trend: the runs stored in a SQLite file.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/verdict_report.hpp"
#include "harness/errors.hpp"
#include "reports/history.hpp"

namespace ccb::cli {
namespace {

struct HistoryArgs {
  std::string db;
  std::vector<std::string> files;  // add
  std::string case_key;            // show
  std::string system, kernel, since, until;
  std::size_t window = 5;  // trend
  VerdictArgs verdicts;    // trend
};

std::filesystem::path db_path(const HistoryArgs& a) { return a.db.empty() ? default_history_path() : std::filesystem::path(a.db); }

HistoryFilter filter(const HistoryArgs& a) { return HistoryFilter{a.system, a.kernel, a.since, a.until}; }

int history_add(const HistoryArgs& a) {
  // Read every file first: a bad file adds nothing.
  std::vector<RunRates> runs;
  for (const auto& f : a.files) runs.push_back(load_run(f));
  HistoryStore store(db_path(a), true);
  for (const auto& r : runs)
    fmt::print("{}: {}\n", r.source, store.add(r) ? "added" : "already stored");
  return 0;
}

int history_list(const HistoryArgs& a) {
  HistoryStore store(db_path(a), false);
  const auto runs = store.runs(filter(a));
  if (runs.empty()) throw UsageError(fmt::format("{}: no runs match (the history is empty or the filter excludes all)", db_path(a).string()));
  fmt::print("{:>5}  {:<20}  {:<16}  {:<16}  {:<11}  {:<10}  {:>5}  {}\n", "run", "started", "host", "system", "status",
             "suite", "cases", "cpu");
  for (const auto& r : runs)
    fmt::print("{:>5}  {:<20}  {:<16}  {:<16}  {:<11}  {:<10}  {:>5}  {}\n", r.id, r.started_at, r.hostname, r.system_key,
               r.status, r.suite, r.cases, r.cpu_model);
  return 0;
}

int history_show(const HistoryArgs& a) {
  HistoryStore store(db_path(a), false);
  const auto points = store.series(a.case_key, filter(a));
  if (points.empty())
    throw UsageError(fmt::format("{}: no stored run has case \"{}\" (see ccbench history list)", db_path(a).string(), a.case_key));
  fmt::print("{}\n{:>5}  {:<20}  {:<16}  {:<11}  {:>10}  {:<7}  {:>6}  {:>3}\n", a.case_key, "run", "started", "host",
             "status", "median", "unit", "cv", "n");
  for (const auto& p : points)
    fmt::print("{:>5}  {:<20}  {:<16}  {:<11}  {:>10}  {:<7}  {:>6}  {:>3}\n", p.run_id, p.started_at, p.hostname, p.status,
               p.median ? fmt::format("{:.4g}", *p.median) : "-", p.unit,
               p.cv ? fmt::format("{:.1f}%", 100 * *p.cv) : "-", p.n);
  return 0;
}

int history_trend(const HistoryArgs& a) {
  const Verdicts v = parse_verdicts(a.verdicts);
  HistoryStore store(db_path(a), false);
  const Comparison c = store.trend(a.window, filter(a), v.options);
  if (c.pairs.empty()) throw UsageError(fmt::format("{}: no runs match (the history is empty or the filter excludes all)", db_path(a).string()));
  return report(c, v, "");
}

}  // namespace

void add_history_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<HistoryArgs>();
  auto* history = app.add_subcommand("history", "The history of runs in a SQLite file: add, list, show, trend");
  history->require_subcommand(1);
  history->add_option("--db", a->db, "History database (default: $CCBENCH_HISTORY_DB, else results/history.db)");
  auto* add = history->add_subcommand("add", "Store result files (the same run twice is stored once)");
  add->add_option("files", a->files, "Result JSON files (ccbench or Google Benchmark)")->required();
  auto* list = history->add_subcommand("list", "List stored runs");
  auto* show = history->add_subcommand("show", "One case over time");
  show->add_option("case", a->case_key, "Case, e.g. gemm/openblas/fp64/m4096n4096k4096")->required();
  auto* trend = history->add_subcommand("trend", "Each case's latest run against the rolling median of the runs before");
  trend->add_option("--window", a->window, "Earlier runs in the rolling median")->check(CLI::Range(1, 1000))->capture_default_str();
  add_verdict_options(*trend, a->verdicts);
  for (auto* sub : {list, show, trend}) {
    sub->add_option("--system", a->system, "Only runs of this host, CPU model (substring) or system key");
    sub->add_option("--kernel", a->kernel, "Only this kernel family or case prefix (gemm, gemm/onednn)");
    sub->add_option("--since", a->since, "Only runs started on or after this date (2026-11-01)");
    sub->add_option("--until", a->until, "Only runs started on or before this date");
  }
  commands.push_back({add, [a](const auto&) { return history_add(*a); }});
  commands.push_back({list, [a](const auto&) { return history_list(*a); }});
  commands.push_back({show, [a](const auto&) { return history_show(*a); }});
  commands.push_back({trend, [a](const auto&) { return history_trend(*a); }});
}

}  // namespace ccb::cli
