#pragma once
// Random, non-compressible input data from a counter-based generator: element i depends only
// on (seed, i), so the data is the same whatever the thread count, and the fill runs in
// parallel with a static schedule (the first touch matches the kernels' partitioning).
#include <cstddef>
#include <cstdint>

namespace ccb {

// Fills p[0, n) with values uniform in [lo, hi).
template <class T>
void fill_uniform(T* p, std::size_t n, std::uint64_t seed, double lo, double hi);

// Uniform value in [0, 1) for (seed, i).
double uniform01(std::uint64_t seed, std::uint64_t i);

}  // namespace ccb
