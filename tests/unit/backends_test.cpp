// Each built-in backend really computes what it claims, on the device it names.
#include <gtest/gtest.h>

#include <vector>

#include "kernels/backend.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/gemm/gemm_reference.hpp"
#include <cstring>

namespace ccb {
namespace {

Backend& builtin(const char* name) {
  static Registry registry = [] {
    Registry r;
    register_builtin_backends(r);
    return r;
  }();
  Backend* b = registry.find(name);
  if (!b) throw std::runtime_error(std::string("backend not built: ") + name);
  return *b;
}

TEST(OpenblasBackend, GemmMatchesTheNaiveReferenceInEveryLayout) {
  Backend& b = builtin("openblas");
  ASSERT_TRUE(b.availability().ok);
  EXPECT_EQ(b.device(), "cpu");
  for (DType d : {DType::fp64, DType::fp32})
    for (int t = 0; t < 4; ++t) {
      const GemmProblem p{33, 45, 27, (t & 1) != 0, (t & 2) != 0, d};
      auto inst = b.create(p);
      const auto before = inst->output();
      const std::vector<char> c_before(static_cast<const char*>(before.get("c").data),
                                       static_cast<const char*>(before.get("c").data) + 33 * 45 * size_of(d));
      inst->run();
      const auto out = inst->output();
      EXPECT_NE(0, std::memcmp(c_before.data(), out.get("c").data, c_before.size())) << p.id();
      const auto v = validate_gemm(p, out);
      EXPECT_TRUE(v.ok) << p.id() << ": " << v.detail;
      EXPECT_NE(inst->implementation().find(d == DType::fp64 ? "cblas_dgemm" : "cblas_sgemm"),
                std::string::npos);
    }
}

TEST(OpenblasBackend, ThreadSettingReachesTheLibrary) {
  Backend& b = builtin("openblas");
  b.set_threads(1);
  EXPECT_EQ(b.device_info()["threads"], 1);
  EXPECT_FALSE(b.device_info()["config"].get<std::string>().empty());
  EXPECT_FALSE(b.supports("gemm", DType::bf16).ok);
  EXPECT_FALSE(b.supports("stream", DType::fp64).ok);
}

TEST(OpenmpBackend, EveryStreamOpComputesItsGoldValues) {
  Backend& b = builtin("openmp");
  b.set_threads(2);
  for (DType d : {DType::fp64, DType::fp32})
    for (auto op : {StreamOp::copy, StreamOp::scale, StreamOp::add, StreamOp::triad, StreamOp::dot,
                    StreamOp::copy_nt, StreamOp::triad_nt}) {
      const StreamProblem p{op, 10007, d};  // odd length: exercises the unaligned tail
      auto inst = b.create(p);
      inst->run();
      const auto v = validate_stream(p, inst->output());
      EXPECT_TRUE(v.ok) << p.id() << ": " << v.detail;
      EXPECT_FALSE(v.mostly_zero) << p.id();
      EXPECT_NE(inst->implementation().find("2 threads"), std::string::npos) << inst->implementation();
    }
}

}  // namespace
}  // namespace ccb

namespace ccb {
namespace {

TEST(OpenmpBackend, PeakKernelCountsEveryFmaAndCalibratesTheClock) {
  Backend& b = builtin("openmp");
  for (DType d : {DType::fp64, DType::fp32}) {
    const PeakProblem p{d};
    auto inst = b.create(p);
    inst->run();
    const auto v = validate_peak(p, inst->output());
    EXPECT_TRUE(v.ok) << v.detail;
    const json details = inst->details();
    EXPECT_GE(details["fma_units"].get<int>(), 1);
    EXPECT_GE(details["fma_latency_cycles"].get<int>(), 1);
    EXPECT_GT(details["sustained_clock_mhz"].get<double>(), 100.0);
    EXPECT_GT(details["scalar_clock_mhz"].get<double>(), 100.0);
  }
  EXPECT_FALSE(b.supports("peak", DType::bf16).ok);
}

}  // namespace
}  // namespace ccb

namespace ccb {
namespace {

// What clear_output() leaves must fail validation, and the next run must put the right answer
// back: a timed run that computes nothing after the warm-up is caught on every CPU backend.
TEST(Backends, ClearOutputLeavesAWrongAnswerUntilTheNextRun) {
  auto conv = [](DType d) {
    ConvProblem p = parse_conv_descriptor("mb2ic8ih9oc16kh3ph1");
    p.dtype = d;
    return Problem{p};
  };
  const std::vector<std::pair<const char*, Problem>> cases{
      {"openblas", GemmProblem{40, 24, 32, false, false, DType::fp64}},
      {"openblas", GemmProblem{40, 24, 32, false, true, DType::fp32}},
      {"openblas", conv(DType::fp32)},
      {"openmp", conv(DType::fp32)},
      {"openmp", PeakProblem{DType::fp64}},
      {"openmp", StreamProblem{StreamOp::copy, 4099, DType::fp64}},
      {"openmp", StreamProblem{StreamOp::scale, 4099, DType::fp64}},
      {"openmp", StreamProblem{StreamOp::add, 4099, DType::fp32}},
      {"openmp", StreamProblem{StreamOp::triad, 4099, DType::fp64}},
      {"openmp", StreamProblem{StreamOp::dot, 4099, DType::fp64}},
      {"openmp", StreamProblem{StreamOp::copy_nt, 4099, DType::fp64}},
      {"openmp", StreamProblem{StreamOp::triad_nt, 4099, DType::fp32}},
      {"onednn", GemmProblem{40, 24, 32, false, false, DType::fp32}},
      {"onednn", GemmProblem{40, 24, 32, true, false, DType::bf16}},
      {"onednn", GemmProblem{40, 24, 32, false, false, DType::int8}},
      {"onednn", conv(DType::fp32)},
      {"onednn", conv(DType::int8)}};
  int checked = 0;
  for (const auto& [name, p] : cases) {
    Backend& b = builtin(name);
    if (!b.availability().ok || !b.supports_problem(p).ok) continue;  // e.g. a build without oneDNN
    auto inst = b.create(p);
    inst->run();
    const std::string id = std::string(name) + " " + problem_id(p);
    auto v = validate(p, inst->output());
    EXPECT_TRUE(v.ok && !v.mostly_zero) << id << ": " << v.detail;
    inst->clear_output();
    v = validate(p, inst->output());
    EXPECT_FALSE(v.ok && !v.mostly_zero) << id << ": passes after clear_output()";
    inst->run();
    v = validate(p, inst->output());
    EXPECT_TRUE(v.ok && !v.mostly_zero) << id << " after clear_output() and a run: " << v.detail;
    ++checked;
  }
  EXPECT_GE(checked, 12);  // every OpenBLAS and OpenMP case at least
}

}  // namespace
}  // namespace ccb
