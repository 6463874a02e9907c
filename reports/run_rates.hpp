#pragma once
// A run as compare, baselines and history see it: per case, the rates of every repetition.
// Read from a ccbench result file or from Google Benchmark's JSON output.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccb {

using ojson = nlohmann::ordered_json;

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

// The cases of a ccbench result document read from `source` (json::exception for a field of
// the wrong type; UsageError naming the field for a missing one or another schema version).
RunRates run_rates_of(const nlohmann::json& doc, const std::string& source);

// Reads a ccbench result file or a Google Benchmark JSON file. UsageError for anything else
// (not JSON, another schema, an unknown schema version).
RunRates load_run(const std::filesystem::path& path);

}  // namespace ccb
