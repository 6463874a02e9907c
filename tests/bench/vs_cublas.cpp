// Peer check on a GPU: the harness against the same work done directly, in the same process.
// BF16 GEMM (FP32 accumulate and output) at n = 8192 through ccbench's cuda backend vs
// cublasGemmEx called here; the device STREAM triad through ccbench vs a device-to-device
// cudaMemcpy of the same arrays. Both sides are timed with CUDA events over back-to-back calls,
// and rounds alternate between them. Exit 1 when a target is missed; exit 0 with a message, and
// nothing measured, on a machine without a GPU.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/runner.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/fill.hpp"
#include "peer.hpp"

namespace {

using ccb::peer::alternate;
using ccb::peer::harness_samples;
using ccb::median_of;

// Seconds per call of `fn` (enqueued on `stream`), `reps` samples of `batch` back-to-back calls
// each, after one untimed call.
std::vector<double> time_direct(cudaStream_t stream, int reps, int batch, const std::function<void()>& fn) {
  cudaEvent_t start, stop;
  CCB_CHECK(cudaEventCreate(&start));
  CCB_CHECK(cudaEventCreate(&stop));
  fn();
  CCB_CHECK(cudaStreamSynchronize(stream));
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    CCB_CHECK(cudaEventRecord(start, stream));
    for (int i = 0; i < batch; ++i) fn();
    CCB_CHECK(cudaEventRecord(stop, stream));
    CCB_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    CCB_CHECK(cudaEventElapsedTime(&ms, start, stop));
    t.push_back(ms * 1e-3 / batch);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return t;
}

struct Check {
  std::string name, unit;
  double harness_rate, peer_rate, target;
  bool ok() const { return harness_rate >= target * peer_rate; }
};

Check gemm_check(ccb::Runner& runner, int device, std::int64_t n, int reps, int rounds) {
  const ccb::GemmProblem p{n, n, n, false, false, ccb::DType::bf16};
  ccb::cuda::Context& ctx = ccb::cuda::context(device);
  const std::size_t count = static_cast<std::size_t>(n * n);
  ccb::cuda::DeviceBuffer a(2 * count), b(2 * count), c(4 * count);
  std::vector<ccb::Bf16> host(count);  // random data, as the harness uses: constant data runs faster
  ccb::fill_uniform(host.data(), count, 1, -1.0, 1.0);
  a.upload(host.data());
  ccb::fill_uniform(host.data(), count, 2, -1.0, 1.0);
  b.upload(host.data());
  cublasHandle_t h = nullptr;
  if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) throw std::runtime_error("cublasCreate failed");
  cublasSetStream(h, ctx.stream);
  cublasSetWorkspace(h, ctx.workspace.get(), ctx.workspace.bytes());
  const float alpha = 1, beta = 0;
  const int ni = static_cast<int>(n);
  auto direct = [&] {
    // Row-major C = A B as column-major C^T = B^T A^T.
    if (cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, ni, ni, ni, &alpha, b.get(), CUDA_R_16BF, ni, a.get(), CUDA_R_16BF,
                     ni, &beta, c.get(), CUDA_R_32F, ni, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT) != CUBLAS_STATUS_SUCCESS)
      throw std::runtime_error("cublasGemmEx failed");
  };
  const auto s = alternate(rounds, {[&] { return harness_samples(runner, ccb::Case{"cuda", p, {}, device}); },
                                    [&] { return time_direct(ctx.stream, reps, 10, direct); }});
  cublasDestroy(h);
  const double flops = p.work().flops;
  return {fmt::format("cuda:{} BF16 GEMM n={} via harness vs cublasGemmEx", device, n), "TFLOPS",
          flops / median_of(s[0]) * 1e-12, flops / median_of(s[1]) * 1e-12, 0.95};
}

Check triad_check(ccb::Runner& runner, int device, std::int64_t n, int reps, int rounds) {
  const ccb::StreamProblem triad{ccb::StreamOp::triad, n, ccb::DType::fp64};
  ccb::cuda::Context& ctx = ccb::cuda::context(device);
  ccb::cuda::DeviceBuffer src(8 * static_cast<std::size_t>(n)), dst(8 * static_cast<std::size_t>(n));
  std::vector<double> host(static_cast<std::size_t>(n));
  ccb::fill_uniform(host.data(), host.size(), 11, -1.0, 1.0);
  src.upload(host.data());
  auto copy = [&] { CCB_CHECK(cudaMemcpyAsync(dst.get(), src.get(), src.bytes(), cudaMemcpyDeviceToDevice, ctx.stream)); };
  const auto s = alternate(rounds, {[&] { return harness_samples(runner, ccb::Case{"cuda", triad, {}, device}); },
                                    [&] { return time_direct(ctx.stream, reps, 10, copy); }});
  // STREAM's count for both: triad 3 arrays, a copy 2 (read and write).
  return {fmt::format("cuda:{} STREAM triad n={} via harness vs cudaMemcpy D2D", device, n), "GB/s",
          triad.work().bytes / median_of(s[0]) * 1e-9, 2.0 * static_cast<double>(src.bytes()) / median_of(s[1]) * 1e-9, 0.9};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccbench peer check on a GPU: the cuda backend against direct cuBLAS and cudaMemcpy calls"};
  int reps = 10, rounds = 3, device = 0;
  std::int64_t gemm_n = 8192, elements = std::int64_t{1} << 27;
  app.add_option("--repetitions", reps, "Timed samples per side per round")->check(CLI::Range(1, 1000));
  app.add_option("--rounds", rounds, "Alternating rounds of harness and direct runs")->check(CLI::Range(1, 100));
  app.add_option("--gemm-n", gemm_n, "GEMM size n (m = n = k)")->check(CLI::Range(16, 65536));
  app.add_option("--elements", elements, "STREAM array length (FP64)")->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 34));
  app.add_option("--device", device, "CUDA device index")->check(CLI::Range(0, 1 << 16));
  CLI11_PARSE(app, argc, argv);

  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  ccb::Backend* cuda = registry.find("cuda");
  if (!cuda->availability().ok) {
    fmt::print("ccbench-vs-cublas: nothing measured: {}\n", cuda->availability().reason);
    return 0;
  }
  if (device >= *cuda->device_count()) {
    fmt::print(stderr, "ccbench-vs-cublas: --device {}: this machine has {} CUDA devices\n", device, *cuda->device_count());
    return 2;
  }
  ccb::Runner runner(registry, ccb::RunOptions{reps, 0, 0});
  try {
    const std::vector<Check> checks{gemm_check(runner, device, gemm_n, reps, rounds),
                                    triad_check(runner, device, elements, reps, rounds)};
    fmt::print("{:<60} {:>10} {:>10}  {:<7} {:>7} {:>7}  {}\n", "check (medians)", "ccbench", "peer", "unit", "ratio",
               "target", "verdict");
    bool all_ok = true;
    for (const auto& c : checks) {
      fmt::print("{:<60} {:>10.2f} {:>10.2f}  {:<7} {:>7.3f} {:>7}  {}\n", c.name, c.harness_rate, c.peer_rate, c.unit,
                 c.harness_rate / c.peer_rate, fmt::format(">={:.2f}", c.target), c.ok() ? "ok" : "BELOW TARGET");
      all_ok = all_ok && c.ok();
    }
    fmt::print("{} samples per side ({} rounds x {} repetitions)\n", reps * rounds, rounds, reps);
    return all_ok ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench-vs-cublas: {}\n", e.what());
    return 1;
  }
}
