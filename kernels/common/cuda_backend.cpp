// The CUDA backend: cuBLASLt GEMM, cuDNN convolution, STREAM and link copies, and the FMA peak
// on NVIDIA GPUs, one device at a time (select_device). Without a usable device it stays
// registered and unavailable, with the CUDA error as the reason, so every CUDA case of a suite
// still yields a skipped result.

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/cuda_rules.hpp"

namespace ccb {
namespace {

class CudaBackend final : public Backend {
 public:
  CudaBackend() {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
      reason_ = e != cudaSuccess ? cuda::no_device_reason(cudaGetErrorName(e), cudaGetErrorString(e))
                                 : cuda::no_device_reason("cudaSuccess", "0 devices");
      cudaGetLastError();  // clear the sticky error state of the runtime API
      count = 0;
    }
    count_ = count;
    for (int i = 0; i < count_; ++i) props_.push_back(cuda::properties(i));
  }

  std::string name() const override { return "cuda"; }
  std::string device() const override { return fmt::format("cuda:{}", current_); }
  std::optional<int> device_count() const override { return count_; }
  void select_device(int index) override {
    if (index < 0 || (count_ > 0 && index >= count_) || (count_ == 0 && index != 0))
      throw std::out_of_range(fmt::format("cuda has no device {} ({} present)", index, count_));
    current_ = index;
  }

  Availability availability() const override { return count_ > 0 ? Availability{} : Availability{false, reason_}; }

  json device_info() const override {
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    json devices = json::array();
    for (const auto& p : props_)
      devices.push_back(json{{"device", fmt::format("cuda:{}", p.index)},
                             {"name", p.name},
                             {"compute_capability", fmt::format("{}.{}", p.major, p.minor)},
                             {"sm_count", p.sm_count},
                             {"clock_mhz", p.clock_mhz},
                             {"memory_clock_mhz", p.memory_clock_mhz > 0 ? json(p.memory_clock_mhz) : json(nullptr)},
                             {"memory_bus_bits", p.memory_bus_bits},
                             {"memory_bytes", p.memory_bytes},
                             {"l2_bytes", p.l2_bytes},
                             {"ecc", p.ecc}});
    return json{{"library", "CUDA"},
                {"driver_version", version(driver)},
                {"runtime_version", version(runtime)},
                {"cublaslt_version", cuda::cublas_version()},
                {"cudnn_version", cuda::cudnn_version()},
                {"devices", devices}};
  }

  std::vector<std::string> kernels() const override { return {"gemm", "conv", "stream", "peak"}; }

  // Without a device, what no device could offer is still said as such.
  Availability supports(std::string_view kernel, DType dtype) const override {
    const auto av = cuda::dtype_support(kernel, dtype, capability());
    return count_ == 0 && av.ok ? Availability{false, reason_} : av;
  }

  Availability supports_problem(const Problem& p) const override {
    const auto av = cuda::problem_support(p, capability());
    return count_ == 0 && av.ok ? Availability{false, reason_} : av;
  }

  void set_threads(int) override {}

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    return std::visit(
        [&](const auto& x) -> std::unique_ptr<KernelInstance> {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, GemmProblem>) return cuda::make_gemm(x, current_);
          if constexpr (std::is_same_v<T, ConvProblem>) return cuda::make_conv(x, current_);
          if constexpr (std::is_same_v<T, StreamProblem>) return cuda::make_stream(x, current_);
          if constexpr (std::is_same_v<T, PeakProblem>) return cuda::make_peak(x, current_);
          // supports_problem() refuses every other family
          throw std::logic_error(fmt::format("the cuda backend has no {} kernel", kernel_name(Problem{x})));
        },
        p);
  }

 private:
  static std::string version(int v) { return v > 0 ? fmt::format("{}.{}", v / 1000, (v % 1000) / 10) : "none"; }
  // Without a device, the newest capability: only what no device offers is refused by it.
  cuda::Capability capability() const {
    return count_ > 0 ? cuda::Capability{props_[current_].major, props_[current_].minor} : cuda::Capability{99, 0};
  }

  int count_ = 0;
  int current_ = 0;
  std::string reason_;
  std::vector<cuda::DeviceProperties> props_;
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(); }

}  // namespace ccb
