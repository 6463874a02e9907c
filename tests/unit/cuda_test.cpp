// The CUDA backend's rules, number formats, device expansion and skip path: everything that
// can be checked without a GPU (and in builds without CUDA).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "harness/errors.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "kernels/common/cuda_rules.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/gemm/gemm_inputs.hpp"
#include "kernels/common/validation.hpp"
#include "fake_backend.hpp"

namespace ccb {
namespace {

using cuda::Capability;

// An accelerator backend with `count` devices, for device expansion.
class FakeAccelerator final : public Backend {
 public:
  explicit FakeAccelerator(int count) : count_(count) {}
  std::string name() const override { return "accel"; }
  std::string device() const override { return "accel:" + std::to_string(current_); }
  std::optional<int> device_count() const override { return count_; }
  void select_device(int index) override { current_ = index; }
  Availability availability() const override { return count_ ? Availability{} : Availability{false, "no accel here"}; }
  json device_info() const override { return json::object(); }
  std::vector<std::string> kernels() const override { return {"gemm"}; }
  Availability supports(std::string_view, DType) const override { return {}; }
  void set_threads(int) override {}
  std::unique_ptr<KernelInstance> create(const Problem&) override { throw std::logic_error("not used"); }

 private:
  int count_, current_ = 0;
};

TEST(CudaRules, DtypesNeedTheirComputeCapability) {
  EXPECT_TRUE(cuda::dtype_support("gemm", DType::fp64, {7, 0}).ok);
  EXPECT_TRUE(cuda::dtype_support("gemm", DType::fp16, {7, 0}).ok);
  const auto tf32 = cuda::dtype_support("gemm", DType::tf32, {7, 0});
  EXPECT_FALSE(tf32.ok);
  EXPECT_EQ(tf32.reason, "tf32 needs compute capability 8.0 or newer; this device is 7.0");
  const auto fp8 = cuda::dtype_support("gemm", DType::fp8_e4m3, {8, 0});
  EXPECT_FALSE(fp8.ok);
  EXPECT_EQ(fp8.reason, "fp8_e4m3 needs compute capability 8.9 or newer; this device is 8.0");
  EXPECT_TRUE(cuda::dtype_support("gemm", DType::fp8_e4m3, {8, 9}).ok);
  EXPECT_TRUE(cuda::dtype_support("gemm", DType::fp8_e4m3, {9, 0}).ok);
}

TEST(CudaRules, EachFamilyNamesWhatItOffers) {
  const auto conv = cuda::dtype_support("conv", DType::int8, {9, 0});
  EXPECT_FALSE(conv.ok);
  EXPECT_EQ(conv.reason, "CUDA conv offers fp32, tf32, fp16, bf16, not int8");
  EXPECT_FALSE(cuda::dtype_support("stream", DType::fp16, {9, 0}).ok);
  EXPECT_TRUE(cuda::dtype_support("peak", DType::fp16, {9, 0}).ok);
  EXPECT_FALSE(cuda::dtype_support("peak", DType::bf16, {9, 0}).ok);
  EXPECT_FALSE(cuda::dtype_support("fft", DType::fp32, {9, 0}).ok);
}

TEST(CudaRules, Fp8AndInt8GemmsTakeOnlyTheLayoutCublasLtHas) {
  const Capability h100{9, 0};
  GemmProblem p{256, 192, 128, false, false, DType::fp8_e4m3};
  const auto nn = cuda::problem_support(p, h100);
  EXPECT_FALSE(nn.ok);
  EXPECT_NE(nn.reason.find("takes only trans \"nt\""), std::string::npos) << nn.reason;
  p.trans_b = true;
  EXPECT_TRUE(cuda::problem_support(p, h100).ok);
  p.dtype = DType::int8;
  EXPECT_TRUE(cuda::problem_support(p, h100).ok);
  p.trans_a = true;
  EXPECT_FALSE(cuda::problem_support(p, h100).ok);
  p.dtype = DType::bf16;  // the other precisions take every layout
  EXPECT_TRUE(cuda::problem_support(p, h100).ok);
}

TEST(CudaRules, Fp8AndInt8GemmSizesFollowCublasLtAlignment) {
  const Capability h100{9, 0};
  const auto fp8 = cuda::problem_support(GemmProblem{256, 192, 200, false, true, DType::fp8_e4m3}, h100);
  EXPECT_FALSE(fp8.ok);
  EXPECT_EQ(fp8.reason, "cuBLASLt's fp8_e4m3 GEMM needs m, n and k multiples of 16, got m256 n192 k200");
  EXPECT_TRUE(cuda::problem_support(GemmProblem{256, 192, 200, false, true, DType::int8}, h100).ok);
  EXPECT_FALSE(cuda::problem_support(GemmProblem{256, 190, 200, false, true, DType::int8}, h100).ok);
  EXPECT_TRUE(cuda::problem_support(GemmProblem{35, 84, 41, false, false, DType::fp32}, h100).ok);
}

TEST(CudaRules, StreamOpsAndPeakTargetsBelongToTheirDevice) {
  const Capability h100{9, 0};
  EXPECT_FALSE(cuda::problem_support(StreamProblem{StreamOp::triad_nt, 1024, DType::fp64}, h100).ok);
  EXPECT_TRUE(cuda::problem_support(StreamProblem{StreamOp::h2d, 1024, DType::fp64}, h100).ok);
  PeakProblem peak{DType::fp32};
  EXPECT_FALSE(cuda::problem_support(peak, h100).ok);  // a CPU-target peak problem
  peak.target = "gpu";
  EXPECT_TRUE(cuda::problem_support(peak, h100).ok);
  EXPECT_EQ(peak.id(), "peak/gpu/fp32");
}

TEST(CudaRules, DeviceMemoryRefusalNamesNeededAndFreeSizes) {
  EXPECT_EQ(cuda::memory_refusal(1e9, 8e9, "cuda:0"), "");
  EXPECT_EQ(cuda::memory_refusal(10e9, 8e9, "cuda:1"), "needs 10.00 GB of device memory for its buffers, 8.00 GB free on cuda:1");
  EXPECT_NE(cuda::memory_refusal(7.9e9, 8e9, "cuda:0"), "");  // the libraries' workspaces need room too
  EXPECT_NE(cuda::no_device_reason("cudaErrorNoDevice", "no CUDA-capable device is detected").find("cudaErrorNoDevice"),
            std::string::npos);
}

TEST(StreamSuites, AutoSizesAcceleratorArraysByTheirOwnMemoryWithoutCpuVariants) {
  Registry r;
  r.add(std::make_unique<FakeAccelerator>(1));
  r.add(std::make_unique<test::FakeBackend>(test::FakeMode::correct));
  const Suite s = parse_suite(R"({"name": "t", "cases": [{"kernel": "stream", "backend": ["accel", "fake"], "dtype": "fp64"}]})",
                              "t.json", SuiteContext{&r, 32u << 20, 16ull << 30});
  std::size_t accel = 0, host = 0;
  for (const auto& c : s.cases) {
    const auto& p = std::get<StreamProblem>(c.problem);
    if (c.backend == "accel") {
      ++accel;
      EXPECT_EQ(p.elements, (1 << 30) / 8);
      EXPECT_NE(p.op, StreamOp::triad_nt);
    } else {
      ++host;
      EXPECT_EQ(p.elements, 4 * (32 << 20) / 8);
    }
  }
  EXPECT_EQ(accel, 5u);
  EXPECT_EQ(host, 7u);
}

TEST(LinkCopies, CountTheBytesThatCrossOnce) {
  const StreamProblem h2d{StreamOp::h2d, 1000, DType::fp64}, d2d{StreamOp::d2d, 1000, DType::fp64};
  EXPECT_DOUBLE_EQ(h2d.work().bytes, 8000);
  EXPECT_DOUBLE_EQ(h2d.work().bytes_actual, 8000);
  EXPECT_DOUBLE_EQ(d2d.work().bytes, 16000);  // read and write, as STREAM's copy
  EXPECT_EQ(h2d.id(), "stream/fp64/h2d/n1000");
  EXPECT_EQ(parse_stream_op("d2h"), StreamOp::d2h);
}

TEST(NarrowFloats, EveryFp16AndFp8CodeRoundTrips) {
  for (std::uint32_t code = 0; code < 0x10000; ++code) {
    const float f = to_float(F16{static_cast<std::uint16_t>(code)});
    if (std::isnan(f)) continue;
    ASSERT_EQ(to_f16(f).bits, code) << std::hex << code;
  }
  for (std::uint32_t code = 0; code < 0x100; ++code) {
    const float f = to_float(F8E4M3{static_cast<std::uint8_t>(code)});
    if (std::isnan(f)) continue;
    ASSERT_EQ(to_f8e4m3(f).bits, code) << std::hex << code;
  }
}

TEST(NarrowFloats, KnownValuesRoundToNearestEven) {
  EXPECT_EQ(to_f16(1.0f).bits, 0x3C00);
  EXPECT_EQ(to_f16(-2.0f).bits, 0xC000);
  EXPECT_EQ(to_f16(65504.0f).bits, 0x7BFF);
  EXPECT_EQ(to_f16(1e6f).bits, 0x7C00);                 // overflow: infinity
  EXPECT_EQ(to_f16(1.0f + 0x1p-11f).bits, 0x3C00);      // a tie goes to the even neighbour
  EXPECT_EQ(to_f16(1.0f + 0x1p-11f + 0x1p-20f).bits, 0x3C01);
  EXPECT_FLOAT_EQ(to_float(F16{0x0001}), 0x1p-24f);     // smallest subnormal
  EXPECT_FLOAT_EQ(to_float(F8E4M3{0x7E}), 448.0f);      // largest E4M3
  EXPECT_EQ(to_f8e4m3(1000.0f).bits, 0x7E);             // saturates
  EXPECT_FLOAT_EQ(to_float(F8E4M3{0x01}), 0x1p-9f);     // smallest subnormal
  EXPECT_FLOAT_EQ(to_float(to_f8e4m3(0.3f)), 0.3125f);  // 1.010b x 2^-2
  EXPECT_EQ(storage_rounding(Elem::f16), 0x1p-11);
}

// A GEMM in a narrow input type, on the inputs the backends fill, whose output (FP32) is the
// exact product, then damaged.
template <class T>
void check_narrow_gemm(DType dtype) {
  const GemmProblem p{48, 40, 64, false, true, dtype};
  std::vector<T> a(p.m * p.k), b(p.k * p.n);
  fill_gemm_inputs(p, a.data(), b.data());
  std::vector<float> c(p.m * p.n);
  for (std::int64_t i = 0; i < p.m; ++i)
    for (std::int64_t j = 0; j < p.n; ++j) {
      double s = 0;
      for (std::int64_t l = 0; l < p.k; ++l) s += to_double(a[i * p.k + l]) * to_double(b[j * p.k + l]);
      c[i * p.n + j] = static_cast<float>(s);
    }
  auto view = [&] {
    return HostView{{{"a", input_elem(dtype), a.data(), a.size()},
                     {"b", input_elem(dtype), b.data(), b.size()},
                     {"c", Elem::f32, c.data(), c.size()}},
                    std::nullopt};
  };
  const auto good = validate(p, view());
  EXPECT_TRUE(good.ok) << p.id() << ": " << good.detail;
  c[7 * p.n + 5] += 1.0f;  // the smallest error of integer-valued inputs
  const auto bad = validate(p, view());
  EXPECT_FALSE(bad.ok) << p.id() << ": error " << bad.max_error << ", tolerance " << bad.tolerance;
}

TEST(NarrowFloats, Fp16AndFp8GemmsValidateAndCatchAWrongEntry) {
  check_narrow_gemm<F16>(DType::fp16);
  check_narrow_gemm<F8E4M3>(DType::fp8_e4m3);
}

Suite two_cases() {
  Suite s;
  s.source = "test-suite";
  s.cases = {Case{"accel", GemmProblem{8, 8, 8, false, false, DType::fp64}, {}},
             Case{"fake", GemmProblem{8, 8, 8, false, false, DType::fp64}, {}}};
  return s;
}

TEST(ExpandDevices, AcceleratorCasesRunOnEveryDeviceOrTheChosenOne) {
  Registry r;
  r.add(std::make_unique<FakeAccelerator>(3));
  r.add(std::make_unique<test::FakeBackend>(test::FakeMode::correct));
  Suite all = two_cases();
  expand_devices(all, r, std::nullopt);
  ASSERT_EQ(all.cases.size(), 4u);
  EXPECT_EQ(all.cases[0].device, 0);
  EXPECT_EQ(all.cases[2].device, 2);
  EXPECT_EQ(all.cases[3].backend, "fake");

  Suite one = two_cases();
  expand_devices(one, r, 1);
  ASSERT_EQ(one.cases.size(), 2u);
  EXPECT_EQ(one.cases[0].device, 1);

  Suite bad = two_cases();
  try {
    expand_devices(bad, r, 3);
    FAIL() << "device 3 of 3 accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--device 3: the accel backend has 3 devices (0 to 2) on this machine");
  }
}

TEST(ExpandDevices, WithoutDevicesCasesStayToBeSkippedAndNoDeviceCanBeChosen) {
  Registry r;
  r.add(std::make_unique<FakeAccelerator>(0));
  Suite s = two_cases();
  s.cases.pop_back();
  expand_devices(s, r, std::nullopt);
  ASSERT_EQ(s.cases.size(), 1u);
  Suite chosen = two_cases();
  chosen.cases.pop_back();
  try {
    expand_devices(chosen, r, 0);
    FAIL() << "device 0 accepted without devices";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--device 0: the accel backend has no device on this machine (no accel here)");
  }
  Registry host;
  host.add(std::make_unique<test::FakeBackend>(test::FakeMode::correct));
  Suite cpu_only = two_cases();
  cpu_only.cases.erase(cpu_only.cases.begin());
  EXPECT_THROW(expand_devices(cpu_only, host, 0), UsageError);
}

// The built-in CUDA backend on a machine without a usable GPU (or in a build without CUDA):
// registered, unavailable with a reason, and every case of it a skipped result on cuda:0.
TEST(CudaBackend, WithoutAGpuEveryCaseIsSkippedWithTheReason) {
  Registry registry;
  register_builtin_backends(registry);
  Backend* cuda = registry.find("cuda");
  ASSERT_NE(cuda, nullptr);
  if (cuda->availability().ok) GTEST_SKIP() << "a GPU is present: the gpu-labelled tests cover it";
  const std::string reason = cuda->availability().reason;
  EXPECT_TRUE(reason.rfind("no CUDA device", 0) == 0 || reason.rfind("not built", 0) == 0) << reason;
  EXPECT_EQ(cuda->device_count(), 0);
  EXPECT_EQ(cuda->device(), "cuda:0");
  Runner runner(registry, RunOptions{});
  for (const Problem& p : {Problem{GemmProblem{64, 64, 64, false, false, DType::bf16}},
                           Problem{StreamProblem{StreamOp::triad, 1024, DType::fp64}}}) {
    const Result r = runner.run(Case{"cuda", p, {}});
    EXPECT_EQ(r.status, Status::skipped) << r.problem_id;
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(r.device, "cuda:0");
  }
}

}  // namespace
}  // namespace ccb
