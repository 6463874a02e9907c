#include "reports/compare.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"
#include "harness/units.hpp"

namespace ccb {
namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double cv_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return mean > 0 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) / mean : 0;
}

bool bad_status(const std::string& s) { return s == "failed" || s == "mistrusted" || s == "error"; }

// Exact null distribution of U for sample sizes m, n without ties: counts[u] = number of
// arrangements with U = u (recursion on whether the largest value belongs to x or y).
std::vector<double> u_counts(std::size_t m, std::size_t n) {
  // f[i][j] is the distribution for sizes (i, j), built up by rows.
  std::vector<std::vector<std::vector<double>>> f(m + 1, std::vector<std::vector<double>>(n + 1));
  for (std::size_t i = 0; i <= m; ++i)
    for (std::size_t j = 0; j <= n; ++j) {
      auto& d = f[i][j];
      d.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        d[0] = 1;
        continue;
      }
      // Largest value in x: it exceeds all j values of y, adding j to U.
      for (std::size_t u = 0; u < f[i - 1][j].size(); ++u) d[u + j] += f[i - 1][j][u];
      for (std::size_t u = 0; u < f[i][j - 1].size(); ++u) d[u] += f[i][j - 1][u];
    }
  return f[m][n];
}

}  // namespace

double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
  if (n1 == 0 || n2 == 0) return 1.0;
  std::vector<std::pair<double, int>> all;
  for (double v : x) all.emplace_back(v, 0);
  for (double v : y) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double r1 = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second == 0) r1 += avg_rank;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    ties = ties || j - i > 1;
    i = j;
  }
  const double u = r1 - static_cast<double>(n1 * (n1 + 1)) / 2.0;
  if (!ties && std::max(n1, n2) <= 20) {
    const auto counts = u_counts(n1, n2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const auto ui = static_cast<std::size_t>(std::llround(u));
    double le = 0, ge = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (k <= ui) le += counts[k];
      if (k >= ui) ge += counts[k];
    }
    return std::min(1.0, 2.0 * std::min(le, ge) / total);
  }
  const double nn = static_cast<double>(n);
  const double sigma = std::sqrt(static_cast<double>(n1 * n2) / 12.0 * ((nn + 1) - tie_term / (nn * (nn - 1))));
  if (sigma == 0) return 1.0;
  const double z = (std::abs(u - static_cast<double>(n1 * n2) / 2.0) - 0.5) / sigma;
  return std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::improved: return "improved";
    case Verdict::regressed: return "regressed";
    case Verdict::unchanged: return "unchanged";
    case Verdict::noisy: return "noisy";
    case Verdict::added: return "new";
    case Verdict::missing: return "missing";
    case Verdict::status_changed: return "status-changed";
  }
  return "?";
}

namespace {

RunRates from_ccbench(const ijson& doc, const std::string& source) {
  const Where w{source, ""};
  if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer())
    w["schema_version"].fail("missing: not a ccbench result file");
  if (doc["schema_version"].get<int>() != kResultSchemaVersion)
    w["schema_version"].fail(fmt::format("unsupported result schema version {} (this ccbench reads {})",
                                         doc["schema_version"].dump(), kResultSchemaVersion));
  if (!doc.contains("results") || !doc["results"].is_array()) w["results"].fail("missing or not an array");
  RunRates run{source, "ccbench", ojson::parse(doc.value("system", ijson::object()).dump()), {}, {}};
  const ijson tool = doc.value("tool", ijson::object()), suite = doc.value("suite", ijson::object());
  run.meta = ojson{{"hostname", doc.value("system", ijson::object()).value("hostname", "unknown")},
                   {"started_at", doc.value("started_at", "")},
                   {"suite", suite.value("name", "")},
                   {"status", doc.value("status", "")},
                   {"tool_version", tool.value("version", "")},
                   {"git_sha", tool.value("git_sha", "")}};
  for (std::size_t i = 0; i < doc["results"].size(); ++i) {
    const auto& r = doc["results"][i];
    const Where wr = w["results"][i];
    CaseRates c;
    const std::string kernel = string_field(r, "kernel", wr), backend = string_field(r, "backend", wr),
                      device = string_field(r, "device", wr), problem = string_field(r, "problem_id", wr);
    const std::string prefix = kernel + "/";
    c.key = prefix + backend + "/" + (problem.rfind(prefix, 0) == 0 ? problem.substr(prefix.size()) : problem) +
            (device == "cpu" ? "" : "@" + device);
    c.family = kernel;
    c.status = string_field(r, "status", wr);
    c.reason = r.value("reason", "");
    const auto& work = required(r, "work", wr);
    const bool stream = kernel == "stream";
    const double amount = stream ? work.value("bytes", 0.0) : work.value("flops", 0.0);
    c.unit = stream ? "GB/s" : "GFLOPS";
    for (const auto& s : r.value("samples_s", ijson::array()))
      if (s.is_number() && s.get<double>() > 0 && amount > 0) c.rates.push_back(amount / s.get<double>() * 1e-9);
    run.cases.push_back(std::move(c));
  }
  return run;
}

