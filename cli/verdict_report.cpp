#include "cli/verdict_report.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "harness/atomic_file.hpp"
#include "harness/errors.hpp"
#include "reports/compare_render.hpp"

namespace ccb::cli {

void print_or_write(const std::string& text, const std::string& out) {
  if (out.empty())
    fmt::print("{}", text);
  else
    write_file_atomic(out, text);
}

double parse_threshold(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  const bool percent = end && *end == '%' && end[1] == '\0';
  if (end == s.c_str() || !(percent || *end == '\0'))
    throw UsageError(fmt::format("--threshold: expected a percentage such as 5% or a fraction such as 0.05, got \"{}\"", s));
  if (percent) v /= 100;
  if (!(v > 0 && v < 1)) throw UsageError(fmt::format("--threshold: expected between 0% and 100%, got \"{}\"", s));
  return v;
}

namespace {

FailOn parse_fail_on(const std::string& s) {
  if (s == "regression") return FailOn::regression;
  if (s == "any-change") return FailOn::any_change;
  if (s == "never") return FailOn::never;
  throw UsageError(fmt::format("--fail-on: expected regression, any-change or never, got \"{}\"", s));
}

void check_format(const std::string& format) {
  if (format != "table" && format != "markdown" && format != "json" && format != "junit")
    throw UsageError(fmt::format("--format: expected table, markdown, json or junit, got \"{}\"", format));
}

}  // namespace

void add_verdict_options(CLI::App& cmd, VerdictArgs& v) {
  cmd.add_option("--threshold", v.threshold, "Smallest change that counts, e.g. 5% or 0.05")->capture_default_str();
  cmd.add_option("--alpha", v.alpha, "Significance level of the Mann-Whitney U test")
      ->check(CLI::Range(1e-6, 0.5))->capture_default_str();
  cmd.add_option("--min-samples", v.min_samples,
                 "Samples per side before the significance test decides (complete separation by more than "
                 "--threshold decides with two)")
      ->check(CLI::Range(2, 1000))->capture_default_str();
  cmd.add_option("--format", v.format, "table, markdown, json or junit")->capture_default_str();
  cmd.add_option("--fail-on", v.fail_on, "regression, any-change or never")->capture_default_str();
}

Verdicts parse_verdicts(const VerdictArgs& v) {
  Verdicts out{{parse_threshold(v.threshold), v.alpha, v.min_samples}, parse_fail_on(v.fail_on), v.format};
  check_format(v.format);
  return out;
}

int report(const Comparison& c, const Verdicts& v, const std::string& out) {
  const std::string& format = v.format;
  const FailOn mode = v.mode;
  if (!c.differences.empty() && format != "json") {
    fmt::print(stderr, "ccbench: warning: not the same system:\n");
    for (const auto& d : c.differences) fmt::print(stderr, "  {}\n", d);
  }
  const std::string text = format == "markdown" ? render_markdown(c, mode)
                           : format == "json"   ? render_json(c, mode, v.options).dump(2) + "\n"
                           : format == "junit"  ? render_junit(c, mode)
                                                : render_table(c, mode);
  print_or_write(text, out);
  for (const auto& p : c.pairs)
    if (fails(p, mode)) return 1;
  return 0;
}

}  // namespace ccb::cli
