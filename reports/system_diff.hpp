#pragma once
// How the systems of two runs differ: CPU, compiler, every backend's identity and versions,
// accelerators (for Google Benchmark files: host, CPUs, clock, build type).
#include <string>
#include <vector>

#include "reports/run_rates.hpp"

namespace ccb {

// One line per difference, "<field>: <a> vs <b>"; empty for the same system.
std::vector<std::string> system_differences(const RunRates& a, const RunRates& b);

}  // namespace ccb
