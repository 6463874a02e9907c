#pragma once
// The ccbench subcommands. Each returns the process exit code (0 success, 1 a case failed,
// 2 bad input, 130 interrupted) and throws UsageError for bad input.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccb::cli {

struct RunArgs {
  std::string suite = "quick";
  std::string out;
  std::vector<std::string> backends, kernels;
  int repetitions = 0;
  double min_time = -1;
  int threads = 0;
  bool quiet = false;
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

}  // namespace ccb::cli