// Google Benchmark JSON: one sample per "iteration" entry; rates from items/bytes per second
// when reported, else runs per second from real_time.
RunRates from_gbench(const ijson& doc, const std::string& source) {
  const Where w{source, ""};
  RunRates run{source, "google-benchmark", ojson::parse(doc.value("context", ijson::object()).dump()), {}, {}};
  const ijson ctx = doc["context"];
  run.meta = ojson{{"hostname", ctx.value("host_name", "unknown")}, {"started_at", ctx.value("date", "")},
                   {"suite", ctx.value("executable", "")}, {"status", "complete"}, {"tool_version", ""}, {"git_sha", ""}};
  std::map<std::string, std::size_t> index;
  static const std::map<std::string, double> kUnit{{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
  for (std::size_t i = 0; i < doc["benchmarks"].size(); ++i) {
    const auto& b = doc["benchmarks"][i];
    const Where wb = w["benchmarks"][i];
    if (b.value("run_type", "iteration") != "iteration") continue;
    const std::string name = b.contains("run_name") ? b["run_name"].get<std::string>() : string_field(b, "name", wb);
    if (!index.count(name)) {
      index[name] = run.cases.size();
      run.cases.push_back(CaseRates{name, "gbench", "passed", "", "", {}});
    }
    CaseRates& c = run.cases[index[name]];
    if (b.value("error_occurred", false)) {
      c.status = "error";
      c.reason = b.value("error_message", "");
      continue;
    }
    if (b.contains("bytes_per_second") && b["bytes_per_second"].is_number()) {
      c.unit = "GB/s";
      c.rates.push_back(b["bytes_per_second"].get<double>() * 1e-9);
    } else if (b.contains("items_per_second") && b["items_per_second"].is_number()) {
      c.unit = "Gitems/s";
      c.rates.push_back(b["items_per_second"].get<double>() * 1e-9);
    } else {
      const auto unit = kUnit.find(b.value("time_unit", "ns"));
      if (unit == kUnit.end()) wb["time_unit"].fail("expected ns, us, ms or s");
      const auto& t = required(b, "real_time", wb);
      if (!t.is_number() || t.get<double>() <= 0) wb["real_time"].fail("expected a positive number");
      c.unit = "1/s";
      c.rates.push_back(1.0 / (t.get<double>() * unit->second));
    }
  }
  return run;
}

}  // namespace

RunRates load_run(const std::filesystem::path& path) {
  const ijson doc = read_json_file(path, "result file");
  const std::string source = path.string();
  // A field of the wrong type deep inside is bad input too, not an internal error.
  try {
    if (doc.is_object() && doc.value("schema", "") == kResultSchemaId) return from_ccbench(doc, source);
    if (doc.is_object() && doc.contains("benchmarks") && doc["benchmarks"].is_array() && doc.contains("context"))
      return from_gbench(doc, source);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: malformed {} file: {}", source,
                                 doc.contains("schema") ? "result" : "Google Benchmark JSON", e.what()));
  }
  if (const std::string id = doc.is_object() && doc.contains("schema") && doc["schema"].is_string()
                                ? doc["schema"].get<std::string>() : "";
      id.rfind("urn:ccbench:schema:result:", 0) == 0)
    throw UsageError(fmt::format("{}: unsupported result schema \"{}\" (this ccbench reads \"{}\")", source, id,
                                 kResultSchemaId));
  throw UsageError(fmt::format("{}: not a ccbench result file (\"schema\": \"{}\") nor Google Benchmark JSON "
                               "(\"context\" and \"benchmarks\")", source, kResultSchemaId));
}

