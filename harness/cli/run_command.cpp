#include <csignal>
#include <filesystem>

#include <fmt/format.h>

#include "harness/atomic_file.hpp"
#include "harness/cli/commands.hpp"
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

}  // namespace

int run(const RunArgs& a, const std::vector<std::string>& argv) {
  Registry registry;
  register_builtin_backends(registry);
  const SuiteContext ctx{&registry, last_level_cache_bytes(), available_memory_bytes()};
  Suite suite = load_suite(a.suite, ctx);
  filter_cases(suite, a.backends, a.kernels, registry);
  expand_devices(suite, registry, a.device);
  const auto hardware = HardwareTables::load(config_dir() / "hardware");
  const auto bases = RatingBasis::load_all(config_dir() / "ratings");

  std::filesystem::path out = a.out;
  if (out.empty()) {
    out = std::filesystem::path("results") / fmt::format("{}-{}.json", hostname(), utc_now_compact());
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
  }
  check_writable(out);
  if (!a.gbench_json.empty()) check_writable(a.gbench_json);
  if (!a.history.empty()) HistoryStore(a.history, true);  // a bad database is refused before measuring

  const RunOptions options{a.repetitions > 0 ? a.repetitions : suite.repetitions,
                           a.min_time >= 0 ? a.min_time : suite.min_time, a.threads};
  Runner runner(registry, options);
  const json suite_json{{"name", suite.name},
                        {"source", suite.source},
                        {"description", suite.description},
                        {"repetitions", options.repetitions},
                        {"min_time_s", options.min_time},
                        {"threads", options.threads},
                        {"cases", suite.cases.size()}};
  json system = probe_system(registry);
  for (const auto& [name, info] : system["backends"].items())
    if (info.contains("warning")) fmt::print(stderr, "ccbench: warning: {}: {}\n", name, info["warning"].get<std::string>());
  PeakModel peaks(hardware, system);
  ResultDocument doc(argv, suite_json, std::move(system));
  doc.set_peaks(peaks.to_json(), node_ratings(bases, peaks, doc.results()));
  doc.write(out);

  install_interrupt_handler();
  Progress progress(suite.cases.size(), a.quiet);
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

  if (!a.quiet) fmt::print("{}", summary_table(doc.results(), use_color(stdout)));
  fmt::print(stderr, "results: {}{}\n", out.string(), g_interrupted ? " (interrupted)" : "");
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
  if (g_interrupted) return 130;
  for (const auto& r : doc.results())
    if (is_bad(r.status)) return 1;
  return 0;
}

}  // namespace ccb::cli
