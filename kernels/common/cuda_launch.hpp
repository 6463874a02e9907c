#pragma once
// Launchers of ccbench's own CUDA kernels (kernels/*/*_cuda_kernels.cu). Plain functions over
// device pointers: the .cu files hold device code only, the instances around them are C++.
// Each launcher enqueues on `stream` and returns without waiting.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace ccb::cuda {

// STREAM on device arrays of n elements (T = float or double): c = a; b = s*c; c = a + b;
// a = b + s*c; and the dot product sum(a*b) in double, reduced into `partials` (one per block
// of `dot_blocks`) and then into *result.
template <class T>
void launch_copy(const T* a, T* c, std::int64_t n, cudaStream_t stream);
template <class T>
void launch_scale(T* b, const T* c, T s, std::int64_t n, cudaStream_t stream);
template <class T>
void launch_add(const T* a, const T* b, T* c, std::int64_t n, cudaStream_t stream);
template <class T>
void launch_triad(T* a, const T* b, const T* c, T s, std::int64_t n, cudaStream_t stream);
template <class T>
void launch_dot(const T* a, const T* b, std::int64_t n, double* partials, int dot_blocks, double* result,
                cudaStream_t stream);
// Threads per block of the dot kernel; `partials` holds dot_blocks doubles.
inline constexpr int kDotThreads = 256;

// FMA-throughput kernel: `blocks` x kPeakThreads threads share `units` units of work; a unit is
// kPeakSteps steps of kPeakChains independent chains x = fma(x, one, one) (half2: two lanes
// each). Each thread writes the number of FMAs it did, counted from the chains' values, into
// counts[thread]. `one` must be 1 (a kernel argument, so the compiler can fold nothing).
// dtype_code: 0 = fp64, 1 = fp32, 2 = fp16 (half2).
inline constexpr int kPeakThreads = 256;
inline constexpr int kPeakChains = 8;
inline constexpr int kPeakSteps = 256;
void launch_peak(int dtype_code, std::int64_t units, int blocks, double one, unsigned long long* counts,
                 cudaStream_t stream);
// Blocks of the peak kernel for `dtype_code` that are resident at once on one SM of the current
// device (occupancy: registers decide), so that the grid is exactly one full wave.
int peak_blocks_per_sm(int dtype_code);

}  // namespace ccb::cuda
