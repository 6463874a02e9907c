// ccbench command line. Exit codes: 0 success, 1 a case failed (failed, mistrusted, error),
// 2 bad input, 130 interrupted.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/cli/commands.hpp"
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

  RunArgs ra;
  auto* run_cmd = app.add_subcommand("run", "Run a suite and write a result JSON file");
  run_cmd->add_option("--suite", ra.suite, "Suite name (configs/suites/NAME.json) or path to a suite file")
      ->capture_default_str();
  run_cmd->add_option("--out", ra.out, "Result file (default: results/<hostname>-<UTC time>.json)");
  run_cmd->add_option("--backend", ra.backends, "Only these backends (comma-separated)")->delimiter(',');
  run_cmd->add_option("--kernel", ra.kernels, "Only these kernels: gemm, stream, stream/OP, peak (comma-separated)")
      ->delimiter(',');
  run_cmd->add_option("--repetitions", ra.repetitions, "Timed repetitions per case (default: the suite's)")
      ->check(CLI::Range(1, 100000));
  run_cmd->add_option("--min-time", ra.min_time,
                      "Minimum seconds per repetition; 0 = one run per repetition (default: the suite's)")
      ->check(CLI::Range(0.0, 3600.0));
  run_cmd->add_option("--threads", ra.threads, "Worker threads for every backend (default: library default)")
      ->check(CLI::Range(1, 1 << 16));
  run_cmd->add_option("--device", ra.device,
                      "Run accelerator cases on this device index only (default: on every device in turn)")
      ->check(CLI::Range(0, 1 << 16));
  run_cmd->add_flag("--quiet", ra.quiet, "No progress and no table; only the path of the result file");
  run_cmd->add_option("--history", ra.history, "Add the finished run to this history database (e.g. results/history.db)");
  run_cmd->add_option("--gbench-json", ra.gbench_json, "Also write the timings in Google Benchmark's JSON format");

  auto* list_cmd = app.add_subcommand("list", "List every kernel x backend x dtype of this build and whether it can run here");
  auto* sysinfo_cmd = app.add_subcommand("sysinfo", "Print the system section of the result JSON");

  PeakArgs pa;
  auto* peak_cmd = app.add_subcommand("peak", "Theoretical vs measured peak per device and precision, and GEMM efficiency");
  peak_cmd->add_option("--from", pa.from, "Read the figures from a result file instead of measuring now");
  peak_cmd->add_option("--gemm-n", pa.gemm_n, "Size of the square CPU GEMM measured as sustained rate (GPUs: 8192)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{65536}))->capture_default_str();
  peak_cmd->add_option("--repetitions", pa.repetitions, "Timed repetitions per measurement")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  peak_cmd->add_option("--threads", pa.threads, "Worker threads (default: library default)")->check(CLI::Range(1, 1 << 16));
  peak_cmd->add_flag("--json", pa.json, "Print JSON instead of the table");

  RateArgs rt;
  auto* rate_cmd = app.add_subcommand(
      "rate", "Project a result to N nodes on the published rating bases and compare with a declared or center rating");
  rate_cmd->add_option("result", rt.result, "Result JSON file written by ccbench run")->required();
  rate_cmd->add_option("--nodes", rt.nodes, "Number of nodes like this one")
      ->required()->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  rate_cmd->add_option("--basis", rt.basis, "Rating basis: fp64, fp32, fp16, int8 (configs/ratings/)");
  rate_cmd->add_option("--declared", rt.declared, "Declared rating to compare with, e.g. 40P, 45E, \"181.9 PFLOPS\"");
  rate_cmd->add_option("--center", rt.center, "Published center to compare with (configs/centers/), e.g. hangzhou-aicc");
  rate_cmd->add_option("--convention", rt.convention,
                       "A cross-precision convention file (id, title, target, factors per basis, source); "
                       "converted figures are labelled with it");
  rate_cmd->add_flag("--json", rt.json, "Print JSON instead of the table");

  CompareArgs ca;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Compare two runs (or a run against a baseline) for CI: exit 1 on a real regression, 0 otherwise");
  compare_cmd->add_option("files", ca.files, "BASE.json NEW.json (ccbench results or Google Benchmark JSON)")->required();
  compare_cmd->add_option("--baseline", ca.baseline, "Judge NEW.json against a baseline file (configs/baselines/)");
  compare_cmd->add_option("--threshold", ca.threshold, "Smallest change that counts, e.g. 5% or 0.05")->capture_default_str();
  compare_cmd->add_option("--alpha", ca.alpha, "Significance level of the Mann-Whitney U test")
      ->check(CLI::Range(1e-6, 0.5))->capture_default_str();
  compare_cmd->add_option("--format", ca.format, "table, markdown, json or junit")->capture_default_str();
  compare_cmd->add_option("--fail-on", ca.fail_on, "regression, any-change or never")->capture_default_str();
  compare_cmd->add_option("--out", ca.out, "Write the report to this file instead of stdout");

  HistoryArgs ha;
  auto* history_cmd = app.add_subcommand("history", "The history of runs in a SQLite file: add, list, show, trend");
  history_cmd->require_subcommand(1);
  history_cmd->add_option("--db", ha.db, "History database (default: $CCBENCH_HISTORY_DB, else results/history.db)");
  auto* h_add = history_cmd->add_subcommand("add", "Store result files (the same run twice is stored once)");
  h_add->add_option("files", ha.files, "Result JSON files (ccbench or Google Benchmark)")->required();
  auto* h_list = history_cmd->add_subcommand("list", "List stored runs");
  auto* h_show = history_cmd->add_subcommand("show", "One case over time");
  h_show->add_option("case", ha.case_key, "Case, e.g. gemm/openblas/fp64/m4096n4096k4096")->required();
  auto* h_trend = history_cmd->add_subcommand("trend", "Each case's latest run against the rolling median of the runs before");
  h_trend->add_option("--window", ha.window, "Earlier runs in the rolling median")->check(CLI::Range(1, 1000))->capture_default_str();
  h_trend->add_option("--threshold", ha.threshold, "Smallest change that counts, e.g. 5% or 0.05")->capture_default_str();
  h_trend->add_option("--alpha", ha.alpha, "Significance level of the Mann-Whitney U test")->check(CLI::Range(1e-6, 0.5))->capture_default_str();
  h_trend->add_option("--format", ha.format, "table, markdown, json or junit")->capture_default_str();
  h_trend->add_option("--fail-on", ha.fail_on, "regression, any-change or never")->capture_default_str();
  for (auto* sub : {h_list, h_show, h_trend}) {
    sub->add_option("--system", ha.system, "Only runs of this host, CPU model (substring) or system key");
    sub->add_option("--kernel", ha.kernel, "Only this kernel family or case prefix (gemm, gemm/onednn)");
    sub->add_option("--since", ha.since, "Only runs started on or after this date (2026-11-01)");
    sub->add_option("--until", ha.until, "Only runs started on or before this date");
  }

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
    if (*run_cmd) return run(ra, args);
    if (*list_cmd) return list();
    if (*sysinfo_cmd) return sysinfo();
    if (*peak_cmd) return peak(pa);
    if (*rate_cmd) return rate(rt);
    if (*compare_cmd) return compare(ca);
    if (*h_add) return history_add(ha);
    if (*h_list) return history_list(ha);
    if (*h_show) return history_show(ha);
    if (*h_trend) return history_trend(ha);
  } catch (const ccb::UsageError& e) {
    fmt::print(stderr, "ccbench: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
