#pragma once
// What a single-node run and a fleet run (cli/fleet_run.cpp) share: the run's options, its
// set-up, and the loop that measures every case.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/document.hpp"
#include "harness/hardware.hpp"
#include "harness/peak_model.hpp"
#include "harness/rating.hpp"
#include "harness/runner.hpp"
#include "harness/suite.hpp"

namespace ccb::cli {

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
  std::string node_name;    // fleet runs: this node's name ("{rank}" is replaced by the rank)
  double fleet_timeout = 600;  // fleet runs: seconds rank 0 waits for the others after its own run
};

// The suite loaded and filtered, the tables read, the options settled: everything before the
// first measurement, so that bad input is refused before anything runs.
struct RunSetup {
  Registry registry;
  Suite suite;
  RunOptions options;
  HardwareTables hardware;
  std::vector<RatingBasis> bases;
  json suite_section;  // the document's "suite"
  // Where files a case leaves for checking (hpcc's output) are moved: beside the result
  // document, <result stem>.files/<case>/; empty: they stay where the case left them.
  std::filesystem::path files_dir;
  std::unique_ptr<Runner> runner;  // made last: it sets the backends' threads, which the probe records
};
// Fills `s` from the arguments; throws UsageError for bad input.
void set_up(const RunArgs& a, RunSetup& s);

// The system section, printing the backends' warnings on stderr.
json probe_and_warn(const Registry& registry);

// A fault planted by tests (CCBENCH_TEST_FAULT, never set in production): "slow:RANK:FACTOR"
// scales the times of every case on that rank by FACTOR (and says so in each result's notes);
// "exit:RANK" ends that rank abruptly after its first case.
struct TestFault {
  enum class Kind { none, slow, exit } kind = Kind::none;
  int rank = -1;
  double factor = 1;
};
// From the environment; UsageError naming CCBENCH_TEST_FAULT when malformed.
TestFault test_fault_from_env();
// Scales the times of `r` when `fault` slows `rank`.
void apply_fault(const TestFault& fault, int rank, Result& r);

// One case: the runner's result, the files it left moved into s.files_dir, the planted fault
// applied.
Result run_case(RunSetup& s, const Case& c, const TestFault& fault, int rank);

// True once SIGINT or SIGTERM arrived (after install_interrupt_handler()).
bool interrupted();
void install_interrupt_handler();

// Runs every case of `s`, adding each result to `doc` (with peaks and ratings updated) and
// calling `after_case` after each and once before the first; after an interrupt the remaining
// cases are recorded as not run. `rank` selects the planted fault, if any.
void measure(RunSetup& s, PeakModel& peaks, ResultDocument& doc, bool quiet, const TestFault& fault, int rank,
             const std::function<void()>& after_case);

// Exit code of a finished document: 130 interrupted, 1 a case failed, mistrusted or errored, else 0.
int exit_code(const ResultDocument& doc);

// --out, or results/<hostname>-<UTC time>.json (its directory created), checked writable.
std::filesystem::path result_path(const std::string& out, const std::string& default_stem);
// <dir>/<stem>.files for the result document `out`.
std::filesystem::path files_dir_for(const std::filesystem::path& out);

// One node: writes its result document after every case.
int run_node(const RunArgs& a, const std::vector<std::string>& argv);
// A fleet run: this process is one rank of several (see cli/fleet_run.cpp).
int run_fleet(const RunArgs& a, const std::vector<std::string>& argv);

}  // namespace ccb::cli
