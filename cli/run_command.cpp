// ccbench run: a suite on this node, or, launched by mpirun/srun, on every node at once.
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/run_session.hpp"
#include "harness/atomic_file.hpp"
#include "harness/errors.hpp"
#include "harness/fleet_comm.hpp"
#include "harness/sysinfo.hpp"
#include "reports/gbench_json.hpp"
#include "reports/history.hpp"
#include "reports/table.hpp"

namespace ccb::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) { g_interrupted = 1; }


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

// What OpenBLAS kernels narrower than the CPU's vectors (the backend's warning) cost in this run:
// each passed OpenBLAS GEMM against the measured peak of its precision, in its notes and on stderr.
// Whether it noted any.
bool note_kernel_choice(ResultDocument& doc, const PeakModel& peaks, const std::string& warning) {
  const DevicePeak* cpu = peaks.device("cpu");
  if (warning.empty() || !cpu) return false;
  bool noted = false;
  for (Result& r : doc.results()) {
    const PrecisionPeak* p = cpu->find(r.dtype);
    if (r.backend != "openblas" || r.kernel != "gemm" || !r.rate() || !p || !p->measured) continue;
    const std::string note = fmt::format("OpenBLAS kernel choice: {:.4g} GFLOPS is {:.0f}% of the measured {} peak "
                                         "({:.4g} GFLOPS); see OPENBLAS_CORETYPE in the system section's warning",
                                         r.rate()->median, 100 * r.rate()->median * 1e9 / *p->measured, r.dtype,
                                         *p->measured * 1e-9);
    fmt::print(stderr, "ccbench: warning: {}: {}\n", r.name(), note);
    r.notes.push_back(note);
    noted = true;
  }
  return noted;
}

int run(const RunArgs& a, const std::vector<std::string>& argv) {
  if (launched_as_fleet()) return run_fleet(a, argv);
  return run_node(a, argv);
}

}  // namespace

std::filesystem::path result_path(const std::string& given, const std::string& default_stem) {
  std::filesystem::path out = given;
  if (out.empty()) {
    out = std::filesystem::path("results") / fmt::format("{}-{}.json", default_stem, utc_now_compact());
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
  }
  check_writable(out);
  return out;
}

std::filesystem::path files_dir_for(const std::filesystem::path& out) {
  return out.parent_path() / (out.stem().string() + ".files");
}

int run_node(const RunArgs& a, const std::vector<std::string>& argv) {
  RunSetup s;
  set_up(a, s);
  const TestFault fault = test_fault_from_env();
  const std::filesystem::path out = result_path(a.out, hostname());
  s.files_dir = files_dir_for(out);
  if (!a.gbench_json.empty()) check_writable(a.gbench_json);
  if (!a.history.empty()) HistoryStore(a.history, true);  // a bad database is refused before measuring
  json system = probe_and_warn(s.registry);
  const std::string openblas_warning = system.value("backends", json::object()).value("openblas", json::object()).value("warning", "");
  PeakModel peaks(s.hardware, system);
  ResultDocument doc(argv, s.suite_section, std::move(system));
  measure(s, peaks, doc, a.quiet, fault, 0, [&] { doc.write(out); });
  if (note_kernel_choice(doc, peaks, openblas_warning)) doc.write(out);

  if (!a.quiet) fmt::print("{}", summary_table(doc.results(), use_color(stdout)));
  fmt::print(stderr, "results: {}{}\n", out.string(), g_interrupted ? " (interrupted)" : "");
  write_extras(a, doc, out);
  return exit_code(doc);
}

bool interrupted() { return g_interrupted != 0; }

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

void set_up(const RunArgs& a, RunSetup& s) {
  register_builtin_backends(s.registry);
  const SuiteContext ctx{&s.registry, last_level_cache_bytes(), available_memory_bytes()};
  s.suite = load_suite(a.suite, ctx);
  filter_cases(s.suite, a.backends, a.kernels, s.registry);
  expand_devices(s.suite, s.registry, a.device);
  s.hardware = HardwareTables::load(config_dir() / "hardware");
  s.bases = RatingBasis::load_all(config_dir() / "ratings");
  s.options = RunOptions{a.repetitions > 0 ? a.repetitions : s.suite.repetitions,
                         a.min_time >= 0 ? a.min_time : s.suite.min_time, a.threads};
  s.suite_section = json{{"name", s.suite.name},
                         {"source", s.suite.source},
                         {"description", s.suite.description},
                         {"repetitions", s.options.repetitions},
                         {"min_time_s", s.options.min_time},
                         {"threads", s.options.threads},
                         {"cases", s.suite.cases.size()}};
  s.runner = std::make_unique<Runner>(s.registry, s.options);
}

json probe_and_warn(const Registry& registry) {
  json system = probe_system(registry);
  for (const auto& [name, info] : system["backends"].items())
    if (info.contains("warning")) fmt::print(stderr, "ccbench: warning: {}: {}\n", name, info["warning"].get<std::string>());
  return system;
}

