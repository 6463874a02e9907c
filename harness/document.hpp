#pragma once
// The result document: one JSON file per run (schema harness/result.schema.json), rewritten
// atomically after every case so an interrupted run keeps everything measured so far.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccb {

inline constexpr const char* kResultSchemaId = "urn:ccbench:schema:result:1";
inline constexpr int kResultSchemaVersion = 1;

// Source revision, from the build (cmake/WriteGitInfo.cmake).
extern const char* const kGitSha;
extern const bool kGitDirty;

// Current UTC time as ISO 8601 with seconds ("2026-11-25T06:41:02Z").
std::string utc_now_iso();
// Current UTC time for file names ("20261125T064102Z").
std::string utc_now_compact();

class ResultDocument {
 public:
  ResultDocument(std::vector<std::string> argv, json suite, json system);

  void add(Result r) { results_.push_back(std::move(r)); }
  // Requires i < results().size().
  void replace(std::size_t i, Result r) { results_.at(i) = std::move(r); }
  // The device peaks (PeakModel::to_json) and per-node ratings (node_ratings) sections.
  void set_peaks(json peaks, json ratings) {
    peaks_ = std::move(peaks);
    ratings_ = std::move(ratings);
  }
  const std::vector<Result>& results() const { return results_; }
  std::vector<Result>& results() { return results_; }
  // Marks the run complete and stamps the end time; until then the document says
  // "interrupted", which is what a crash leaves on disk.
  void finish() {
    complete_ = true;
    ended_at_ = utc_now_iso();
  }
  json to_json() const;
  // Throws UsageError when the file cannot be written.
  void write(const std::filesystem::path& path) const;

 private:
  std::vector<std::string> argv_;
  json suite_;
  json system_;
  std::string run_id_, started_at_;
  std::string ended_at_;
  bool complete_ = false;
  json peaks_ = json::array();
  json ratings_ = json::object();
  std::vector<Result> results_;
};

// True when `j` holds no NaN or infinite number anywhere.
bool all_finite(const json& j);

// A new run's id: 32 random hexadecimal digits (std::random_device).
std::string new_run_id();

// The fields every document ccbench writes starts with: schema id and version, the tool (name,
// version, git sha and dirty flag), the run id, argv, start and end time (null while
// unfinished), status.
json document_head(const char* schema, int version, const std::string& run_id, const std::vector<std::string>& argv,
                   const std::string& started_at, const std::string& ended_at, const char* status);
// Writes `j` to `path` atomically; a NaN or infinite number in it is an internal error (`what`
// names the document). Throws UsageError when the file cannot be written.
void write_document(const std::filesystem::path& path, const json& j, const char* what);

}  // namespace ccb
