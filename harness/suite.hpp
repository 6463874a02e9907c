#pragma once
// Suites: JSON files in configs/suites/ that name cases by kernel, backend, dtype and problem
// size. Loading checks everything up front (names, sizes, memory), so a run never starts on a
// suite that cannot finish, and every error names the file and field.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kernels/backend.hpp"

namespace ccb {

struct Case {
  std::string backend;
  Problem problem;
  std::vector<std::string> notes;  // e.g. how STREAM arrays were sized
  int device = 0;                  // device index on an accelerator backend
};

struct Suite {
  std::string name;
  std::string description;
  std::string source;  // file it came from
  int repetitions = 5;
  double min_time = 0;  // seconds per repetition; 0 = exactly one run per repetition
  std::vector<Case> cases;
};

// What suite parsing needs to know about the machine and the build.
struct SuiteContext {
  const Registry* registry = nullptr;
  std::uint64_t llc_bytes = 0;      // total last-level cache (STREAM sizing)
  std::uint64_t memory_bytes = 0;   // memory available to the run's buffers
};

// Directory holding suites/, hardware/ ...: $CCBENCH_CONFIG_DIR, else the installed share
// directory, else the source tree's configs/.
std::filesystem::path config_dir();
// Names of the suites in config_dir()/suites.
std::vector<std::string> suite_names();

// `name_or_file` is a suite name (configs/suites/NAME.json) or a path to a JSON file.
// Throws UsageError for anything wrong with it.
Suite load_suite(const std::string& name_or_file, const SuiteContext& ctx);
// Parses suite text; `source` names it in messages.
Suite parse_suite(const std::string& text, const std::string& source, const SuiteContext& ctx);

// Keeps the cases whose backend is in `backends` and whose kernel (family, or family/op as in
// "stream/triad") is in `kernels`; empty lists keep all. Throws UsageError for names this build
// does not know, or when nothing is left.
void filter_cases(Suite& suite, const std::vector<std::string>& backends,
                  const std::vector<std::string>& kernels, const Registry& registry);

// Cases of accelerator backends run on every device of the machine in turn, or only on
// `device` when given (UsageError when the backend has no such device, or when no case runs
// on an accelerator). Host backends' cases are kept as they are.
void expand_devices(Suite& suite, const Registry& registry, std::optional<int> device);

// STREAM array length when the suite says "auto": 4x the last-level cache per array, capped so
// the three arrays use at most half of `memory_bytes`. Appends a note saying how it was chosen.
std::int64_t auto_stream_elements(DType dtype, const SuiteContext& ctx,
                                  std::vector<std::string>& notes);

// STREAM array size on accelerators when a suite says "auto": 1 GiB, at least 4x the L2 cache
// of current GPUs (50 MB on an H100).
inline constexpr std::size_t kAcceleratorStreamArrayBytes = std::size_t{1} << 30;

// Largest GEMM dimension (BLAS uses 32-bit integers).
inline constexpr std::int64_t kMaxDim = 2147483647;

}  // namespace ccb
