// FMA-throughput microkernels. Each thread keeps kChains independent accumulators in vector
// registers (more than latency x FMA units, fewer than the register file, so nothing spills)
// and runs x = x*1 + 1 on each. The multiplier and addend come from volatile memory, so the
// compiler can neither fold nor shorten the chains; the accumulator sum counts the FMAs.
#include "kernels/peak/peak_openmp.hpp"

#include <omp.h>

#include <algorithm>
#include <limits>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#if defined(__AVX512F__) || defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace ccb {
namespace {

// Vector traits: the widest ISA of this build. `fma(x, a, b)` is x*a + b (on SSE2, which has
// no FMA, a multiply and an add: still 2 FLOPs).
#if defined(__AVX512F__)
constexpr const char* kIsa = "avx512";
constexpr int kBits = 512;
constexpr int kChains = 16;  // of 32 zmm registers
struct VD {
  using V = __m512d;
  static V set1(double x) { return _mm512_set1_pd(x); }
  static V fma(V x, V a, V b) { return _mm512_fmadd_pd(x, a, b); }
  static double sum(V x) {
    alignas(64) double d[8];
    _mm512_store_pd(d, x);
    double s = 0;
    for (double v : d) s += v;
    return s;
  }
};
struct VF {
  using V = __m512;
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V fma(V x, V a, V b) { return _mm512_fmadd_ps(x, a, b); }
  static double sum(V x) {
    alignas(64) float f[16];
    _mm512_store_ps(f, x);
    double s = 0;
    for (float v : f) s += v;
    return s;
  }
};
#elif defined(__AVX2__) && defined(__FMA__)
constexpr const char* kIsa = "avx2";
constexpr int kBits = 256;
constexpr int kChains = 12;  // of 16 ymm registers
struct VD {
  using V = __m256d;
  static V set1(double x) { return _mm256_set1_pd(x); }
  static V fma(V x, V a, V b) { return _mm256_fmadd_pd(x, a, b); }
  static double sum(V x) {
    alignas(32) double d[4];
    _mm256_store_pd(d, x);
    return d[0] + d[1] + d[2] + d[3];
  }
};
struct VF {
  using V = __m256;
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V fma(V x, V a, V b) { return _mm256_fmadd_ps(x, a, b); }
  static double sum(V x) {
    alignas(32) float f[8];
    _mm256_store_ps(f, x);
    double s = 0;
    for (float v : f) s += v;
    return s;
  }
};
#elif defined(__SSE2__)
constexpr const char* kIsa = "sse2";
constexpr int kBits = 128;
constexpr int kChains = 12;  // of 16 xmm registers
struct VD {
  using V = __m128d;
  static V set1(double x) { return _mm_set1_pd(x); }
  static V fma(V x, V a, V b) { return _mm_add_pd(_mm_mul_pd(x, a), b); }
  static double sum(V x) {
    alignas(16) double d[2];
    _mm_store_pd(d, x);
    return d[0] + d[1];
  }
};
struct VF {
  using V = __m128;
  static V set1(float x) { return _mm_set1_ps(x); }
  static V fma(V x, V a, V b) { return _mm_add_ps(_mm_mul_ps(x, a), b); }
  static double sum(V x) {
    alignas(16) float f[4];
    _mm_store_ps(f, x);
    return double(f[0]) + f[1] + f[2] + f[3];
  }
};
#elif defined(__ARM_NEON)
constexpr const char* kIsa = "neon";
constexpr int kBits = 128;
constexpr int kChains = 16;  // of 32 v registers
struct VD {
  using V = float64x2_t;
  static V set1(double x) { return vdupq_n_f64(x); }
  static V fma(V x, V a, V b) { return vfmaq_f64(b, x, a); }
  static double sum(V x) { return vgetq_lane_f64(x, 0) + vgetq_lane_f64(x, 1); }
};
struct VF {
  using V = float32x4_t;
  static V set1(float x) { return vdupq_n_f32(x); }
  static V fma(V x, V a, V b) { return vfmaq_f32(b, x, a); }
  static double sum(V x) {
    return double(vgetq_lane_f32(x, 0)) + vgetq_lane_f32(x, 1) + vgetq_lane_f32(x, 2) + vgetq_lane_f32(x, 3);
  }
};
#else
#error "no vector ISA for the peak kernels"
#endif

volatile double g_one = 1.0;
volatile double g_sink = 0;  // keeps calibration results alive

// Accumulators hold small integers; blocks of at most 2^22 steps keep them exact even in
// fp32 (2^24), and the per-block reduction is negligible next to 2^22 x kChains FMAs.
constexpr std::int64_t kBlock = std::int64_t{1} << 22;

template <class Vt, int Chains>
double fma_chains(std::int64_t steps) {
  using T = std::conditional_t<std::is_same_v<Vt, VD>, double, float>;
  constexpr double kLanes = kBits / (8.0 * sizeof(T));
  const T one = static_cast<T>(g_one);
  const typename Vt::V a = Vt::set1(one), b = Vt::set1(one);
  double total = 0;
  for (std::int64_t done = 0; done < steps;) {
    const std::int64_t n = std::min(kBlock, steps - done);
    // Chain c starts at c, read through a volatile: the chains differ, so the compiler cannot
    // merge them into one.
    typename Vt::V acc[Chains];
    for (int c = 0; c < Chains; ++c) acc[c] = Vt::set1(static_cast<T>(g_one * c));
    for (std::int64_t i = 0; i < n; ++i) {
#pragma GCC unroll 16
      for (int c = 0; c < Chains; ++c) acc[c] = Vt::fma(acc[c], a, b);
    }
    for (int c = 0; c < Chains; ++c) total += Vt::sum(acc[c]) - kLanes * c;
    done += n;
  }
  return total;
}

// A dependent chain of integer adds: one cycle each on every current core.
std::uint64_t add_chain(std::int64_t steps, std::uint64_t inc) {
  std::uint64_t x = 0;
  for (std::int64_t i = 0; i < steps; ++i) {
#if defined(__x86_64__)
    asm volatile(
        "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
        "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
        : "+r"(x)
        : "r"(inc));
#elif defined(__aarch64__)
    asm volatile(
        "add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\t"
        "add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1"
        : "+r"(x)
        : "r"(inc));
#else
    x += 8 * inc;
#endif
  }
  return x;
}
constexpr int kAddsPerStep = 8;

// Runs body(thread) on all threads at once; returns the smallest CPU time a thread spent in
// it. CPU time, unlike wall time, does not grow when the scheduler hands the core to another
// process, so a busy machine cannot make the measured clock look slower than it is.
template <class Body>
double cpu_timed_parallel(Body body) {
  double best = 1e300;
#pragma omp parallel reduction(min : best)
  {
    timespec t0{}, t1{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    body(omp_get_thread_num());
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    best = std::min(best, static_cast<double>(t1.tv_sec - t0.tv_sec) + 1e-9 * static_cast<double>(t1.tv_nsec - t0.tv_nsec));
  }
  return best;
}

template <class Vt>
class PeakOpenmp final : public KernelInstance {
 public:
  explicit PeakOpenmp(const PeakProblem& p) : p_(p), threads_(omp_get_max_threads()), sums_(threads_, 0.0) {
    constexpr std::int64_t lanes = kBits / (8 * (std::is_same_v<Vt, VD> ? 8 : 4));
    lanes_ = lanes;
    if (p.fmas % (lanes * kChains) != 0)
      throw std::invalid_argument(fmt::format("peak: {} FMAs is not a multiple of {} lanes x {} chains",
                                              p.fmas, lanes, kChains));
  }

  void run() override {
    const std::int64_t steps = p_.fmas / (lanes_ * kChains);
#pragma omp parallel
    {
      const int t = omp_get_thread_num();
      const std::int64_t begin = steps * t / threads_, end = steps * (t + 1) / threads_;
      sums_[t] = fma_chains<Vt, kChains>(end - begin);
    }
  }

  void clear_output() override { std::fill(sums_.begin(), sums_.end(), std::numeric_limits<double>::quiet_NaN()); }

  HostView output() override {
    double total = 0;
    for (double s : sums_) total += s;
    return HostView{{}, total};
  }

  std::string implementation() const override {
    return fmt::format("{} FMA chains, {} x {}-bit, {} threads", kIsa, kChains, kBits, threads_);
  }

  json details() override {
    // The clock calibration and the FMA throughput agree when the FMA latency and the FMA units
    // they give are both near whole numbers; an interrupted trial makes one of them fractional,
    // so calibrate again, a few times at most, and say whether they came to agree.
    auto whole = [](double v) { return std::abs(v - std::round(v)) <= kWholeTolerance; };
    int attempts = 0;
    double units = 0;  // vector FMAs per cycle per thread at the sustained clock (see below)
    bool agree = false;
    while (!agree && attempts < kCalibrationAttempts) {
      calibrate();
      ++attempts;
      units = fma_per_cpu_s_ / isa_hz_;
      agree = whole(latency_raw_) && whole(units);
    }
    // units is the FMA unit count when each thread has a core to itself (the peak model scales
    // it when threads share cores).
    return json{{"isa", kIsa},
                {"vector_bits", kBits},
                {"chains", kChains},
                {"threads", threads_},
                {"scalar_clock_mhz", scalar_hz_ * 1e-6},
                {"fma_latency_cycles_raw", latency_raw_},
                {"fma_latency_cycles", latency_},
                {"sustained_clock_mhz", isa_hz_ * 1e-6},
                {"fma_units_raw", units},
                {"fma_units", std::max(1L, std::lround(units))},
                {"calibration_attempts", attempts},
                {"calibration_agrees", agree}};
  }

 private:
  // Scalar clock from the add chain; FMA latency as the ratio of the scalar clock to the
  // dependent-FMA rate (rounded to whole cycles); sustained ISA clock = latency x FMA rate;
  // FMA units = independent vector FMAs per cycle at that clock. All timed in thread CPU time.
  // Runs right after the timed runs, so the cores are in the state those ran in; the best of
  // several interleaved trials discards interruptions.
  void calibrate() {
    constexpr std::int64_t kSteps = 1 << 22;
    constexpr int kTrials = 5;
    double t_add = 1e300, t_fma = 1e300, t_tp = 1e300;
    constexpr std::int64_t kTpSteps = kSteps / 8;
    std::vector<std::uint64_t> adds(threads_);
    std::vector<double> chain(threads_);
    for (int trial = 0; trial < kTrials; ++trial) {
      t_add = std::min(t_add, cpu_timed_parallel([&](int t) { adds[t] = add_chain(kSteps, 1); }));
      t_fma = std::min(t_fma, cpu_timed_parallel([&](int t) { chain[t] = fma_chains<Vt, 1>(kSteps * 2); }));
      t_tp = std::min(t_tp, cpu_timed_parallel([&](int) { g_sink = fma_chains<Vt, kChains>(kTpSteps); }));
    }
    for (int t = 0; t < threads_; ++t)
      if (adds[t] != static_cast<std::uint64_t>(kSteps) * kAddsPerStep ||
          chain[t] != 2.0 * kSteps * static_cast<double>(lanes_))
        throw std::runtime_error("peak: clock calibration chains returned wrong counts");
    scalar_hz_ = kSteps * kAddsPerStep / t_add;
    const double fma_rate = 2.0 * kSteps / t_fma;
    latency_raw_ = scalar_hz_ / fma_rate;
    latency_ = std::max(1L, std::lround(latency_raw_));
    isa_hz_ = static_cast<double>(latency_) * fma_rate;
    fma_per_cpu_s_ = static_cast<double>(kTpSteps * kChains) / t_tp;
  }

  static constexpr int kCalibrationAttempts = 3;
  static constexpr double kWholeTolerance = 0.15;

  PeakProblem p_;
  int threads_;
  std::int64_t lanes_ = 1;
  std::vector<double> sums_;
  double scalar_hz_ = 0, latency_raw_ = 0, isa_hz_ = 0;
  double fma_per_cpu_s_ = 0;  // independent vector FMAs per second of CPU time, per thread
  long latency_ = 0;
};

}  // namespace

const char* peak_isa() { return kIsa; }

double measure_scalar_clock_mhz() {
  constexpr std::int64_t kSteps = 1 << 20;
  double best = 1e300;
  for (int trial = 0; trial < 5; ++trial)
    best = std::min(best, cpu_timed_parallel([&](int) {
      if (add_chain(kSteps, 1) != static_cast<std::uint64_t>(kSteps) * kAddsPerStep)
        throw std::runtime_error("clock measurement: the add chain returned a wrong count");
    }));
  return static_cast<double>(kSteps * kAddsPerStep) / best * 1e-6;
}

std::unique_ptr<KernelInstance> make_peak_openmp(const PeakProblem& p) {
  if (p.dtype == DType::fp64) return std::make_unique<PeakOpenmp<VD>>(p);
  return std::make_unique<PeakOpenmp<VF>>(p);
}

}  // namespace ccb