PairResult judge(const std::string& key, const std::vector<double>& base, const std::vector<double>& next,
                 const CompareOptions& o, std::optional<double> base_median) {
  PairResult p;
  p.key = key;
  p.n_base = base.size();
  p.n_new = next.size();
  if (base.empty() || next.empty()) {
    p.verdict = Verdict::noisy;
    p.reason = "no samples to compare";
    return p;
  }
  p.base_median = base_median ? *base_median : median_of(base);
  p.new_median = median_of(next);
  p.change = (*p.new_median - *p.base_median) / std::abs(*p.base_median);
  p.p_value = mann_whitney_p(base, next);
  if (std::abs(*p.change) < o.threshold) {
    p.verdict = Verdict::unchanged;
  } else if (base.size() < kMinSamples || next.size() < kMinSamples) {
    p.verdict = Verdict::noisy;
    p.reason = fmt::format("{:+.1f}% but only {} and {} samples: at least {} per side are needed to decide",
                           100 * *p.change, base.size(), next.size(), kMinSamples);
  } else if (*p.p_value < o.alpha) {
    p.verdict = *p.change < 0 ? Verdict::regressed : Verdict::improved;
  } else {
    p.verdict = Verdict::noisy;
    p.reason = fmt::format("{:+.1f}% but not significant (p = {:.3f} >= {}); cv {:.1f}% and {:.1f}%{}", 100 * *p.change,
                           *p.p_value, o.alpha, 100 * cv_of(base), 100 * cv_of(next),
                           std::max(cv_of(base), cv_of(next)) > kNoisyCv ? ": too noisy to decide" : "");
  }
  return p;
}

namespace {

std::vector<std::string> system_differences(const RunRates& a, const RunRates& b) {
  std::vector<std::string> out;
  if (a.format != b.format) {
    out.push_back(fmt::format("formats differ: {} vs {}", a.format, b.format));
    return out;
  }
  auto check = [&](const std::string& what, const ojson& x, const ojson& y) {
    if (x != y) out.push_back(fmt::format("{}: {} vs {}", what, x.dump(), y.dump()));
  };
  const ojson empty = ojson::object();
  if (a.format == "google-benchmark") {
    for (const char* k : {"host_name", "num_cpus", "mhz_per_cpu", "library_build_type"})
      check(k, a.system.value(k, ojson()), b.system.value(k, ojson()));
    return out;
  }
  const auto& ca = a.system.contains("cpu") ? a.system["cpu"] : empty;
  const auto& cb = b.system.contains("cpu") ? b.system["cpu"] : empty;
  for (const char* k : {"model", "sockets", "cores", "threads", "isa"}) check(std::string("cpu.") + k, ca.value(k, ojson()), cb.value(k, ojson()));
  const auto& sa = a.system.contains("software") ? a.system["software"] : empty;
  const auto& sb = b.system.contains("software") ? b.system["software"] : empty;
  check("compiler", sa.value("compiler", ojson()), sb.value("compiler", ojson()));
  const auto& ba = a.system.contains("backends") ? a.system["backends"] : empty;
  const auto& bb = b.system.contains("backends") ? b.system["backends"] : empty;
  std::set<std::string> names;
  for (const auto& [k, v] : ba.items()) names.insert(k);
  for (const auto& [k, v] : bb.items()) names.insert(k);
  for (const auto& n : names) {
    const ojson x = ba.value(n, ojson()), y = bb.value(n, ojson());
    // The library's identity: its configuration, availability, ISA, and every version it
    // reports (oneDNN's version; CUDA's driver, runtime, cuBLASLt and cuDNN versions).
    std::set<std::string> keys{"config", "available", "cpu_isa"};
    for (const ojson* side : {&x, &y})
      if (side->is_object())
        for (const auto& [k, v] : side->items())
          if (k.find("version") != std::string::npos) keys.insert(k);
    for (const auto& k : keys)
      if ((x.is_object() && x.contains(k)) || (y.is_object() && y.contains(k)))
        check(n + "." + k, x.is_object() ? x.value(k, ojson()) : ojson(), y.is_object() ? y.value(k, ojson()) : ojson());
  }
  check("accelerators", a.system.value("accelerators", ojson()), b.system.value("accelerators", ojson()));
  return out;
}

}  // namespace

