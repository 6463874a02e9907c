#pragma once
// ccbench validate: re-checks a result file without trusting its writer. Every figure is
// recomputed from what was measured (samples, problem) with the code `run` uses: the schema,
// statistics, work, rates, the status against the validation block, the ceiling of each device,
// the peaks and the per-node ratings; and the run must be complete.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/hardware.hpp"
#include "harness/rating.hpp"

namespace ccb {

struct Finding {
  std::string file, path, expected, found;
};

// The findings for one result file (empty: it holds up). Throws UsageError naming the file when
// it cannot be used: unreadable, not JSON, or a fleet or Google Benchmark document.
std::vector<Finding> validate_result_file(const std::filesystem::path& path, const HardwareTables& tables,
                                          const std::vector<RatingBasis>& bases);

}  // namespace ccb
