// The oneDNN backend: matmul (FP32, BF16 with FP32 output, INT8 with INT32 output) and forward
// convolution (kernels/conv/conv_onednn.cpp). oneDNN picks the memory formats ("any"); inputs
// are reordered once at setup and the output back to the user's layout for validation, so
// the timed region is the primitive's execution alone.
#include <omp.h>

#include <map>
#include <mutex>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/gemm/gemm_inputs.hpp"
#include "kernels/common/onednn_common.hpp"
#include "kernels/conv/conv_onednn.hpp"

namespace ccb {
namespace onednn {
Context& context() {
  static Context c;
  return c;
}
}  // namespace onednn

namespace {

using dnnl::memory;
using tag = memory::format_tag;

template <class TIn, class TOut>
class OnednnMatmul final : public KernelInstance {
 public:
  explicit OnednnMatmul(const GemmProblem& p)
      : p_(p), a_(sizeof(TIn) * p.m * p.k), b_(sizeof(TIn) * p.k * p.n), c_(sizeof(TOut) * p.m * p.n) {
    fill_gemm_inputs(p, a_.as<TIn>(), b_.as<TIn>());
    auto& ctx = onednn::context();
    const auto in = onednn::dt(input_elem(p.dtype)), out = onednn::dt(output_elem(p.dtype));
    const memory::desc ua({p.m, p.k}, in, p.trans_a ? tag::ba : tag::ab);
    const memory::desc ub({p.k, p.n}, in, p.trans_b ? tag::ba : tag::ab);
    const memory::desc uc({p.m, p.n}, out, tag::ab);
    user_a_ = memory(ua, ctx.engine, a_.as<TIn>());
    user_b_ = memory(ub, ctx.engine, b_.as<TIn>());
    user_c_ = memory(uc, ctx.engine, c_.as<TOut>());
    const memory::desc any_a({p.m, p.k}, in, tag::any), any_b({p.k, p.n}, in, tag::any), any_c({p.m, p.n}, out, tag::any);
    pd_ = dnnl::matmul::primitive_desc(dnnl::matmul::desc(any_a, any_b, any_c), ctx.engine);
    prim_ = dnnl::matmul(pd_);
    a_mem_ = onednn::in_format(user_a_, pd_.src_desc());
    b_mem_ = onednn::in_format(user_b_, pd_.weights_desc());
    c_mem_ = pd_.dst_desc() == uc ? user_c_ : memory(pd_.dst_desc(), ctx.engine);
    const TOut seven(7);  // a no-op kernel must not pass
    for (std::int64_t i = 0; i < p.m * p.n; ++i) c_.as<TOut>()[i] = seven;
  }

  void run() override {
    auto& ctx = onednn::context();
    prim_.execute(ctx.stream, {{DNNL_ARG_SRC, a_mem_}, {DNNL_ARG_WEIGHTS, b_mem_}, {DNNL_ARG_DST, c_mem_}});
    ctx.stream.wait();
  }

  void clear_output() override { fill_all_ones(c_mem_.get_data_handle(), c_mem_.get_desc().get_size()); }

  HostView output() override {
    onednn::copy(c_mem_, user_c_);
    return HostView{{{"a", input_elem(p_.dtype), a_.as<TIn>(), static_cast<std::size_t>(p_.m * p_.k)},
                     {"b", input_elem(p_.dtype), b_.as<TIn>(), static_cast<std::size_t>(p_.k * p_.n)},
                     {"c", output_elem(p_.dtype), c_.as<TOut>(), static_cast<std::size_t>(p_.m * p_.n)}},
                    std::nullopt};
  }

  std::string implementation() const override { return fmt::format("matmul {}", pd_.impl_info_str()); }

