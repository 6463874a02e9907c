#pragma once
// A comparison as a terminal table, Markdown (for CI comments), JSON and JUnit XML; each marks
// the pairs that fail under `mode`.
#include <string>

#include "reports/compare.hpp"

namespace ccb {

std::string render_table(const Comparison& c, FailOn mode);
std::string render_markdown(const Comparison& c, FailOn mode);
ojson render_json(const Comparison& c, FailOn mode, const CompareOptions& o);
std::string render_junit(const Comparison& c, FailOn mode);

}  // namespace ccb
