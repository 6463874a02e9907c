// HPL's own check, read from hpcc's output: every run's scaled residual
// ||Ax-b||_oo / (eps (||A||_oo ||x||_oo + ||b||_oo) N) below the threshold (16), as many runs
// completed and passed as were asked for, none failed, hpcc's Success=1, and each run solved the
// N, NB and grid that were asked for (an hpcc that read another input is not this problem).
// The view is an HplView (kernels/hpl/hpcc_files.hpp).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/common/validation.hpp"

namespace ccb {

Validation validate_hpl(const HplProblem& p, const HostView& view) {
  const HostArray& res = view.get("residual");
  const double* residual = res.as<double>();
  const double* run = view.get("run").as<double>();
  const double* counts = view.get("counts").as<double>();
  const double* asked = view.get("asked").as<double>();
  const auto runs = static_cast<std::size_t>(asked[0]);
  Validation v;
  v.method = "hpl-scaled-residual";
  v.tolerance = counts[0];
  v.checked = res.count;
  auto fail = [&](std::string why) {
    if (v.detail.empty()) v.detail = std::move(why);
  };
  if (counts[0] <= 0) fail("hpcc's output states no residual threshold");
  if (res.count != runs) fail(fmt::format("hpcc reported {} HPL runs where {} were asked for", res.count, runs));
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < res.count; ++i) {
    const double r = residual[i];
    if (r < 0) {
      fail(fmt::format("HPL run {} printed no scaled residual", i + 1));
      continue;
    }
    zeros += r == 0;
    if (r > v.max_error) v.max_error = r;
    if (!(r < v.tolerance)) fail(fmt::format("HPL run {}: scaled residual {:g} is not below {:g}", i + 1, r, v.tolerance));
    const double* x = run + 4 * i;
    if (x[0] != static_cast<double>(p.n) || x[1] != static_cast<double>(p.nb) || x[2] != asked[1] || x[3] != asked[2])
      fail(fmt::format("HPL run {} solved N={} NB={} on {}x{} where N={} NB={} on {}x{} was asked for", i + 1, x[0], x[1],
                       x[2], x[3], p.n, p.nb, asked[1], asked[2]));
  }
  if (counts[1] != 1) fail(counts[1] < 0 ? "hpcc's summary has no Success line" : "hpcc's summary says Success=0");
  if (counts[3] != static_cast<double>(runs) || counts[4] != 0 || counts[2] != static_cast<double>(runs))
    fail(fmt::format("HPL finished {} tests, {} passed and {} failed the residual check, where {} were asked for",
                     counts[2], counts[3], counts[4], runs));
  v.zero_fraction = res.count ? static_cast<double>(zeros) / static_cast<double>(res.count) : 0.0;
  v.mostly_zero = res.count > 0 && zeros == res.count;  // an exact zero residual is not a real solve
  v.ok = v.detail.empty();
  return v;
}

}  // namespace ccb
