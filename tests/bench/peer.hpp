#pragma once
// What the peer checks (ccbench-vs-direct, -vs-onednn, -vs-cublas) share: the samples of one
// case run through the harness, and alternating rounds.
#include <functional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "harness/runner.hpp"

namespace ccb::peer {

// The timed samples of `c` run through the harness; throws unless the case passed.
inline std::vector<double> harness_samples(Runner& runner, const Case& c) {
  const Result r = runner.run(c);
  if (r.status != Status::passed)
    throw std::runtime_error(fmt::format("{}: {} ({})", r.name(), to_string(r.status), r.reason));
  return r.samples;
}

// `rounds` rounds, each running every side once in turn, so that drift on a shared machine hits
// all sides alike; returns each side's samples pooled over the rounds.
inline std::vector<std::vector<double>> alternate(int rounds,
                                                  const std::vector<std::function<std::vector<double>()>>& sides) {
  std::vector<std::vector<double>> pooled(sides.size());
  for (int r = 0; r < rounds; ++r)
    for (std::size_t i = 0; i < sides.size(); ++i) {
      const auto s = sides[i]();
      pooled[i].insert(pooled[i].end(), s.begin(), s.end());
    }
  return pooled;
}

}  // namespace ccb::peer
