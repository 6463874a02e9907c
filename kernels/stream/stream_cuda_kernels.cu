// STREAM kernels on device memory: one element per thread for the element-wise ops (as
// BabelStream's CUDA version does), and a two-pass dot product reduced in double.
#include <cstdint>

#include "kernels/common/cuda_launch.hpp"

namespace ccb::cuda {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(std::int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

template <class T>
__global__ void copy_kernel(const T* __restrict__ a, T* __restrict__ c, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i];
}
template <class T>
__global__ void scale_kernel(T* __restrict__ b, const T* __restrict__ c, T s, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) b[i] = s * c[i];
}
template <class T>
__global__ void add_kernel(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ c, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}
template <class T>
__global__ void triad_kernel(T* __restrict__ a, const T* __restrict__ b, const T* __restrict__ c, T s,
                             std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) a[i] = b[i] + s * c[i];
}

// Block-wise tree reduction in shared memory; blockDim.x == kDotThreads (a power of two).
__device__ void block_sum(double* shared, double v, double* out) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int stride = kDotThreads / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = shared[0];
}

template <class T>
__global__ void dot_kernel(const T* __restrict__ a, const T* __restrict__ b, std::int64_t n, double* partials) {
  __shared__ double shared[kDotThreads];
  double sum = 0;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  block_sum(shared, sum, &partials[blockIdx.x]);
}

__global__ void sum_kernel(const double* __restrict__ partials, int count, double* result) {
  __shared__ double shared[kDotThreads];
  double sum = 0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) sum += partials[i];
  block_sum(shared, sum, result);
}

}  // namespace

template <class T>
void launch_copy(const T* a, T* c, std::int64_t n, cudaStream_t stream) {
  copy_kernel<<<blocks_for(n), kThreads, 0, stream>>>(a, c, n);
}
template <class T>
void launch_scale(T* b, const T* c, T s, std::int64_t n, cudaStream_t stream) {
  scale_kernel<<<blocks_for(n), kThreads, 0, stream>>>(b, c, s, n);
}
template <class T>
void launch_add(const T* a, const T* b, T* c, std::int64_t n, cudaStream_t stream) {
  add_kernel<<<blocks_for(n), kThreads, 0, stream>>>(a, b, c, n);
}
template <class T>
void launch_triad(T* a, const T* b, const T* c, T s, std::int64_t n, cudaStream_t stream) {
  triad_kernel<<<blocks_for(n), kThreads, 0, stream>>>(a, b, c, s, n);
}
template <class T>
void launch_dot(const T* a, const T* b, std::int64_t n, double* partials, int dot_blocks, double* result,
                cudaStream_t stream) {
  dot_kernel<<<dot_blocks, kDotThreads, 0, stream>>>(a, b, n, partials);
  sum_kernel<<<1, kDotThreads, 0, stream>>>(partials, dot_blocks, result);
}

#define CCB_INSTANTIATE(T)                                                                                   \
  template void launch_copy<T>(const T*, T*, std::int64_t, cudaStream_t);                                    \
  template void launch_scale<T>(T*, const T*, T, std::int64_t, cudaStream_t);                                \
  template void launch_add<T>(const T*, const T*, T*, std::int64_t, cudaStream_t);                           \
  template void launch_triad<T>(T*, const T*, const T*, T, std::int64_t, cudaStream_t);                      \
  template void launch_dot<T>(const T*, const T*, std::int64_t, double*, int, double*, cudaStream_t);
CCB_INSTANTIATE(float)
CCB_INSTANTIATE(double)
#undef CCB_INSTANTIATE

}  // namespace ccb::cuda
