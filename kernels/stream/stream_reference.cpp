// STREAM validation: every element of the output array against its gold value recomputed
// from the inputs (the ops are idempotent, so repeated runs leave the same values), with a
// relative tolerance of 100 machine epsilons; dot against a double-precision sum.
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "kernels/common/validation.hpp"

namespace ccb {
namespace {

constexpr double kElementTolerance = 100.0;  // in units of the dtype's epsilon

const char* output_array(StreamOp op) {
  switch (op) {
    case StreamOp::copy:
    case StreamOp::copy_nt:
    case StreamOp::h2d:
    case StreamOp::d2h:
    case StreamOp::d2d:
    case StreamOp::add: return "c";
    case StreamOp::scale: return "b";
    case StreamOp::triad:
    case StreamOp::triad_nt: return "a";
    case StreamOp::dot: return nullptr;
  }
  return nullptr;
}

template <class T>
Validation check_stream(const StreamProblem& p, const HostView& view) {
  const T* a = view.get("a").as<T>();
  const T* b = view.get("b").as<T>();
  const T* c = view.get("c").as<T>();
  const auto n = p.elements;
  const T s = static_cast<T>(StreamProblem::kScalar);
  Validation v;
  v.method = "gold-values";

  if (p.op == StreamOp::dot) {
    if (!view.scalar) throw std::logic_error("dot kernel returned no scalar");
    double sum = 0, abs_sum = 0;
#pragma omp parallel for reduction(+ : sum, abs_sum) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(a[i]) * static_cast<double>(b[i]);
      sum += t;
      abs_sum += std::abs(t);
    }
    const double got = *view.scalar;
    v.zero_fraction = got == 0.0 ? 1.0 : 0.0;
    v.mostly_zero = got == 0.0;
    v.tolerance = kElementTolerance * epsilon(p.dtype) + static_cast<double>(n) * epsilon(DType::fp64);
    v.max_error = std::abs(got - sum) / (abs_sum > 0 ? abs_sum : 1.0);
    v.checked = 1;
    v.ok = v.max_error <= v.tolerance;
    if (!v.ok) v.detail = fmt::format("dot = {:.17g}, reference {:.17g}", got, sum);
    return v;
  }

  const HostArray& out = view.get(output_array(p.op));
  v.zero_fraction = zero_fraction(out);
  v.mostly_zero = v.zero_fraction > kMostlyZeroFraction;
  v.tolerance = kElementTolerance * epsilon(p.dtype);
  const Worst worst = worst_error(n, [&](std::int64_t i) {
    double got = 0, want = 0, scale = 0;
    switch (p.op) {
      case StreamOp::copy:
      case StreamOp::copy_nt:
      case StreamOp::h2d:
      case StreamOp::d2h:
      case StreamOp::d2d: got = c[i]; want = a[i]; scale = std::abs(want); break;
      case StreamOp::scale:
        got = b[i]; want = static_cast<double>(s) * c[i]; scale = std::abs(want); break;
      case StreamOp::add:
        got = c[i]; want = double(a[i]) + double(b[i]); scale = std::abs(a[i]) + std::abs(b[i]);
        break;
      case StreamOp::triad:
      case StreamOp::triad_nt:
        got = a[i];
        want = double(b[i]) + static_cast<double>(s) * c[i];
        scale = std::abs(b[i]) + std::abs(static_cast<double>(s) * c[i]);
        break;
      case StreamOp::dot: break;
    }
    return std::abs(got - want) / (scale > 0 ? scale : 1.0);
  });
  v.checked = static_cast<std::uint64_t>(n);
  v.max_error = worst.error;
  v.ok = worst.error <= v.tolerance;
  if (!v.ok)
    v.detail = fmt::format("{}[{}] off by {:.3g} (relative)", output_array(p.op), worst.at, worst.error);
  return v;
}

}  // namespace

Validation validate_stream(const StreamProblem& p, const HostView& view) {
  switch (p.dtype) {
    case DType::fp64: return check_stream<double>(p, view);
    case DType::fp32: return check_stream<float>(p, view);
    default:
      throw std::logic_error(fmt::format("STREAM validation for {} not implemented", to_string(p.dtype)));
  }
}

}  // namespace ccb
