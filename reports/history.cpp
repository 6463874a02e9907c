#include "reports/history.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/result.hpp"

namespace ccb {
namespace {

// Schema migrations: entry i takes the database from user_version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL UNIQUE,
  hostname TEXT NOT NULL,
  system_key TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  started_at TEXT NOT NULL,
  status TEXT NOT NULL,
  suite TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  git_sha TEXT NOT NULL,
  source TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_key TEXT NOT NULL,
  family TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  unit TEXT NOT NULL,
  median REAL,
  cv REAL,
  n INTEGER NOT NULL,
  rates TEXT NOT NULL,
  PRIMARY KEY (run_id, case_key)
);
CREATE INDEX results_by_case ON results(case_key);
CREATE INDEX runs_by_system ON runs(system_key, started_at);
)sql",
};
constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kLatest == kHistorySchemaVersion);

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, const std::filesystem::path& path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, std::optional<double> v) {
    if (v)
      sqlite3_bind_double(s_, i, *v);
    else
      sqlite3_bind_null(s_, i);
    return *this;
  }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
  }
  std::string text(int i) const {
    const auto* t = sqlite3_column_text(s_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(s_, i); }
  std::optional<double> real(int i) const {
    if (sqlite3_column_type(s_, i) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(s_, i);
  }

 private:
  [[noreturn]] void fail(const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  std::filesystem::path path_;
};

[[noreturn]] void db_error(sqlite3* db, const std::filesystem::path& path, const char* what) {
  const int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;
  const std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    throw UsageError(fmt::format("{}: not a ccbench history database or corrupted ({})", path.string(), msg));
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    throw UsageError(fmt::format("{}: the database stayed locked by another process ({}); try again", path.string(), msg));
  throw UsageError(fmt::format("{}: cannot {} the history database: {}", path.string(), what, msg));
}

void Stmt::fail(const char* what) const { db_error(db_, path_, what); }

void exec(sqlite3* db, const std::string& sql, const std::filesystem::path& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    db_error(db, path, "update");
  }
}

// BEGIN IMMEDIATE ... COMMIT, rolled back when anything throws in between.
class Transaction {
 public:
  Transaction(sqlite3* db, const std::filesystem::path& path) : db_(db), path_(path) { exec(db, "BEGIN IMMEDIATE", path); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT", path_);
    done_ = true;
  }

 private:
  sqlite3* db_;
  std::filesystem::path path_;
  bool done_ = false;
};

bool matches(const HistoryFilter& f, const std::string& hostname, const std::string& cpu_model, const std::string& key,
             const std::string& started_at) {
  if (!f.system.empty() && f.system != hostname && key.rfind(f.system, 0) != 0 &&
      cpu_model.find(f.system) == std::string::npos)
    return false;
  if (!f.since.empty() && started_at.substr(0, f.since.size()) < f.since) return false;
  if (!f.until.empty() && started_at.substr(0, f.until.size()) > f.until) return false;
  return true;
}

bool case_matches(const HistoryFilter& f, const std::string& family, const std::string& case_key) {
  return f.kernel.empty() || f.kernel == family || case_key.rfind(f.kernel, 0) == 0;
}

}  // namespace

std::filesystem::path default_history_path() {
  if (const char* env = std::getenv("CCBENCH_HISTORY_DB"); env && *env) return env;
  return std::filesystem::path("results") / "history.db";
}

std::string system_key(const ojson& system) {
  // Hardware identity only: a library or driver update must stay comparable with the runs
  // before it, since that is what the history is for.
  ojson id = ojson::object();
  if (system.contains("cpu")) {
    const auto& cpu = system["cpu"];
    for (const char* k : {"model", "sockets", "cores"}) id[k] = cpu.value(k, ojson());
  }
  if (system.contains("accelerators"))
    for (const auto& a : system["accelerators"]) id["accelerators"].push_back(a.value("name", ojson()));
  for (const char* k : {"host_name", "num_cpus"})  // Google Benchmark context: no CPU model
    if (system.contains(k)) id[k] = system[k];
  return fmt::format("{:016x}", fnv1a(id.dump()));
}

