#include <gtest/gtest.h>

#include "harness/result.hpp"
#include "reports/table.hpp"

namespace ccb {

TEST(Stats, MedianMeanStddevCv) {
  const auto s = Stats::of({4.0, 1.0, 3.0, 2.0});
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.stddev, 1.2909944487358056, 1e-15);  // sample standard deviation
  EXPECT_NEAR(s.cv, 1.2909944487358056 / 2.5, 1e-15);
  EXPECT_DOUBLE_EQ(Stats::of({3.0, 1.0, 2.0}).median, 2.0);
  EXPECT_DOUBLE_EQ(Stats::of({7.0}).stddev, 0.0);
}

TEST(Result, RatesUseDecimalUnitsFromMedianAndMinimumTime) {
  Result r;
  r.kernel = "gemm";
  r.status = Status::passed;
  r.work.flops = 2e12;
  r.samples = {2.0, 1.0, 4.0};
  r.stats = Stats::of(r.samples);
  const auto rate = r.rate();
  ASSERT_TRUE(rate);
  EXPECT_EQ(rate->unit, "GFLOPS");
  EXPECT_DOUBLE_EQ(rate->median, 1000.0);
  EXPECT_DOUBLE_EQ(rate->best, 2000.0);
  EXPECT_FALSE(r.rate_with_write_allocate());
}

TEST(Result, StreamRatesAreBandwidthWithWriteAllocateApart) {
  Result r;
  r.kernel = "stream";
  r.status = Status::passed;
  r.work.bytes = 3e9;
  r.work.bytes_actual = 4e9;
  r.samples = {0.5};
  r.stats = Stats::of(r.samples);
  EXPECT_EQ(r.rate()->unit, "GB/s");
  EXPECT_DOUBLE_EQ(r.rate()->median, 6.0);
  EXPECT_DOUBLE_EQ(r.rate_with_write_allocate()->median, 8.0);
}

TEST(Result, NoSamplesMeansNoRateAndNullStatistics) {
  Result r;
  r.kernel = "gemm";
  r.problem_id = "gemm/fp64/m1n1k1";
  r.backend = "openblas";
  r.status = Status::skipped;
  r.reason = "not available";
  EXPECT_FALSE(r.rate());
  const auto j = r.to_json();
  EXPECT_TRUE(j["stats_s"].is_null());
  EXPECT_TRUE(j["rates"]["headline"].is_null());
  EXPECT_EQ(j["status"], "skipped");
  EXPECT_EQ(r.name(), "gemm/openblas/fp64/m1n1k1");
}

TEST(Result, AResultThatDidNotPassHasNoFigure) {
  for (auto status : {Status::failed, Status::mistrusted, Status::error}) {
    Result r;
    r.kernel = "gemm";
    r.backend = "openblas";
    r.problem_id = "gemm/fp64/m1000n1000k1000";
    r.status = status;
    r.reason = "wrong answer";
    r.work.flops = 2e9;
    r.samples = {0.25, 0.25};
    r.stats = Stats::of(r.samples);
    EXPECT_FALSE(r.rate());
    EXPECT_TRUE(r.to_json()["rates"]["headline"].is_null());
    const std::string table = summary_table({r}, false);
    EXPECT_EQ(table.find("8.00"), std::string::npos) << table;  // 2e9 FLOP in 0.25 s
    EXPECT_NE(table.find(std::string(to_string(status)) + "  "), std::string::npos) << table;
  }
}

TEST(Status, NamesRoundTrip) {
  for (auto s : {Status::passed, Status::failed, Status::mistrusted, Status::skipped,
                 Status::unsupported, Status::error})
    EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_TRUE(is_bad(Status::failed));
  EXPECT_TRUE(is_bad(Status::mistrusted));
  EXPECT_FALSE(is_bad(Status::skipped));
}

}  // namespace ccb
