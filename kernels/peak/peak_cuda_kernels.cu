// GPU FMA throughput: kPeakChains independent chains per thread of x = fma(x, one, one), in
// units of kPeakSteps steps. After each unit every chain has grown by kPeakSteps (exact: the
// values stay below 2^11, exact even in FP16); the thread adds the values to its count and
// subtracts kPeakSteps * one again. That carries each chain from unit to unit, so the compiler
// can neither hoist a unit out of the loop nor merge chains (they start at different values),
// and `one` is a kernel argument, so nothing folds. The host checks the counts (see
// kernels/peak/peak_cuda.cpp).
#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/common/cuda_launch.hpp"

namespace ccb::cuda {
namespace {

template <class T>
struct Fma;
template <>
struct Fma<double> {
  __device__ static double make(double v) { return v; }
  __device__ static double start(int j) { return j; }
  __device__ static double step(double x, double one) { return fma(x, one, one); }
  __device__ static double sub(double x, double k) { return x - k; }
  __device__ static unsigned long long value(double x) { return static_cast<unsigned long long>(x); }
};
template <>
struct Fma<float> {
  __device__ static float make(double v) { return static_cast<float>(v); }
  __device__ static float start(int j) { return static_cast<float>(j); }
  __device__ static float step(float x, float one) { return __fmaf_rn(x, one, one); }
  __device__ static float sub(float x, float k) { return __fsub_rn(x, k); }
  __device__ static unsigned long long value(float x) { return static_cast<unsigned long long>(x); }
};
template <>
struct Fma<__half2> {
  __device__ static __half2 make(double v) { return __floats2half2_rn(static_cast<float>(v), static_cast<float>(v)); }
  // The two lanes start apart too: (j, j + kPeakChains).
  __device__ static __half2 start(int j) {
    return __floats2half2_rn(static_cast<float>(j), static_cast<float>(j + kPeakChains));
  }
  __device__ static __half2 step(__half2 x, __half2 one) { return __hfma2(x, one, one); }
  __device__ static __half2 sub(__half2 x, __half2 k) { return __hsub2(x, k); }
  __device__ static unsigned long long value(__half2 x) {
    return static_cast<unsigned long long>(__low2float(x)) + static_cast<unsigned long long>(__high2float(x));
  }
};

template <class T>
__global__ void __launch_bounds__(kPeakThreads) peak_kernel(std::int64_t units, double one_in,
                                                            unsigned long long* counts) {
  using F = Fma<T>;
  const T one = F::make(one_in);
  const T steps = F::make(one_in * kPeakSteps);
  T x[kPeakChains];
#pragma unroll
  for (int j = 0; j < kPeakChains; ++j) x[j] = F::start(j);
  const std::int64_t thread = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t threads = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  unsigned long long sum = 0, done = 0;
  for (std::int64_t u = thread; u < units; u += threads) {
#pragma unroll 16
    for (int s = 0; s < kPeakSteps; ++s) {
#pragma unroll
      for (int j = 0; j < kPeakChains; ++j) x[j] = F::step(x[j], one);
    }
#pragma unroll
    for (int j = 0; j < kPeakChains; ++j) {
      sum += F::value(x[j]);
      x[j] = F::sub(x[j], steps);
    }
    ++done;
  }
  // Each unit adds (start + kPeakSteps) per chain and lane; what exceeds `done` times the
  // starting values is the FMA count.
  unsigned long long starts = 0;
#pragma unroll
  for (int j = 0; j < kPeakChains; ++j) starts += F::value(x[j]);
  counts[thread] = sum - done * starts;
}

}  // namespace

void launch_peak(int dtype_code, std::int64_t units, int blocks, double one, unsigned long long* counts,
                 cudaStream_t stream) {
  switch (dtype_code) {
    case 0: peak_kernel<double><<<blocks, kPeakThreads, 0, stream>>>(units, one, counts); break;
    case 1: peak_kernel<float><<<blocks, kPeakThreads, 0, stream>>>(units, one, counts); break;
    default: peak_kernel<__half2><<<blocks, kPeakThreads, 0, stream>>>(units, one, counts); break;
  }
}

int peak_blocks_per_sm(int dtype_code) {
  int blocks = 0;
  cudaError_t e;
  switch (dtype_code) {
    case 0: e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, peak_kernel<double>, kPeakThreads, 0); break;
    case 1: e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, peak_kernel<float>, kPeakThreads, 0); break;
    default: e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, peak_kernel<__half2>, kPeakThreads, 0); break;
  }
  return e == cudaSuccess && blocks > 0 ? blocks : 1;
}

}  // namespace ccb::cuda
