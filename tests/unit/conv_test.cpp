// The convolution family: work model, descriptors, validation and every CPU backend.
#include <gtest/gtest.h>

#include <vector>

#include "kernels/backend.hpp"
#include "harness/runner.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/conv/conv_reference.hpp"

namespace ccb {
namespace {

TEST(ConvProblem, WorkIsTwoNKCgRSPQ) {
  const ConvProblem p = parse_conv_descriptor("mb32ic256ih14oc256kh3ph1");
  EXPECT_EQ(p.out_h(), 14);
  EXPECT_EQ(p.out_w(), 14);
  EXPECT_DOUBLE_EQ(p.work().flops, 2.0 * 32 * 256 * 256 * 3 * 3 * 14 * 14);
  const ConvProblem g = parse_conv_descriptor("g4mb2ic64ih10oc32kh3sh2");
  EXPECT_EQ(g.out_h(), 4);
  EXPECT_DOUBLE_EQ(g.work().flops, 2.0 * 2 * 32 * (64 / 4) * 3 * 3 * 4 * 4);
  // Dilation 1 (benchdnn): a 3x3 kernel spans 5 rows.
  EXPECT_EQ(parse_conv_descriptor("mb1ic1ih10oc1kh3dh1").out_h(), 6);
}

TEST(ConvProblem, DescriptorsRoundTripInBenchdnnStyle) {
  for (const char* d : {"mb32ic256ih14oc256kh3ph1", "g2mb2ic32ih15oc16kh3sh2ph1", "mb4ic1ih161iw700oc32kh5kw20sh2",
                        "mb2ic3ih30oc8kh7sh2ph3dh1", "mb1ic8ih9iw7oc4kh3kw2sh2sw1ph1pw0dh1dw0"}) {
    const ConvProblem p = parse_conv_descriptor(d);
    EXPECT_EQ(parse_conv_descriptor(p.descriptor()).descriptor(), p.descriptor()) << d;
  }
  EXPECT_EQ(parse_conv_descriptor("mb32ic256ih14oc256kh3ph1").descriptor(), "mb32ic256ih14oc256kh3ph1");
  ConvProblem p = parse_conv_descriptor("ic3ih224oc64kh7sh2ph3");
  EXPECT_EQ(p.n, 2);  // benchdnn's default minibatch
  p.dtype = DType::bf16;
  p.layout = Layout::nhwc;
  EXPECT_EQ(p.id(), "conv/bf16/mb2ic3ih224oc64kh7sh2ph3_nhwc");
}

TEST(ConvProblem, MalformedDescriptorsSayWhatIsWrong) {
  auto error = [](const char* d) {
    try {
      parse_conv_descriptor(d);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("mb2ic3ih8oc4").find("missing \"kh\""), std::string::npos);
  EXPECT_NE(error("mb2ic3ih8oc4kh3zz1").find("unknown key \"zz\""), std::string::npos);
  EXPECT_NE(error("mb2ic3ih8oc4kh").find("\"kh\" is not followed by a number"), std::string::npos);
  EXPECT_NE(error("mb2icih8oc4kh3").find("unknown key \"icih\""), std::string::npos);
  EXPECT_NE(error("32ic3ih8oc4kh3").find("expected a key"), std::string::npos);
  EXPECT_NE(error("mb2ic3ih8oc4kh3ic5").find("\"ic\" given twice"), std::string::npos);
  EXPECT_NE(error("g2mb2ic3ih8oc4kh3").find("g2 does not divide ic3"), std::string::npos);
  EXPECT_NE(error("g2mb2ic4ih8oc3kh3").find("g2 does not divide oc3"), std::string::npos);
  EXPECT_NE(error("mb2ic3ih4oc4kh7").find("the output would be empty"), std::string::npos);
  EXPECT_NE(error("mb0ic3ih8oc4kh3").find("mb must be positive"), std::string::npos);
  EXPECT_NE(error("mb2ic3ih8oc4kh3sh0").find("sh must be positive"), std::string::npos);
  EXPECT_NE(error("mb2ic3ih8oc4oh7kh3").find("oh7 does not match the shape, which gives oh6"), std::string::npos);
  EXPECT_NE(error("mb2ic3ih99999999999oc4kh3").find("number too large"), std::string::npos);
  EXPECT_NE(error("").find("missing"), std::string::npos);
}

struct ConvData {
  ConvProblem p;
  std::vector<float> src, wei, dst;
  explicit ConvData(const char* desc, Layout layout = Layout::nchw) : p(parse_conv_descriptor(desc)) {
    p.layout = layout;
    src.resize(p.n * p.c * p.h * p.w);
    wei.resize(p.k * (p.c / p.groups) * p.r * p.s);
    dst.resize(p.n * p.k * p.out_h() * p.out_w());
    fill_uniform(src.data(), src.size(), 1, -1.0, 1.0);
    fill_uniform(wei.data(), wei.size(), 2, -1.0, 1.0);
    const ConvIndex ix{p};
    for (std::int64_t n = 0; n < p.n; ++n)
      for (std::int64_t k = 0; k < p.k; ++k)
        for (std::int64_t y = 0; y < p.out_h(); ++y)
          for (std::int64_t x = 0; x < p.out_w(); ++x) {
            double v = 0, a = 0;
            conv_reference_point(p, src.data(), wei.data(), n, k, y, x, v, a);
            dst[ix.dst(n, k, y, x)] = static_cast<float>(v);
          }
  }
  HostView view() const {
    return {{{"src", Elem::f32, src.data(), src.size()}, {"wei", Elem::f32, wei.data(), wei.size()},
             {"dst", Elem::f32, dst.data(), dst.size()}},
            std::nullopt};
  }
};

// Values worked out by hand, so that the reference is checked against arithmetic rather than
// against another implementation: a 4x4 image holding 1..16 under a 3x3 kernel of ones.
TEST(ConvReference, KnownAnswers) {
  std::vector<float> src(16), wei(9, 1.0f);
  for (int i = 0; i < 16; ++i) src[i] = static_cast<float>(i + 1);
  auto at = [&](const char* desc, std::int64_t y, std::int64_t x) {
    const ConvProblem p = parse_conv_descriptor(desc);
    double value = 0, scale = 0;
    conv_reference_point(p, src.data(), wei.data(), 0, 0, y, x, value, scale);
    return value;
  };
  EXPECT_EQ(at("mb1ic1ih4oc1kh3ph1", 0, 0), 1 + 2 + 5 + 6);            // corner: padding drops 5 taps
  EXPECT_EQ(at("mb1ic1ih4oc1kh3ph1", 1, 1), 1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11);
  EXPECT_EQ(at("mb1ic1ih4oc1kh3ph1", 3, 3), 11 + 12 + 15 + 16);
  EXPECT_EQ(at("mb1ic1ih4oc1kh3sh2ph1", 0, 1), 2 + 3 + 4 + 6 + 7 + 8);  // stride 2: input columns 1..3
  EXPECT_EQ(at("mb1ic1ih4oc1kh3dh1ph2", 0, 0), 1 + 3 + 9 + 11);        // dilation 1: every other tap
  EXPECT_EQ(at("mb1ic1ih4oc1kh3", 0, 0), 1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11);
}

TEST(ConvValidation, CorruptedOutputFailsAndZerosAreMistrusted) {
  for (auto layout : {Layout::nchw, Layout::nhwc}) {
    ConvData d("g2mb2ic8ih7oc6kh3ph1", layout);
    EXPECT_TRUE(validate_conv(d.p, d.view()).ok);
    // Corrupt every output point: sampled validation must see it whatever it samples.
    for (auto& v : d.dst) v *= 1.001f;
    const auto bad = validate_conv(d.p, d.view());
    EXPECT_FALSE(bad.ok);
    EXPECT_NE(bad.detail.find("dst(mb"), std::string::npos) << bad.detail;
    std::fill(d.dst.begin(), d.dst.end(), 0.0f);
    EXPECT_TRUE(validate_conv(d.p, d.view()).mostly_zero);
  }
}

Backend& builtin(const char* name) {
  static Registry registry = [] {
    Registry r;
    register_builtin_backends(r);
    return r;
  }();
  return *registry.find(name);
}

// Every output point, not a sample: strides, kernel sizes, padding and dilation that differ
// between height and width, groups, both layouts.
TEST(OpenmpConv, EveryOutputPointMatchesTheReference) {
  Backend& b = builtin("openmp");
  for (const char* desc : {"mb2ic4ih7iw11oc6kh3kw5sh1sw3ph1pw2", "g2mb1ic4ih9iw8oc4kh3kw3sh2sw1ph2pw1dh1dw0",
                           "mb1ic3ih8oc2kh1", "mb1ic2ih5oc3kh5ph2"})
    for (auto layout : {Layout::nchw, Layout::nhwc}) {
      ConvProblem p = parse_conv_descriptor(desc);
      p.layout = layout;
      auto inst = b.create(p);
      inst->run();
      const HostView view = inst->output();
      const float* src = view.get("src").as<float>();
      const float* wei = view.get("wei").as<float>();
      const float* dst = view.get("dst").as<float>();
      const ConvIndex ix{p};
      double worst = 0;
      for (std::int64_t n = 0; n < p.n; ++n)
        for (std::int64_t k = 0; k < p.k; ++k)
          for (std::int64_t y = 0; y < p.out_h(); ++y)
            for (std::int64_t x = 0; x < p.out_w(); ++x) {
              double v = 0, a = 0;
              conv_reference_point(p, src, wei, n, k, y, x, v, a);
              worst = std::max(worst, std::abs(dst[ix.dst(n, k, y, x)] - v) / (a > 0 ? a : 1.0));
            }
      EXPECT_LT(worst, 1e-5) << p.id();
    }
}

TEST(ConvBackends, EveryCpuBackendComputesTheReference) {
  for (const char* backend : {"openmp", "openblas", "onednn"}) {
    Backend& b = builtin(backend);
    if (!b.availability().ok) {
      GTEST_LOG_(INFO) << backend << " not available: " << b.availability().reason;
      continue;
    }
    for (DType d : {DType::fp32, DType::bf16, DType::int8})
      for (const char* desc : {"mb2ic8ih9oc12kh3ph1", "g2mb1ic8ih11oc6kh3sh2ph1", "mb1ic3ih12iw10oc4kh5kw3ph2dh1"})
        for (auto layout : {Layout::nchw, Layout::nhwc}) {
          ConvProblem p = parse_conv_descriptor(desc);
          p.dtype = d;
          p.layout = layout;
          if (!b.supports_problem(p).ok) continue;
          auto inst = b.create(p);
          inst->run();
          const auto v = validate_conv(p, inst->output());
          EXPECT_TRUE(v.ok && !v.mostly_zero) << backend << " " << p.id() << ": " << v.detail;
        }
  }
  ConvProblem nhwc = parse_conv_descriptor("mb1ic1ih4oc1kh1");
  nhwc.layout = Layout::nhwc;
  EXPECT_FALSE(builtin("openblas").supports_problem(nhwc).ok);
}

TEST(OnednnBackend, MatmulInEveryDtypeAndLayoutIsValidated) {
  Backend& b = builtin("onednn");
  if (!b.availability().ok) GTEST_SKIP() << b.availability().reason;
  for (DType d : {DType::fp32, DType::bf16, DType::int8}) {
    const auto sup = b.supports("gemm", d);
    if (!sup.ok) {
      GTEST_LOG_(INFO) << to_string(d) << ": " << sup.reason;
      continue;
    }
    EXPECT_EQ(sup.reason.rfind("via ", 0), 0u) << sup.reason;
    for (int t = 0; t < 4; ++t) {
      const GemmProblem p{67, 45, 130, (t & 1) != 0, (t & 2) != 0, d};
      auto inst = b.create(p);
      inst->run();
      const auto v = validate_gemm(p, inst->output());
      EXPECT_TRUE(v.ok && !v.mostly_zero) << p.id() << ": " << v.detail;
      EXPECT_NE(inst->implementation().find("matmul"), std::string::npos);
    }
  }
  EXPECT_FALSE(b.supports("gemm", DType::fp64).ok);
}

TEST(UnbuiltBackend, CasesBecomeSkippedWithTheReason) {
  Registry registry;
  registry.add(make_unbuilt_backend("onednn", {"gemm", "conv"}, "not built: configured without oneDNN"));
  Runner runner(registry, RunOptions{1, 0, 0});
  const auto r = runner.run(Case{"onednn", parse_conv_descriptor("mb1ic1ih4oc1kh1"), {}});
  EXPECT_EQ(r.status, Status::skipped);
  EXPECT_EQ(r.reason, "not built: configured without oneDNN");
  EXPECT_FALSE(registry.find("onednn")->supports("gemm", DType::bf16).ok);
}

}  // namespace
}  // namespace ccb
