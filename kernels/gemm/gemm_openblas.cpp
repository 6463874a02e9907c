// GEMM through OpenBLAS's CBLAS interface (row-major).
#include <cblas.h>

#include <set>
#include <string>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/conv/conv_openblas.hpp"

namespace ccb {
namespace {

template <class T>
class OpenblasGemm final : public KernelInstance {
 public:
  explicit OpenblasGemm(const GemmProblem& p)
      : p_(p),
        a_(sizeof(T) * p.m * p.k),
        b_(sizeof(T) * p.k * p.n),
        c_(sizeof(T) * p.m * p.n) {
    fill_uniform(a_.as<T>(), p.m * p.k, 1, -1.0, 1.0);
    fill_uniform(b_.as<T>(), p.k * p.n, 2, -1.0, 1.0);
    fill_uniform(c_.as<T>(), p.m * p.n, 3, -1.0, 1.0);  // a no-op kernel must not pass
  }

  void run() override {
    const auto ta = p_.trans_a ? CblasTrans : CblasNoTrans;
    const auto tb = p_.trans_b ? CblasTrans : CblasNoTrans;
    const auto lda = static_cast<blasint>(p_.trans_a ? p_.m : p_.k);
    const auto ldb = static_cast<blasint>(p_.trans_b ? p_.k : p_.n);
    const auto m = static_cast<blasint>(p_.m), n = static_cast<blasint>(p_.n),
               k = static_cast<blasint>(p_.k);
    if constexpr (std::is_same_v<T, double>)
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a_.as<T>(), lda, b_.as<T>(), ldb, 0.0,
                  c_.as<T>(), n);
    else
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a_.as<T>(), lda, b_.as<T>(), ldb, 0.0f,
                  c_.as<T>(), n);
  }

  HostView output() override {
    const auto mk = static_cast<std::size_t>(p_.m * p_.k), kn = static_cast<std::size_t>(p_.k * p_.n),
               mn = static_cast<std::size_t>(p_.m * p_.n);
    return HostView{{{"a", input_elem(p_.dtype), a_.as<T>(), mk},
                     {"b", input_elem(p_.dtype), b_.as<T>(), kn},
                     {"c", output_elem(p_.dtype), c_.as<T>(), mn}},
                    std::nullopt};
  }

  std::string implementation() const override {
    return fmt::format("cblas_{}gemm ({})", std::is_same_v<T, double> ? 'd' : 's',
                       openblas_get_corename());
  }

 private:
  GemmProblem p_;
  AlignedBuffer a_, b_, c_;
};

// OpenBLAS falls back to old SSE kernels for CPU models it does not know (a newer CPU, or one a
// VM disguises); its GEMM figures are then a fraction of what the hardware does.
std::string core_warning() {
  static const std::set<std::string> kPreAvx2{"Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Core2",
                                               "Penryn", "Dunnington", "Nehalem", "Atom", "Opteron", "Barcelona"};
  const std::string core = openblas_get_corename();
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (kPreAvx2.count(core) && __builtin_cpu_supports("avx2"))
    return fmt::format("OpenBLAS runs its {} kernels, without the AVX2/AVX-512 this CPU has (it does not know this "
                       "CPU model): its GEMM figures are far below the hardware's; set OPENBLAS_CORETYPE (e.g. "
                       "SkylakeX, Haswell, Zen) to pick the right kernels",
                       core);
#endif
  return {};
}

class OpenblasBackend final : public Backend {
 public:
  std::string name() const override { return "openblas"; }
  Availability availability() const override { return {}; }

  json device_info() const override {
    const int par = openblas_get_parallel();
    json info{{"library", "OpenBLAS"},
              {"config", openblas_get_config()},
              {"core", openblas_get_corename()},
              {"threading", par == 0 ? "sequential" : par == 1 ? "pthreads" : "openmp"},
              {"threads", openblas_get_num_threads()}};
    if (const std::string w = core_warning(); !w.empty()) info["warning"] = w;
    return info;
  }

  std::vector<std::string> kernels() const override { return {"gemm", "conv"}; }

  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel == "conv")
      return dtype == DType::fp32 ? Availability{}
                                  : Availability{false, fmt::format("im2col + SGEMM is FP32 only, not {}", to_string(dtype))};
    if (kernel != "gemm") return {false, fmt::format("openblas has no {} kernel", kernel)};
    if (dtype != DType::fp64 && dtype != DType::fp32)
      return {false, fmt::format("OpenBLAS GEMM offers fp64 and fp32, not {}", to_string(dtype))};
    return {};
  }

  Availability supports_problem(const Problem& p) const override {
    if (const auto* c = std::get_if<ConvProblem>(&p); c && c->layout != Layout::nchw)
      return {false, "the im2col baseline lowers NCHW tensors only"};
    return supports(kernel_name(p), dtype_of(p));
  }

  void set_threads(int threads) override {
    if (threads > 0) openblas_set_num_threads(threads);
  }

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    if (const auto* c = std::get_if<ConvProblem>(&p)) return make_conv_openblas(*c);
    const auto& g = std::get<GemmProblem>(p);
    if (g.dtype == DType::fp64) return std::make_unique<OpenblasGemm<double>>(g);
    return std::make_unique<OpenblasGemm<float>>(g);
  }
};

}  // namespace

std::unique_ptr<Backend> make_openblas_backend() { return std::make_unique<OpenblasBackend>(); }

}  // namespace ccb
