// ccbench peak: theoretical against measured peaks per device and precision, and GEMM efficiency,
// measured now or read from a result file.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"
#include "harness/peak_model.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "harness/sysinfo.hpp"
#include "reports/peaks.hpp"
#include "reports/table.hpp"

namespace ccb::cli {
namespace {

struct PeakArgs {
  std::string from;
  std::int64_t gemm_n = 4096;
  int repetitions = 3;
  int threads = 0;
  bool json = false;
};

struct PeakFigures {
  json peaks, results = json::array();
  bool bad = false;  // a measurement failed, was mistrusted or errored
};

PeakFigures read_peaks(const std::string& path) {
  const ijson doc = read_json_file(path, "result file");
  const Where w{path, ""};
  if (!doc.is_object() || doc.value("schema", "") != kResultSchemaId)
    w.fail(fmt::format("not a ccbench result file (expected \"schema\": \"{}\")", kResultSchemaId));
  if (!doc.contains("peaks") || !doc["peaks"].is_array())
    w["peaks"].fail("missing: the file has no peaks section (run it again with this ccbench)");
  return {json::parse(doc["peaks"].dump()), json::parse(doc.value("results", ijson::array()).dump())};
}

// The CPU FMA peaks and square GEMMs; on every GPU the CUDA-core FMA peaks and GEMM at 8192^3
// for the tensor-core peaks.
std::vector<Case> peak_cases(const Registry& registry, std::int64_t gemm_n) {
  std::vector<Case> cases{{"openmp", PeakProblem{DType::fp64}, {}}, {"openmp", PeakProblem{DType::fp32}, {}}};
  for (DType d : {DType::fp64, DType::fp32})
    cases.push_back({"openblas", GemmProblem{gemm_n, gemm_n, gemm_n, false, false, d}, {}});
  const Backend* cuda = registry.find("cuda");
  if (!cuda || !cuda->availability().ok) return cases;
  for (int dev = 0; dev < cuda->device_count().value_or(0); ++dev) {
    for (DType d : {DType::fp64, DType::fp32}) cases.push_back({"cuda", PeakProblem::on_gpu(d), {}, dev});
    constexpr std::int64_t n = 8192;
    for (DType d : {DType::fp64, DType::tf32, DType::bf16})
      cases.push_back({"cuda", GemmProblem{n, n, n, false, false, d}, {}, dev});
    for (DType d : {DType::fp8_e4m3, DType::int8}) cases.push_back({"cuda", GemmProblem{n, n, n, false, true, d}, {}, dev});
  }
  return cases;
}

PeakFigures measure_peaks(const PeakArgs& a) {
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
  const std::vector<Case> cases = peak_cases(registry, a.gemm_n);
  PeakFigures out;
  Progress progress(cases.size(), a.json);
  std::vector<Result> results;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    progress.start(i, cases[i].backend + " " + problem_id(cases[i].problem));
    Result r = runner.run(cases[i]);
    model.take(r);
    progress.done(i, r);
    out.bad = out.bad || is_bad(r.status);
    results.push_back(std::move(r));
  }
  model.annotate_again(results);
  for (const auto& r : results) out.results.push_back(r.to_json());
  out.peaks = model.to_json();
  return out;
}

int peak(const PeakArgs& a) {
  const PeakFigures f = a.from.empty() ? measure_peaks(a) : read_peaks(a.from);
  if (a.json)
    fmt::print("{}\n", json{{"peaks", f.peaks}, {"results", f.results}}.dump(2));
  else
    fmt::print("{}", peak_table(f.peaks, f.results));
  return f.bad ? 1 : 0;
}

}  // namespace

void add_peak_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<PeakArgs>();
  auto* cmd = app.add_subcommand("peak", "Theoretical vs measured peak per device and precision, and GEMM efficiency");
  cmd->add_option("--from", a->from, "Read the figures from a result file instead of measuring now");
  cmd->add_option("--gemm-n", a->gemm_n, "Size of the square CPU GEMM measured as sustained rate (GPUs: 8192)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{65536}))->capture_default_str();
  cmd->add_option("--repetitions", a->repetitions, "Timed repetitions per measurement")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_option("--threads", a->threads, "Worker threads (default: library default)")->check(CLI::Range(1, 1 << 16));
  cmd->add_flag("--json", a->json, "Print JSON instead of the table");
  commands.push_back({cmd, [a](const auto&) { return peak(*a); }});
}

}  // namespace ccb::cli
