// STREAM kernels with OpenMP: static schedule (matching the parallel first-touch fill), and
// copy/triad variants with non-temporal stores that bypass the write-allocate read.
#include <omp.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/conv/conv_openmp.hpp"
#include "kernels/peak/peak_openmp.hpp"

namespace ccb {
namespace {

// Widest non-temporal store this build can issue, per element type.
#if defined(__AVX512F__)
constexpr const char* kNtIsa = "avx512";
inline void nt_copy(double* d, const double* s) { _mm512_stream_pd(d, _mm512_load_pd(s)); }
inline void nt_copy(float* d, const float* s) { _mm512_stream_ps(d, _mm512_load_ps(s)); }
inline void nt_triad(double* a, const double* b, const double* c, double s) {
  _mm512_stream_pd(a, _mm512_fmadd_pd(_mm512_set1_pd(s), _mm512_load_pd(c), _mm512_load_pd(b)));
}
inline void nt_triad(float* a, const float* b, const float* c, float s) {
  _mm512_stream_ps(a, _mm512_fmadd_ps(_mm512_set1_ps(s), _mm512_load_ps(c), _mm512_load_ps(b)));
}
constexpr std::size_t kNtBytes = 64;
#elif defined(__AVX__)
constexpr const char* kNtIsa = "avx";
inline void nt_copy(double* d, const double* s) { _mm256_stream_pd(d, _mm256_load_pd(s)); }
inline void nt_copy(float* d, const float* s) { _mm256_stream_ps(d, _mm256_load_ps(s)); }
inline void nt_triad(double* a, const double* b, const double* c, double s) {
  _mm256_stream_pd(a, _mm256_add_pd(_mm256_load_pd(b), _mm256_mul_pd(_mm256_set1_pd(s), _mm256_load_pd(c))));
}
inline void nt_triad(float* a, const float* b, const float* c, float s) {
  _mm256_stream_ps(a, _mm256_add_ps(_mm256_load_ps(b), _mm256_mul_ps(_mm256_set1_ps(s), _mm256_load_ps(c))));
}
constexpr std::size_t kNtBytes = 32;
#elif defined(__SSE2__)
constexpr const char* kNtIsa = "sse2";
inline void nt_copy(double* d, const double* s) { _mm_stream_pd(d, _mm_load_pd(s)); }
inline void nt_copy(float* d, const float* s) { _mm_stream_ps(d, _mm_load_ps(s)); }
inline void nt_triad(double* a, const double* b, const double* c, double s) {
  _mm_stream_pd(a, _mm_add_pd(_mm_load_pd(b), _mm_mul_pd(_mm_set1_pd(s), _mm_load_pd(c))));
}
inline void nt_triad(float* a, const float* b, const float* c, float s) {
  _mm_stream_ps(a, _mm_add_ps(_mm_load_ps(b), _mm_mul_ps(_mm_set1_ps(s), _mm_load_ps(c))));
}
constexpr std::size_t kNtBytes = 16;
#else
#define CCB_NO_NT_STORES 1
constexpr const char* kNtIsa = "none";
#endif

inline void store_fence() {
#ifndef CCB_NO_NT_STORES
  _mm_sfence();
#endif
}

template <class T>
class StreamOpenmp final : public KernelInstance {
 public:
  explicit StreamOpenmp(const StreamProblem& p)
      : p_(p), bytes_(sizeof(T) * p.elements), a_(bytes_), b_(bytes_), c_(bytes_) {
    fill_uniform(a_.as<T>(), p.elements, 11, -1.0, 1.0);
    fill_uniform(b_.as<T>(), p.elements, 12, -1.0, 1.0);
    fill_uniform(c_.as<T>(), p.elements, 13, -1.0, 1.0);
  }

