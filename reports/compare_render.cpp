#include "reports/compare_render.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace ccb {
namespace {

std::string fmt_rate(const std::optional<double>& v) { return v ? fmt::format("{:.4g}", *v) : "-"; }
std::string fmt_change(const std::optional<double>& v) { return v ? fmt::format("{:+.1f}%", 100 * *v) : "-"; }
std::string fmt_p(const std::optional<double>& v) { return v ? fmt::format("{:.3f}", *v) : "-"; }

std::size_t failures(const Comparison& c, FailOn mode) {
  return static_cast<std::size_t>(std::count_if(c.pairs.begin(), c.pairs.end(), [&](const auto& p) { return fails(p, mode); }));
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += ch;
    }
  }
  return o;
}

}  // namespace

std::string render_table(const Comparison& c, FailOn mode) {
  std::vector<std::array<std::string, 8>> rows{{"case", "verdict", "base", "new", "unit", "change", "p", "note"}};
  for (const auto& p : c.pairs)
    rows.push_back({p.key, std::string(to_string(p.verdict)) + (fails(p, mode) ? " !" : ""), fmt_rate(p.base_median),
                    fmt_rate(p.new_median), p.unit, fmt_change(p.change), fmt_p(p.p_value), p.reason});
  std::array<std::size_t, 7> w{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 7; ++i) w[i] = std::max(w[i], r[i].size());
  std::string out;
  for (const auto& r : rows)
    out += fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:<{}}  {:>{}}  {:>{}}  {}\n", r[0], w[0], r[1], w[1], r[2], w[2], r[3],
                       w[3], r[4], w[4], r[5], w[5], r[6], w[6], r[7]);
  for (const auto& [family, s] : c.summary.items())
    out += fmt::format("{} geometric mean new/base: {:.3f} over {} cases\n", family, s["geomean_ratio"].get<double>(),
                       s["cases"].get<int>());
  out += fmt::format("{} of {} cases fail (\"!\")\n", failures(c, mode), c.pairs.size());
  return out;
}

std::string render_markdown(const Comparison& c, FailOn mode) {
  std::string out = fmt::format("### ccbench compare: {} of {} cases fail\n\n", failures(c, mode), c.pairs.size());
  if (!c.differences.empty()) {
    out += "**Not the same system:**\n\n";
    for (const auto& d : c.differences) out += fmt::format("- `{}`\n", d);
    out += "\n";
  }
  out += "| case | verdict | base | new | unit | change | p |\n|---|---|---:|---:|---|---:|---:|\n";
  for (const auto& p : c.pairs)
    out += fmt::format("| `{}` | {}{} | {} | {} | {} | {} | {} |\n", p.key, fails(p, mode) ? "**" : "",
                       std::string(to_string(p.verdict)) + (fails(p, mode) ? "**" : "") + (p.reason.empty() ? "" : " (" + p.reason + ")"),
                       fmt_rate(p.base_median), fmt_rate(p.new_median), p.unit, fmt_change(p.change), fmt_p(p.p_value));
  if (!c.summary.empty()) {
    out += "\n| kernel family | geometric mean new/base | cases |\n|---|---:|---:|\n";
    for (const auto& [family, s] : c.summary.items())
      out += fmt::format("| {} | {:.3f} | {} |\n", family, s["geomean_ratio"].get<double>(), s["cases"].get<int>());
  }
  return out;
}

ojson render_json(const Comparison& c, FailOn mode, const CompareOptions& o) {
  ojson pairs = ojson::array();
  auto opt = [](const std::optional<double>& v) { return v ? ojson(*v) : ojson(nullptr); };
  for (const auto& p : c.pairs)
    pairs.push_back(ojson{{"case", p.key}, {"family", p.family}, {"verdict", to_string(p.verdict)},
                          {"fails", fails(p, mode)}, {"unit", p.unit}, {"base_median", opt(p.base_median)},
                          {"new_median", opt(p.new_median)}, {"change", opt(p.change)}, {"p_value", opt(p.p_value)},
                          {"n_base", p.n_base}, {"n_new", p.n_new}, {"base_status", p.base_status},
                          {"new_status", p.new_status}, {"reason", p.reason}});
  return ojson{{"threshold", o.threshold}, {"alpha", o.alpha}, {"failures", failures(c, mode)},
               {"system_differences", c.differences}, {"summary", c.summary}, {"cases", pairs}};
}

std::string render_junit(const Comparison& c, FailOn mode) {
  std::string out = fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"ccbench compare\" tests=\"{}\" failures=\"{}\">\n",
                                c.pairs.size(), failures(c, mode));
  for (const auto& p : c.pairs) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\">", xml_escape(p.family), xml_escape(p.key));
    const std::string text = fmt::format("{}: base {} new {} {} change {} p {}{}", to_string(p.verdict), fmt_rate(p.base_median),
                                         fmt_rate(p.new_median), p.unit, fmt_change(p.change), fmt_p(p.p_value),
                                         p.reason.empty() ? "" : "; " + p.reason);
    if (fails(p, mode))
      out += fmt::format("<failure message=\"{}\">{}</failure>", xml_escape(std::string(to_string(p.verdict))), xml_escape(text));
    else
      out += fmt::format("<system-out>{}</system-out>", xml_escape(text));
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n";
}

}  // namespace ccb
