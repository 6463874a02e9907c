#pragma once
// The Result of one case: what ran, how fast, and whether the answer was right.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/problem.hpp"
#include "kernels/common/validation.hpp"

namespace ccb {

enum class Status { passed, failed, mistrusted, skipped, unsupported, error };
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);

// The median of `v` (the mean of the middle two for an even count); 0 for an empty sample.
double median_of(std::vector<double> v);

// Statistics over per-repetition times (or rates): sample standard deviation, cv = stddev /
// mean (0 for fewer than two values). All zero for an empty sample.
struct Stats {
  std::size_t n = 0;
  double min = 0, median = 0, mean = 0, stddev = 0, cv = 0;
  static Stats of(const std::vector<double>& samples);
  json to_json() const;
};

// A throughput figure in decimal units: GFLOPS = 1e9 FLOP/s, GB/s = 1e9 B/s.
struct Rate {
  std::string unit;
  double median = 0;  // from the median time
  double best = 0;    // from the minimum time
  double mean = 0;    // from the mean time
  json to_json() const;
};

struct Result {
  std::string kernel, backend, device, dtype;
  std::string problem_id;
  json problem;
  std::string implementation;
  Status status = Status::error;
  std::string reason;
  std::vector<double> samples;  // seconds per run, one per repetition
  std::optional<Stats> stats;
  WorkModel work;
  std::optional<Validation> validation;
  json details = json::object();     // KernelInstance::details()
  json efficiency = nullptr;         // set by the PeakModel for GEMM results
  json notes = json::array();

  // Headline rate: GFLOPS for kernels that count FLOPs and are not STREAM, GB/s otherwise.
  // nullopt unless the result passed: a wrong or mistrusted answer has no figure.
  std::optional<Rate> rate() const;
  // For STREAM-like kernels: bandwidth including write-allocate traffic (passed results only).
  std::optional<Rate> rate_with_write_allocate() const;
  std::string name() const;  // kernel/backend/dtype/problem, the benchmark name
  json to_json() const;
};

// The headline rate object of a result read from JSON ({unit, median, best, mean}); an empty
// object when the result has none (it did not pass) or the file lacks it.
json headline(const json& result);

// Cases whose status a CI run should treat as bad: failed, mistrusted, error.
bool is_bad(Status s);
// The same for a status as a result file names it; false for a name that is no status.
bool is_bad(std::string_view status);

}  // namespace ccb
