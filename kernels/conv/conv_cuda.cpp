// Forward convolution through cuDNN (legacy convolution API): FP32 (FMA math only), TF32
// (tensor-op math on FP32 data), FP16 and BF16 (tensor-op math, FP32 compute). The algorithm is
// the fastest that cudnnFindConvolutionForwardAlgorithm measured within the workspace limit, and
// is recorded with its time. Inputs are the ConvBuffers of the problem's layout (weights
// reordered to KRSC for NHWC), uploaded once; FP16/BF16 outputs are widened to FP32 on the host
// for validation, with their storage rounding added to the tolerance.
#include <cudnn.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/cuda_device.hpp"
#include "kernels/conv/conv_buffers.hpp"

namespace ccb {

void check(cudnnStatus_t status, const char* expr, const char* file, int line) {
  if (status != CUDNN_STATUS_SUCCESS)
    cuda::fail("cuDNN", fmt::format("status {}", static_cast<int>(status)), cudnnGetErrorString(status), expr, file,
               line);
}

}  // namespace ccb

namespace ccb::cuda {

namespace {

constexpr std::size_t kMaxWorkspace = std::size_t{1} << 30;

cudnnHandle_t handle(Context& ctx) {
  if (!ctx.cudnn) {
    cudnnHandle_t h = nullptr;
    CCB_CHECK(cudnnCreate(&h));
    CCB_CHECK(cudnnSetStream(h, ctx.stream));
    ctx.cudnn = h;
  }
  return static_cast<cudnnHandle_t>(ctx.cudnn);
}

const char* algo_name(cudnnConvolutionFwdAlgo_t a) {
  switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return "IMPLICIT_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return "IMPLICIT_PRECOMP_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return "GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return "DIRECT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return "FFT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return "FFT_TILING";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return "WINOGRAD";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return "WINOGRAD_NONFUSED";
    default: return "unknown";
  }
}

const char* math_name(cudnnMathType_t m) {
  switch (m) {
    case CUDNN_DEFAULT_MATH: return "default math";
    case CUDNN_TENSOR_OP_MATH: return "tensor-op math";
    case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: return "tensor-op math with conversion";
    case CUDNN_FMA_MATH: return "FMA math";
    default: return "unknown math";
  }
}

struct Descs {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  ~Descs() {
    if (conv) cudnnDestroyConvolutionDescriptor(conv);
    if (w) cudnnDestroyFilterDescriptor(w);
    if (y) cudnnDestroyTensorDescriptor(y);
    if (x) cudnnDestroyTensorDescriptor(x);
  }
};

// TIn: host storage of src/wei (float, F16, Bf16); the device output has TIn's type too.
template <class TIn>
class CudnnConv final : public TimedInstance {
 public:
  CudnnConv(const ConvProblem& p, int device) : TimedInstance(device), p_(p), host_(p) {
    const std::size_t dst_dev_bytes = sizeof(TIn) * host_.dst_count;
    require_memory(static_cast<double>(sizeof(TIn) * (host_.src_count + host_.wei_count) + dst_dev_bytes), device);
    const cudnnDataType_t data = std::is_same_v<TIn, float>  ? CUDNN_DATA_FLOAT
                                 : std::is_same_v<TIn, F16> ? CUDNN_DATA_HALF
                                                            : CUDNN_DATA_BFLOAT16;
    const cudnnTensorFormat_t format = p.layout == Layout::nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
    const int n = static_cast<int>(p.n), c = static_cast<int>(p.c), k = static_cast<int>(p.k);
    CCB_CHECK(cudnnCreateTensorDescriptor(&d_.x));
    CCB_CHECK(cudnnSetTensor4dDescriptor(d_.x, format, data, n, c, static_cast<int>(p.h), static_cast<int>(p.w)));
    CCB_CHECK(cudnnCreateFilterDescriptor(&d_.w));
    CCB_CHECK(cudnnSetFilter4dDescriptor(d_.w, data, format, k, static_cast<int>(p.c / p.groups), static_cast<int>(p.r),
                                         static_cast<int>(p.s)));
    CCB_CHECK(cudnnCreateConvolutionDescriptor(&d_.conv));
    CCB_CHECK(cudnnSetConvolution2dDescriptor(d_.conv, static_cast<int>(p.pad_h), static_cast<int>(p.pad_w),
                                              static_cast<int>(p.stride_h), static_cast<int>(p.stride_w),
                                              static_cast<int>(p.dil_h + 1), static_cast<int>(p.dil_w + 1),
                                              CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    CCB_CHECK(cudnnSetConvolutionGroupCount(d_.conv, static_cast<int>(p.groups)));
    const cudnnMathType_t math = p.dtype == DType::fp32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH;
    CCB_CHECK(cudnnSetConvolutionMathType(d_.conv, math));
    int on = 0, oc = 0, oh = 0, ow = 0;
    CCB_CHECK(cudnnGetConvolution2dForwardOutputDim(d_.conv, d_.x, d_.w, &on, &oc, &oh, &ow));
    if (oh != p.out_h() || ow != p.out_w() || oc != k || on != n)
      throw std::logic_error(fmt::format("cuDNN output {}x{}x{}x{} differs from the problem's {}x{}x{}x{}", on, oc, oh,
                                         ow, n, k, p.out_h(), p.out_w()));
    CCB_CHECK(cudnnCreateTensorDescriptor(&d_.y));
    CCB_CHECK(cudnnSetTensor4dDescriptor(d_.y, format, data, on, oc, oh, ow));

    // Device inputs in cuDNN's filter layout: KCRS for NCHW, KRSC for NHWC.
    x_ = DeviceBuffer(sizeof(TIn) * host_.src_count);
    w_ = DeviceBuffer(sizeof(TIn) * host_.wei_count);
    y_ = DeviceBuffer(dst_dev_bytes);
    x_.upload(host_.src.template as<TIn>());
    w_.upload(weights_for_device().data());
    CCB_CHECK(cudaMemset(y_.get(), 0x41, dst_dev_bytes));  // a no-op must fail validation

    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int returned = 0;
    CCB_CHECK(cudnnFindConvolutionForwardAlgorithm(handle(ctx()), d_.x, d_.w, d_.conv, d_.y,
                                                   CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf));
    // FP32 must stay FP32: Find also tries tensor-op (TF32) variants.
    const bool fp32 = p.dtype == DType::fp32;
    const auto* best = std::find_if(perf, perf + returned, [&](const cudnnConvolutionFwdAlgoPerf_t& a) {
      return a.status == CUDNN_STATUS_SUCCESS && a.memory <= kMaxWorkspace && (!fp32 || a.mathType == CUDNN_FMA_MATH);
    });
    if (best == perf + returned)
      throw std::runtime_error(fmt::format("cuDNN has no forward algorithm for {} on this device", p.id()));
    algo_ = best->algo;
    math_ = best->mathType;
    workspace_ = DeviceBuffer(best->memory);
    implementation_ = fmt::format("cudnnConvolutionForward {} ({}), workspace {:.1f} MiB, found in {:.3f} ms",
                                  algo_name(algo_), math_name(math_),
                                  static_cast<double>(best->memory) / (1 << 20), best->time);
    CCB_CHECK(cudnnSetConvolutionMathType(d_.conv, math_));
  }

  void clear_output() override { clear_async(y_.get(), y_.bytes()); }

  HostView output() override {
    CCB_CHECK(cudaStreamSynchronize(ctx().stream));
    auto* dst = host_.dst.template as<float>();
    if constexpr (std::is_same_v<TIn, float>) {
      y_.download(dst);
    } else {
      std::vector<TIn> narrow(host_.dst_count);
      y_.download(narrow.data());
      for (std::size_t i = 0; i < narrow.size(); ++i) dst[i] = to_float(narrow[i]);
    }
    HostView v = host_.view(p_.dtype);
    v.output_rounding = storage_rounding(input_elem(p_.dtype));
    return v;
  }

  std::string implementation() const override { return implementation_; }

 protected:
  void launch() override {
    const float alpha = 1, beta = 0;
    CCB_CHECK(cudnnConvolutionForward(handle(ctx()), &alpha, d_.x, x_.get(), d_.w, w_.get(), d_.conv, algo_,
                                      workspace_.get(), workspace_.bytes(), &beta, d_.y, y_.get()));
  }

 private:
  std::vector<TIn> weights_for_device() const {
    const TIn* kcrs = host_.wei.template as<TIn>();
    std::vector<TIn> out(kcrs, kcrs + host_.wei_count);
    if (p_.layout == Layout::nhwc) {
      const std::int64_t cg = p_.c / p_.groups;
      for (std::int64_t k = 0; k < p_.k; ++k)
        for (std::int64_t c = 0; c < cg; ++c)
          for (std::int64_t r = 0; r < p_.r; ++r)
            for (std::int64_t s = 0; s < p_.s; ++s)
              out[static_cast<std::size_t>(((k * p_.r + r) * p_.s + s) * cg + c)] =
                  kcrs[static_cast<std::size_t>(((k * cg + c) * p_.r + r) * p_.s + s)];
    }
    return out;
  }

  ConvProblem p_;
  ConvBuffers<TIn, float> host_;
  Descs d_;
  DeviceBuffer x_, w_, y_, workspace_;
  cudnnConvolutionFwdAlgo_t algo_{};
  cudnnMathType_t math_{};
  std::string implementation_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_conv(const ConvProblem& p, int device) {
  switch (p.dtype) {
    case DType::fp32:
    case DType::tf32: return std::make_unique<CudnnConv<float>>(p, device);
    case DType::fp16: return std::make_unique<CudnnConv<F16>>(p, device);
    case DType::bf16: return std::make_unique<CudnnConv<Bf16>>(p, device);
    default: throw std::logic_error(fmt::format("cuDNN convolution in {} is not offered", to_string(p.dtype)));
  }
}

json cudnn_version() {
  const std::size_t v = cudnnGetVersion();
  return fmt::format("{}.{}.{}", v / 10000, (v / 100) % 100, v % 100);
}

}  // namespace ccb::cuda
