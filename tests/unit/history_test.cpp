#include <gtest/gtest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "harness/errors.hpp"
#include "reports/history.hpp"

namespace ccb {
namespace {

namespace fs = std::filesystem;

class History : public ::testing::Test {
 protected:
  History() : dir_(fs::temp_directory_path() / ("ccbench-history-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    path_ = dir_ / "h.db";
    fs::remove(path_);
  }
  ~History() override { fs::remove_all(dir_); }

  static RunRates run(const std::string& host, const std::string& started, std::vector<double> gemm_rates,
                      const std::string& status = "passed") {
    RunRates r;
    r.source = "/tmp/" + started + ".json";
    r.format = "ccbench";
    r.system = ojson{{"hostname", host}, {"cpu", {{"model", "Xeon Gold 6148"}, {"sockets", 2}, {"cores", 40}}}};
    r.meta = ojson{{"hostname", host}, {"started_at", started}, {"suite", "quick"}, {"status", "complete"},
                   {"tool_version", "0.1.0"}, {"git_sha", "abc"}};
    r.cases.push_back(CaseRates{"gemm/openblas/fp64/m4096n4096k4096", "gemm", status, "", "GFLOPS", std::move(gemm_rates)});
    r.cases.push_back(CaseRates{"stream/openmp/fp64/triad/n1000", "stream", "passed", "", "GB/s", {30, 30.1, 29.9, 30, 30.2}});
    return r;
  }
  fs::path dir_, path_;
};

TEST_F(History, AddIsIdempotentAndListFilters) {
  HistoryStore h(path_, true);
  EXPECT_TRUE(h.add(run("n1", "2026-11-01T00:00:00Z", {100, 101, 99, 100, 102})));
  EXPECT_FALSE(h.add(run("n1", "2026-11-01T00:00:00Z", {100, 101, 99, 100, 102})));
  EXPECT_TRUE(h.add(run("n2", "2026-11-02T00:00:00Z", {100, 101, 99, 100, 102})));
  EXPECT_EQ(h.runs({}).size(), 2u);
  EXPECT_EQ(h.runs({"n2", "", "", ""}).size(), 1u);
  EXPECT_EQ(h.runs({"Gold 6148", "", "", ""}).size(), 2u);
  EXPECT_EQ(h.runs({"", "", "2026-11-02", ""}).size(), 1u);
  EXPECT_EQ(h.runs({"", "", "", "2026-11-01"}).size(), 1u);
  EXPECT_EQ(h.runs({"", "conv", "", ""}).size(), 0u);
  EXPECT_EQ(h.runs({"", "stream", "", ""})[0].cases, 1);
  const auto series = h.series("gemm/openblas/fp64/m4096n4096k4096", {});
  ASSERT_EQ(series.size(), 2u);
  EXPECT_DOUBLE_EQ(*series[0].median, 100.0);
  EXPECT_EQ(series[1].hostname, "n2");
}

TEST_F(History, TrendComparesLatestWithRollingMedianOfEarlierRuns) {
  HistoryStore h(path_, true);
  for (int day = 1; day <= 5; ++day)
    h.add(run("n1", fmt::format("2026-11-0{}T00:00:00Z", day), {100, 101, 99, 100, 102, 98}));
  h.add(run("n1", "2026-11-06T00:00:00Z", {80, 81, 79, 80, 82, 78}));
  const Comparison c = h.trend(5, {}, CompareOptions{});
  ASSERT_EQ(c.pairs.size(), 2u);
  const auto& gemm = c.pairs[0];
  EXPECT_EQ(gemm.verdict, Verdict::regressed);
  EXPECT_DOUBLE_EQ(*gemm.base_median, 100.0);
  EXPECT_NEAR(*gemm.change, -0.2, 1e-12);
  EXPECT_NE(gemm.reason.find("rolling median of 5 earlier runs"), std::string::npos);
  EXPECT_EQ(c.pairs[1].verdict, Verdict::unchanged);

  h.add(run("n1", "2026-11-07T00:00:00Z", {}, "failed"));
  EXPECT_EQ(h.trend(5, {"", "gemm", "", ""}, CompareOptions{}).pairs[0].verdict, Verdict::status_changed);
}

TEST_F(History, TrendUsesCompareVerdictsForStatusesAndMissingCases) {
  HistoryStore h(path_, true);
  h.add(run("n1", "2026-11-01T00:00:00Z", {}, "skipped"));
  h.add(run("n1", "2026-11-02T00:00:00Z", {}, "skipped"));
  Comparison c = h.trend(5, {"", "gemm", "", ""}, CompareOptions{});
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].verdict, Verdict::unchanged);  // skipped in both: nothing changed
  EXPECT_FALSE(fails(c.pairs[0], FailOn::regression));

