#pragma once
// What the peer checks (ccbench-vs-direct, -vs-onednn, -vs-cublas) share: the median of
// samples, and the samples of one case run through the harness.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "harness/runner.hpp"

namespace ccb::peer {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// The timed samples of `c` run through the harness; throws unless the case passed.
inline std::vector<double> harness_samples(Runner& runner, const Case& c) {
  const Result r = runner.run(c);
  if (r.status != Status::passed)
    throw std::runtime_error(fmt::format("{}: {} ({})", r.name(), to_string(r.status), r.reason));
  return r.samples;
}

}  // namespace ccb::peer
