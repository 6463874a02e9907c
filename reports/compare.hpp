#pragma once
// Comparing two runs for CI: per case, the rate change, a two-sided Mann-Whitney U test over
// the per-repetition rates, and a verdict. A regression needs at least the threshold effect and
// either significance or complete separation (every new sample beyond every base sample by more
// than the threshold, which decides with as few as two samples a side); too few samples or too
// much noise is reported as such, never guessed.
#include <optional>
#include <string>
#include <vector>

#include "reports/run_rates.hpp"

namespace ccb {

enum class Verdict { improved, regressed, unchanged, noisy, added, missing, status_changed };
std::string_view to_string(Verdict v);

// At least this many samples per side before the significance test decides (the default of
// --min-samples; with four a side the smallest two-sided p is 0.029).
inline constexpr std::size_t kMinSamples = 4;
// Separation needs at least this many samples per side: one sample shows no spread.
inline constexpr std::size_t kMinSeparated = 2;

struct CompareOptions {
  double threshold = 0.05;  // minimum relative effect
  double alpha = 0.05;      // significance level
  std::size_t min_samples = kMinSamples;  // per side, for the significance test
};
// Above this coefficient of variation on either side, a non-significant change is "noisy".
inline constexpr double kNoisyCv = 0.10;

struct PairResult {
  std::string key, family, unit;
  Verdict verdict = Verdict::unchanged;
  std::optional<double> base_median, new_median, change, p_value;
  std::size_t n_base = 0, n_new = 0;
  std::string base_status, new_status, reason;
};

struct Comparison {
  std::vector<PairResult> pairs;
  ojson summary;                         // per family: geometric mean of new/base median rates
  std::vector<std::string> differences;  // how the two systems differ
};

// Verdicts for a pair of medians and samples (shared by compare, baselines and history trend).
// `base_median` replaces the median of `base` as reference when given (history trend compares
// with the rolling median of earlier runs while testing against their pooled samples).
PairResult judge(const std::string& key, const std::vector<double>& base, const std::vector<double>& next,
                 const CompareOptions& o, std::optional<double> base_median = std::nullopt);

// One case of two runs (either side may be absent): judge() when both passed, else new,
// missing, status-changed, or unchanged for the same non-passed status on both sides.
// `base_median` as for judge().
PairResult compare_case(const CaseRates* base, const CaseRates* next, const CompareOptions& o,
                        std::optional<double> base_median = std::nullopt);

// Per family, the geometric mean of new/base medians over the cases passed on both sides.
ojson geomean_summary(const std::vector<PairResult>& pairs);

Comparison compare_runs(const RunRates& base, const RunRates& next, const CompareOptions& o);

enum class FailOn { regression, any_change, never };
// Whether `p` fails the build under `mode`: regression fails on regressed, missing and a status
// that got worse; any-change on every verdict but unchanged (and noisy); never on nothing.
bool fails(const PairResult& p, FailOn mode);

}  // namespace ccb
