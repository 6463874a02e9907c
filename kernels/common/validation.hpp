#pragma once
// Validation of kernel output, always on. Each family checks against its own naive reference
// (kernels/<family>/*_reference.cpp) with an explicit tolerance, and every output goes through
// the zero-trust check: an output that is mostly zeros is mistrusted, never passed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/common/host_view.hpp"
#include "kernels/common/problem.hpp"

namespace ccb {

// Above this fraction of exact zeros in the output, a result is mistrusted.
inline constexpr double kMostlyZeroFraction = 0.5;

struct Validation {
  std::string method;
  bool ok = false;            // errors within tolerance
  bool mostly_zero = false;   // zero-trust verdict
  double max_error = 0;       // normalized error (see method), compared with tolerance
  double tolerance = 0;
  double zero_fraction = 0;
  std::uint64_t checked = 0;  // values compared
  std::string detail;         // first failing location, when not ok

  json to_json() const;
};

// Checks the output in `view` for problem `p` (dispatches on the family).
Validation validate(const Problem& p, const HostView& view);

Validation validate_gemm(const GemmProblem& p, const HostView& view);
Validation validate_stream(const StreamProblem& p, const HostView& view);
// Sampled output points of a convolution against the naive reference.
Validation validate_conv(const ConvProblem& p, const HostView& view);
// Received values against the sending rank's gold values (allreduce: the exact sum).
Validation validate_net(const NetProblem& p, const HostView& view);
// HPL's scaled residuals and run counts as hpcc reported them (kernels/hpl/hpl_validation.cpp).
Validation validate_hpl(const HplProblem& p, const HostView& view);
// The FMA chains count: their sum must equal the number of FMAs exactly.
Validation validate_peak(const PeakProblem& p, const HostView& view);

// Tolerance for a dot product of `terms` products, normalized by the sum of their absolute
// values: input rounding to the compute type, the final rounding of the output (2 eps), the
// accumulation error as it grows for rounding errors of random sign (4 sqrt(terms) eps; the
// worst-case bound terms*eps would hide wrong rows of a large GEMM), and the same for the
// check's own double-precision sums of `check_terms` terms. Matrix units (tensor cores, AMX)
// computing TF32, FP16 and BF16 add inside the unit with truncation, whose errors need not
// cancel: for those the worst-case growth terms*eps of FP32 accumulation applies.
double dot_tolerance(DType dtype, double terms, double check_terms);

// Fraction of exact zeros among arr's elements (every element type).
double zero_fraction(const HostArray& arr);

// The largest err(i) over i in [0, n) and an index where it occurs, computed in parallel. A NaN error counts as infinite, so it can never hide.
struct Worst {
  double error = 0;
  std::int64_t at = -1;
};
template <class ErrorAt>
Worst worst_error(std::int64_t n, ErrorAt err) {
  Worst worst;
#pragma omp parallel
  {
    Worst local;
#pragma omp for schedule(static) nowait
    for (std::int64_t i = 0; i < n; ++i) {
      const double e = err(i);
      if (!(e <= local.error)) local = {e != e ? HUGE_VAL : e, i};
    }
#pragma omp critical
    if (local.error > worst.error) worst = local;
  }
  return worst;
}

}  // namespace ccb
