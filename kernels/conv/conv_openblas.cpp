// im2col + SGEMM: per image and group, the input patches become a (ic/g*kh*kw) x (oh*ow)
// matrix, and the weights (oc/g) x (ic/g*kh*kw) multiply it into the NCHW output directly.
#include "kernels/conv/conv_openblas.hpp"

#include <cblas.h>

#include <fmt/format.h>

#include "kernels/conv/conv_buffers.hpp"

namespace ccb {
namespace {

class ConvOpenblas final : public KernelInstance {
 public:
  explicit ConvOpenblas(const ConvProblem& p)
      : p_(p), t_(p), col_(sizeof(float) * (p.c / p.groups) * p.r * p.s * p.out_h() * p.out_w()) {}

  void run() override {
    const ConvProblem& p = p_;
    const std::int64_t oh = p.out_h(), ow = p.out_w(), cpg = p.c / p.groups, kpg = p.k / p.groups;
    const std::int64_t rows = cpg * p.r * p.s, cols = oh * ow;
    const float* src = t_.src.as<float>();
    const float* wei = t_.wei.as<float>();
    float* dst = t_.dst.as<float>();
    float* col = col_.as<float>();
    for (std::int64_t n = 0; n < p.n; ++n)
      for (std::int64_t g = 0; g < p.groups; ++g) {
#pragma omp parallel for schedule(static)
        for (std::int64_t row = 0; row < rows; ++row) {
          const std::int64_t cg = row / (p.r * p.s), r = row / p.s % p.r, s = row % p.s;
          const float* plane = src + (n * p.c + g * cpg + cg) * p.h * p.w;
          float* out = col + row * cols;
          for (std::int64_t y = 0; y < oh; ++y) {
            const std::int64_t iy = y * p.stride_h - p.pad_h + r * (p.dil_h + 1);
            for (std::int64_t x = 0; x < ow; ++x) {
              const std::int64_t ix = x * p.stride_w - p.pad_w + s * (p.dil_w + 1);
              out[y * ow + x] = (iy >= 0 && iy < p.h && ix >= 0 && ix < p.w) ? plane[iy * p.w + ix] : 0.0f;
            }
          }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(kpg), static_cast<blasint>(cols),
                    static_cast<blasint>(rows), 1.0f, wei + g * kpg * rows, static_cast<blasint>(rows), col,
                    static_cast<blasint>(cols), 0.0f, dst + (n * p.k + g * kpg) * cols, static_cast<blasint>(cols));
      }
  }

  HostView output() override { return t_.view(p_.dtype); }
  void clear_output() override { fill_all_ones(t_.dst.template as<void>(), t_.dst.bytes()); }
  std::string implementation() const override {
    return fmt::format("im2col + cblas_sgemm ({})", openblas_get_corename());
  }

 private:
  ConvProblem p_;
  ConvBuffers<float, float> t_;
  AlignedBuffer col_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_conv_openblas(const ConvProblem& p) { return std::make_unique<ConvOpenblas>(p); }

}  // namespace ccb