HistoryStore::HistoryStore(const std::filesystem::path& path, bool create) : path_(path) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec))
    throw UsageError(fmt::format("{}: no history database here (ccbench history add RESULT.json creates it)", path.string()));
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("{}: is a directory, expected a history database file", path.string()));
  if (create && path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw UsageError(fmt::format("{}: cannot open the history database: {}", path.string(), msg));
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    exec(db_, "PRAGMA foreign_keys = ON", path_);
    auto read_version = [&] {
      Stmt s(db_, "PRAGMA user_version", path_);
      return s.step() ? static_cast<int>(s.integer(0)) : 0;
    };
    // Tables other than ccbench's make a database foreign. (Not "tables at version 0": a
    // concurrent creator's tables can be seen before its version is.)
    auto refuse_foreign = [&] {
      Stmt t(db_,
             "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT IN "
             "('runs', 'results', 'results_by_case', 'runs_by_system')",
             path_);
      if (t.step() && t.integer(0) > 0)
        throw UsageError(fmt::format("{}: not a ccbench history database (it holds tables of its own)", path.string()));
    };
    int version = read_version();
    if (version == 0) refuse_foreign();
    if (version > kLatest)
      throw UsageError(fmt::format("{}: history schema version {} is newer than this ccbench ({})", path.string(), version, kLatest));
    if (version == 0 && !create)
      throw UsageError(fmt::format("{}: not a ccbench history database yet: it is empty (ccbench history add "
                                   "RESULT.json fills it)", path.string()));
    if (version < kLatest) {
      // Two processes switching a new database to WAL at once deadlock, and SQLite answers one
      // with SQLITE_BUSY at once instead of waiting: retry until the other has switched it.
      for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) break;
        if ((rc & 0xff) != SQLITE_BUSY || attempt == 200) db_error(db_, path_, "switch to WAL");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      Transaction t(db_, path_);
      // Re-read inside the lock: another process may have migrated meanwhile.
      version = read_version();
      if (version == 0) refuse_foreign();
      for (int v = version; v < kLatest; ++v) exec(db_, kMigrations[v], path_);
      exec(db_, fmt::format("PRAGMA user_version = {}", kLatest), path_);
      t.commit();
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

bool HistoryStore::add(const RunRates& run) {
  const auto& m = run.meta;
  const std::string hostname = m.value("hostname", "unknown"), started = m.value("started_at", "");
  std::string content;
  for (const auto& c : run.cases) content += c.key + c.status + ojson(c.rates).dump();
  const std::string run_key = started.empty() ? fmt::format("content:{:016x}", fnv1a(content))
                                              : fmt::format("{}|{}", hostname, started);
  const std::string cpu_model = run.system.contains("cpu") ? run.system["cpu"].value("model", "") : "";
  Transaction t(db_, path_);
  {
    Stmt exists(db_, "SELECT 1 FROM runs WHERE run_key = ?", path_);
    exists.bind(1, run_key);
    if (exists.step()) return false;
  }
  Stmt ins(db_,
           "INSERT INTO runs (run_key, hostname, system_key, cpu_model, started_at, status, suite, tool_version, git_sha, "
           "source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           path_);
  ins.bind(1, run_key).bind(2, hostname).bind(3, system_key(run.system)).bind(4, cpu_model).bind(5, started);
  ins.bind(6, m.value("status", "")).bind(7, m.value("suite", "")).bind(8, m.value("tool_version", ""));
  ins.bind(9, m.value("git_sha", "")).bind(10, std::filesystem::absolute(run.source).string()).bind(11, utc_now_iso());
  ins.step();
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  for (const auto& c : run.cases) {
    std::optional<double> median, cv;
    if (!c.rates.empty()) {
      const Stats s = Stats::of(c.rates);
      median = s.median;
      cv = s.cv;
    }
    Stmt one(db_,
             "INSERT OR IGNORE INTO results (run_id, case_key, family, status, reason, unit, median, cv, n, rates) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             path_);
    one.bind(1, id).bind(2, c.key).bind(3, c.family).bind(4, c.status).bind(5, c.reason).bind(6, c.unit);
    one.bind(7, median).bind(8, cv).bind(9, static_cast<std::int64_t>(c.rates.size())).bind(10, ojson(c.rates).dump());
    one.step();
  }
  t.commit();
  return true;
}

std::vector<HistoryRun> HistoryStore::runs(const HistoryFilter& f) const {
  Stmt s(db_,
         "SELECT r.id, r.hostname, r.system_key, r.cpu_model, r.started_at, r.status, r.suite, r.source, "
         "(SELECT COUNT(*) FROM results x WHERE x.run_id = r.id AND (?1 = '' OR x.family = ?1 OR substr(x.case_key, 1, "
         "length(?1)) = ?1)) FROM runs r ORDER BY r.started_at, r.id",
         path_);
  s.bind(1, f.kernel);
  std::vector<HistoryRun> out;
  while (s.step()) {
    HistoryRun r{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.integer(8)};
    if (!matches(f, r.hostname, r.cpu_model, r.system_key, r.started_at)) continue;
    if (!f.kernel.empty() && r.cases == 0) continue;
    out.push_back(r);
  }
  return out;
}

std::vector<HistoryPoint> HistoryStore::series(const std::string& case_key, const HistoryFilter& f) const {
  Stmt s(db_,
         "SELECT r.id, r.started_at, r.hostname, x.status, x.unit, x.median, x.cv, x.n, r.cpu_model, r.system_key "
         "FROM results x JOIN runs r ON r.id = x.run_id WHERE x.case_key = ? ORDER BY r.started_at, r.id",
         path_);
  s.bind(1, case_key);
  std::vector<HistoryPoint> out;
  while (s.step()) {
    if (!matches(f, s.text(2), s.text(8), s.text(9), s.text(1))) continue;
    out.push_back(HistoryPoint{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.real(5), s.real(6), s.integer(7)});
  }
  return out;
}

Comparison HistoryStore::trend(std::size_t window, const HistoryFilter& f, const CompareOptions& o) const {
  Stmt s(db_,
         "SELECT r.system_key, r.hostname, r.cpu_model, r.started_at, x.case_key, x.family, x.status, x.unit, x.median, "
         "x.rates, x.reason, r.id FROM results x JOIN runs r ON r.id = x.run_id ORDER BY r.started_at, r.id",
         path_);
  struct Entry {
    std::int64_t run;
    std::string hostname;
    CaseRates rates;
    std::optional<double> median;
  };
  std::map<std::string, std::vector<std::int64_t>> runs;  // system -> its runs in time order
  std::map<std::pair<std::string, std::string>, std::vector<Entry>> by_case;  // (system, case) -> entries in time order
  while (s.step()) {
    const std::string system = s.text(0);
    if (!matches(f, s.text(1), s.text(2), system, s.text(3))) continue;
    const std::int64_t run = s.integer(11);
    auto& r = runs[system];
    if (r.empty() || r.back() != run) r.push_back(run);
    if (!case_matches(f, s.text(5), s.text(4))) continue;
    by_case[{system, s.text(4)}].push_back(Entry{run, s.text(1),
                                                 CaseRates{s.text(4), s.text(5), s.text(6), s.text(10), s.text(7),
                                                           ojson::parse(s.text(9)).get<std::vector<double>>()},
                                                 s.real(8)});
  }
  // Per system, the latest run against the `window` runs before it, case by case, with compare's
  // verdicts: the base side pools the passed earlier samples, its reference is their rolling
  // median, and its status is the most recent earlier one.
  Comparison c;
  for (const auto& [key, entries] : by_case) {
    const auto& system_runs = runs[key.first];
    const std::int64_t latest = system_runs.back();
    const std::size_t first = system_runs.size() - 1 > window ? system_runs.size() - 1 - window : 0;
    const std::set<std::int64_t> earlier_runs(system_runs.begin() + static_cast<std::ptrdiff_t>(first), system_runs.end() - 1);
    const Entry* now = entries.back().run == latest ? &entries.back() : nullptr;
    std::optional<CaseRates> base;
    std::vector<double> medians;
    for (const auto& e : entries) {
      if (!earlier_runs.count(e.run)) continue;
      if (!base) base = CaseRates{e.rates.key, e.rates.family, "", "", e.rates.unit, {}};
      base->status = e.rates.status;
      base->reason = e.rates.reason;
      if (e.rates.status == "passed" && e.median) {
        base->rates.insert(base->rates.end(), e.rates.rates.begin(), e.rates.rates.end());
        medians.push_back(*e.median);
      }
    }
    if (!now && !base) continue;  // dropped before the window
    const std::optional<double> rolling = medians.empty() ? std::nullopt : std::optional<double>(median_of(medians));
    PairResult p = compare_case(base ? &*base : nullptr, now ? &now->rates : nullptr, o, rolling);
    p.key = key.second + " [" + entries.back().hostname + "]";
    if (p.verdict == Verdict::added) p.reason = "first run of this case on this system";
    if (!now) p.reason = "in earlier runs on this system, not in the latest";
    if (p.p_value)
      p.reason = (p.reason.empty() ? "" : p.reason + "; ") +
                 fmt::format("vs rolling median of {} earlier run{}", medians.size(), medians.size() == 1 ? "" : "s");
    c.pairs.push_back(p);
  }
  c.summary = geomean_summary(c.pairs);
  return c;
}

}  // namespace ccb
