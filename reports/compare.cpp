#include "reports/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "harness/result.hpp"
#include "reports/statistics.hpp"
#include "reports/system_diff.hpp"

namespace ccb {
namespace {

// +1 when every sample of `next` exceeds every sample of `base` by more than the threshold, -1
// when every one falls short of every base sample by more than it, 0 otherwise.
int separation(const std::vector<double>& base, const std::vector<double>& next, double threshold) {
  const auto [base_lo, base_hi] = std::minmax_element(base.begin(), base.end());
  const auto [next_lo, next_hi] = std::minmax_element(next.begin(), next.end());
  if (*next_hi < *base_lo * (1 - threshold)) return -1;
  if (*next_lo > *base_hi * (1 + threshold)) return 1;
  return 0;
}

}  // namespace

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
  const int separated = base.size() >= kMinSeparated && next.size() >= kMinSeparated
                            ? separation(base, next, o.threshold) : 0;
  if (std::abs(*p.change) < o.threshold) {
    p.verdict = Verdict::unchanged;
  } else if (separated != 0 && (separated < 0) == (*p.change < 0)) {
    p.verdict = separated < 0 ? Verdict::regressed : Verdict::improved;
    p.reason = fmt::format("decided by separation, n={}{}: every new sample {} every base sample by more than {:.3g}%",
                           base.size(), next.size() == base.size() ? "" : fmt::format(" and {}", next.size()),
                           separated < 0 ? "below" : "above", 100 * o.threshold);
  } else if (base.size() < o.min_samples || next.size() < o.min_samples) {
    p.verdict = Verdict::noisy;
    p.reason = fmt::format("{:+.1f}% but only {} and {} samples, and they overlap: at least {} per side are "
                           "needed to decide (--min-samples)",
                           100 * *p.change, base.size(), next.size(), o.min_samples);
  } else if (*p.p_value < o.alpha) {
    p.verdict = *p.change < 0 ? Verdict::regressed : Verdict::improved;
  } else {
    p.verdict = Verdict::noisy;
    p.reason = fmt::format("{:+.1f}% but not significant (p = {:.3f} >= {}); cv {:.1f}% and {:.1f}%{}", 100 * *p.change,
                           *p.p_value, o.alpha, 100 * Stats::of(base).cv, 100 * Stats::of(next).cv,
                           std::max(Stats::of(base).cv, Stats::of(next).cv) > kNoisyCv ? ": too noisy to decide" : "");
  }
  return p;
}

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
             (p.verdict == Verdict::status_changed && (is_bad(p.new_status) || p.base_status == "passed"));
  }
  return false;
}

}  // namespace ccb
