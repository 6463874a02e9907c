#include "kernels/common/fill.hpp"

#include <cmath>

#include "kernels/common/dtype.hpp"

namespace ccb {
namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

double uniform01(std::uint64_t seed, std::uint64_t i) {
  return static_cast<double>(splitmix64(splitmix64(seed) ^ i) >> 11) * 0x1p-53;
}

template <class T>
void fill_uniform(T* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  const double span = hi - lo;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i)
    p[i] = static_cast<T>(lo + span * uniform01(seed, static_cast<std::uint64_t>(i)));
}

namespace {
// Fills with values rounded to a narrow floating-point type by `convert`.
template <class T, class Convert>
void fill_rounded(T* p, std::size_t n, std::uint64_t seed, double lo, double hi, Convert convert) {
  const double span = hi - lo;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i)
    p[i] = convert(static_cast<float>(lo + span * uniform01(seed, static_cast<std::uint64_t>(i))));
}
}  // namespace

template <>
void fill_uniform<Bf16>(Bf16* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi, [](float f) { return to_bf16(f); });
}
template <>
void fill_uniform<F16>(F16* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi, [](float f) { return to_f16(f); });
}
template <>
void fill_uniform<F8E4M3>(F8E4M3* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi, [](float f) { return to_f8e4m3(f); });
}

// Integers uniform in [lo, hi).
template <>
void fill_uniform<std::int8_t>(std::int8_t* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  const double span = hi - lo;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i)
    p[i] = static_cast<std::int8_t>(std::floor(lo + span * uniform01(seed, static_cast<std::uint64_t>(i))));
}

template void fill_uniform<double>(double*, std::size_t, std::uint64_t, double, double);
template void fill_uniform<float>(float*, std::size_t, std::uint64_t, double, double);

}  // namespace ccb
