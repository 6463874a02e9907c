#include "harness/document.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "harness/atomic_file.hpp"
#include "kernels/common/check.hpp"

namespace ccb {
namespace {
std::string utc_format(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string utc_now_iso() { return utc_format("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_now_compact() { return utc_format("%Y%m%dT%H%M%SZ"); }

ResultDocument::ResultDocument(std::vector<std::string> argv, json suite, json system)
    : argv_(std::move(argv)), suite_(std::move(suite)), system_(std::move(system)),
      run_id_(new_run_id()), started_at_(utc_now_iso()) {}

json ResultDocument::to_json() const {
  json results = json::array();
  for (const auto& r : results_) results.push_back(r.to_json());
  json j = document_head(kResultSchemaId, kResultSchemaVersion, run_id_, argv_, started_at_, ended_at_,
                         complete_ ? "complete" : "interrupted");
  j.update(json{{"suite", suite_},
                {"system", system_},
                {"peaks", peaks_},
                {"ratings", {{"per_node", ratings_}}},
                {"results", results}});
  return j;
}

void ResultDocument::write(const std::filesystem::path& path) const { write_document(path, to_json(), "result"); }

std::string new_run_id() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
  return id;
}

json document_head(const char* schema, int version, const std::string& run_id, const std::vector<std::string>& argv,
                   const std::string& started_at, const std::string& ended_at, const char* status) {
  return json{{"schema", schema},
              {"schema_version", version},
              {"tool", {{"name", "ccbench"}, {"version", CCBENCH_VERSION}, {"git_sha", kGitSha}, {"git_dirty", kGitDirty}}},
              {"run_id", run_id},
              {"argv", argv},
              {"started_at", started_at},
              {"ended_at", ended_at.empty() ? json(nullptr) : json(ended_at)},
              {"status", status}};
}

void write_document(const std::filesystem::path& path, const json& j, const char* what) {
  CCB_CHECK(all_finite(j), fmt::format("{} document holds a NaN or infinite number", what));
  write_file_atomic(path, j.dump(2) + "\n");
}

bool all_finite(const json& j) {
  if (j.is_number_float()) return std::isfinite(j.get<double>());
  if (j.is_structured())
    for (const auto& v : j)
      if (!all_finite(v)) return false;
  return true;
}

}  // namespace ccb
