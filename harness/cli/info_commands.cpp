// list, sysinfo, peak and rate: the commands that report rather than run a suite.
#include <array>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"
#include "harness/rating.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "harness/sysinfo.hpp"
#include "harness/units.hpp"
#include "reports/peaks.hpp"
#include "reports/table.hpp"

namespace ccb::cli {

int list() {
  Registry registry;
  register_builtin_backends(registry);
  std::vector<std::array<std::string, 5>> rows{{"backend", "kernel", "dtype", "available", "reason"}};
  for (const auto& b : registry.all()) {
    for (const auto& k : b->kernels())
      for (const auto& d : {DType::fp64, DType::fp32, DType::tf32, DType::fp16, DType::bf16, DType::fp8_e4m3,
                            DType::int8}) {
        const auto sup = b->supports(k, d);
        rows.push_back({b->name(), k, std::string(to_string(d)), sup.ok ? "yes" : "no", sup.reason});
      }
  }
  std::array<std::size_t, 4> w{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 4; ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : rows)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r[0], w[0], r[1], w[1], r[2], w[2], r[3], w[3], r[4]);
  return 0;
}

int sysinfo() {
  Registry registry;
  register_builtin_backends(registry);
  fmt::print("{}\n", probe_system(registry).dump(2));
  return 0;
}

int peak(const PeakArgs& a) {
  json peaks, results = json::array();
  bool bad = false;
  if (!a.from.empty()) {
    const ijson doc = read_json_file(a.from, "result file");
    const Where w{a.from, ""};
    if (!doc.is_object() || doc.value("schema", "") != kResultSchemaId)
      w.fail(fmt::format("not a ccbench result file (expected \"schema\": \"{}\")", kResultSchemaId));
    if (!doc.contains("peaks") || !doc["peaks"].is_array())
      w["peaks"].fail("missing: the file has no peaks section (run it again with this ccbench)");
    peaks = json::parse(doc["peaks"].dump());
    results = json::parse(doc.value("results", ijson::array()).dump());
  } else {
    // Refuse before allocating: the three FP64 matrices of the CPU GEMM must fit.
    const double need = GemmProblem{a.gemm_n, a.gemm_n, a.gemm_n, false, false, DType::fp64}.footprint_bytes();
    const double available = static_cast<double>(available_memory_bytes());
    if (available > 0 && need > 0.9 * available)
      throw UsageError(fmt::format("--gemm-n {}: the FP64 GEMM needs {:.2f} GB of memory for its buffers, {:.2f} GB "
                                   "available", a.gemm_n, need * 1e-9, available * 1e-9));
    Registry registry;
    register_builtin_backends(registry);
    Runner runner(registry, RunOptions{a.repetitions, 0, a.threads});
    PeakModel model(HardwareTables::load(config_dir() / "hardware"), probe_system(registry));
    std::vector<Case> cases{{"openmp", PeakProblem{DType::fp64}, {}}, {"openmp", PeakProblem{DType::fp32}, {}}};
    for (DType d : {DType::fp64, DType::fp32})
      cases.push_back({"openblas", GemmProblem{a.gemm_n, a.gemm_n, a.gemm_n, false, false, d}, {}});
    // Every GPU: the CUDA-core FMA peaks, and GEMM at 8192^3 for the tensor-core peaks.
    if (Backend* cuda = registry.find("cuda"); cuda && cuda->availability().ok) {
      for (int dev = 0; dev < cuda->device_count().value_or(0); ++dev) {
        for (DType d : {DType::fp64, DType::fp32}) cases.push_back({"cuda", PeakProblem::on_gpu(d), {}, dev});
        constexpr std::int64_t n = 8192;
        for (DType d : {DType::fp64, DType::tf32, DType::bf16})
          cases.push_back({"cuda", GemmProblem{n, n, n, false, false, d}, {}, dev});
        for (DType d : {DType::fp8_e4m3, DType::int8})
          cases.push_back({"cuda", GemmProblem{n, n, n, false, true, d}, {}, dev});
      }
    }
    Progress progress(cases.size(), a.json);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      progress.start(i, cases[i].backend + " " + problem_id(cases[i].problem));
      Result r = runner.run(cases[i]);
      model.take(r);
      progress.done(i, r);
      bad = bad || is_bad(r.status);
      results.push_back(r.to_json());
    }
    peaks = model.to_json();
  }
  if (a.json)
    fmt::print("{}\n", json{{"peaks", peaks}, {"results", results}}.dump(2));
  else
    fmt::print("{}", peak_table(peaks, results));
  return bad ? 1 : 0;  // a measurement that failed, was mistrusted or errored
}

int rate(const RateArgs& a) {
  RateRequest req;
  req.nodes = a.nodes;
  if (!a.basis.empty()) req.basis = a.basis;
  if (!a.center.empty()) req.center = a.center;
  if (!a.convention.empty()) req.convention = Convention::load(a.convention);
  if (!a.declared.empty()) {
    req.declared = parse_si(a.declared);
    if (!req.declared)
      throw UsageError(fmt::format("--declared: expected a positive quantity such as 40P, 45E or \"181.9 PFLOPS\", "
                                   "got \"{}\"", a.declared));
  }
  const auto report = rate_report(read_json_file(a.result, "result file"), a.result, req,
                                  RatingBasis::load_all(config_dir() / "ratings"),
                                  Center::load_all(config_dir() / "centers"));
  fmt::print("{}", a.json ? report.dump(2) + "\n" : rate_table(report));
  return 0;
}

}  // namespace ccb::cli
