#pragma once
// The history of runs in one SQLite file: add runs (idempotently), list them, show one case
// over time, and compare each case's latest run with the rolling median of the runs before it.
// Writes happen in immediate transactions under WAL, so two processes adding at once wait for
// each other instead of corrupting the file; the schema carries a version and migrates forward.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "reports/compare.hpp"

struct sqlite3;

namespace ccb {

inline constexpr int kHistorySchemaVersion = 1;

// $CCBENCH_HISTORY_DB, else results/history.db.
std::filesystem::path default_history_path();

struct HistoryFilter {
  std::string system;  // a hostname, a CPU model substring, or a system key prefix
  std::string kernel;  // a kernel family (gemm) or case prefix (gemm/openblas)
  std::string since, until;  // ISO dates, inclusive
};

struct HistoryRun {
  std::int64_t id = 0;
  std::string hostname, system_key, cpu_model, started_at, status, suite, source;
  std::int64_t cases = 0;
};

struct HistoryPoint {
  std::int64_t run_id = 0;
  std::string started_at, hostname, status, unit;
  std::optional<double> median, cv;
  std::int64_t n = 0;
};

class HistoryStore {
 public:
  // Opens (creating when `create`) the database. UsageError when the file is not a ccbench
  // history, has a newer schema, or stays locked by another process.
  HistoryStore(const std::filesystem::path& path, bool create);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Stores a run and its cases in one transaction; false when this run (same host and start
  // time, or same content) is already stored.
  bool add(const RunRates& run);
  std::vector<HistoryRun> runs(const HistoryFilter& f) const;
  std::vector<HistoryPoint> series(const std::string& case_key, const HistoryFilter& f) const;
  // For every case of every system (filtered): the latest run against the rolling median of
  // the previous `window` runs that have the case, with compare's verdict logic.
  Comparison trend(std::size_t window, const HistoryFilter& f, const CompareOptions& o) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// System identity used to group runs: CPU model, sockets, cores and accelerators, hashed
// (library versions are left out, so runs before and after an update stay comparable).
std::string system_key(const ojson& system);

}  // namespace ccb
