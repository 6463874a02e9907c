// Naive direct convolution with OpenMP: the plain loop nest, in FP32, in either layout. It is
// the baseline every other convolution backend is compared with.
#include "kernels/conv/conv_openmp.hpp"

#include <omp.h>

#include <fmt/format.h>

#include "kernels/conv/conv_buffers.hpp"
#include "kernels/conv/conv_reference.hpp"

namespace ccb {
namespace {

class ConvOpenmp final : public KernelInstance {
 public:
  explicit ConvOpenmp(const ConvProblem& p) : p_(p), t_(p) {}

  void run() override {
    const ConvProblem& p = p_;
    const ConvIndex ix{p};
    const float* src = t_.src.as<float>();
    const float* wei = t_.wei.as<float>();
    float* dst = t_.dst.as<float>();
    const std::int64_t oh = p.out_h(), ow = p.out_w(), cpg = p.c / p.groups, kpg = p.k / p.groups;
#pragma omp parallel for collapse(3) schedule(static)
    for (std::int64_t n = 0; n < p.n; ++n)
      for (std::int64_t k = 0; k < p.k; ++k)
        for (std::int64_t y = 0; y < oh; ++y)
          for (std::int64_t x = 0; x < ow; ++x) {
            const std::int64_t g = k / kpg;
            float acc = 0;
            for (std::int64_t cg = 0; cg < cpg; ++cg)
              for (std::int64_t r = 0; r < p.r; ++r) {
                const std::int64_t iy = y * p.stride_h - p.pad_h + r * (p.dil_h + 1);
                if (iy < 0 || iy >= p.h) continue;
                for (std::int64_t s = 0; s < p.s; ++s) {
                  const std::int64_t ix_ = x * p.stride_w - p.pad_w + s * (p.dil_w + 1);
                  if (ix_ < 0 || ix_ >= p.w) continue;
                  acc += src[ix.src(n, g * cpg + cg, iy, ix_)] * wei[ix.wei(k, cg, r, s)];
                }
              }
            dst[ix.dst(n, k, y, x)] = acc;
          }
  }

  HostView output() override { return t_.view(p_.dtype); }
  std::string implementation() const override {
    return fmt::format("naive direct loops, {}, {} threads", to_string(p_.layout), omp_get_max_threads());
  }

 private:
  ConvProblem p_;
  ConvBuffers<float, float> t_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_conv_openmp(const ConvProblem& p) { return std::make_unique<ConvOpenmp>(p); }

}  // namespace ccb
