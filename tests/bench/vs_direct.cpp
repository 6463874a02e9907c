// Peer check: the harness against the same work done directly, in the same process and run.
// DGEMM/SGEMM through ccbench vs cblas_?gemm called here; STREAM triad through ccbench vs a
// plain OpenMP loop compiled with the same flags; non-temporal vs plain triad; the measured FP64
// FMA peak against the theoretical peak at the measured clock. Rounds alternate
// between the two sides so drift on a shared machine hits both. Exit 1 when a target is missed.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>
#include <cblas.h>
#include <fmt/format.h>

#include "harness/peak_model.hpp"
#include "harness/runner.hpp"
#include "harness/sysinfo.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "peer.hpp"

namespace {

using ccb::peer::alternate;
using ccb::peer::harness_samples;
using ccb::median_of;

using ccb::Result;

// Times `fn` `reps` times after one untimed warm-up; returns seconds per call.
std::vector<double> time_direct(int reps, const std::function<void()>& fn) {
  fn();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return t;
}

struct Check {
  std::string name, unit;
  double harness_rate, peer_rate, target;
  std::string peer_name;
  bool at_most = false;  // the ratio must not exceed the target (a bound, not a speed target)
  bool ok() const { return at_most ? harness_rate <= target * peer_rate : harness_rate >= target * peer_rate; }
};

// The measured FP64 FMA peak against the theoretical peak at the clock the peak kernel measured:
// a measured peak above it would mean the clock calibration or the FLOP count is wrong.
Check peak_check(ccb::Registry& registry, ccb::Runner& runner) {
  ccb::PeakModel model(ccb::HardwareTables::load(ccb::config_dir() / "hardware"), ccb::probe_system(registry));
  const Result r = runner.run(ccb::Case{"openmp", ccb::PeakProblem{ccb::DType::fp64}, {}});
  if (r.status != ccb::Status::passed) throw std::runtime_error(r.name() + ": " + r.reason);
  model.observe(r);
  const auto* p = model.device("cpu")->find("fp64");
  if (!p || !p->measured || !p->theoretical_sustained) throw std::runtime_error("no FP64 peak for this CPU in the tables");
  return {fmt::format("FP64 FMA peak vs theoretical at measured {:.0f} MHz", r.details["sustained_clock_mhz"].get<double>()),
          "GFLOPS", *p->measured * 1e-9, *p->theoretical_sustained * 1e-9, 1.0, "theoretical", true};
}

template <class T>
Check gemm_check(ccb::Runner& runner, std::int64_t n, int reps, int rounds) {
  const ccb::GemmProblem p{n, n, n, false, false, std::is_same_v<T, double> ? ccb::DType::fp64 : ccb::DType::fp32};
  ccb::AlignedBuffer a(sizeof(T) * n * n), b(sizeof(T) * n * n), c(sizeof(T) * n * n);
  ccb::fill_uniform(a.as<T>(), n * n, 1, -1.0, 1.0);
  ccb::fill_uniform(b.as<T>(), n * n, 2, -1.0, 1.0);
  ccb::fill_uniform(c.as<T>(), n * n, 3, -1.0, 1.0);
  const auto bn = static_cast<blasint>(n);
  auto direct = [&] {
    if constexpr (std::is_same_v<T, double>)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bn, 1.0, a.as<T>(), bn, b.as<T>(), bn, 0.0, c.as<T>(), bn);
    else
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bn, 1.0f, a.as<T>(), bn, b.as<T>(), bn, 0.0f, c.as<T>(), bn);
  };
  const auto s = alternate(rounds, {[&] { return harness_samples(runner, ccb::Case{"openblas", p, {}}); },
                                    [&] { return time_direct(reps, direct); }});
  const double flops = p.work().flops;
  return {fmt::format("{} n={} via harness vs direct cblas", std::is_same_v<T, double> ? "DGEMM" : "SGEMM", n),
          "GFLOPS", flops / median_of(s[0]) * 1e-9, flops / median_of(s[1]) * 1e-9, 0.97, "direct"};
}

