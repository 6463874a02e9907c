#include "kernels/common/cuda_device.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "kernels/common/cuda_rules.hpp"

namespace ccb::cuda {

void fail(const char* library, const std::string& name, const std::string& text, const char* expr, const char* file,
          int line) {
  throw std::runtime_error(fmt::format("{}:{}: {} failed: {} {}: {}", file, line, expr, library, name, text));
}

}  // namespace ccb::cuda

namespace ccb {

void check(cudaError_t status, const char* expr, const char* file, int line) {
  if (status != cudaSuccess) cuda::fail("CUDA", cudaGetErrorName(status), cudaGetErrorString(status), expr, file, line);
}

void check(cublasStatus_t status, const char* expr, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    cuda::fail("cuBLAS", cublasGetStatusName(status), cublasGetStatusString(status), expr, file, line);
}

}  // namespace ccb

namespace ccb::cuda {

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) { CCB_CHECK(cudaMalloc(&ptr_, std::max<std::size_t>(bytes, 1))); }
DeviceBuffer::DeviceBuffer(DeviceBuffer&& o) noexcept
    : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  std::swap(ptr_, o.ptr_);
  std::swap(bytes_, o.bytes_);
  return *this;
}
DeviceBuffer::~DeviceBuffer() {
  if (ptr_) cudaFree(ptr_);
}
void DeviceBuffer::upload(const void* host) const { CCB_CHECK(cudaMemcpy(ptr_, host, bytes_, cudaMemcpyHostToDevice)); }
void DeviceBuffer::download(void* host) const { CCB_CHECK(cudaMemcpy(host, ptr_, bytes_, cudaMemcpyDeviceToHost)); }

PinnedBuffer::PinnedBuffer(std::size_t bytes) { CCB_CHECK(cudaMallocHost(&ptr_, std::max<std::size_t>(bytes, 1))); }
PinnedBuffer::~PinnedBuffer() {
  if (ptr_) cudaFreeHost(ptr_);
}

DeviceProperties properties(int device) {
  cudaDeviceProp p{};
  CCB_CHECK(cudaGetDeviceProperties(&p, device));
  auto attr = [&](cudaDeviceAttr a) {
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, device) == cudaSuccess ? v : 0;
  };
  DeviceProperties d;
  d.index = device;
  d.name = p.name;
  d.sm_count = attr(cudaDevAttrMultiProcessorCount);
  d.major = attr(cudaDevAttrComputeCapabilityMajor);
  d.minor = attr(cudaDevAttrComputeCapabilityMinor);
  d.clock_mhz = attr(cudaDevAttrClockRate) * 1e-3;
  d.memory_clock_mhz = attr(cudaDevAttrMemoryClockRate) * 1e-3;
  d.memory_bus_bits = attr(cudaDevAttrGlobalMemoryBusWidth);
  d.memory_bytes = p.totalGlobalMem;
  d.l2_bytes = static_cast<std::size_t>(attr(cudaDevAttrL2CacheSize));
  d.ecc = attr(cudaDevAttrEccEnabled) != 0;
  return d;
}

namespace {
constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;  // cuBLAS's advice for Hopper
}  // namespace

Context& context(int device) {
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<Context>> contexts;
  std::lock_guard lock(mutex);
  CCB_CHECK(cudaSetDevice(device));
  auto& slot = contexts[device];
  if (!slot) {
    auto c = std::make_unique<Context>();
    c->device = device;
    c->props = properties(device);
    CCB_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    CCB_CHECK(cublasLtCreate(&c->cublaslt));
    c->workspace = DeviceBuffer(kWorkspaceBytes);
    slot = std::move(c);
  }
  return *slot;
}

double free_memory(int device) {
  CCB_CHECK(cudaSetDevice(device));
  std::size_t free_bytes = 0, total = 0;
  CCB_CHECK(cudaMemGetInfo(&free_bytes, &total));
  return static_cast<double>(free_bytes);
}

void require_memory(double need_bytes, int device) {
  const std::string refusal = memory_refusal(need_bytes, free_memory(device), fmt::format("cuda:{}", device));
  if (!refusal.empty()) throw std::runtime_error(refusal);
}

TimedInstance::TimedInstance(int device) : ctx_(&context(device)) {
  CCB_CHECK(cudaEventCreate(&start_));
  CCB_CHECK(cudaEventCreate(&stop_));
}

TimedInstance::~TimedInstance() {
  cudaSetDevice(ctx_->device);
  cudaStreamSynchronize(ctx_->stream);
  cudaEventDestroy(start_);
  cudaEventDestroy(stop_);
}

void TimedInstance::clear_async(void* p, std::size_t bytes) const {
  CCB_CHECK(cudaSetDevice(ctx_->device));
  CCB_CHECK(cudaMemsetAsync(p, 0xFF, bytes, ctx_->stream));
}

void TimedInstance::run() {
  CCB_CHECK(cudaSetDevice(ctx_->device));
  if (launches_ == 0) {
    // Setup uploaded and initialized on the default stream; the launches go to ctx().stream.
    // Then one untimed launch pays the one-time costs (module loading, library first calls).
    CCB_CHECK(cudaDeviceSynchronize());
    launch();
    CCB_CHECK(cudaStreamSynchronize(ctx_->stream));
  }
  const int n = std::max(launches_, 1);
  CCB_CHECK(cudaEventRecord(start_, ctx_->stream));
  for (int i = 0; i < n; ++i) launch();
  CCB_CHECK(cudaGetLastError());  // a launch that failed to start
  CCB_CHECK(cudaEventRecord(stop_, ctx_->stream));
  CCB_CHECK(cudaEventSynchronize(stop_));
  float ms = 0;
  CCB_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
  const double per_launch = static_cast<double>(ms) * 1e-3 / n;
  if (launches_ == 0) {
    // Calibration: enough launches for event timing to be far above its ~0.5 us resolution.
    launches_ = static_cast<int>(std::clamp(std::ceil(kBatchSeconds / std::max(per_launch, 1e-7)), 1.0, 1000.0));
  }
  seconds_ = per_launch;
}

json cublas_version() {
  const std::size_t v = cublasLtGetVersion();
  return fmt::format("{}.{}.{}", v / 10000, (v / 100) % 100, v % 100);
}

}  // namespace ccb::cuda
