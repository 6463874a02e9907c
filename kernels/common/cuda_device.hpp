#pragma once
// The CUDA backend's shared pieces: checked calls (file, line, expression), device and pinned
// buffers, one context per device (stream, cuBLASLt and cuDNN handles, workspace), and the base
// of every CUDA kernel instance, which times itself with events over back-to-back launches.
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "kernels/backend.hpp"
#include "kernels/common/check.hpp"

namespace ccb {

// Each throws cuda::fail() unless `status` is success; CCB_CHECK(call) picks the library's
// overload (cuDNN's is in conv/conv_cuda.cpp, its only user).
void check(cudaError_t status, const char* expr, const char* file, int line);
void check(cublasStatus_t status, const char* expr, const char* file, int line);

}  // namespace ccb

namespace ccb::cuda {

// Throws std::runtime_error "<file>:<line>: <expr> failed: <library> <name>: <text>".
[[noreturn]] void fail(const char* library, const std::string& name, const std::string& text, const char* expr,
                       const char* file, int line);

// Device memory; throws std::runtime_error (via CCB_CHECK) when it cannot be had.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes);
  DeviceBuffer(DeviceBuffer&& o) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer();

  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }
  void* get() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }
  // Copies `bytes()` bytes from / to host memory (synchronously).
  void upload(const void* host) const;
  void download(void* host) const;

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Page-locked host memory, for transfers at full link speed.
class PinnedBuffer {
 public:
  explicit PinnedBuffer(std::size_t bytes);
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer();
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }

 private:
  void* ptr_ = nullptr;
};

struct DeviceProperties {
  int index = 0;
  std::string name;
  int sm_count = 0;
  int major = 0, minor = 0;
  double clock_mhz = 0;         // maximum SM clock
  double memory_clock_mhz = 0;  // 0 when the runtime no longer reports it
  int memory_bus_bits = 0;
  std::size_t memory_bytes = 0;
  std::size_t l2_bytes = 0;
  bool ecc = false;
};
DeviceProperties properties(int device);

// Per-device state, created on first use and kept for the process: a non-blocking stream, the
// cuBLASLt handle and its workspace, and the cuDNN handle (opaque here: created by the
// convolution on first use).
struct Context {
  int device = 0;
  cudaStream_t stream = nullptr;
  cublasLtHandle_t cublaslt = nullptr;
  void* cudnn = nullptr;     // cudnnHandle_t
  DeviceBuffer workspace;    // cuBLASLt workspace
  DeviceProperties props;
};
// Makes `device` current and returns its context.
Context& context(int device);
// Bytes of free memory on `device` (cudaMemGetInfo).
double free_memory(int device);
// Throws std::runtime_error with memory_refusal() when `need_bytes` do not fit on `device`.
void require_memory(double need_bytes, int device);

// A CUDA kernel instance: run() records an event, issues `launches` back-to-back launches on
// the device's stream, records another, waits, and reports the time per launch. The first run()
// (the runner's warm-up) waits for the setup, launches once untimed, then times one launch to
// size the batch to about kBatchSeconds.
class TimedInstance : public KernelInstance {
 public:
  explicit TimedInstance(int device);
  ~TimedInstance() override;
  void run() final;
  std::optional<double> timed_seconds() const final { return seconds_; }
  bool stores_allocate() const final { return false; }

 protected:
  // Issues the kernel once on context().stream; must not synchronize.
  virtual void launch() = 0;
  Context& ctx() const { return *ctx_; }
  // clear_output()'s pattern (every byte 0xFF) into `bytes` at device or pinned address `p`,
  // asynchronously on context().stream.
  void clear_async(void* p, std::size_t bytes) const;

 private:
  static constexpr double kBatchSeconds = 0.02;
  Context* ctx_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  int launches_ = 0;  // 0 until the first run() has calibrated
  std::optional<double> seconds_;
};

// The family implementations, each in its family's directory.
std::unique_ptr<KernelInstance> make_gemm(const GemmProblem& p, int device);
std::unique_ptr<KernelInstance> make_conv(const ConvProblem& p, int device);
std::unique_ptr<KernelInstance> make_stream(const StreamProblem& p, int device);
std::unique_ptr<KernelInstance> make_peak(const PeakProblem& p, int device);
// Library versions for the system section.
json cublas_version();
json cudnn_version();

}  // namespace ccb::cuda