  h.add(run("n1", "2026-11-03T00:00:00Z", {100, 101, 99, 100, 102}));  // recovered
  c = h.trend(5, {"", "gemm", "", ""}, CompareOptions{});
  EXPECT_EQ(c.pairs[0].verdict, Verdict::status_changed);
  EXPECT_EQ(c.pairs[0].base_status, "skipped");

  RunRates dropped = run("n1", "2026-11-04T00:00:00Z", {100, 101, 99, 100, 102});
  dropped.cases.pop_back();  // the STREAM case is gone from the latest run
  h.add(dropped);
  c = h.trend(5, {}, CompareOptions{});
  ASSERT_EQ(c.pairs.size(), 2u);
  EXPECT_EQ(c.pairs[1].verdict, Verdict::missing);
  EXPECT_TRUE(fails(c.pairs[1], FailOn::regression));
  EXPECT_EQ(c.summary["gemm"]["cases"], 1);  // the geometric mean counts passed pairs only
}

TEST_F(History, ForeignAndEmptyDatabasesAreRefusedAndLeftUntouched) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE inventory (item TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  for (bool create : {false, true}) {
    try {
      HistoryStore h(path_, create);
      FAIL() << "a foreign database was opened as history";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("not a ccbench history database (it holds tables of its own)"), std::string::npos);
    }
  }
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);  // no ccbench tables were added
  sqlite3_finalize(s);
  sqlite3_close(db);

  const fs::path empty = dir_ / "empty.db";
  std::ofstream(empty).close();
  EXPECT_THROW(HistoryStore(empty, false), UsageError);
  EXPECT_EQ(fs::file_size(empty), 0u);
}

TEST_F(History, CorruptedAndLockedDatabasesAreBadInputNotACrashOrAHang) {
  {
    HistoryStore h(path_, true);
    for (int day = 1; day <= 9; ++day) h.add(run("n1", fmt::format("2026-11-0{}T00:00:00Z", day), {100, 101, 99, 100}));
  }
  {
    sqlite3* db = nullptr;  // a second process holding the write lock
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
    try {
      HistoryStore h(path_, true);
      h.add(run("n1", "2026-11-10T00:00:00Z", {100, 101, 99, 100}));
      FAIL() << "added to a locked database";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("locked by another process"), std::string::npos) << e.what();
    }
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  {
    HistoryStore h(path_, false);  // checkpoint the WAL into the main file before damaging it
  }
  std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(4096 + 100);
  const std::string garbage(3000, '\x5a');
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  f.close();
  try {
    HistoryStore h(path_, false);
    h.trend(5, {}, CompareOptions{});
    h.runs({});
    FAIL() << "a corrupted database was read without complaint";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("h.db"), std::string::npos) << e.what();
  }
}

TEST_F(History, SchemaIsVersionedAndBadFilesAreRefused) {
  { HistoryStore h(path_, true); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), kHistorySchemaVersion);
  sqlite3_finalize(s);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    HistoryStore newer(path_, false);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99 is newer than this ccbench"), std::string::npos) << e.what();
  }
  const auto junk = dir_ / "junk.db";
  std::ofstream(junk) << "this is not a database, just text long enough to have a header..............................";
  try {
    HistoryStore bad(junk, false);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not a ccbench history database"), std::string::npos) << e.what();
  }
  EXPECT_THROW(HistoryStore(dir_ / "missing.db", false), UsageError);
}

}  // namespace
}  // namespace ccb
