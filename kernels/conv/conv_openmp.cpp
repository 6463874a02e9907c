// Direct convolution with OpenMP, in FP32, in either layout: the CPU baseline every other
// convolution backend is compared with. Each thread owns whole output rows (image, output
// channel, output row) and accumulates the row's outputs together over (input channel, kh, kw),
// with the valid output range of each kernel column computed once so that the inner loop has
// no branch and vectorizes where the input row is contiguous (NCHW, stride 1). Its addressing
// is its own (element strides per layout), sharing no code with the reference that checks it
// (conv_reference.hpp).
#include "kernels/conv/conv_openmp.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/conv/conv_buffers.hpp"

namespace ccb {
namespace {

// Element strides of a 4-d tensor (image, channel, row, column) in `layout`.
struct Strides {
  std::int64_t n, c, h, w;
};

Strides strides_of(Layout layout, std::int64_t c, std::int64_t h, std::int64_t w) {
  if (layout == Layout::nchw) return {c * h * w, h * w, w, 1};
  return {h * w * c, 1, w * c, c};
}

// Smallest integer >= a / b for b > 0.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

class ConvOpenmp final : public KernelInstance {
 public:
  explicit ConvOpenmp(const ConvProblem& p)
      : p_(p), t_(p), threads_(omp_get_max_threads()),
        acc_(static_cast<std::size_t>(threads_) * static_cast<std::size_t>(p.out_w())) {}

  void run() override {
    const ConvProblem& p = p_;
    const std::int64_t oh = p.out_h(), ow = p.out_w(), cpg = p.c / p.groups, kpg = p.k / p.groups;
    const Strides si = strides_of(p.layout, p.c, p.h, p.w), so = strides_of(p.layout, p.k, oh, ow);
    const float* src = t_.src.as<float>();
    const float* wei = t_.wei.as<float>();  // [k][c/groups][kh][kw]
    float* dst = t_.dst.as<float>();
    const bool unit_stride = p.stride_w == 1 && si.w == 1;
#pragma omp parallel num_threads(threads_)
    {
      float* acc = acc_.data() + static_cast<std::size_t>(omp_get_thread_num()) * static_cast<std::size_t>(ow);
#pragma omp for collapse(3) schedule(static)
      for (std::int64_t n = 0; n < p.n; ++n)
        for (std::int64_t k = 0; k < p.k; ++k)
          for (std::int64_t y = 0; y < oh; ++y) {
            std::fill(acc, acc + ow, 0.0f);
            const std::int64_t c0 = (k / kpg) * cpg;
            for (std::int64_t cg = 0; cg < cpg; ++cg)
              for (std::int64_t r = 0; r < p.r; ++r) {
                const std::int64_t iy = y * p.stride_h - p.pad_h + r * (p.dil_h + 1);
                if (iy < 0 || iy >= p.h) continue;
                const float* row = src + n * si.n + (c0 + cg) * si.c + iy * si.h;
                const float* taps = wei + ((k * cpg + cg) * p.r + r) * p.s;
                for (std::int64_t s = 0; s < p.s; ++s) {
                  // Input column x * stride + offset must lie in [0, w).
                  const std::int64_t offset = s * (p.dil_w + 1) - p.pad_w;
                  const std::int64_t x0 = std::max<std::int64_t>(0, ceil_div(-offset, p.stride_w));
                  const std::int64_t x1 = std::min<std::int64_t>(ow, ceil_div(p.w - offset, p.stride_w));
                  const float tap = taps[s];
                  if (unit_stride) {  // contiguous input row: the loop the compiler vectorizes
                    for (std::int64_t x = x0; x < x1; ++x) acc[x] += tap * row[x + offset];
                  } else {
                    for (std::int64_t x = x0; x < x1; ++x) acc[x] += tap * row[(x * p.stride_w + offset) * si.w];
                  }
                }
              }
            float* out = dst + n * so.n + k * so.c + y * so.h;
            for (std::int64_t x = 0; x < ow; ++x) out[x * so.w] = acc[x];
          }
    }
  }

  HostView output() override { return t_.view(p_.dtype); }
  void clear_output() override { fill_all_ones(t_.dst.template as<void>(), t_.dst.bytes()); }
  std::string implementation() const override {
    return fmt::format("direct, output rows, {}, {} threads", to_string(p_.layout), threads_);
  }

 private:
  ConvProblem p_;
  ConvBuffers<float, float> t_;
  int threads_;
  std::vector<float> acc_;  // one output row per thread
};

}  // namespace

std::unique_ptr<KernelInstance> make_conv_openmp(const ConvProblem& p) { return std::make_unique<ConvOpenmp>(p); }

}  // namespace ccb
