#include "kernels/conv/conv_onednn.hpp"

#include <fmt/format.h>

#include "kernels/common/onednn_common.hpp"
#include "kernels/conv/conv_buffers.hpp"

namespace ccb {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

struct ConvDescs {
  memory::desc src, wei, dst;         // user layouts
  memory::desc any_src, any_wei, any_dst;
  memory::dims strides, dilates, pad_l, pad_r;
};

ConvDescs descs(const ConvProblem& p) {
  const auto in = onednn::dt(input_elem(p.dtype)), out = onednn::dt(output_elem(p.dtype));
  const memory::dims src_dims{p.n, p.c, p.h, p.w}, dst_dims{p.n, p.k, p.out_h(), p.out_w()};
  const memory::dims wei_dims = p.groups == 1 ? memory::dims{p.k, p.c, p.r, p.s}
                                              : memory::dims{p.groups, p.k / p.groups, p.c / p.groups, p.r, p.s};
  const tag act = p.layout == Layout::nchw ? tag::nchw : tag::nhwc;
  const tag wt = p.groups == 1 ? tag::oihw : tag::goihw;
  // Bottom/right padding that makes oneDNN's output size equal the problem's (symmetric pads
  // can leave a remainder when the stride does not divide the extent).
  const memory::dim pr_h = (p.out_h() - 1) * p.stride_h + (p.r - 1) * (p.dil_h + 1) + 1 - p.h - p.pad_h;
  const memory::dim pr_w = (p.out_w() - 1) * p.stride_w + (p.s - 1) * (p.dil_w + 1) + 1 - p.w - p.pad_w;
  return ConvDescs{memory::desc(src_dims, in, act),     memory::desc(wei_dims, in, wt),
                   memory::desc(dst_dims, out, act),    memory::desc(src_dims, in, tag::any),
                   memory::desc(wei_dims, in, tag::any), memory::desc(dst_dims, out, tag::any),
                   {p.stride_h, p.stride_w},            {p.dil_h, p.dil_w},
                   {p.pad_h, p.pad_w},                  {pr_h, pr_w}};
}

dnnl::convolution_forward::primitive_desc primitive(const ConvDescs& d) {
  return dnnl::convolution_forward::primitive_desc(
      dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                      d.any_src, d.any_wei, d.any_dst, d.strides, d.dilates, d.pad_l, d.pad_r),
      onednn::context().engine);
}

template <class TIn, class TOut>
class ConvOnednn final : public KernelInstance {
 public:
  explicit ConvOnednn(const ConvProblem& p) : p_(p), t_(p) {
    auto& ctx = onednn::context();
    const ConvDescs d = descs(p);
    pd_ = primitive(d);
    prim_ = dnnl::convolution_forward(pd_);
    user_src_ = memory(d.src, ctx.engine, t_.src.template as<TIn>());
    user_wei_ = memory(d.wei, ctx.engine, t_.wei.template as<TIn>());
    user_dst_ = memory(d.dst, ctx.engine, t_.dst.template as<TOut>());
    src_ = onednn::in_format(user_src_, pd_.src_desc());
    wei_ = onednn::in_format(user_wei_, pd_.weights_desc());
    dst_ = pd_.dst_desc() == d.dst ? user_dst_ : memory(pd_.dst_desc(), ctx.engine);
  }

  void run() override {
    auto& ctx = onednn::context();
    prim_.execute(ctx.stream, {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, wei_}, {DNNL_ARG_DST, dst_}});
    ctx.stream.wait();
  }

  void clear_output() override { fill_all_ones(dst_.get_data_handle(), dst_.get_desc().get_size()); }

  HostView output() override {
    onednn::copy(dst_, user_dst_);
    return t_.view(p_.dtype);
  }

  std::string implementation() const override { return fmt::format("convolution {}", pd_.impl_info_str()); }

 private:
  ConvProblem p_;
  ConvBuffers<TIn, TOut> t_;
  dnnl::convolution_forward::primitive_desc pd_;
  dnnl::convolution_forward prim_;
  memory user_src_, user_wei_, user_dst_, src_, wei_, dst_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_conv_onednn(const ConvProblem& p) {
  switch (p.dtype) {
    case DType::bf16: return std::make_unique<ConvOnednn<Bf16, float>>(p);
    case DType::int8: return std::make_unique<ConvOnednn<std::int8_t, std::int32_t>>(p);
    default: return std::make_unique<ConvOnednn<float, float>>(p);
  }
}

std::string conv_onednn_implementation(const ConvProblem& p) { return primitive(descs(p)).impl_info_str(); }

}  // namespace ccb
