#pragma once
// Google Benchmark's own JSON format, for users of its tools (compare.py and dashboards).
#include "harness/document.hpp"

namespace ccb {

// One "iteration" entry per repetition (real_time in seconds, with items_per_second = FLOP/s or
// bytes_per_second = B/s), then mean/median/stddev/cv aggregates; cases that did not run carry
// error_occurred with the reason.
json gbench_json(const json& result_document);

}  // namespace ccb