ojson geomean_summary(const std::vector<PairResult>& pairs) {
  std::map<std::string, std::pair<double, int>> acc;
  for (const auto& p : pairs)
    if (p.base_status == "passed" && p.new_status == "passed" && p.base_median && p.new_median &&
        *p.base_median > 0 && *p.new_median > 0) {
      auto& [sum, n] = acc[p.family];
      sum += std::log(*p.new_median / *p.base_median);
      ++n;
    }
  ojson s = ojson::object();
  for (const auto& [family, v] : acc) s[family] = ojson{{"geomean_ratio", std::exp(v.first / v.second)}, {"cases", v.second}};
  return s;
}

PairResult compare_case(const CaseRates* b, const CaseRates* n, const CompareOptions& o, std::optional<double> base_median) {
  PairResult p;
  const CaseRates& any = b ? *b : *n;
  if (b && n && b->status == n->status && b->status == "passed") {
    p = judge(any.key, b->rates, n->rates, o, base_median);
  } else {
    p.key = any.key;
    if (!b) {
      p.verdict = Verdict::added;
    } else if (!n) {
      p.verdict = Verdict::missing;
      p.reason = "in the base run, not in the new one";
    } else if (b->status != n->status) {
      p.verdict = Verdict::status_changed;
      p.reason = fmt::format("{} -> {}{}", b->status, n->status, n->reason.empty() ? "" : ": " + n->reason);
    } else {
      p.verdict = Verdict::unchanged;  // the same non-passed status on both sides
      p.reason = fmt::format("{} in both runs", b->status);
    }
    if (b && !b->rates.empty()) p.base_median = median_of(b->rates);
    if (n && !n->rates.empty()) p.new_median = median_of(n->rates);
    p.n_base = b ? b->rates.size() : 0;
    p.n_new = n ? n->rates.size() : 0;
  }
  p.family = any.family;
  p.unit = any.unit;
  p.base_status = b ? b->status : "";
  p.new_status = n ? n->status : "";
  return p;
}

Comparison compare_runs(const RunRates& base, const RunRates& next, const CompareOptions& o) {
  Comparison c;
  std::map<std::string, const CaseRates*> in_base, in_next;
  for (const auto& x : base.cases) in_base[x.key] = &x;
  for (const auto& x : next.cases) in_next[x.key] = &x;
  for (const auto& x : base.cases) c.pairs.push_back(compare_case(&x, in_next.count(x.key) ? in_next[x.key] : nullptr, o));
  for (const auto& x : next.cases)
    if (!in_base.count(x.key)) c.pairs.push_back(compare_case(nullptr, &x, o));
  c.summary = geomean_summary(c.pairs);
  c.differences = system_differences(base, next);
  return c;
}

bool fails(const PairResult& p, FailOn mode) {
  switch (mode) {
    case FailOn::never: return false;
    case FailOn::any_change:
      return p.verdict != Verdict::unchanged && p.verdict != Verdict::noisy;
    case FailOn::regression:
      return p.verdict == Verdict::regressed || p.verdict == Verdict::missing ||
             (p.verdict == Verdict::status_changed && (bad_status(p.new_status) || p.base_status == "passed"));
  }
  return false;
}

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

