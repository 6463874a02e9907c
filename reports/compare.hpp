#pragma once
// Comparing two runs for CI: per case, the rate change, a two-sided Mann-Whitney U test over
// the per-repetition rates, and a verdict. A regression needs both significance and at least the
// threshold effect; too few samples or too much noise is reported as such, never guessed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccb {

using ojson = nlohmann::ordered_json;

// Two-sided p-value of the Mann-Whitney U test: exact for small samples without ties, else
// the normal approximation with tie and continuity corrections (as scipy's "auto").
double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y);

// One case of a run, as compare sees it.
struct CaseRates {
  std::string key;     // kernel/backend/dtype/problem, plus @device off the CPU
  std::string family;  // gemm, conv, stream, peak; or "gbench"
  std::string status;  // passed, failed, ...
  std::string reason;
  std::string unit;    // GFLOPS, GB/s, or 1/s for Google Benchmark times
  std::vector<double> rates;  // one per repetition
};

struct RunRates {
  std::string source, format;  // format: "ccbench" or "google-benchmark"
  ojson system;                // ccbench: the system section; gbench: the context
  // Identity of the run: hostname, started_at, suite, status, tool_version, git_sha (as known).
  ojson meta;
  std::vector<CaseRates> cases;
};

// Reads a ccbench result file or a Google Benchmark JSON file. UsageError for anything else
// (not JSON, another schema, an unknown schema version).
RunRates load_run(const std::filesystem::path& path);

enum class Verdict { improved, regressed, unchanged, noisy, added, missing, status_changed };
std::string_view to_string(Verdict v);

struct CompareOptions {
  double threshold = 0.05;  // minimum relative effect
  double alpha = 0.05;      // significance level
};

// At least this many samples per side before a change can be called significant.
inline constexpr std::size_t kMinSamples = 4;
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

std::string render_table(const Comparison& c, FailOn mode);
std::string render_markdown(const Comparison& c, FailOn mode);
ojson render_json(const Comparison& c, FailOn mode, const CompareOptions& o);
std::string render_junit(const Comparison& c, FailOn mode);

// Reads a ReFrame-style baseline (configs/baselines/*.json) and judges `next` against it.
Comparison compare_baseline(const std::filesystem::path& baseline, const RunRates& next);

}  // namespace ccb
