// Convolution validation: sampled output points against the naive double-precision reference,
// normalized by sum |src * wei|, with dot_tolerance over the ic/g * kh * kw terms.
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/fill.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/conv/conv_reference.hpp"

namespace ccb {
namespace {

constexpr int kSampledPoints = 512;
constexpr std::uint64_t kSeed = 0xc0417e5eedULL;

template <class T, class TOut>
Validation check_conv(const ConvProblem& p, const HostView& view) {
  const T* src = view.get("src").as<T>();
  const T* wei = view.get("wei").as<T>();
  const HostArray& dst_arr = view.get("dst");
  const TOut* dst = dst_arr.as<TOut>();
  const ConvIndex ix{p};
  const std::int64_t oh = p.out_h(), ow = p.out_w();
  const double terms = static_cast<double>(p.c / p.groups * p.r * p.s);

  Validation v;
  v.method = fmt::format("sampled({})", kSampledPoints + 2);
  v.zero_fraction = zero_fraction(dst_arr);
  v.mostly_zero = v.zero_fraction > kMostlyZeroFraction;
  v.tolerance = dot_tolerance(p.dtype, terms, terms) + view.output_rounding;

  struct Point {
    std::int64_t n, k, y, x;
  };
  std::vector<Point> points{{0, 0, 0, 0}, {p.n - 1, p.k - 1, oh - 1, ow - 1}};
  for (int i = 0; i < kSampledPoints; ++i) {
    auto pick = [&](int salt, std::int64_t range) {
      return static_cast<std::int64_t>(uniform01(kSeed + salt, i) * static_cast<double>(range));
    };
    points.push_back({pick(1, p.n), pick(2, p.k), pick(3, oh), pick(4, ow)});
  }
  const Worst worst = worst_error(static_cast<std::int64_t>(points.size()), [&](std::int64_t i) {
    const Point& q = points[i];
    double value = 0, scale = 0;
    conv_reference_point(p, src, wei, q.n, q.k, q.y, q.x, value, scale);
    return std::abs(to_double(dst[ix.dst(q.n, q.k, q.y, q.x)]) - value) / (scale > 0 ? scale : 1.0);
  });
  v.checked = points.size();
  v.max_error = worst.error;
  v.ok = worst.error <= v.tolerance;
  if (!v.ok) {
    const Point& q = points[worst.at];
    v.detail = fmt::format("dst(mb {}, oc {}, oh {}, ow {}) off by {:.3g} (normalized)", q.n, q.k, q.y, q.x, worst.error);
  }
  return v;
}

}  // namespace

Validation validate_conv(const ConvProblem& p, const HostView& view) {
  switch (p.dtype) {
    case DType::fp32:
    case DType::tf32: return check_conv<float, float>(p, view);
    case DType::fp16: return check_conv<F16, float>(p, view);
    case DType::bf16: return check_conv<Bf16, float>(p, view);
    case DType::int8: return check_conv<std::int8_t, std::int32_t>(p, view);
    default: throw std::logic_error(fmt::format("convolution validation for {} not implemented", to_string(p.dtype)));
  }
}

}  // namespace ccb
