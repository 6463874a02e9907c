#pragma once
// Runs cases through Google Benchmark (runtime registration, manual time, repetitions) and
// turns each into a validated Result. Kernel failures never escape as exceptions: they become
// a Result with status error, skipped or unsupported and a reason.
#include "kernels/backend.hpp"
#include "harness/result.hpp"
#include "harness/suite.hpp"

namespace ccb {

struct RunOptions {
  int repetitions = 5;
  double min_time = 0;  // seconds per repetition; 0 = exactly one timed run per repetition
  int threads = 0;      // 0 = library defaults
};

class Runner {
 public:
  // Applies options.threads to every backend in `registry`.
  Runner(Registry& registry, RunOptions options);
  // One warm-up run (not counted), then options.repetitions timed repetitions, each run preceded
  // by the instance's clear_output() (untimed), then validation of the last run's output.
  Result run(const Case& c);
  // The Result recorded for a case that was not attempted (e.g. the run was interrupted).
  Result not_run(const Case& c, const std::string& reason) const;

 private:
  Registry& registry_;
  RunOptions options_;
};

}  // namespace ccb
