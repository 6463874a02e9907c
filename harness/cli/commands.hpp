#pragma once
// The ccbench subcommands. Each returns the process exit code (0 success, 1 a case failed,
// 2 bad input, 130 interrupted) and throws UsageError for bad input.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/compare.hpp"

namespace ccb::cli {

struct RunArgs {
  std::string suite = "quick";
  std::string out;
  std::vector<std::string> backends, kernels;
  int repetitions = 0;
  double min_time = -1;
  int threads = 0;
  std::optional<int> device;  // accelerator device index; all devices when unset
  bool quiet = false;
  std::string history;      // add the run to this history database when it finishes
  std::string gbench_json;  // also write Google Benchmark's JSON format here
};
int run(const RunArgs& a, const std::vector<std::string>& argv);

int list();
int sysinfo();

struct PeakArgs {
  std::string from;
  std::int64_t gemm_n = 4096;
  int repetitions = 3;
  int threads = 0;
  bool json = false;
};
int peak(const PeakArgs& a);

struct RateArgs {
  std::string result;
  std::int64_t nodes = 0;
  std::string basis, declared, center, convention;
  bool json = false;
};
int rate(const RateArgs& a);

struct CompareArgs {
  std::vector<std::string> files;
  std::string baseline, threshold = "5%", format = "table", fail_on = "regression", out;
  double alpha = 0.05;
};
int compare(const CompareArgs& a);

struct HistoryArgs {
  std::string db;
  std::vector<std::string> files;  // add
  std::string case_key;            // show
  std::string system, kernel, since, until;
  std::size_t window = 5;
  std::string threshold = "5%", format = "table", fail_on = "regression";
  double alpha = 0.05;
};
int history_add(const HistoryArgs& a);
int history_list(const HistoryArgs& a);
int history_show(const HistoryArgs& a);
int history_trend(const HistoryArgs& a);

// Shared by compare and history trend.
double parse_threshold(const std::string& s);
FailOn parse_fail_on(const std::string& s);
void check_format(const std::string& format);
// Prints (or writes to `out`) the comparison in `format`; returns the exit code under `mode`.
int report(const Comparison& c, const std::string& format, FailOn mode, const CompareOptions& o, const std::string& out);

}  // namespace ccb::cli
