#pragma once
// What compare and history trend share: their verdict options and the report they print.
#include <string>

#include <CLI/CLI.hpp>

#include "reports/compare.hpp"

namespace ccb::cli {

// Prints `text`, or writes it atomically to `out` when given.
void print_or_write(const std::string& text, const std::string& out);

// "5%" or a fraction such as 0.05, strictly between 0 and 1; UsageError naming --threshold.
double parse_threshold(const std::string& s);

struct VerdictArgs {
  std::string threshold = "5%", format = "table", fail_on = "regression";
  double alpha = 0.05;
  std::size_t min_samples = kMinSamples;
};
// Adds --threshold, --alpha, --min-samples, --format and --fail-on to `cmd`, bound to `v`.
void add_verdict_options(CLI::App& cmd, VerdictArgs& v);

struct Verdicts {
  CompareOptions options;
  FailOn mode = FailOn::regression;
  std::string format;
};
// The options checked before anything is read: UsageError naming --threshold (a percentage
// such as 5% or a fraction such as 0.05, strictly between 0 and 1), --fail-on or --format.
Verdicts parse_verdicts(const VerdictArgs& v);

// Prints (or writes atomically to `out`) the comparison in the chosen format, with a warning on
// stderr when the two systems differ; returns 1 when a pair fails under the --fail-on mode.
int report(const Comparison& c, const Verdicts& v, const std::string& out);

}  // namespace ccb::cli
