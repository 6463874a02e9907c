#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/errors.hpp"
#include "reports/history.hpp"

namespace ccb::cli {
namespace {

std::filesystem::path db_path(const HistoryArgs& a) { return a.db.empty() ? default_history_path() : std::filesystem::path(a.db); }

HistoryFilter filter(const HistoryArgs& a) { return HistoryFilter{a.system, a.kernel, a.since, a.until}; }

}  // namespace

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
  const CompareOptions o{parse_threshold(a.threshold), a.alpha};
  const FailOn mode = parse_fail_on(a.fail_on);
  check_format(a.format);
  HistoryStore store(db_path(a), false);
  const Comparison c = store.trend(a.window, filter(a), o);
  if (c.pairs.empty()) throw UsageError(fmt::format("{}: no runs match (the history is empty or the filter excludes all)", db_path(a).string()));
  return report(c, a.format, mode, o, "");
}

}  // namespace ccb::cli
