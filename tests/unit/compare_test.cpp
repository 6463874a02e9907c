#include <gtest/gtest.h>

#include "reports/compare.hpp"
#include "reports/statistics.hpp"

namespace ccb {
namespace {

TEST(MannWhitney, MatchesKnownValues) {
  // Exact distribution (no ties, small samples): complete separation of 5 and 5 gives 2/252.
  EXPECT_NEAR(mann_whitney_p({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}), 2.0 / 252.0, 1e-12);
  EXPECT_NEAR(mann_whitney_p({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}), 0.6904761904761905, 1e-12);
  EXPECT_NEAR(mann_whitney_p({10.5, 11.2, 9.8, 10.1, 10.9, 11.4}, {9.1, 9.5, 8.7, 9.9, 9.3, 8.9}), 0.004329004329004329, 1e-12);
  // Symmetric in its arguments.
  EXPECT_DOUBLE_EQ(mann_whitney_p({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}), mann_whitney_p({2, 4, 6, 8, 10}, {1, 3, 5, 7, 9}));
  // Normal approximation with tie correction (1..30 against 11..40: U = 200).
  std::vector<double> x, y;
  for (int i = 1; i <= 30; ++i) x.push_back(i);
  for (int i = 11; i <= 40; ++i) y.push_back(i);
  EXPECT_NEAR(mann_whitney_p(x, y), 0.00022448380595775665, 1e-12);
  // All equal: no evidence of any difference.
  EXPECT_DOUBLE_EQ(mann_whitney_p({2, 2, 2, 2}, {2, 2, 2, 2}), 1.0);
}

TEST(Judge, NeedsBothSignificanceAndTheThresholdEffect) {
  const CompareOptions o{0.05, 0.05};
  const std::vector<double> base{100, 101, 99, 100, 102, 98};
  std::vector<double> slower, slightly;
  for (double v : base) slower.push_back(v * 0.8);
  for (double v : base) slightly.push_back(v * 0.98);
  EXPECT_EQ(judge("k", base, slower, o).verdict, Verdict::regressed);
  EXPECT_EQ(judge("k", slower, base, o).verdict, Verdict::improved);
  EXPECT_EQ(judge("k", base, slightly, o).verdict, Verdict::unchanged);  // significant but below threshold
  const auto few = judge("k", {100, 101, 90}, {80, 81, 92}, o);  // -12% in the medians, overlapping
  EXPECT_EQ(few.verdict, Verdict::noisy);
  EXPECT_NE(few.reason.find("at least 4 per side"), std::string::npos);
  const auto noisy = judge("k", {100, 140, 70, 120, 90}, {90, 130, 60, 110, 85}, o);
  EXPECT_EQ(noisy.verdict, Verdict::noisy);
  EXPECT_NE(noisy.reason.find("not significant"), std::string::npos);
}

TEST(Judge, CompleteSeparationDecidesWithFewSamples) {
  const CompareOptions o{0.05, 0.05};
  // A run whose every time doubled: three samples a side, all apart.
  const auto halved = judge("k", {100, 97, 103}, {50, 48.5, 51.5}, o);
  EXPECT_EQ(halved.verdict, Verdict::regressed);
  EXPECT_NE(halved.reason.find("decided by separation, n=3"), std::string::npos) << halved.reason;
  EXPECT_EQ(judge("k", {50, 48.5, 51.5}, {100, 97, 103}, o).verdict, Verdict::improved);
  // Apart, but not by the threshold: the worst new sample is within 5% of the best base one.
  EXPECT_EQ(judge("k", {100, 90, 95}, {86, 80, 84}, o).verdict, Verdict::noisy);
  // One sample a side shows no spread: never decided by separation.
  EXPECT_EQ(judge("k", {100}, {50}, o).verdict, Verdict::noisy);
  // Not apart by the threshold (97 is within 5% of 98), but significant with 5 a side; --min-samples 6
  // holds the significance test back.
  const std::vector<double> base{100, 101, 102, 99, 98}, next{80, 81, 82, 79, 97};
  EXPECT_EQ(judge("k", base, next, o).verdict, Verdict::regressed);
  EXPECT_EQ(judge("k", base, next, CompareOptions{0.05, 0.05, 6}).verdict, Verdict::noisy);
  // An identical copy is unchanged.
  EXPECT_EQ(judge("k", {100, 97, 103}, {100, 97, 103}, o).verdict, Verdict::unchanged);
}

TEST(FailOn, StatusChangesMissingAndRegressionsFail) {
  PairResult p;
  p.verdict = Verdict::regressed;
  EXPECT_TRUE(fails(p, FailOn::regression));
  EXPECT_FALSE(fails(p, FailOn::never));
  p.verdict = Verdict::improved;
  EXPECT_FALSE(fails(p, FailOn::regression));
  EXPECT_TRUE(fails(p, FailOn::any_change));
  p.verdict = Verdict::status_changed;
  p.base_status = "passed";
  p.new_status = "failed";
  EXPECT_TRUE(fails(p, FailOn::regression));
  p.base_status = "failed";
  p.new_status = "passed";
  EXPECT_FALSE(fails(p, FailOn::regression));
  p.verdict = Verdict::missing;
  EXPECT_TRUE(fails(p, FailOn::regression));
  p.verdict = Verdict::added;
  EXPECT_FALSE(fails(p, FailOn::regression));
  p.verdict = Verdict::noisy;
  EXPECT_FALSE(fails(p, FailOn::any_change));
}

}  // namespace
}  // namespace ccb

namespace ccb {
namespace {

TEST(SystemDifferences, EveryLibraryVersionABackendReportsIsCompared) {
  RunRates a;
  a.format = "ccbench";
  a.system = ojson{{"cpu", {{"model", "X"}}},
                   {"backends", {{"cuda", {{"driver_version", "12.4"}, {"cudnn_version", "9.1.0"}}}}}};
  RunRates b = a;
  b.system["backends"]["cuda"]["driver_version"] = "12.8";
  const Comparison c = compare_runs(a, b, CompareOptions{});
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_EQ(c.differences[0], "cuda.driver_version: \"12.4\" vs \"12.8\"");
}

}  // namespace
}  // namespace ccb
