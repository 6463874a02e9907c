#include <gtest/gtest.h>

#include "harness/result.hpp"

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
  EXPECT_TRUE(j["rates"].empty());
  EXPECT_EQ(j["status"], "skipped");
  EXPECT_EQ(r.name(), "gemm/openblas/fp64/m1n1k1");
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
