#include "reports/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace ccb {
namespace {

// Exact null distribution of U for sample sizes m, n without ties: counts[u] = number of
// arrangements with U = u (recursion on whether the largest value belongs to x or y).
std::vector<double> u_counts(std::size_t m, std::size_t n) {
  // f[i][j] is the distribution for sizes (i, j), built up by rows.
  std::vector<std::vector<std::vector<double>>> f(m + 1, std::vector<std::vector<double>>(n + 1));
  for (std::size_t i = 0; i <= m; ++i)
    for (std::size_t j = 0; j <= n; ++j) {
      auto& d = f[i][j];
      d.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        d[0] = 1;
        continue;
      }
      // Largest value in x: it exceeds all j values of y, adding j to U.
      for (std::size_t u = 0; u < f[i - 1][j].size(); ++u) d[u + j] += f[i - 1][j][u];
      for (std::size_t u = 0; u < f[i][j - 1].size(); ++u) d[u] += f[i][j - 1][u];
    }
  return f[m][n];
}

}  // namespace

double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
  if (n1 == 0 || n2 == 0) return 1.0;
  std::vector<std::pair<double, int>> all;
  for (double v : x) all.emplace_back(v, 0);
  for (double v : y) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double r1 = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second == 0) r1 += avg_rank;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    ties = ties || j - i > 1;
    i = j;
  }
  const double u = r1 - static_cast<double>(n1 * (n1 + 1)) / 2.0;
  if (!ties && std::max(n1, n2) <= 20) {
    const auto counts = u_counts(n1, n2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const auto ui = static_cast<std::size_t>(std::llround(u));
    double le = 0, ge = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (k <= ui) le += counts[k];
      if (k >= ui) ge += counts[k];
    }
    return std::min(1.0, 2.0 * std::min(le, ge) / total);
  }
  const double nn = static_cast<double>(n);
  const double sigma = std::sqrt(static_cast<double>(n1 * n2) / 12.0 * ((nn + 1) - tie_term / (nn * (nn - 1))));
  if (sigma == 0) return 1.0;
  const double z = (std::abs(u - static_cast<double>(n1 * n2) / 2.0) - 0.5) / sigma;
  return std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
}

}  // namespace ccb