  void run() override {
    T* __restrict a = a_.as<T>();
    T* __restrict b = b_.as<T>();
    T* __restrict c = c_.as<T>();
    const T s = static_cast<T>(StreamProblem::kScalar);
    const std::int64_t n = p_.elements;
    switch (p_.op) {
      case StreamOp::copy:
#pragma omp parallel for simd schedule(static)
        for (std::int64_t i = 0; i < n; ++i) c[i] = a[i];
        break;
      case StreamOp::scale:
#pragma omp parallel for simd schedule(static)
        for (std::int64_t i = 0; i < n; ++i) b[i] = s * c[i];
        break;
      case StreamOp::add:
#pragma omp parallel for simd schedule(static)
        for (std::int64_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
        break;
      case StreamOp::triad:
#pragma omp parallel for simd schedule(static)
        for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
        break;
      case StreamOp::dot: {
        double sum = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : sum)
        for (std::int64_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
        dot_ = sum;
        break;
      }
      case StreamOp::copy_nt: run_nt(true, a, b, c, s, n); break;
      case StreamOp::triad_nt: run_nt(false, a, b, c, s, n); break;
      case StreamOp::h2d:
      case StreamOp::d2h:
      case StreamOp::d2d: throw std::logic_error("accelerator copies are not an OpenMP kernel");
    }
  }

  void clear_output() override {
    switch (p_.op) {
      case StreamOp::copy:
      case StreamOp::add:
      case StreamOp::copy_nt: fill_all_ones(c_.as<void>(), bytes_); break;
      case StreamOp::scale: fill_all_ones(b_.as<void>(), bytes_); break;
      case StreamOp::triad:
      case StreamOp::triad_nt: fill_all_ones(a_.as<void>(), bytes_); break;
      case StreamOp::dot: dot_ = std::numeric_limits<double>::quiet_NaN(); break;
      default: break;  // accelerator copies: not an OpenMP kernel
    }
  }

  HostView output() override {
    const auto n = static_cast<std::size_t>(p_.elements);
    HostView v{{{"a", input_elem(p_.dtype), a_.as<T>(), n}, {"b", input_elem(p_.dtype), b_.as<T>(), n}, {"c", output_elem(p_.dtype), c_.as<T>(), n}},
               std::nullopt};
    if (p_.op == StreamOp::dot) v.scalar = dot_;
    return v;
  }

  std::string implementation() const override {
    const bool nt = p_.op == StreamOp::copy_nt || p_.op == StreamOp::triad_nt;
    return fmt::format("openmp static, {} threads{}", omp_get_max_threads(),
                       nt ? fmt::format(", non-temporal stores ({})", kNtIsa) : "");
  }

 private:
  // Each thread streams an aligned chunk; scalar code handles the unaligned ends.
  static void run_nt(bool copy, T* __restrict a, const T* __restrict b, T* __restrict c, T s,
                     std::int64_t n) {
#ifdef CCB_NO_NT_STORES
    if (copy)
      for (std::int64_t i = 0; i < n; ++i) c[i] = a[i];
    else
      for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
#else
    constexpr std::int64_t kVec = kNtBytes / sizeof(T);
#pragma omp parallel
    {
      const std::int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
      const std::int64_t blocks = n / kVec;
      const std::int64_t begin = blocks * t / nt * kVec, end = blocks * (t + 1) / nt * kVec;
      if (copy)
        for (std::int64_t i = begin; i < end; i += kVec) nt_copy(c + i, a + i);
      else
        for (std::int64_t i = begin; i < end; i += kVec) nt_triad(a + i, b + i, c + i, s);
      store_fence();
    }
    for (std::int64_t i = n / kVec * kVec; i < n; ++i) {
      if (copy)
        c[i] = a[i];
      else
        a[i] = b[i] + s * c[i];
    }
#endif
  }

  StreamProblem p_;
  std::size_t bytes_;
  AlignedBuffer a_, b_, c_;
  double dot_ = 0;
};

class OpenmpBackend final : public Backend {
 public:
  std::string name() const override { return "openmp"; }
  Availability availability() const override { return {}; }

  json device_info() const override {
    return json{{"library", "OpenMP"},
                {"openmp_version", _OPENMP},
                {"max_threads", omp_get_max_threads()},
                {"non_temporal_stores", kNtIsa},
                {"peak_isa", peak_isa()}};
  }

  std::vector<std::string> kernels() const override { return {"stream", "peak", "conv"}; }

  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel == "conv")
      return dtype == DType::fp32 ? Availability{}
                                  : Availability{false, fmt::format("the direct convolution is FP32 only, not {}", to_string(dtype))};
    if (kernel != "stream" && kernel != "peak")
      return {false, fmt::format("openmp has no {} kernel", kernel)};
    if (dtype != DType::fp64 && dtype != DType::fp32)
      return {false, fmt::format("OpenMP {} offers fp64 and fp32, not {}", kernel == "peak" ? "FMA peak" : "STREAM",
                                 to_string(dtype))};
    return {};
  }

  Availability supports_problem(const Problem& p) const override {
    if (const auto* s = std::get_if<StreamProblem>(&p);
        s && (s->op == StreamOp::h2d || s->op == StreamOp::d2h || s->op == StreamOp::d2d))
      return {false, fmt::format("{} copies to or on an accelerator: run it on the cuda backend", to_string(s->op))};
    if (const auto* k = std::get_if<PeakProblem>(&p); k && k->target != "cpu")
      return {false, fmt::format("the OpenMP peak kernel runs on the CPU, not the {}", k->target)};
    return supports(kernel_name(p), dtype_of(p));
  }

  void set_threads(int threads) override {
    if (threads > 0) omp_set_num_threads(threads);
  }

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    if (const auto* k = std::get_if<PeakProblem>(&p)) return make_peak_openmp(*k);
    if (const auto* c = std::get_if<ConvProblem>(&p)) return make_conv_openmp(*c);
    const auto& s = std::get<StreamProblem>(p);
    if (s.dtype == DType::fp64) return std::make_unique<StreamOpenmp<double>>(s);
    return std::make_unique<StreamOpenmp<float>>(s);
  }
};

}  // namespace

std::unique_ptr<Backend> make_openmp_backend() { return std::make_unique<OpenmpBackend>(); }

}  // namespace ccb
