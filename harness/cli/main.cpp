// ccbench command line: run, list, sysinfo. Exit codes: 0 success, 1 a case failed
// (failed, mistrusted, error), 2 bad input, 130 interrupted.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/atomic_file.hpp"
#include "harness/backend.hpp"
#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "harness/sysinfo.hpp"
#include "reports/table.hpp"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) { g_interrupted = 1; }

// First Ctrl-C: finish the current case, record the rest as not run, exit 130.
// A second one kills the process (SA_RESETHAND); the file on disk already says "interrupted".
void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct RunArgs {
  std::string suite = "quick";
  std::string out;
  std::vector<std::string> backends, kernels;
  int repetitions = 0;
  double min_time = -1;
  int threads = 0;
  bool quiet = false;
};

int cmd_run(const RunArgs& a, const std::vector<std::string>& argv) {
  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  const ccb::SuiteContext ctx{&registry, ccb::last_level_cache_bytes(), ccb::available_memory_bytes()};
  ccb::Suite suite = ccb::load_suite(a.suite, ctx);
  ccb::filter_cases(suite, a.backends, a.kernels, registry);

  std::filesystem::path out = a.out;
  if (out.empty()) {
    out = std::filesystem::path("results") /
          fmt::format("{}-{}.json", ccb::hostname(), ccb::utc_now_compact());
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
  }
  ccb::check_writable(out);

  const ccb::RunOptions options{a.repetitions > 0 ? a.repetitions : suite.repetitions,
                                a.min_time >= 0 ? a.min_time : suite.min_time, a.threads};
  ccb::Runner runner(registry, options);
  const ccb::json suite_json{{"name", suite.name},
                             {"source", suite.source},
                             {"description", suite.description},
                             {"repetitions", options.repetitions},
                             {"min_time_s", options.min_time},
                             {"threads", options.threads},
                             {"cases", suite.cases.size()}};
  ccb::ResultDocument doc(argv, suite_json, ccb::probe_system(registry));
  doc.write(out);

  install_interrupt_handler();
  ccb::Progress progress(suite.cases.size(), a.quiet);
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    const auto& c = suite.cases[i];
    ccb::Result r = g_interrupted ? runner.not_run(c, "not run: the run was interrupted")
                                  : (progress.start(i, c.backend + " " + ccb::problem_id(c.problem)),
                                     runner.run(c));
    progress.done(i, r);
    doc.add(std::move(r));
    doc.write(out);
  }
  if (!g_interrupted) doc.finish();
  doc.write(out);

  if (!a.quiet) fmt::print("{}", ccb::summary_table(doc.results(), ccb::use_color(stdout)));
  fmt::print(stderr, "results: {}{}\n", out.string(), g_interrupted ? " (interrupted)" : "");
  if (g_interrupted) return 130;
  for (const auto& r : doc.results())
    if (ccb::is_bad(r.status)) return 1;
  return 0;
}

int cmd_list() {
  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  std::vector<std::array<std::string, 5>> rows{{"backend", "kernel", "dtype", "available", "reason"}};
  for (const auto& b : registry.all()) {
    const auto av = b->availability();
    for (const auto& k : b->kernels())
      for (const auto& d : {ccb::DType::fp64, ccb::DType::fp32, ccb::DType::tf32, ccb::DType::fp16,
                            ccb::DType::bf16, ccb::DType::fp8_e4m3, ccb::DType::int8}) {
        const auto sup = av.ok ? b->supports(k, d) : av;
        rows.push_back({b->name(), k, std::string(ccb::to_string(d)), sup.ok ? "yes" : "no", sup.reason});
      }
  }
  std::array<std::size_t, 4> w{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 4; ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : rows)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r[0], w[0], r[1], w[1], r[2], w[2], r[3], w[3], r[4]);
  return 0;
}

int cmd_sysinfo() {
  ccb::Registry registry;
  ccb::register_builtin_backends(registry);
  fmt::print("{}\n", ccb::probe_system(registry).dump(2));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccbench: measures GEMM and memory-bandwidth kernels, validates every result, "
               "and reports FLOPS figures comparable to published compute-center ratings.",
               "ccbench"};
  app.set_version_flag("--version", std::string("ccbench ") + CCBENCH_VERSION + " (" +
                                        std::string(ccb::kGitSha).substr(0, 12) +
                                        (ccb::kGitDirty ? "-dirty" : "") + ")");
  app.require_subcommand(1);

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run a suite and write a result JSON file");
  run->add_option("--suite", ra.suite, "Suite name (configs/suites/NAME.json) or path to a suite file")
      ->capture_default_str();
  run->add_option("--out", ra.out, "Result file (default: results/<hostname>-<UTC time>.json)");
  run->add_option("--backend", ra.backends, "Only these backends (comma-separated)")->delimiter(',');
  run->add_option("--kernel", ra.kernels, "Only these kernels: gemm, stream, stream/OP (comma-separated)")
      ->delimiter(',');
  run->add_option("--repetitions", ra.repetitions, "Timed repetitions per case (default: the suite's)")
      ->check(CLI::Range(1, 100000));
  run->add_option("--min-time", ra.min_time,
                  "Minimum seconds per repetition; 0 = one run per repetition (default: the suite's)")
      ->check(CLI::Range(0.0, 3600.0));
  run->add_option("--threads", ra.threads, "Worker threads for every backend (default: library default)")
      ->check(CLI::Range(1, 1 << 16));
  run->add_flag("--quiet", ra.quiet, "No progress and no table; only the path of the result file");

  app.add_subcommand("list", "List every kernel x backend x dtype of this build and whether it can run here");
  app.add_subcommand("sysinfo", "Print the system section of the result JSON");

  std::vector<std::string> args(argv, argv + argc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "ccbench: error: {}\nRun 'ccbench --help' for usage.\n", e.what());
    return 2;
  }

  try {
    if (app.got_subcommand("run")) return cmd_run(ra, args);
    if (app.got_subcommand("list")) return cmd_list();
    if (app.got_subcommand("sysinfo")) return cmd_sysinfo();
  } catch (const ccb::UsageError& e) {
    fmt::print(stderr, "ccbench: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ccbench: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
