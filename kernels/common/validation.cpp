#include "kernels/common/validation.hpp"

#include <cmath>
#include <stdexcept>

namespace ccb {

json Validation::to_json() const {
  json j{{"method", method},
         {"ok", ok},
         {"max_error", std::isfinite(max_error) ? json(max_error) : json(nullptr)},
         {"tolerance", tolerance},
         {"checked", checked},
         {"zero_fraction", zero_fraction},
         {"mostly_zero", mostly_zero}};
  if (!detail.empty()) j["detail"] = detail;
  return j;
}

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

Validation validate(const Problem& p, const HostView& view) {
  return std::visit(Overloaded{[&](const GemmProblem& g) { return validate_gemm(g, view); },
                               [&](const StreamProblem& s) { return validate_stream(s, view); },
                               [&](const PeakProblem& k) { return validate_peak(k, view); },
                               [&](const ConvProblem& c) { return validate_conv(c, view); },
                               [&](const NetProblem& n) { return validate_net(n, view); },
                               [&](const HplProblem& h) { return validate_hpl(h, view); }},
                    p);
}

namespace {
template <class T>
double zero_fraction_of(const T* p, std::size_t n) {
  if (n == 0) return 0.0;
  std::int64_t zeros = 0;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for reduction(+ : zeros) schedule(static)
  for (std::int64_t i = 0; i < count; ++i) zeros += (p[i] == T(0)) ? 1 : 0;
  return static_cast<double>(zeros) / static_cast<double>(n);
}
}  // namespace

double dot_tolerance(DType dtype, double terms, double check_terms) {
  const bool matrix_unit = dtype == DType::tf32 || dtype == DType::fp16 || dtype == DType::bf16;
  const double growth = matrix_unit ? terms : 4 * std::sqrt(terms);
  return 2 * input_rounding(dtype) + (2 + growth) * accumulate_epsilon(dtype) +
         4 * std::sqrt(check_terms) * epsilon(DType::fp64);
}

double zero_fraction(const HostArray& arr) {
  switch (arr.elem) {
    case Elem::f64: return zero_fraction_of(arr.as<double>(), arr.count);
    case Elem::f32: return zero_fraction_of(arr.as<float>(), arr.count);
    case Elem::s32: return zero_fraction_of(arr.as<std::int32_t>(), arr.count);
    case Elem::s8: return zero_fraction_of(arr.as<std::int8_t>(), arr.count);
    case Elem::f16:  // +0 is the all-zero pattern; -0 is counted as a value, which it rarely is
    case Elem::bf16: return zero_fraction_of(reinterpret_cast<const std::uint16_t*>(arr.data), arr.count);
    case Elem::f8e4m3: return zero_fraction_of(reinterpret_cast<const std::uint8_t*>(arr.data), arr.count);
  }
  return 0.0;
}

}  // namespace ccb