std::vector<Check> stream_checks(ccb::Runner& runner, std::int64_t n, int reps, int rounds) {
  const ccb::StreamProblem triad{ccb::StreamOp::triad, n, ccb::DType::fp64};
  const ccb::StreamProblem triad_nt{ccb::StreamOp::triad_nt, n, ccb::DType::fp64};
  ccb::AlignedBuffer a(8 * n), b(8 * n), c(8 * n);
  ccb::fill_uniform(a.as<double>(), n, 11, -1.0, 1.0);
  ccb::fill_uniform(b.as<double>(), n, 12, -1.0, 1.0);
  ccb::fill_uniform(c.as<double>(), n, 13, -1.0, 1.0);
  double* __restrict pa = a.as<double>();
  const double* __restrict pb = b.as<double>();
  const double* __restrict pc = c.as<double>();
  const double s = ccb::StreamProblem::kScalar;
  auto plain = [&] {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
  };
  const auto t = alternate(rounds, {[&] { return harness_samples(runner, ccb::Case{"openmp", triad, {}}); },
                                    [&] { return time_direct(reps, plain); },
                                    [&] { return harness_samples(runner, ccb::Case{"openmp", triad_nt, {}}); }});
  const double bytes = triad.work().bytes;
  const double h = bytes / median_of(t[0]) * 1e-9, d = bytes / median_of(t[1]) * 1e-9, nt = bytes / median_of(t[2]) * 1e-9;
  return {{fmt::format("STREAM triad n={} via harness vs plain OpenMP loop", n), "GB/s", h, d, 0.97, "plain loop"},
          {"STREAM triad_nt (non-temporal) vs triad, both via harness", "GB/s", nt, h, 1.0, "triad"}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccbench peer check: harness overhead against direct library calls and loops"};
  int reps = 5, rounds = 3, threads = 0;
  std::int64_t gemm_n = 4096, elements = 0;
  app.add_option("--repetitions", reps, "Timed runs per side per round")->check(CLI::Range(1, 1000));
  app.add_option("--rounds", rounds, "Alternating rounds of harness and direct runs")->check(CLI::Range(1, 100));
  app.add_option("--gemm-n", gemm_n, "GEMM size n (m = n = k)")->check(CLI::Range(1, 65536));
  app.add_option("--elements", elements, "STREAM array length (default: 4x last-level cache, as suites' auto)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  app.add_option("--threads", threads, "Threads for both sides (default: library defaults)")->check(CLI::Range(1, 1 << 16));
  CLI11_PARSE(app, argc, argv);

  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  ccb::Runner runner(registry, ccb::RunOptions{reps, 0, threads});
  if (threads > 0) openblas_set_num_threads(threads);
  if (elements == 0) {
    std::vector<std::string> notes;
    elements = ccb::auto_stream_elements(ccb::DType::fp64,
                                         {&registry, ccb::last_level_cache_bytes(), ccb::available_memory_bytes()},
                                         notes);
  }

  try {
    std::vector<Check> checks{gemm_check<double>(runner, gemm_n, reps, rounds),
                              gemm_check<float>(runner, gemm_n, reps, rounds)};
    for (auto& c : stream_checks(runner, elements, reps, rounds)) checks.push_back(c);
    checks.push_back(peak_check(registry, runner));
    fmt::print("{:<60} {:>10} {:>10}  {:<8} {:>7} {:>7}  {}\n", "check (medians)", "ccbench", "peer", "unit",
               "ratio", "target", "verdict");
    bool all_ok = true;
    for (const auto& c : checks) {
      fmt::print("{:<60} {:>10.2f} {:>10.2f}  {:<8} {:>7.3f} {:>7}  {}\n", c.name, c.harness_rate, c.peer_rate,
                 c.unit, c.harness_rate / c.peer_rate, fmt::format("{}{:.2f}", c.at_most ? "<=" : ">=", c.target),
                 c.ok() ? "ok" : "BELOW TARGET");
      all_ok = all_ok && c.ok();
    }
    fmt::print("{} samples per side ({} rounds x {} repetitions), {} threads\n", reps * rounds, rounds, reps,
               omp_get_max_threads());
    return all_ok ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench-vs-direct: {}\n", e.what());
    return 1;
  }
}