 private:
  GemmProblem p_;
  AlignedBuffer a_, b_, c_;
  memory user_a_, user_b_, user_c_, a_mem_, b_mem_, c_mem_;
  dnnl::matmul::primitive_desc pd_;
  dnnl::matmul prim_;
};

std::string isa_name(dnnl::cpu_isa isa) {
  using I = dnnl::cpu_isa;
  switch (isa) {
    case I::avx512_core_amx: return "avx512_core_amx";
    case I::avx512_core_bf16: return "avx512_core_bf16";
    case I::avx512_core_vnni: return "avx512_core_vnni";
    case I::avx512_core: return "avx512_core";
    case I::avx2_vnni: return "avx2_vnni";
    case I::avx2: return "avx2";
    case I::avx: return "avx";
    case I::sse41: return "sse41";
    default: return "other";
  }
}

class OnednnBackend final : public Backend {
 public:
  std::string name() const override { return "onednn"; }
  Availability availability() const override { return {}; }

  json device_info() const override {
    const auto* v = dnnl::version();
    return json{{"library", "oneDNN"},
                {"version", fmt::format("{}.{}.{}", v->major, v->minor, v->patch)},
                {"git_hash", v->hash},
                {"cpu_isa", isa_name(dnnl::get_effective_cpu_isa())},
                {"threads", omp_get_max_threads()}};
  }

  std::vector<std::string> kernels() const override { return {"gemm", "conv"}; }

  // FP32, BF16 and INT8 are offered where oneDNN has a native implementation for this CPU; the
  // reason names it (e.g. "brg:avx512_core_amx_bf16"), or says that only the reference exists.
  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel != "gemm" && kernel != "conv") return {false, fmt::format("onednn has no {} kernel", kernel)};
    if (dtype != DType::fp32 && dtype != DType::bf16 && dtype != DType::int8)
      return {false, fmt::format("the oneDNN backend offers fp32, bf16 and int8, not {}", to_string(dtype))};
    std::lock_guard lock(mutex_);
    const auto key = std::string(kernel) + "/" + std::string(to_string(dtype));
    if (auto it = probed_.find(key); it != probed_.end()) return it->second;
    std::string impl;
    try {
      impl = kernel == "gemm" ? probe_matmul(dtype) : probe_conv(dtype);
    } catch (const dnnl::error& e) {
      return probed_[key] = Availability{false, fmt::format("oneDNN has no {} {} here: {}", to_string(dtype), kernel, e.what())};
    }
    if (impl.rfind("ref", 0) == 0)
      return probed_[key] = Availability{false, fmt::format("no native {} {} on this CPU (oneDNN would run its reference "
                                                            "implementation {})", to_string(dtype), kernel, impl)};
    return probed_[key] = Availability{true, "via " + impl};
  }

  void set_threads(int threads) override {
    if (threads > 0) omp_set_num_threads(threads);
  }

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    if (const auto* c = std::get_if<ConvProblem>(&p)) return make_conv_onednn(*c);
    const auto& g = std::get<GemmProblem>(p);
    switch (g.dtype) {
      case DType::bf16: return std::make_unique<OnednnMatmul<Bf16, float>>(g);
      case DType::int8: return std::make_unique<OnednnMatmul<std::int8_t, std::int32_t>>(g);
      default: return std::make_unique<OnednnMatmul<float, float>>(g);
    }
  }

 private:
  static std::string probe_matmul(DType d) {
    const auto in = onednn::dt(input_elem(d)), out = onednn::dt(output_elem(d));
    const memory::dim n = 256;
    const memory::desc a({n, n}, in, tag::any), b({n, n}, in, tag::any), c({n, n}, out, tag::any);
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), onednn::context().engine).impl_info_str();
  }
  static std::string probe_conv(DType d) {
    ConvProblem p = parse_conv_descriptor("mb2ic64ih28oc64kh3ph1");
    p.dtype = d;
    return conv_onednn_implementation(p);
  }

  mutable std::mutex mutex_;
  mutable std::map<std::string, Availability> probed_;
};

}  // namespace

std::unique_ptr<Backend> make_onednn_backend() { return std::make_unique<OnednnBackend>(); }

}  // namespace ccb
