#pragma once
// ReFrame-style baselines (configs/baselines/*.json): reference rates with bounds, optionally
// naming the system they are for.
#include <filesystem>

#include "reports/compare.hpp"

namespace ccb {

// Reads the baseline at `baseline` (UsageError naming the file and field) and judges `next`
// against it; a run on another system than the baseline names is listed in `differences`.
Comparison compare_baseline(const std::filesystem::path& baseline, const RunRates& next);

}  // namespace ccb
