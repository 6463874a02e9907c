// The one place that knows which backends are compiled into this build. A backend that was
// not built still registers, as unavailable with the reason, so its cases become `skipped`
// results and `ccbench list` explains why.
#include <fmt/format.h>

#include "kernels/backend.hpp"

namespace ccb {

std::unique_ptr<Backend> make_openblas_backend();
std::unique_ptr<Backend> make_openmp_backend();
std::unique_ptr<Backend> make_hpcc_backend();
#ifdef CCBENCH_HAVE_ONEDNN
std::unique_ptr<Backend> make_onednn_backend();
#endif
#ifdef CCBENCH_HAVE_CUDA
std::unique_ptr<Backend> make_cuda_backend();
#endif
#ifdef CCBENCH_HAVE_MPI
std::unique_ptr<Backend> make_mpi_backend();
#endif

namespace {

class UnbuiltBackend final : public Backend {
 public:
  UnbuiltBackend(std::string name, std::vector<std::string> kernels, std::string reason, std::string device)
      : name_(std::move(name)), kernels_(std::move(kernels)), reason_(std::move(reason)), device_(std::move(device)) {}
  std::string name() const override { return name_; }
  std::string device() const override { return device_; }
  // An accelerator backend that was not built has no device here.
  std::optional<int> device_count() const override {
    return device_ == "cpu" ? std::nullopt : std::optional<int>(0);
  }
  Availability availability() const override { return {false, reason_}; }
  json device_info() const override { return json{{"available", false}, {"reason", reason_}}; }
  std::vector<std::string> kernels() const override { return kernels_; }
  Availability supports(std::string_view, DType) const override { return availability(); }
  void set_threads(int) override {}
  std::unique_ptr<KernelInstance> create(const Problem&) override {
    throw std::logic_error(name_ + " backend is not built: " + reason_);
  }

 private:
  std::string name_;
  std::vector<std::string> kernels_;
  std::string reason_;
  std::string device_;
};

}  // namespace

std::unique_ptr<Backend> make_unbuilt_backend(const std::string& name, std::vector<std::string> kernels,
                                              const std::string& reason, const std::string& device) {
  return std::make_unique<UnbuiltBackend>(name, std::move(kernels), reason, device);
}

void register_builtin_backends(Registry& registry) {
  registry.add(make_openblas_backend());
  registry.add(make_openmp_backend());
  registry.add(make_hpcc_backend());
#ifdef CCBENCH_HAVE_ONEDNN
  registry.add(make_onednn_backend());
#else
  registry.add(make_unbuilt_backend("onednn", {"gemm", "conv"},
                                    "not built: this ccbench was configured without oneDNN (install libdnnl-dev "
                                    "and reconfigure)"));
#endif
#ifdef CCBENCH_HAVE_CUDA
  registry.add(make_cuda_backend());
#else
  registry.add(make_unbuilt_backend("cuda", {"gemm", "conv", "stream", "peak"},
                                    "not built: this ccbench was configured without CUDA (needs nvcc, cuBLAS and "
                                    "cuDNN; reconfigure with -DCCBENCH_ENABLE_CUDA=ON)",
                                    "cuda:0"));
#endif
#ifdef CCBENCH_HAVE_MPI
  registry.add(make_mpi_backend());
#else
  registry.add(make_unbuilt_backend("mpi", {"net"},
                                    "not built: this ccbench was configured without MPI (install openmpi-bin and "
                                    "libopenmpi-dev and reconfigure)"));
#endif
}

}  // namespace ccb
