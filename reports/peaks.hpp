#pragma once
// Text renderings of the peak model and of `ccbench rate` reports.
#include <string>

#include <nlohmann/json.hpp>

namespace ccb {

// Per device and precision: theoretical peak at the nominal and at the measured sustained
// clock, measured peak, best passed GEMM and its efficiencies. `peaks` is a result document's
// "peaks" section, `results` its "results" array.
std::string peak_table(const nlohmann::ordered_json& peaks, const nlohmann::ordered_json& results);

// The human form of rate_report().
std::string rate_table(const nlohmann::ordered_json& report);

}  // namespace ccb
