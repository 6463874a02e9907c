#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/common/fill.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/gemm/gemm_reference.hpp"

namespace ccb {
namespace {

template <class T>
struct GemmData {
  GemmProblem p;
  std::vector<T> a, b, c;
  explicit GemmData(GemmProblem prob)
      : p(prob), a(p.m * p.k), b(p.k * p.n), c(p.m * p.n) {
    fill_uniform(a.data(), a.size(), 7, -1.0, 1.0);
    fill_uniform(b.data(), b.size(), 8, -1.0, 1.0);
    reference_gemm(p, a.data(), b.data(), c.data());
  }
  HostView view() const {
    return {{{"a", input_elem(p.dtype), a.data(), a.size()}, {"b", input_elem(p.dtype), b.data(), b.size()},
             {"c", output_elem(p.dtype), c.data(), c.size()}},
            std::nullopt};
  }
};

class GemmTransposes : public ::testing::TestWithParam<std::pair<bool, bool>> {};

TEST_P(GemmTransposes, CorrectOutputPassesAndOneBadEntryFails) {
  const auto [ta, tb] = GetParam();
  GemmData<double> d({37, 53, 29, ta, tb, DType::fp64});
  auto v = validate_gemm(d.p, d.view());
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_FALSE(v.mostly_zero);
  EXPECT_LE(v.max_error, v.tolerance);

  d.c[5 * 53 + 7] *= 1.0 + 1e-9;  // far below what a sampled check would ever hit by chance
  v = validate_gemm(d.p, d.view());
  EXPECT_FALSE(v.ok);
  EXPECT_GT(v.max_error, v.tolerance);
  EXPECT_NE(v.detail.find("row 5"), std::string::npos) << v.detail;
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, GemmTransposes,
                         ::testing::Values(std::pair{false, false}, std::pair{true, false},
                                           std::pair{false, true}, std::pair{true, true}));

TEST(GemmValidation, Fp32ToleranceAcceptsRoundingButNotErrors) {
  GemmData<float> d({64, 48, 300, false, false, DType::fp32});
  EXPECT_TRUE(validate_gemm(d.p, d.view()).ok);
  d.c[100] += 1e-2f;
  EXPECT_FALSE(validate_gemm(d.p, d.view()).ok);
}

TEST(GemmValidation, ZerosAreMistrustedAndNanFails) {
  GemmData<double> d({16, 16, 16, false, false, DType::fp64});
  std::fill(d.c.begin(), d.c.end(), 0.0);
  auto v = validate_gemm(d.p, d.view());
  EXPECT_TRUE(v.mostly_zero);
  EXPECT_DOUBLE_EQ(v.zero_fraction, 1.0);

  GemmData<double> n({16, 16, 16, false, false, DType::fp64});
  n.c[3] = std::nan("");
  v = validate_gemm(n.p, n.view());
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.mostly_zero);
  EXPECT_TRUE(v.to_json()["max_error"].is_null());
}

template <class T>
struct StreamData {
  StreamProblem p;
  std::vector<T> a, b, c;
  double dot = 0;
  explicit StreamData(StreamProblem prob) : p(prob), a(p.elements), b(p.elements), c(p.elements) {
    fill_uniform(a.data(), a.size(), 1, -1.0, 1.0);
    fill_uniform(b.data(), b.size(), 2, -1.0, 1.0);
    fill_uniform(c.data(), c.size(), 3, -1.0, 1.0);
    const T s = static_cast<T>(StreamProblem::kScalar);
    for (std::size_t i = 0; i < a.size(); ++i) {
      switch (p.op) {
        case StreamOp::copy: case StreamOp::copy_nt: c[i] = a[i]; break;
        case StreamOp::scale: b[i] = s * c[i]; break;
        case StreamOp::add: c[i] = a[i] + b[i]; break;
        case StreamOp::triad: case StreamOp::triad_nt: a[i] = b[i] + s * c[i]; break;
        case StreamOp::dot: dot += double(a[i]) * b[i]; break;
      }
    }
  }
  HostView view() const {
    HostView v{{{"a", input_elem(p.dtype), a.data(), a.size()}, {"b", input_elem(p.dtype), b.data(), b.size()},
                {"c", output_elem(p.dtype), c.data(), c.size()}},
               std::nullopt};
    if (p.op == StreamOp::dot) v.scalar = dot;
    return v;
  }
};

TEST(StreamValidation, EveryOpPassesWhenRightAndFailsWhenOneElementIsWrong) {
  for (auto op : {StreamOp::copy, StreamOp::scale, StreamOp::add, StreamOp::triad,
                  StreamOp::copy_nt, StreamOp::triad_nt}) {
    StreamData<double> d({op, 1001, DType::fp64});
    EXPECT_TRUE(validate_stream(d.p, d.view()).ok) << to_string(op);
    auto& out = (op == StreamOp::scale) ? d.b : (op == StreamOp::triad || op == StreamOp::triad_nt) ? d.a : d.c;
    out[777] += 0.25;
    const auto v = validate_stream(d.p, d.view());
    EXPECT_FALSE(v.ok) << to_string(op);
    EXPECT_NE(v.detail.find("[777]"), std::string::npos) << v.detail;
  }
}

TEST(StreamValidation, DotAndZeroTrust) {
  StreamData<float> d({StreamOp::dot, 4096, DType::fp32});
  EXPECT_TRUE(validate_stream(d.p, d.view()).ok);
  d.dot *= 1.01;
  EXPECT_FALSE(validate_stream(d.p, d.view()).ok);
  d.dot = 0;
  EXPECT_TRUE(validate_stream(d.p, d.view()).mostly_zero);

  StreamData<double> z({StreamOp::triad, 100, DType::fp64});
  std::fill(z.a.begin(), z.a.begin() + 60, 0.0);
  const auto v = validate_stream(z.p, z.view());
  EXPECT_TRUE(v.mostly_zero);
  EXPECT_NEAR(v.zero_fraction, 0.6, 1e-12);
}

TEST(Fill, SameSeedSameDataIndependentOfThreads) {
  std::vector<double> x(1000), y(1000);
  fill_uniform(x.data(), x.size(), 42, -1.0, 1.0);
  fill_uniform(y.data(), y.size(), 42, -1.0, 1.0);
  EXPECT_EQ(x, y);
  for (double v : x) {
    EXPECT_GE(v, -1.0);
    EXPECT_LT(v, 1.0);
  }
  fill_uniform(y.data(), y.size(), 43, -1.0, 1.0);
  EXPECT_NE(x, y);
}

}  // namespace
}  // namespace ccb
