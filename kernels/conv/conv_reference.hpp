#pragma once
// Layout indexing for convolution tensors and the naive reference value of one output point.
#include <cmath>
#include <cstdint>

#include "kernels/common/problem.hpp"

namespace ccb {

// Offsets into src (n, c, h, w), weights [oc][ic/g][kh][kw] and dst (n, k, p, q) in the
// problem's layout.
struct ConvIndex {
  const ConvProblem& p;
  std::int64_t src(std::int64_t n, std::int64_t c, std::int64_t y, std::int64_t x) const {
    return p.layout == Layout::nchw ? ((n * p.c + c) * p.h + y) * p.w + x : ((n * p.h + y) * p.w + x) * p.c + c;
  }
  std::int64_t wei(std::int64_t k, std::int64_t cg, std::int64_t r, std::int64_t s) const {
    return ((k * (p.c / p.groups) + cg) * p.r + r) * p.s + s;
  }
  std::int64_t dst(std::int64_t n, std::int64_t k, std::int64_t y, std::int64_t x) const {
    const std::int64_t oh = p.out_h(), ow = p.out_w();
    return p.layout == Layout::nchw ? ((n * p.k + k) * oh + y) * ow + x : ((n * oh + y) * ow + x) * p.k + k;
  }
};

// Output (n, k, y, x) in double precision, and sum |src * wei| over the same terms.
template <class T>
void conv_reference_point(const ConvProblem& p, const T* src, const T* wei, std::int64_t n, std::int64_t k,
                          std::int64_t y, std::int64_t x, double& value, double& abs_scale) {
  const ConvIndex ix{p};
  const std::int64_t cpg = p.c / p.groups, kpg = p.k / p.groups, g = k / kpg;
  value = 0;
  abs_scale = 0;
  for (std::int64_t cg = 0; cg < cpg; ++cg)
    for (std::int64_t r = 0; r < p.r; ++r) {
      const std::int64_t iy = y * p.stride_h - p.pad_h + r * (p.dil_h + 1);
      if (iy < 0 || iy >= p.h) continue;
      for (std::int64_t s = 0; s < p.s; ++s) {
        const std::int64_t ix_ = x * p.stride_w - p.pad_w + s * (p.dil_w + 1);
        if (ix_ < 0 || ix_ >= p.w) continue;
        const double t = to_double(src[ix.src(n, g * cpg + cg, iy, ix_)]) * to_double(wei[ix.wei(k, cg, r, s)]);
        value += t;
        abs_scale += std::abs(t);
      }
    }
}

}  // namespace ccb
