#include "kernels/common/fill.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

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
// f rounded to nearest in T (exact when T represents it).
template <class T>
T round_to(float f) {
  if constexpr (std::is_same_v<T, F16>)
    return to_f16(f);
  else if constexpr (std::is_same_v<T, Bf16>)
    return to_bf16(f);
  else if constexpr (std::is_same_v<T, F8E4M3>)
    return to_f8e4m3(f);
  else
    return static_cast<T>(f);
}

// Fills with values rounded to a narrow floating-point type.
template <class T>
void fill_rounded(T* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  const double span = hi - lo;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i)
    p[i] = round_to<T>(static_cast<float>(lo + span * uniform01(seed, static_cast<std::uint64_t>(i))));
}
}  // namespace

template <>
void fill_uniform<Bf16>(Bf16* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi);
}
template <>
void fill_uniform<F16>(F16* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi);
}
template <>
void fill_uniform<F8E4M3>(F8E4M3* p, std::size_t n, std::uint64_t seed, double lo, double hi) {
  fill_rounded(p, n, seed, lo, hi);
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

template <class T>
void fill_nonzero_integers(T* p, std::size_t n, std::uint64_t seed, int range) {
  const auto count = static_cast<std::int64_t>(n);
  const double span = 2.0 * range;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i) {
    const int slot = std::min(static_cast<int>(span * uniform01(seed, static_cast<std::uint64_t>(i))), 2 * range - 1);
    p[i] = round_to<T>(static_cast<float>(slot < range ? slot - range : slot - range + 1));
  }
}

template void fill_nonzero_integers<double>(double*, std::size_t, std::uint64_t, int);
template void fill_nonzero_integers<float>(float*, std::size_t, std::uint64_t, int);
template void fill_nonzero_integers<F16>(F16*, std::size_t, std::uint64_t, int);
template void fill_nonzero_integers<Bf16>(Bf16*, std::size_t, std::uint64_t, int);
template void fill_nonzero_integers<F8E4M3>(F8E4M3*, std::size_t, std::uint64_t, int);

void fill_all_ones(void* p, std::size_t bytes) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  auto* bytes_at = static_cast<unsigned char*>(p);
  const auto chunks = static_cast<std::int64_t>((bytes + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < chunks; ++i) {
    const std::size_t begin = static_cast<std::size_t>(i) * kChunk;
    std::memset(bytes_at + begin, 0xFF, std::min(kChunk, bytes - begin));
  }
}

template void fill_uniform<double>(double*, std::size_t, std::uint64_t, double, double);
template void fill_uniform<float>(float*, std::size_t, std::uint64_t, double, double);

}  // namespace ccb
