#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "harness/atomic_file.hpp"
#include "harness/document.hpp"
#include "harness/rating.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"
#include "harness/sysinfo.hpp"
#include "reports/gbench_json.hpp"
#include "reports/history.hpp"
#include "reports/table.hpp"

namespace ccb::cli {
namespace {

struct RunArgs {
  std::string suite = "quick";
  std::string out;
  std::vector<std::string> backends, kernels;
  int repetitions = 0;
  double min_time = -1;
  int threads = 0;
  std::optional<int> device;  // accelerator device index; all devices when unset
  bool quiet = false;
  std::string history;      // add the run to this history database when it finishes
  std::string gbench_json;  // also write Google Benchmark's JSON format here
};

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


// --out, or results/<hostname>-<UTC time>.json (its directory created); refused before measuring
// when it cannot be written.
std::filesystem::path result_path(const RunArgs& a) {
  std::filesystem::path out = a.out;
  if (out.empty()) {
    out = std::filesystem::path("results") / fmt::format("{}-{}.json", hostname(), utc_now_compact());
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
  }
  check_writable(out);
  if (!a.gbench_json.empty()) check_writable(a.gbench_json);
  if (!a.history.empty()) HistoryStore(a.history, true);  // a bad database is refused before measuring
  return out;
}

json suite_section(const Suite& suite, const RunOptions& options) {
  return json{{"name", suite.name},
              {"source", suite.source},
              {"description", suite.description},
              {"repetitions", options.repetitions},
              {"min_time_s", options.min_time},
              {"threads", options.threads},
              {"cases", suite.cases.size()}};
}

json probe_and_warn(const Registry& registry) {
  json system = probe_system(registry);
  for (const auto& [name, info] : system["backends"].items())
    if (info.contains("warning")) fmt::print(stderr, "ccbench: warning: {}: {}\n", name, info["warning"].get<std::string>());
  return system;
}

// Runs every case, rewriting `out` after each; after an interrupt the remaining cases are
// recorded as not run.
void measure(const Suite& suite, Runner& runner, PeakModel& peaks, const std::vector<RatingBasis>& bases,
             ResultDocument& doc, const std::filesystem::path& out, bool quiet) {
  doc.set_peaks(peaks.to_json(), node_ratings(bases, peaks, doc.results()));
  doc.write(out);
  install_interrupt_handler();
  Progress progress(suite.cases.size(), quiet);
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    const auto& c = suite.cases[i];
    Result r;
    if (g_interrupted) {
      r = runner.not_run(c, "not run: the run was interrupted");
    } else {
      progress.start(i, c.backend + " " + problem_id(c.problem));
      r = runner.run(c);
      peaks.take(r);
    }
    progress.done(i, r);
    doc.add(std::move(r));
    doc.set_peaks(peaks.to_json(), node_ratings(bases, peaks, doc.results()));
    doc.write(out);
  }
  if (!g_interrupted) doc.finish();
  doc.write(out);
}

// The Google Benchmark JSON and the history database, from the finished document.
void write_extras(const RunArgs& a, const ResultDocument& doc, const std::filesystem::path& out) {
  if (!a.gbench_json.empty()) {
    write_file_atomic(a.gbench_json, gbench_json(doc.to_json()).dump(2) + "\n");
    fmt::print(stderr, "Google Benchmark JSON: {}\n", a.gbench_json);
  }
  if (!a.history.empty() && g_interrupted) {
    fmt::print(stderr, "history {}: run not added: it was interrupted\n", a.history);
  } else if (!a.history.empty()) {
    HistoryStore store(a.history, true);
    fmt::print(stderr, "history {}: {}\n", a.history, store.add(load_run(out)) ? "run added" : "run already stored");
  }
}

int run(const RunArgs& a, const std::vector<std::string>& argv) {
  Registry registry;
  register_builtin_backends(registry);
  const SuiteContext ctx{&registry, last_level_cache_bytes(), available_memory_bytes()};
  Suite suite = load_suite(a.suite, ctx);
  filter_cases(suite, a.backends, a.kernels, registry);
  expand_devices(suite, registry, a.device);
  const auto hardware = HardwareTables::load(config_dir() / "hardware");
  const auto bases = RatingBasis::load_all(config_dir() / "ratings");
  const std::filesystem::path out = result_path(a);

  const RunOptions options{a.repetitions > 0 ? a.repetitions : suite.repetitions,
                           a.min_time >= 0 ? a.min_time : suite.min_time, a.threads};
  Runner runner(registry, options);
  json system = probe_and_warn(registry);
  PeakModel peaks(hardware, system);
  ResultDocument doc(argv, suite_section(suite, options), std::move(system));
  measure(suite, runner, peaks, bases, doc, out, a.quiet);

  if (!a.quiet) fmt::print("{}", summary_table(doc.results(), use_color(stdout)));
  fmt::print(stderr, "results: {}{}\n", out.string(), g_interrupted ? " (interrupted)" : "");
  write_extras(a, doc, out);
  if (g_interrupted) return 130;
  for (const auto& r : doc.results())
    if (is_bad(r.status)) return 1;
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a suite and write a result JSON file");
  cmd->add_option("--suite", a->suite, "Suite name (configs/suites/NAME.json) or path to a suite file")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Result file (default: results/<hostname>-<UTC time>.json)");
  cmd->add_option("--backend", a->backends, "Only these backends (comma-separated)")->delimiter(',');
  cmd->add_option("--kernel", a->kernels, "Only these kernels: gemm, stream, stream/OP, peak (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--repetitions", a->repetitions, "Timed repetitions per case (default: the suite's)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--min-time", a->min_time,
                  "Minimum seconds per repetition; 0 = one run per repetition (default: the suite's)")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--threads", a->threads, "Worker threads for every backend (default: library default)")
      ->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--device", a->device,
                  "Run accelerator cases on this device index only (default: on every device in turn)")
      ->check(CLI::Range(0, 1 << 16));
  cmd->add_flag("--quiet", a->quiet, "No progress and no table; only the path of the result file");
  cmd->add_option("--history", a->history, "Add the finished run to this history database (e.g. results/history.db)");
  cmd->add_option("--gbench-json", a->gbench_json, "Also write the timings in Google Benchmark's JSON format");
  commands.push_back({cmd, [a](const std::vector<std::string>& argv) { return run(*a, argv); }});
}

}  // namespace ccb::cli
