// The harness end to end with a fault-injecting backend: wrong answers must become `failed`,
// zeros `mistrusted`, and every case must produce a Result.
#include <gtest/gtest.h>

#include "fake_backend.hpp"
#include "harness/runner.hpp"

namespace ccb {
namespace {

using test::FakeBackend;
using test::FakeMode;

Result run_fake(FakeMode mode, Availability available = {}, DType dtype = DType::fp64) {
  Registry registry;
  registry.add(std::make_unique<FakeBackend>(mode, available));
  Runner runner(registry, RunOptions{3, 0, 0});
  return runner.run(Case{"fake", GemmProblem{24, 16, 8, false, false, dtype}, {"a note"}});
}

TEST(Runner, CorrectBackendPassesWithSamplesAndRate) {
  const auto r = run_fake(FakeMode::correct);
  EXPECT_EQ(r.status, Status::passed) << r.reason;
  EXPECT_EQ(r.samples.size(), 3u);
  ASSERT_TRUE(r.stats);
  EXPECT_GT(r.stats->median, 0);
  ASSERT_TRUE(r.rate());
  EXPECT_GT(r.rate()->median, 0);
  EXPECT_EQ(r.implementation, "fake naive GEMM");
  EXPECT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.name(), "gemm/fake/fp64/m24n16k8");
}

TEST(Runner, WrongAnswersFail) {
  for (auto mode : {FakeMode::wrong_entry, FakeMode::transposed, FakeMode::nan, FakeMode::no_op}) {
    const auto r = run_fake(mode);
    EXPECT_EQ(r.status, Status::failed) << static_cast<int>(mode);
    EXPECT_NE(r.reason.find("wrong answer"), std::string::npos) << r.reason;
    ASSERT_TRUE(r.validation);
    EXPECT_FALSE(r.validation->ok);
  }
}

TEST(Runner, ABackendThatComputesOnlyInTheWarmUpFails) {
  const auto r = run_fake(FakeMode::warm_up_only);
  EXPECT_EQ(r.status, Status::failed) << r.reason;
  EXPECT_FALSE(r.rate());
  EXPECT_TRUE(r.to_json()["rates"]["headline"].is_null());
}

TEST(Runner, ZeroOutputIsMistrusted) {
  const auto r = run_fake(FakeMode::zeros);
  EXPECT_EQ(r.status, Status::mistrusted);
  EXPECT_NE(r.reason.find("100.0% zeros"), std::string::npos) << r.reason;
}

TEST(Runner, KernelExceptionBecomesErrorResult) {
  const auto r = run_fake(FakeMode::throws_in_run);
  EXPECT_EQ(r.status, Status::error);
  EXPECT_EQ(r.reason, "device lost");
  EXPECT_TRUE(r.samples.empty());
}

TEST(Runner, UnavailableBackendIsSkippedWithReason) {
  const auto r = run_fake(FakeMode::correct, {false, "no device found"});
  EXPECT_EQ(r.status, Status::skipped);
  EXPECT_EQ(r.reason, "no device found");
}

TEST(Runner, UnofferedDtypeIsUnsupported) {
  const auto r = run_fake(FakeMode::correct, {}, DType::bf16);
  EXPECT_EQ(r.status, Status::unsupported);
  EXPECT_EQ(r.reason, "fake offers fp64 GEMM only");
}

TEST(Runner, NotRunCaseStillHasAResult) {
  Registry registry;
  registry.add(std::make_unique<FakeBackend>(FakeMode::correct));
  Runner runner(registry, RunOptions{});
  const auto r = runner.not_run(Case{"fake", GemmProblem{1, 2, 3, false, false, DType::fp64}, {}}, "interrupted");
  EXPECT_EQ(r.status, Status::skipped);
  EXPECT_EQ(r.problem_id, "gemm/fp64/m1n2k3");
  EXPECT_DOUBLE_EQ(r.work.flops, 12);
}

TEST(Runner, MinTimeRunsSeveralIterationsPerRepetition) {
  Registry registry;
  registry.add(std::make_unique<FakeBackend>(FakeMode::correct));
  Runner runner(registry, RunOptions{2, 0.01, 0});
  const auto r = runner.run(Case{"fake", GemmProblem{8, 8, 8, false, false, DType::fp64}, {}});
  EXPECT_EQ(r.status, Status::passed);
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_LT(r.samples[0], 0.01);  // per-iteration time, not the repetition's total
}

}  // namespace
}  // namespace ccb
