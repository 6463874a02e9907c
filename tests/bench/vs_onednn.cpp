// Peer check for the oneDNN backend: matmul at 4096^3 in FP32, BF16 and INT8 and the ResNet-50
// convolution layers, each through the harness against the same oneDNN primitive created and
// executed directly here (formats "any", reorders outside the timed loop). Also prints the
// OpenBLAS im2col + SGEMM convolution against oneDNN FP32 per layer (a baseline, no target).
// Rounds alternate between harness and direct runs. Exit 1 when a harness/direct ratio < 0.95.
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/runner.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "peer.hpp"

namespace {

using ccb::peer::alternate;
using ccb::peer::harness_samples;
using ccb::median_of;

using dnnl::memory;
using tag = memory::format_tag;

memory::data_type in_dt(ccb::DType d) {
  return d == ccb::DType::bf16 ? memory::data_type::bf16 : d == ccb::DType::int8 ? memory::data_type::s8 : memory::data_type::f32;
}
memory::data_type out_dt(ccb::DType d) { return d == ccb::DType::int8 ? memory::data_type::s32 : memory::data_type::f32; }

// A user-layout buffer of random data of the dtype's input type, as a oneDNN memory.
memory random_memory(const memory::desc& md, const dnnl::engine& eng, std::vector<ccb::AlignedBuffer>& keep, std::uint64_t seed) {
  keep.emplace_back(md.get_size());
  const std::size_t n = md.get_size() / (md.data_type() == memory::data_type::bf16 ? 2 : md.data_type() == memory::data_type::s8 ? 1 : 4);
  switch (md.data_type()) {
    case memory::data_type::bf16: ccb::fill_uniform(keep.back().as<ccb::Bf16>(), n, seed, -1.0, 1.0); break;
    case memory::data_type::s8: ccb::fill_uniform(keep.back().as<std::int8_t>(), n, seed, -64.0, 64.0); break;
    default: ccb::fill_uniform(keep.back().as<float>(), n, seed, -1.0, 1.0); break;
  }
  return memory(md, eng, keep.back().as<void>());
}

memory to_format(memory& user, const memory::desc& want, const dnnl::engine& eng, dnnl::stream& s) {
  if (user.get_desc() == want) return user;
  memory m(want, eng);
  dnnl::reorder(user, m).execute(s, user, m);
  s.wait();
  return m;
}

// Times `reps` executions of a primitive after one warm-up: seconds per run.
std::vector<double> time_primitive(dnnl::primitive& prim, const std::unordered_map<int, memory>& args, dnnl::stream& s, int reps) {
  prim.execute(s, args);
  s.wait();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    prim.execute(s, args);
    s.wait();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return t;
}

struct Direct {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream s{eng};
  std::vector<ccb::AlignedBuffer> keep;

  std::vector<double> matmul(const ccb::GemmProblem& p, int reps) {
    const memory::desc a({p.m, p.k}, in_dt(p.dtype), tag::any), b({p.k, p.n}, in_dt(p.dtype), tag::any),
        c({p.m, p.n}, out_dt(p.dtype), tag::any);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), eng);
    memory ua = random_memory(memory::desc({p.m, p.k}, in_dt(p.dtype), tag::ab), eng, keep, 1);
    memory ub = random_memory(memory::desc({p.k, p.n}, in_dt(p.dtype), tag::ab), eng, keep, 2);
    dnnl::primitive prim = dnnl::matmul(pd);
    const auto t = time_primitive(prim, {{DNNL_ARG_SRC, to_format(ua, pd.src_desc(), eng, s)},
                                         {DNNL_ARG_WEIGHTS, to_format(ub, pd.weights_desc(), eng, s)},
                                         {DNNL_ARG_DST, memory(pd.dst_desc(), eng)}}, s, reps);
    keep.clear();
    return t;
  }

  std::vector<double> conv(const ccb::ConvProblem& p, int reps) {
    const memory::dims src{p.n, p.c, p.h, p.w}, wei{p.k, p.c, p.r, p.s}, dst{p.n, p.k, p.out_h(), p.out_w()};
    const dnnl::convolution_forward::primitive_desc pd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                        memory::desc(src, in_dt(p.dtype), tag::any), memory::desc(wei, in_dt(p.dtype), tag::any),
                                        memory::desc(dst, out_dt(p.dtype), tag::any), {p.stride_h, p.stride_w},
                                        {p.dil_h, p.dil_w}, {p.pad_h, p.pad_w}, {p.pad_h, p.pad_w}),
        eng);
    memory us = random_memory(memory::desc(src, in_dt(p.dtype), tag::nchw), eng, keep, 21);
    memory uw = random_memory(memory::desc(wei, in_dt(p.dtype), tag::oihw), eng, keep, 22);
    dnnl::primitive prim = dnnl::convolution_forward(pd);
    const auto t = time_primitive(prim, {{DNNL_ARG_SRC, to_format(us, pd.src_desc(), eng, s)},
                                         {DNNL_ARG_WEIGHTS, to_format(uw, pd.weights_desc(), eng, s)},
                                         {DNNL_ARG_DST, memory(pd.dst_desc(), eng)}}, s, reps);
    keep.clear();
    return t;
  }
};

