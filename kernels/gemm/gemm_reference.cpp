// GEMM validation: Freivalds' check over the whole output plus sampled entries against the
// naive reference. Sampled entries normalize their error by the sum of absolute products, so the
// tolerance follows from the dot-product error bound (|fl(x.y) - x.y| <= k*u*|x|.|y|, u = eps/2).
// Freivalds' rows sum n such errors weighted by the random x: the error of row i is bounded both
// by sum_j |x_j| tol s_ij (worst case, s_ij = sum_l |a_il b_lj|) and, because x is random and
// independent of the errors, with overwhelming probability by kRowSigmas tol sqrt(sum_j s_ij^2)
// <= kRowSigmas tol ||a_i|| ||B||_F (Hoeffding; Cauchy-Schwarz): sqrt(n) times tighter, which is
// what lets one wrong 128x128 tile of a large FP32 GEMM stand out. The inputs of the narrower
// types are exact integers (kernels/gemm/gemm_inputs.hpp): their tolerance is the check's own.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/fill.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/gemm/gemm_inputs.hpp"
#include "kernels/gemm/gemm_reference.hpp"

namespace ccb {
namespace {

constexpr int kSampledEntries = 256;
// Hoeffding: P(|sum_j x_j e_j| > t sqrt(sum_j e_j^2)) <= 2 exp(-t^2 / 2) for x_j in [-1, 1]; at
// t = 9, 5e-18 per row.
constexpr double kRowSigmas = 9;
constexpr std::uint64_t kCheckSeed = 0x5eed'f1e1'd5ULL;

// Terms of the check's own double-precision sums, and their relative rounding.
double check_terms(const GemmProblem& p) { return static_cast<double>(2 * p.k + std::max(p.m, p.n)); }
double check_rounding(const GemmProblem& p) { return 4 * std::sqrt(check_terms(p)) * epsilon(DType::fp64); }

template <class T, class TOut>
Validation check_gemm(const GemmProblem& p, const HostView& view) {
  const T* a = view.get("a").as<T>();
  const T* b = view.get("b").as<T>();
  const HostArray& c_arr = view.get("c");
  const TOut* c = c_arr.as<TOut>();
  const GemmRef<T> ref{p, a, b};
  const std::int64_t m = p.m, n = p.n, k = p.k;

  Validation v;
  v.zero_fraction = zero_fraction(c_arr);
  v.mostly_zero = v.zero_fraction > kMostlyZeroFraction;
  v.tolerance = gemm_tolerance(p) + view.output_rounding;

  // Freivalds: z = A (B x) against w = C x; per row the smaller of the two error scales above.
  std::vector<double> x(n), y(k, 0.0), ya(k, 0.0);
  for (std::int64_t j = 0; j < n; ++j) x[j] = 2.0 * uniform01(kCheckSeed, j) - 1.0;
  double b_frobenius2 = 0;
#pragma omp parallel for schedule(static) reduction(+ : b_frobenius2)
  for (std::int64_t l = 0; l < k; ++l) {
    double s = 0, sa = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      const double bl = ref.b_at(l, j);
      s += bl * x[j];
      sa += std::abs(bl * x[j]);
      b_frobenius2 += bl * bl;
    }
    y[l] = s;
    ya[l] = sa;
  }
  const double b_frobenius = std::sqrt(b_frobenius2);
  // The check's own rounding (its double sums over the absolute terms) is taken off before the
  // error is scaled: the statistical scale can be far below the sums it rounds.
  const double own_rounding = check_rounding(p);
  const Worst rows = worst_error(m, [&](std::int64_t i) {
    double z = 0, za = 0, a2 = 0, w = 0, wa = 0;
    for (std::int64_t l = 0; l < k; ++l) {
      const double al = ref.a_at(i, l);
      z += al * y[l];
      za += std::abs(al) * ya[l];
      a2 += al * al;
    }
    for (std::int64_t j = 0; j < n; ++j) {
      const double t = to_double(c[i * n + j]) * x[j];
      w += t;
      wa += std::abs(t);
    }
    const double scale = std::min(za, kRowSigmas * std::sqrt(a2) * b_frobenius);
    const double excess = std::abs(z - w) - own_rounding * (za + wa);  // NaN stays NaN: it must not hide
    return (excess > 0 || std::isnan(excess) ? excess : 0.0) / (scale > 0 ? scale : 1.0);
  });
  double worst = rows.error;
  v.checked = static_cast<std::uint64_t>(m);
  if (worst > v.tolerance)
    v.detail = fmt::format("Freivalds check: row {} off by {:.3g} (normalized)", rows.at, worst);

  // Sampled entries: the four corners and pseudo-random positions.
  std::vector<std::pair<std::int64_t, std::int64_t>> pos{{0, 0}, {0, n - 1}, {m - 1, 0}, {m - 1, n - 1}};
  for (int s = 0; s < kSampledEntries; ++s)
    pos.emplace_back(static_cast<std::int64_t>(uniform01(kCheckSeed + 1, s) * m),
                     static_cast<std::int64_t>(uniform01(kCheckSeed + 2, s) * n));
  for (const auto& [i, j] : pos) {
    double value = 0, scale = 0;
    ref.entry(i, j, value, scale);
    const double got = to_double(c[i * n + j]);
    double err = std::abs(got - value) / (scale > 0 ? scale : 1.0);
    if (std::isnan(err)) err = INFINITY;
    if (err > v.tolerance && v.detail.empty())
      v.detail = fmt::format("C({}, {}) = {:.17g}, reference {:.17g}", i, j, got, value);
    worst = std::max(worst, err);
  }
  v.checked += pos.size();
  v.max_error = worst;
  v.ok = worst <= v.tolerance;
  v.method = fmt::format("freivalds+sampled({})", pos.size());
  return v;
}

}  // namespace

double gemm_tolerance(const GemmProblem& p) {
  // Exact integer inputs: the right answer is exact, only the check's own sums round.
  if (gemm_fill(p).exact) return check_rounding(p);
  return dot_tolerance(p.dtype, static_cast<double>(p.k), check_terms(p));
}

Validation validate_gemm(const GemmProblem& p, const HostView& view) {
  switch (p.dtype) {
    case DType::fp64: return check_gemm<double, double>(p, view);
    case DType::fp32:
    case DType::tf32: return check_gemm<float, float>(p, view);
    case DType::fp16: return check_gemm<F16, float>(p, view);
    case DType::bf16: return check_gemm<Bf16, float>(p, view);
    case DType::fp8_e4m3: return check_gemm<F8E4M3, float>(p, view);
    case DType::int8: return check_gemm<std::int8_t, std::int32_t>(p, view);
    default: throw std::logic_error(fmt::format("GEMM validation for {} not implemented", to_string(p.dtype)));
  }
}

template <class T>
void reference_gemm(const GemmProblem& p, const T* a, const T* b, T* c) {
  const GemmRef<T> ref{p, a, b};
  for (std::int64_t i = 0; i < p.m; ++i)
    for (std::int64_t j = 0; j < p.n; ++j) {
      double value = 0, scale = 0;
      ref.entry(i, j, value, scale);
      c[i * p.n + j] = static_cast<T>(value);
    }
}

template void reference_gemm<double>(const GemmProblem&, const double*, const double*, double*);
template void reference_gemm<float>(const GemmProblem&, const float*, const float*, float*);

}  // namespace ccb
