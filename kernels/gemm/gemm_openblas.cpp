// GEMM through OpenBLAS's CBLAS interface (row-major).
#include <cblas.h>

#include <cstdlib>
#include <set>
#include <string>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/gemm/gemm_inputs.hpp"
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
    fill_gemm_inputs(p, a_.as<T>(), b_.as<T>());
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

  void clear_output() override { fill_all_ones(c_.as<void>(), c_.bytes()); }

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

// Vector width of the kernels OpenBLAS chose, from its core name; 0 for a name not listed.
int kernel_vector_bits(const std::string& core) {
  static const std::set<std::string> k512{"SkylakeX", "Cooperlake", "SapphireRapids"};
  static const std::set<std::string> k256{"Haswell", "Zen", "SandyBridge", "Bulldozer", "Piledriver", "Steamroller",
                                          "Excavator"};
  static const std::set<std::string> k128{"Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Core2",
                                          "Penryn", "Dunnington", "Nehalem", "Atom", "Opteron", "Barcelona"};
  if (k512.count(core)) return 512;
  if (k256.count(core)) return 256;
  if (k128.count(core)) return 128;
  return 0;
}

// OpenBLAS picks its kernels by CPU model and falls back to older ones for a model it does not
// know (a newer CPU, or one a VM disguises), or OPENBLAS_CORETYPE forces them: on an AVX-512 CPU
// its Haswell kernels use half the vector width, so its GEMM reaches at most half the peak (on a
// Zen 5 EPYC, DGEMM 4096^3: 101-107 GFLOPS with the Haswell kernels, 171-180 with SkylakeX).
std::string core_warning() {
#if defined(__x86_64__)
  const std::string core = openblas_get_corename();
  const int bits = kernel_vector_bits(core);
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2");
  const int cpu_bits = avx512 ? 512 : avx2 ? 256 : 0;
  // Sandy Bridge's kernels have no FMA: half the FLOPs per instruction of an FMA CPU's.
  const double share = cpu_bits > 0 && bits > 0 ? bits / double(cpu_bits) * (core == "SandyBridge" ? 0.5 : 1.0) : 1.0;
  const char* env = std::getenv("OPENBLAS_CORETYPE");
  if (share < 1)
    return fmt::format("OpenBLAS runs its {} kernels ({}-bit vectors{}) on a CPU with {}: its GEMM reaches at most "
                       "{:.0f}% of this CPU's peak; set OPENBLAS_CORETYPE={}{} to run the kernels this CPU can",
                       core, bits, env && *env ? fmt::format(", chosen by OPENBLAS_CORETYPE={} in the environment", env) : "",
                       avx512 ? "AVX-512" : "AVX2 and FMA", 100 * share, avx512 ? "SkylakeX" : "Haswell",
                       env && *env ? " or unset it" : "");
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
              {"kernel_vector_bits", kernel_vector_bits(openblas_get_corename())},
              {"coretype_env", std::getenv("OPENBLAS_CORETYPE") ? json(std::getenv("OPENBLAS_CORETYPE")) : json(nullptr)},
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
