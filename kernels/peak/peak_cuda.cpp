// GPU FMA peak (fp64, fp32 on the CUDA cores; fp16 as half2): a persistent grid, one full wave
// of resident blocks on every SM, sharing the problem's FMAs in units (kernels/peak/peak_cuda_kernels.cu). The per-thread
// counts come back to the host, whose sum must equal the problem's FMA count exactly.
#include <numeric>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/cuda_launch.hpp"

namespace ccb::cuda {
namespace {

class CudaPeak final : public TimedInstance {
 public:
  CudaPeak(const PeakProblem& p, int device) : TimedInstance(device), p_(p) {
    const int lanes = p.dtype == DType::fp16 ? 2 : 1;  // half2
    const std::int64_t per_unit = std::int64_t{kPeakSteps} * kPeakChains * lanes;
    if (p.fmas % per_unit != 0)
      throw std::invalid_argument(fmt::format("peak: {} FMAs is not a multiple of the unit of {}", p.fmas, per_unit));
    units_ = p.fmas / per_unit;
    blocks_ = ctx().props.sm_count * peak_blocks_per_sm(code());
    counts_ = DeviceBuffer(sizeof(unsigned long long) * static_cast<std::size_t>(blocks_) * kPeakThreads);
    CCB_CHECK(cudaMemset(counts_.get(), 0, counts_.bytes()));
  }

  void clear_output() override { clear_async(counts_.get(), counts_.bytes()); }

  HostView output() override {
    CCB_CHECK(cudaStreamSynchronize(ctx().stream));
    std::vector<unsigned long long> counts(counts_.bytes() / sizeof(unsigned long long));
    counts_.download(counts.data());
    const unsigned long long total = std::accumulate(counts.begin(), counts.end(), 0ULL);
    return HostView{{}, static_cast<double>(total)};
  }

  std::string implementation() const override {
    return fmt::format("ccbench FMA kernel ({}), {} blocks x {} threads, {} chains x {} steps per unit, {} units",
                       p_.dtype == DType::fp16 ? "half2 __hfma2" : p_.dtype == DType::fp32 ? "fmaf" : "fma", blocks_,
                       kPeakThreads, kPeakChains, kPeakSteps, units_);
  }

  json details() override {
    return json{{"unit", "CUDA cores (vector FMA), not tensor cores"}, {"sm_count", ctx().props.sm_count}};
  }

 protected:
  void launch() override { launch_peak(code(), units_, blocks_, 1.0, counts_.as<unsigned long long>(), ctx().stream); }

 private:
  int code() const { return p_.dtype == DType::fp64 ? 0 : p_.dtype == DType::fp32 ? 1 : 2; }

  PeakProblem p_;
  std::int64_t units_ = 0;
  int blocks_ = 0;
  DeviceBuffer counts_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_peak(const PeakProblem& p, int device) { return std::make_unique<CudaPeak>(p, device); }

}  // namespace ccb::cuda
