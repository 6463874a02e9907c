// STREAM on one GPU's memory (copy, scale, add, triad, dot: kernels in stream_cuda_kernels.cu)
// and the link and memory copies h2d, d2h (pinned host memory) and d2d (cudaMemcpyAsync). The
// arrays are filled on the host with the same data the OpenMP backend uses and uploaded once;
// output() brings them back for the gold-value check.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/buffer.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/cuda_launch.hpp"
#include "kernels/common/fill.hpp"

namespace ccb::cuda {
namespace {

template <class T>
class CudaStream final : public TimedInstance {
 public:
  CudaStream(const StreamProblem& p, int device)
      : TimedInstance(device), p_(p), n_(static_cast<std::size_t>(p.elements)), bytes_(sizeof(T) * n_) {
    const bool link = p.op == StreamOp::h2d || p.op == StreamOp::d2h;
    require_memory(static_cast<double>(bytes_) * (link ? 1 : StreamProblem::kArrays), device);
    for (auto* h : {&a_, &b_, &c_}) h->resize(n_);
    fill_uniform(a_.data(), n_, 11, -1.0, 1.0);
    fill_uniform(b_.data(), n_, 12, -1.0, 1.0);
    fill_uniform(c_.data(), n_, 13, -1.0, 1.0);
    if (link) {
      // h2d: pinned a -> device; d2h: device -> pinned c. One device array either way.
      pinned_ = std::make_unique<PinnedBuffer>(bytes_);
      dev_ = DeviceBuffer(bytes_);
      if (p.op == StreamOp::h2d) {
        std::copy(a_.begin(), a_.end(), pinned_->as<T>());
        CCB_CHECK(cudaMemset(dev_.get(), 0, bytes_));
      } else {
        dev_.upload(a_.data());
        std::fill(pinned_->as<T>(), pinned_->as<T>() + n_, T(0));
      }
    } else {
      da_ = DeviceBuffer(bytes_);
      db_ = DeviceBuffer(bytes_);
      dc_ = DeviceBuffer(bytes_);
      da_.upload(a_.data());
      db_.upload(b_.data());
      dc_.upload(c_.data());
      if (p.op == StreamOp::dot) {
        dot_blocks_ = ctx().props.sm_count * 8;
        partials_ = DeviceBuffer(sizeof(double) * static_cast<std::size_t>(dot_blocks_));
        result_ = DeviceBuffer(sizeof(double));
      }
    }
  }

  void clear_output() override {
    switch (p_.op) {
      case StreamOp::scale: clear_async(db_.get(), bytes_); break;
      case StreamOp::triad: clear_async(da_.get(), bytes_); break;
      case StreamOp::dot: clear_async(result_.get(), result_.bytes()); break;
      case StreamOp::h2d: clear_async(dev_.get(), bytes_); break;
      case StreamOp::d2h:  // pinned host memory: cleared by the host once the stream is idle
        CCB_CHECK(cudaStreamSynchronize(ctx().stream));
        fill_all_ones(pinned_->as<void>(), bytes_);
        break;
      default: clear_async(dc_.get(), bytes_);  // copy, add, d2d write c
    }
  }

  HostView output() override {
    CCB_CHECK(cudaStreamSynchronize(ctx().stream));
    std::optional<double> scalar;
    switch (p_.op) {
      case StreamOp::h2d: dev_.download(c_.data()); break;
      case StreamOp::d2h: std::copy(pinned_->as<T>(), pinned_->as<T>() + n_, c_.begin()); break;
      case StreamOp::dot: {
        double v = 0;
        result_.download(&v);
        scalar = v;
        break;
      }
      default:
        da_.download(a_.data());
        db_.download(b_.data());
        dc_.download(c_.data());
    }
    const Elem e = input_elem(p_.dtype);
    return HostView{{{"a", e, a_.data(), n_}, {"b", e, b_.data(), n_}, {"c", e, c_.data(), n_}}, scalar};
  }

  std::string implementation() const override {
    switch (p_.op) {
      case StreamOp::h2d: return "cudaMemcpyAsync host (pinned) to device";
      case StreamOp::d2h: return "cudaMemcpyAsync device to host (pinned)";
      case StreamOp::d2d: return "cudaMemcpyAsync device to device";
      case StreamOp::dot: return fmt::format("ccbench dot kernel, {} blocks x {} threads, double accumulation",
                                              dot_blocks_, kDotThreads);
      default: return fmt::format("ccbench {} kernel, one element per thread", to_string(p_.op));
    }
  }

 protected:
  void launch() override {
    const auto s = ctx().stream;
    const T k = static_cast<T>(StreamProblem::kScalar);
    const auto n = static_cast<std::int64_t>(n_);
    switch (p_.op) {
      case StreamOp::copy: launch_copy(da_.as<T>(), dc_.as<T>(), n, s); break;
      case StreamOp::scale: launch_scale(db_.as<T>(), dc_.as<T>(), k, n, s); break;
      case StreamOp::add: launch_add(da_.as<T>(), db_.as<T>(), dc_.as<T>(), n, s); break;
      case StreamOp::triad: launch_triad(da_.as<T>(), db_.as<T>(), dc_.as<T>(), k, n, s); break;
      case StreamOp::dot:
        launch_dot(da_.as<T>(), db_.as<T>(), n, partials_.as<double>(), dot_blocks_, result_.as<double>(), s);
        break;
      case StreamOp::h2d: CCB_CHECK(cudaMemcpyAsync(dev_.get(), pinned_->as<T>(), bytes_, cudaMemcpyHostToDevice, s)); break;
      case StreamOp::d2h: CCB_CHECK(cudaMemcpyAsync(pinned_->as<T>(), dev_.get(), bytes_, cudaMemcpyDeviceToHost, s)); break;
      case StreamOp::d2d: CCB_CHECK(cudaMemcpyAsync(dc_.get(), da_.get(), bytes_, cudaMemcpyDeviceToDevice, s)); break;
      case StreamOp::copy_nt:
      case StreamOp::triad_nt: throw std::logic_error("non-temporal STREAM variants are CPU kernels");
    }
  }

 private:
  StreamProblem p_;
  std::size_t n_, bytes_;
  std::vector<T> a_, b_, c_;
  DeviceBuffer da_, db_, dc_, dev_, partials_, result_;
  std::unique_ptr<PinnedBuffer> pinned_;
  int dot_blocks_ = 0;
};

}  // namespace

std::unique_ptr<KernelInstance> make_stream(const StreamProblem& p, int device) {
  if (p.dtype == DType::fp64) return std::make_unique<CudaStream<double>>(p, device);
  return std::make_unique<CudaStream<float>>(p, device);
}

}  // namespace ccb::cuda
