#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "harness/atomic_file.hpp"
#include "harness/document.hpp"
#include "harness/errors.hpp"

namespace ccb {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  auto d = fs::temp_directory_path() / ("ccbench-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

json read(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

TEST(ResultDocument, InterruptedUntilFinishedThenComplete) {
  const auto path = temp_dir() / "doc.json";
  ResultDocument doc({"ccbench", "run"}, json{{"name", "t"}}, json{{"hostname", "h"}});
  doc.write(path);
  auto j = read(path);
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_TRUE(j["ended_at"].is_null());
  EXPECT_EQ(j["schema_version"], kResultSchemaVersion);
  EXPECT_EQ(j["results"].size(), 0u);

  Result r;
  r.kernel = "gemm";
  r.status = Status::skipped;
  r.reason = "x";
  doc.add(r);
  doc.write(path);
  EXPECT_EQ(read(path)["results"].size(), 1u);

  doc.finish();
  doc.write(path);
  j = read(path);
  EXPECT_EQ(j["status"], "complete");
  EXPECT_TRUE(j["ended_at"].is_string());
  EXPECT_EQ(j["tool"]["name"], "ccbench");
  EXPECT_EQ(j["argv"][1], "run");
  // No temporary file is left beside the result.
  for (const auto& e : fs::directory_iterator(path.parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  fs::remove_all(path.parent_path());
}

TEST(ResultDocument, NonFiniteNumbersAreNeverWritten) {
  EXPECT_TRUE(all_finite(json{{"a", 1.5}, {"b", json::array({1, 2})}}));
  EXPECT_FALSE(all_finite(json{{"a", json::array({1.0, NAN})}}));
  EXPECT_FALSE(all_finite(json{{"a", INFINITY}}));
  Result r;
  r.kernel = "gemm";
  r.samples = {NAN};
  EXPECT_TRUE(all_finite(r.to_json()));  // a NaN sample is written as null
}

TEST(AtomicFile, ReplacesContentAndRefusesUnwritablePaths) {
  const auto dir = temp_dir();
  const auto path = dir / "f.txt";
  write_file_atomic(path, "one");
  write_file_atomic(path, "two");
  std::ifstream in(path);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "two");
  EXPECT_NO_THROW(check_writable(path));
  EXPECT_THROW(check_writable(dir / "missing-dir" / "x.json"), UsageError);
  EXPECT_THROW(check_writable(dir), UsageError);
  EXPECT_THROW(write_file_atomic(dir / "missing-dir" / "x.json", "x"), UsageError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ccb
