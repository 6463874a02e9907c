#pragma once
// Random, non-compressible input data from a counter-based generator: element i depends only
// on (seed, i), so the data is the same whatever the thread count, and the fill runs in
// parallel with a static schedule (the first touch matches the kernels' partitioning).
#include <cstddef>
#include <cstdint>

#include "kernels/common/dtype.hpp"

namespace ccb {

// Fills p[0, n) with values uniform in [lo, hi): rounded to nearest for Bf16, F16 and F8E4M3,
// floored for integer types (so int8 in [-64, 64) gives -64..63).
template <class T>
void fill_uniform(T* p, std::size_t n, std::uint64_t seed, double lo, double hi);
template <>
void fill_uniform<Bf16>(Bf16* p, std::size_t n, std::uint64_t seed, double lo, double hi);
template <>
void fill_uniform<F16>(F16* p, std::size_t n, std::uint64_t seed, double lo, double hi);
template <>
void fill_uniform<F8E4M3>(F8E4M3* p, std::size_t n, std::uint64_t seed, double lo, double hi);
template <>
void fill_uniform<std::int8_t>(std::int8_t* p, std::size_t n, std::uint64_t seed, double lo, double hi);

// Fills p[0, n) with integers uniform over -range..-1, 1..range (no zero), converted exactly to
// T (float, double, F16, Bf16, F8E4M3; range must be exact in T). Requires range >= 1.
template <class T>
void fill_nonzero_integers(T* p, std::size_t n, std::uint64_t seed, int range);

// Sets every byte of [p, p + bytes) to 0xFF, in parallel with a static schedule: NaN in every
// floating-point type, -1 in every integer type. What KernelInstance::clear_output() writes.
void fill_all_ones(void* p, std::size_t bytes);

// Uniform value in [0, 1) for (seed, i).
double uniform01(std::uint64_t seed, std::uint64_t i);

}  // namespace ccb
