// GEMM validation catches every planted fault at the suites' real sizes (8192^3 as on GPUs,
// 4096^3 as on CPUs) in every dtype: a no-op (the output left as filled, or as clear_output()
// left it), the output scaled by 2, half of k skipped, one wrong 128x128 tile (the next tile's
// values), one wrong row (the next row's). The correct outputs come from OpenBLAS on the inputs
// every backend fills (kernels/gemm/gemm_inputs.hpp): FP32-rounded for FP32, exact for the
// integer-valued inputs of the narrower types, as a real backend gives them.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/common/fill.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/gemm/gemm_inputs.hpp"

namespace ccb {
namespace {

struct FullSize {
  DType dtype;
  std::int64_t n;
};

// C = beta C + A B over k columns of A (row-major, leading dimension n) and k rows of B.
void product(std::int64_t n, std::int64_t k, const float* a, const float* b, float* c, float beta) {
  const auto bn = static_cast<blasint>(n), bk = static_cast<blasint>(k);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bk, 1.0f, a, bn, b, bn, beta, c, bn);
}
void product(std::int64_t n, std::int64_t k, const double* a, const double* b, double* c, double beta) {
  const auto bn = static_cast<blasint>(n), bk = static_cast<blasint>(k);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bk, 1.0, a, bn, b, bn, beta, c, bn);
}

// TIn: the inputs' type; TOut: the output's; TWork: what OpenBLAS computes in.
template <class TIn, class TOut, class TWork>
void expect_every_fault_caught(DType dtype, std::int64_t n) {
  const GemmProblem p{n, n, n, false, false, dtype};
  const auto count = static_cast<std::size_t>(n * n);
  std::vector<TIn> a(count), b(count);
  fill_gemm_inputs(p, a.data(), b.data());
  std::vector<TWork> aw(count), bw(count), half(count), full(count);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n * n; ++i) {
    aw[i] = static_cast<TWork>(to_double(a[i]));
    bw[i] = static_cast<TWork>(to_double(b[i]));
  }
  product(n, n / 2, aw.data(), bw.data(), half.data(), 0);  // the first half of k
  full = half;
  product(n, n - n / 2, aw.data() + n / 2, bw.data() + (n / 2) * n, full.data(), 1);  // and the rest

  std::vector<TOut> c(count);
  auto set = [&](const std::vector<TWork>& from, double factor) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n * n; ++i) {
      const double v = factor * static_cast<double>(from[i]);
      c[i] = std::is_integral_v<TOut> ? static_cast<TOut>(std::llround(v)) : static_cast<TOut>(v);
    }
  };
  const std::string name = p.id();
  auto passes = [&](const char* what) {
    const HostView view{{{"a", input_elem(dtype), a.data(), count},
                         {"b", input_elem(dtype), b.data(), count},
                         {"c", output_elem(dtype), c.data(), count}},
                        std::nullopt};
    const Validation v = validate_gemm(p, view);
    const bool ok = v.ok && !v.mostly_zero;
    if (std::string(what) == "correct")
      EXPECT_TRUE(ok) << name << ": the correct output fails: " << v.detail << " (error " << v.max_error
                      << ", tolerance " << v.tolerance << ")";
    else
      EXPECT_FALSE(ok) << name << ": " << what << " passes (error " << v.max_error << ", tolerance " << v.tolerance
                       << ")";
    return ok;
  };

  set(full, 1);
  passes("correct");

  if constexpr (std::is_integral_v<TOut>) {
    std::fill(c.begin(), c.end(), TOut(7));
  } else {
    fill_uniform(c.data(), count, 3, -1.0, 1.0);
  }
  passes("a no-op (the output as filled)");
  fill_all_ones(c.data(), count * sizeof(TOut));
  passes("a no-op after clear_output()");

  set(full, 2);
  passes("the output scaled by 2");

  set(half, 1);
  passes("half of k skipped");

  set(full, 1);
  const std::int64_t r0 = n / 8, c0 = n / 4, tile = 128;
  for (std::int64_t i = r0; i < r0 + tile; ++i)
    for (std::int64_t j = c0; j < c0 + tile; ++j) c[i * n + j] = c[i * n + j + tile];
  passes("one wrong 128x128 tile");

  set(full, 1);
  const std::int64_t row = n / 2 + 1;
  for (std::int64_t j = 0; j < n; ++j) c[row * n + j] = c[(row + 1) * n + j];
  passes("one wrong row");
}

class GemmFaultsAtFullSize : public ::testing::TestWithParam<FullSize> {};

TEST_P(GemmFaultsAtFullSize, EveryFaultFailsAndTheRightAnswerPasses) {
  const auto [dtype, n] = GetParam();
  switch (dtype) {
    case DType::fp64: return expect_every_fault_caught<double, double, double>(dtype, n);
    case DType::fp32:
    case DType::tf32: return expect_every_fault_caught<float, float, float>(dtype, n);
    case DType::fp16: return expect_every_fault_caught<F16, float, float>(dtype, n);
    case DType::bf16: return expect_every_fault_caught<Bf16, float, float>(dtype, n);
    case DType::fp8_e4m3: return expect_every_fault_caught<F8E4M3, float, float>(dtype, n);
    case DType::int8: return expect_every_fault_caught<std::int8_t, std::int32_t, float>(dtype, n);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SuiteSizes, GemmFaultsAtFullSize,
    ::testing::Values(FullSize{DType::fp64, 4096}, FullSize{DType::fp32, 4096}, FullSize{DType::fp64, 8192},
                      FullSize{DType::fp32, 8192}, FullSize{DType::tf32, 8192}, FullSize{DType::fp16, 8192},
                      FullSize{DType::bf16, 8192}, FullSize{DType::fp8_e4m3, 8192}, FullSize{DType::int8, 8192}),
    [](const auto& info) {
      return std::string(to_string(info.param.dtype)) + "_" + std::to_string(info.param.n);
    });

}  // namespace
}  // namespace ccb