Comparison compare_baseline(const std::filesystem::path& path, const RunRates& next) {
  const ijson doc = read_json_file(path, "baseline file");
  const Where w{path.string(), ""};
  reject_unknown_keys(doc, w, {"system", "match", "description", "references"});
  string_field(doc, "system", w);
  const auto& refs = required(doc, "references", w);
  if (!refs.is_array() || refs.empty()) w["references"].fail("expected a non-empty array");
  std::map<std::string, const CaseRates*> in_next;
  for (const auto& x : next.cases) in_next[x.key] = &x;
  Comparison c;
  // Optional "match": text the run's CPU model and accelerator names must contain, so that a
  // run on another system is flagged rather than judged silently against foreign figures.
  if (doc.contains("match")) {
    const auto& m = doc["match"];
    if (!m.is_object()) w["match"].fail("expected an object with \"cpu_model\" and/or \"accelerator\"");
    reject_unknown_keys(m, w["match"], {"cpu_model", "accelerator"});
    const ojson cpu = next.system.value("cpu", ojson::object());
    if (m.contains("cpu_model")) {
      const std::string want = string_field(m, "cpu_model", w["match"]), got = cpu.value("model", "");
      if (got.find(want) == std::string::npos)
        c.differences.push_back(fmt::format("the baseline is for CPU \"{}\", the run is on \"{}\"", want, got));
    }
    if (m.contains("accelerator")) {
      const std::string want = string_field(m, "accelerator", w["match"]);
      bool found = false;
      for (const auto& a : next.system.value("accelerators", ojson::array()))
        found = found || a.value("name", "").find(want) != std::string::npos;
      if (!found) c.differences.push_back(fmt::format("the baseline is for accelerator \"{}\", the run has none such", want));
    }
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Where wr = w["references"][i];
    const auto& r = refs[i];
    reject_unknown_keys(r, wr, {"case", "value", "lower", "upper", "unit"});
    PairResult p;
    p.key = string_field(r, "case", wr);
    p.family = p.key.substr(0, p.key.find('/'));
    p.unit = string_field(r, "unit", wr);
    const auto& v = required(r, "value", wr);
    if (!v.is_number() || v.get<double>() < 0) wr["value"].fail("expected a non-negative number");
    const double value = v.get<double>();
    // ReFrame's convention: bounds are fractions of the value (lower negative), or absolute
    // rates when the reference value is 0; null means unbounded.
    auto bound = [&](const char* key, double unbounded) {
      if (!r.contains(key) || r[key].is_null()) return unbounded;
      if (!r[key].is_number()) wr[key].fail("expected a number or null");
      const double b = r[key].get<double>();
      return value == 0 ? b : value * (1 + b);
    };
    const double lo = bound("lower", -INFINITY), hi = bound("upper", INFINITY);
    p.base_median = value;
    const auto it = in_next.find(p.key);
    if (it == in_next.end()) {
      p.verdict = Verdict::missing;
      p.reason = "in the baseline, not in the run";
    } else if (it->second->status != "passed") {
      p.verdict = Verdict::status_changed;
      p.base_status = "passed";
      p.new_status = it->second->status;
      p.reason = fmt::format("expected passed, got {}{}", p.new_status, it->second->reason.empty() ? "" : ": " + it->second->reason);
    } else if (it->second->unit != p.unit) {
      wr["unit"].fail(fmt::format("the run reports {} in {}, not {}", p.key, it->second->unit, p.unit));
    } else {
      p.new_median = median_of(it->second->rates);
      p.n_new = it->second->rates.size();
      if (value > 0) p.change = (*p.new_median - value) / value;
      p.verdict = *p.new_median < lo ? Verdict::regressed : *p.new_median > hi ? Verdict::improved : Verdict::unchanged;
      p.reason = fmt::format("bounds [{}, {}]", std::isfinite(lo) ? fmt::format("{:.4g}", lo) : "-inf",
                             std::isfinite(hi) ? fmt::format("{:.4g}", hi) : "inf");
    }
    c.pairs.push_back(p);
  }
  c.summary = geomean_summary(c.pairs);
  return c;
}

}  // namespace ccb
