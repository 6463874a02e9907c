#include <cstdlib>

#include <fmt/format.h>

#include "harness/atomic_file.hpp"
#include "harness/cli/commands.hpp"
#include "harness/errors.hpp"
#include "reports/compare.hpp"

namespace ccb::cli {

// "5%" or a fraction such as 0.05; strictly between 0 and 1.
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

FailOn parse_fail_on(const std::string& s) {
  if (s == "regression") return FailOn::regression;
  if (s == "any-change") return FailOn::any_change;
  if (s == "never") return FailOn::never;
  throw UsageError(fmt::format("--fail-on: expected regression, any-change or never, got \"{}\"", s));
}

int report(const Comparison& c, const std::string& format, FailOn mode, const CompareOptions& o, const std::string& out) {
  if (!c.differences.empty() && format != "json") {
    fmt::print(stderr, "ccbench: warning: not the same system:\n");
    for (const auto& d : c.differences) fmt::print(stderr, "  {}\n", d);
  }
  const std::string text = format == "markdown" ? render_markdown(c, mode)
                           : format == "json"   ? render_json(c, mode, o).dump(2) + "\n"
                           : format == "junit"  ? render_junit(c, mode)
                                                : render_table(c, mode);
  if (out.empty())
    fmt::print("{}", text);
  else
    write_file_atomic(out, text);
  for (const auto& p : c.pairs)
    if (fails(p, mode)) return 1;
  return 0;
}

void check_format(const std::string& format) {
  if (format != "table" && format != "markdown" && format != "json" && format != "junit")
    throw UsageError(fmt::format("--format: expected table, markdown, json or junit, got \"{}\"", format));
}

int compare(const CompareArgs& a) {
  const CompareOptions o{parse_threshold(a.threshold), a.alpha};
  const FailOn mode = parse_fail_on(a.fail_on);
  check_format(a.format);
  if (!a.baseline.empty() && a.files.size() != 1)
    throw UsageError("compare --baseline FILE takes exactly one result file: ccbench compare --baseline BASELINE.json NEW.json");
  if (a.baseline.empty() && a.files.size() != 2)
    throw UsageError("compare takes two result files: ccbench compare BASE.json NEW.json (or --baseline FILE NEW.json)");

  const Comparison c = a.baseline.empty() ? compare_runs(load_run(a.files[0]), load_run(a.files[1]), o)
                                          : compare_baseline(a.baseline, load_run(a.files[0]));
  return report(c, a.format, mode, o, a.out);
}

}  // namespace ccb::cli
