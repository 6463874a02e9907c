#include "kernels/gemm/gemm_inputs.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/common/dtype.hpp"
#include "kernels/common/fill.hpp"

namespace ccb {
namespace {

// The largest integer up to which every integer is exact in the input type.
int exact_integer_limit(DType d) {
  switch (d) {
    case DType::tf32:
    case DType::fp16: return 2048;
    case DType::bf16: return 256;
    case DType::fp8_e4m3: return 16;
    default: return 0;
  }
}

}  // namespace

GemmFill gemm_fill(const GemmProblem& p) {
  if (p.dtype == DType::int8) return {true, 64, static_cast<double>(p.k) * 64 * 64 < 0x1p31};
  const int limit = exact_integer_limit(p.dtype);
  if (limit == 0) return {};
  // Bits of the running sum: 1 - log2(eps) (24 for FP32 accumulation, 14 for FP8's).
  const double sum_limit = 2.0 / accumulate_epsilon(p.dtype);
  const int range = std::clamp(static_cast<int>(std::floor(std::sqrt(sum_limit / static_cast<double>(p.k)))), 1, limit);
  return {true, range, static_cast<double>(p.k) * range * range <= sum_limit};
}

template <class T>
void fill_gemm_inputs(const GemmProblem& p, T* a, T* b) {
  const GemmFill f = gemm_fill(p);
  const auto mk = static_cast<std::size_t>(p.m * p.k), kn = static_cast<std::size_t>(p.k * p.n);
  if constexpr (std::is_same_v<T, std::int8_t>) {
    fill_uniform(a, mk, 1, -f.range, f.range);
    fill_uniform(b, kn, 2, -f.range, f.range);
  } else if (f.integer) {
    fill_nonzero_integers(a, mk, 1, f.range);
    fill_nonzero_integers(b, kn, 2, f.range);
  } else {
    fill_uniform(a, mk, 1, -1.0, 1.0);
    fill_uniform(b, kn, 2, -1.0, 1.0);
  }
}

template void fill_gemm_inputs<double>(const GemmProblem&, double*, double*);
template void fill_gemm_inputs<float>(const GemmProblem&, float*, float*);
template void fill_gemm_inputs<F16>(const GemmProblem&, F16*, F16*);
template void fill_gemm_inputs<Bf16>(const GemmProblem&, Bf16*, Bf16*);
template void fill_gemm_inputs<F8E4M3>(const GemmProblem&, F8E4M3*, F8E4M3*);
template void fill_gemm_inputs<std::int8_t>(const GemmProblem&, std::int8_t*, std::int8_t*);

}  // namespace ccb
