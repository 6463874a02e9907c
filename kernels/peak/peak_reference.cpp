// Peak-kernel validation: every FMA adds exactly 1 to its accumulator (x = x*1 + 1, exact in
// the dtype by construction), so the sum over all accumulators must equal the FMA count.
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "kernels/common/validation.hpp"

namespace ccb {

Validation validate_peak(const PeakProblem& p, const HostView& view) {
  if (!view.scalar) throw std::logic_error("peak kernel returned no scalar");
  const double got = *view.scalar;
  const double want = static_cast<double>(p.fmas);
  Validation v;
  v.method = "fma-count";
  v.checked = 1;
  v.zero_fraction = got == 0.0 ? 1.0 : 0.0;
  v.mostly_zero = got == 0.0;
  v.tolerance = 0;
  v.max_error = std::abs(got - want) / want;
  v.ok = got == want;
  if (!v.ok) v.detail = fmt::format("accumulators sum to {:.17g}, expected {} FMAs", got, p.fmas);
  return v;
}

}  // namespace ccb
