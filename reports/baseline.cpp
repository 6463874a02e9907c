#include "reports/baseline.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "harness/json_input.hpp"
#include "harness/result.hpp"

namespace ccb {

namespace {

// "match": text the run's CPU model and accelerator names must contain, so that a run on
// another system is flagged rather than judged silently against foreign figures.
std::vector<std::string> match_differences(const ijson& m, const Where& w, const RunRates& next) {
  if (!m.is_object()) w.fail("expected an object with \"cpu_model\" and/or \"accelerator\"");
  reject_unknown_keys(m, w, {"cpu_model", "accelerator"});
  std::vector<std::string> out;
  const ojson cpu = next.system.value("cpu", ojson::object());
  if (m.contains("cpu_model")) {
    const std::string want = string_field(m, "cpu_model", w), got = cpu.value("model", "");
    if (got.find(want) == std::string::npos)
      out.push_back(fmt::format("the baseline is for CPU \"{}\", the run is on \"{}\"", want, got));
  }
  if (m.contains("accelerator")) {
    const std::string want = string_field(m, "accelerator", w);
    bool found = false;
    for (const auto& a : next.system.value("accelerators", ojson::array()))
      found = found || a.value("name", "").find(want) != std::string::npos;
    if (!found) out.push_back(fmt::format("the baseline is for accelerator \"{}\", the run has none such", want));
  }
  return out;
}

// One reference of the baseline against the run's case of the same key.
PairResult judge_reference(const ijson& r, const Where& wr, const std::map<std::string, const CaseRates*>& in_next) {
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
  } else if (it->second->rates.empty()) {
    p.verdict = Verdict::noisy;
    p.reason = "no samples to compare";
  } else {
    p.new_median = median_of(it->second->rates);
    p.n_new = it->second->rates.size();
    if (value > 0) p.change = (*p.new_median - value) / value;
    p.verdict = *p.new_median < lo ? Verdict::regressed : *p.new_median > hi ? Verdict::improved : Verdict::unchanged;
    p.reason = fmt::format("bounds [{}, {}]", std::isfinite(lo) ? fmt::format("{:.4g}", lo) : "-inf",
                           std::isfinite(hi) ? fmt::format("{:.4g}", hi) : "inf");
  }
  return p;
}

}  // namespace

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
  if (doc.contains("match")) c.differences = match_differences(doc["match"], w["match"], next);
  for (std::size_t i = 0; i < refs.size(); ++i) c.pairs.push_back(judge_reference(refs[i], w["references"][i], in_next));
  c.summary = geomean_summary(c.pairs);
  return c;
}

}  // namespace ccb