TestFault test_fault_from_env() {
  const char* v = std::getenv("CCBENCH_TEST_FAULT");
  if (!v || !*v) return {};
  const std::string s = v;
  TestFault f;
  int rank = -1;
  double factor = 0;
  char end = 0;
  if (std::sscanf(s.c_str(), "slow:%d:%lf%c", &rank, &factor, &end) == 2 && rank >= 0 && factor > 0 &&
      std::isfinite(factor) && factor < 1e6)
    f = {TestFault::Kind::slow, rank, factor};
  else if (std::sscanf(s.c_str(), "exit:%d%c", &rank, &end) == 1 && rank >= 0)
    f = {TestFault::Kind::exit, rank, 1};
  else
    throw UsageError(fmt::format("CCBENCH_TEST_FAULT: expected slow:RANK:FACTOR or exit:RANK, got \"{}\"", s));
  fmt::print(stderr, "ccbench: warning: CCBENCH_TEST_FAULT={}: a test fault is planted, the figures are not real\n", s);
  return f;
}

void apply_fault(const TestFault& fault, int rank, Result& r) {
  if (fault.kind != TestFault::Kind::slow || fault.rank != rank || r.samples.empty()) return;
  for (double& t : r.samples) t *= fault.factor;
  r.stats = Stats::of(r.samples);
  r.notes.push_back(fmt::format("test fault (CCBENCH_TEST_FAULT): times scaled by {}", fault.factor));
}

namespace {

// Moves the files a case left for checking (its details' "output_dir") into s.files_dir.
void keep_files(const RunSetup& s, Result& r) {
  if (s.files_dir.empty() || !r.details.is_object() || !r.details.contains("output_dir") ||
      !r.details["output_dir"].is_string())
    return;
  const std::filesystem::path from = r.details["output_dir"].get<std::string>();
  std::string name = r.name();
  for (char& ch : name)
    if (ch == '/' || ch == '@' || ch == ':') ch = '_';
  const std::filesystem::path to = s.files_dir / name;
  std::error_code ec;
  std::filesystem::create_directories(s.files_dir, ec);
  std::filesystem::remove_all(to, ec);
  std::filesystem::rename(from, to, ec);
  if (ec) {  // another file system: copy, then remove
    ec.clear();
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, ec);
    if (ec) {
      r.notes.push_back(fmt::format("the case's files stay in {}: {}", from.string(), ec.message()));
      return;
    }
    std::filesystem::remove_all(from, ec);
  }
  r.details["output_dir"] = to.string();
}

}  // namespace

Result run_case(RunSetup& s, const Case& c, const TestFault& fault, int rank) {
  Result r = s.runner->run(c);
  keep_files(s, r);
  apply_fault(fault, rank, r);
  return r;
}

void measure(RunSetup& s, PeakModel& peaks, ResultDocument& doc, bool quiet, const TestFault& fault, int rank,
             const std::function<void()>& after_case) {
  Runner& runner = *s.runner;
  doc.set_peaks(peaks.to_json(), node_ratings(s.bases, peaks, doc.results()));
  after_case();
  install_interrupt_handler();
  Progress progress(s.suite.cases.size(), quiet);
  for (std::size_t i = 0; i < s.suite.cases.size(); ++i) {
    const auto& c = s.suite.cases[i];
    Result r;
    if (g_interrupted) {
      r = runner.not_run(c, "not run: the run was interrupted");
    } else {
      progress.start(i, c.backend + " " + problem_id(c.problem));
      r = run_case(s, c, fault, rank);
      peaks.take(r);
    }
    progress.done(i, r);
    doc.add(std::move(r));
    peaks.annotate_again(doc.results());
    doc.set_peaks(peaks.to_json(), node_ratings(s.bases, peaks, doc.results()));
    after_case();
    if (fault.kind == TestFault::Kind::exit && fault.rank == rank) std::_Exit(3);
  }
  if (!g_interrupted) doc.finish();
  after_case();
}

int exit_code(const ResultDocument& doc) {
  if (g_interrupted) return 130;
  for (const auto& r : doc.results())
    if (is_bad(r.status)) return 1;
  return 0;
}

void add_run_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a suite and write a result JSON file");
  cmd->add_option("--suite", a->suite, "Suite name (configs/suites/NAME.json) or path to a suite file")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Result file (default: results/<hostname>-<UTC time>.json)");
  cmd->add_option("--backend", a->backends, "Only these backends (comma-separated)")->delimiter(',');
  cmd->add_option("--kernel", a->kernels, "Only these kernels: gemm, conv, stream, stream/OP, peak, net (comma-separated)")
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
  cmd->add_option("--node-name", a->node_name,
                  "Fleet runs: this node's name, \"{rank}\" replaced by the MPI rank (default: $SLURMD_NODENAME, "
                  "else the MPI processor name); for tests of several ranks on one host");
  cmd->add_option("--fleet-timeout", a->fleet_timeout,
                  "Fleet runs: seconds to wait for the other ranks (at start, and after this rank's own run) "
                  "before they are recorded as missing")
      ->check(CLI::Range(1.0, 604800.0))->capture_default_str();
  commands.push_back({cmd, [a](const std::vector<std::string>& argv) { return run(*a, argv); }});
}

}  // namespace ccb::cli
