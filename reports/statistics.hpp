#pragma once
// The statistics compare, baselines and history trend decide with.
#include <vector>

namespace ccb {

// Two-sided p-value of the Mann-Whitney U test: exact for small samples without ties, else
// the normal approximation with tie and continuity corrections (as scipy's "auto").
double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace ccb