struct Row {
  std::string name;
  double harness_gflops, peer_gflops, target;  // target 0: no target, a baseline
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccbench peer check: the oneDNN backend against oneDNN called directly"};
  int reps = 5, rounds = 2, mb = 32;
  std::int64_t n = 4096;
  app.add_option("--repetitions", reps, "Timed runs per side per round")->check(CLI::Range(1, 1000));
  app.add_option("--rounds", rounds, "Alternating rounds of harness and direct runs")->check(CLI::Range(1, 100));
  app.add_option("--gemm-n", n, "Matmul size (m = n = k)")->check(CLI::Range(1, 65536));
  app.add_option("--mb", mb, "Minibatch of the ResNet-50 layers")->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);

  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  ccb::Runner runner(registry, ccb::RunOptions{reps, 0, 0});
  Direct direct;
  auto harness = [&](const std::string& backend, const ccb::Problem& p) {
    return harness_samples(runner, ccb::Case{backend, p, {}});
  };
  auto compare = [&](const ccb::Problem& p, const std::function<std::vector<double>()>& peer) {
    const auto s = alternate(rounds, {[&] { return harness("onednn", p); }, peer});
    const double flops = ccb::work_model(p).flops;
    return std::pair{flops / median_of(s[0]) * 1e-9, flops / median_of(s[1]) * 1e-9};
  };

  std::vector<Row> rows;
  try {
    for (auto dt : {ccb::DType::fp32, ccb::DType::bf16, ccb::DType::int8}) {
      const ccb::GemmProblem p{n, n, n, false, false, dt};
      const auto [h, d] = compare(p, [&] { return direct.matmul(p, reps); });
      rows.push_back({fmt::format("matmul {} {}^3", ccb::to_string(dt), n), h, d, 0.95});
    }
    for (const char* layer : {"ic3ih224oc64kh7sh2ph3", "ic64ih56oc64kh3ph1", "ic128ih28oc128kh3ph1", "ic256ih14oc256kh3ph1",
                              "ic512ih7oc512kh3ph1", "ic64ih56oc256kh1", "ic256ih14oc1024kh1"}) {
      ccb::ConvProblem base = ccb::parse_conv_descriptor(fmt::format("mb{}{}", mb, layer));
      for (auto dt : {ccb::DType::fp32, ccb::DType::bf16, ccb::DType::int8}) {
        ccb::ConvProblem p = base;
        p.dtype = dt;
        const auto [h, d] = compare(p, [&] { return direct.conv(p, reps); });
        rows.push_back({fmt::format("conv {} {}", ccb::to_string(dt), p.descriptor()), h, d, 0.95});
        if (dt == ccb::DType::fp32) {
          const auto samples = harness("openblas", p);
          rows.push_back({fmt::format("conv fp32 {} im2col+SGEMM vs oneDNN", p.descriptor()),
                          p.work().flops / median_of(samples) * 1e-9, d, 0.0});
        }
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench-vs-onednn: {}\n", e.what());
    return 1;
  }
  fmt::print("{:<55} {:>10} {:>10} {:>7} {:>7}  {}\n", "check (medians, GFLOPS)", "ccbench", "direct", "ratio", "target", "verdict");
  bool ok = true;
  for (const auto& r : rows) {
    const double ratio = r.harness_gflops / r.peer_gflops;
    const bool pass = r.target == 0 || ratio >= r.target;
    ok = ok && pass;
    fmt::print("{:<55} {:>10.1f} {:>10.1f} {:>7.3f} {:>7}  {}\n", r.name, r.harness_gflops, r.peer_gflops, ratio,
               r.target > 0 ? fmt::format(">={:.2f}", r.target) : "none", r.target == 0 ? "baseline" : pass ? "ok" : "BELOW TARGET");
  }
  fmt::print("{} samples per side ({} rounds x {} repetitions)\n", reps * rounds, rounds, reps);
  return ok ? 0 : 1;
}
