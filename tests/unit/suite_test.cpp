#include <gtest/gtest.h>

#include "harness/errors.hpp"
#include "harness/suite.hpp"
#include "fake_backend.hpp"

namespace ccb {
namespace {

class SuiteParse : public ::testing::Test {
 protected:
  SuiteParse() {
    register_builtin_backends(registry);
    ctx = {&registry, 100'000'000, 16'000'000'000};
  }
  Suite parse(const std::string& text) { return parse_suite(text, "test.json", ctx); }
  // The UsageError message for `text`, or "" when it parsed.
  std::string error_of(const std::string& text) {
    try {
      parse(text);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }
  Registry registry;
  SuiteContext ctx;
};

TEST_F(SuiteParse, ExpandsBackendsDtypesAndOps) {
  const auto s = parse(R"({"name": "t", "repetitions": 7, "min_time": 0.5, "cases": [
      {"kernel": "gemm", "backend": "openblas", "dtype": ["fp64", "fp32"], "m": 8, "n": 9, "k": 10, "trans": "tn"},
      {"kernel": "stream", "backend": "openmp", "dtype": "fp32", "op": ["triad", "dot"], "elements": 1000}]})");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.repetitions, 7);
  EXPECT_DOUBLE_EQ(s.min_time, 0.5);
  ASSERT_EQ(s.cases.size(), 4u);
  EXPECT_EQ(problem_id(s.cases[0].problem), "gemm/fp64/m8n9k10_tn");
  EXPECT_EQ(problem_id(s.cases[1].problem), "gemm/fp32/m8n9k10_tn");
  EXPECT_EQ(problem_id(s.cases[3].problem), "stream/fp32/dot/n1000");
  EXPECT_EQ(s.cases[3].backend, "openmp");
}

TEST_F(SuiteParse, StreamWithoutOpRunsAllSevenAndAutoSizesToFourTimesLlc) {
  const auto s = parse(R"({"cases": [{"kernel": "stream", "backend": "openmp", "dtype": "fp64"}]})");
  ASSERT_EQ(s.cases.size(), 7u);
  const auto& p = std::get<StreamProblem>(s.cases[0].problem);
  EXPECT_GE(static_cast<double>(p.elements) * 8, 4.0 * 100'000'000 - 4096);
  EXPECT_NE(s.cases[0].notes.at(0).find("4x the last-level cache"), std::string::npos);
}

TEST_F(SuiteParse, AutoSizeIsCappedByMemoryAndSaysSo) {
  ctx.llc_bytes = 2'000'000'000;  // a VM reporting a huge cache
  std::vector<std::string> notes;
  const auto n = auto_stream_elements(DType::fp64, ctx, notes);
  EXPECT_LE(3.0 * static_cast<double>(n) * 8, 0.5 * 16e9);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[1].find("capped by free memory"), std::string::npos);
}

TEST_F(SuiteParse, MalformedJsonNamesLineAndColumn) {
  const auto e = error_of("{\n  \"cases\": [\n    {\"kernel\": \"gemm\",, }\n  ]\n}");
  EXPECT_NE(e.find("test.json: malformed JSON at line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("column"), std::string::npos) << e;
}

TEST_F(SuiteParse, UnknownNamesAreRejectedWithTheField) {
  const std::string head = R"({"cases": [{"kernel": )";
  EXPECT_NE(error_of(head + R"("fft", "backend": "openblas", "dtype": "fp64"}]})").find("cases[0].kernel: unknown kernel \"fft\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("gemm", "backend": "mkl", "dtype": "fp64", "m": 1, "n": 1, "k": 1}]})").find("cases[0].backend: unknown backend \"mkl\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("gemm", "backend": "openblas", "dtype": "fp128", "m": 1, "n": 1, "k": 1}]})").find("cases[0].dtype: unknown dtype \"fp128\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("stream", "backend": "openmp", "dtype": "fp64", "op": "nstream"}]})").find("cases[0].op: unknown STREAM op"), std::string::npos);
  EXPECT_NE(error_of(head + R"("gemm", "backend": "openblas", "dtype": "fp64", "m": 1, "n": 1, "k": 1, "tranz": "nn"}]})").find("cases[0].tranz: unknown field"), std::string::npos);
  EXPECT_NE(error_of(R"({"cases": [], "extra": 1})").find("extra: unknown field"), std::string::npos);
}

TEST_F(SuiteParse, BadSizesAreRejected) {
  auto gemm = [&](const std::string& m) {
    return error_of(R"({"cases": [{"kernel": "gemm", "backend": "openblas", "dtype": "fp64", "m": )" + m +
                    R"(, "n": 4, "k": 4}]})");
  };
  EXPECT_NE(gemm("0").find("cases[0].m: expected a positive integer, got 0"), std::string::npos);
  EXPECT_NE(gemm("-5").find("cases[0].m: expected a positive integer, got -5"), std::string::npos);
  EXPECT_NE(gemm("2.5").find("expected a positive integer, got 2.5"), std::string::npos);
  EXPECT_NE(gemm("\"big\"").find("expected a positive integer"), std::string::npos);
  EXPECT_NE(gemm("99999999999999999999999").find("expected a positive integer"), std::string::npos);
  EXPECT_NE(gemm("18446744073709551615").find("expected a positive integer"), std::string::npos);
  EXPECT_NE(gemm("4294967296").find("exceeds the largest supported value 2147483647"), std::string::npos);
  EXPECT_NE(error_of(R"({"cases": [{"kernel": "gemm", "backend": "openblas", "dtype": "fp64", "m": 4, "k": 4}]})")
                .find("cases[0]: missing required field \"n\""), std::string::npos);
  EXPECT_NE(error_of(R"({"cases": [{"kernel": "stream", "backend": "openmp", "dtype": "fp64", "elements": -1}]})")
                .find("cases[0].elements: expected a positive integer, got -1"), std::string::npos);
  EXPECT_NE(error_of(R"({"repetitions": 0, "cases": []})").find("repetitions: expected a positive integer"), std::string::npos);
  EXPECT_NE(error_of(R"({"cases": []})").find("cases: expected a non-empty array"), std::string::npos);
}

TEST_F(SuiteParse, ConvCasesExpandDescriptorsAndRejectBadOnes) {
  const auto s = parse(R"({"cases": [{"kernel": "conv", "backend": ["openmp", "onednn"], "dtype": "fp32",
      "desc": ["mb2ic8ih9oc12kh3ph1", "g2mb1ic8ih11oc6kh3"], "layout": ["nchw", "nhwc"]}]})");
  ASSERT_EQ(s.cases.size(), 8u);
  EXPECT_EQ(problem_id(s.cases[1].problem), "conv/fp32/mb2ic8ih9oc12kh3ph1_nhwc");
  const std::string head = R"({"cases": [{"kernel": "conv", "backend": "openmp", "dtype": "fp32", )";
  EXPECT_NE(error_of(head + R"("desc": "mb2ic8ih9oc12kh3zz1"}]})").find("cases[0].desc: malformed convolution descriptor \"mb2ic8ih9oc12kh3zz1\": unknown key \"zz\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("desc": "g3mb2ic8ih9oc12kh3"}]})").find("g3 does not divide ic8"), std::string::npos);
  EXPECT_NE(error_of(head + R"("desc": "mb2ic8ih2oc12kh5"}]})").find("the output would be empty"), std::string::npos);
  EXPECT_NE(error_of(head + R"("desc": "mb2ic8ih9oc12kh3", "layout": "chwn"}]})").find("cases[0].layout: expected nchw or nhwc"), std::string::npos);
  EXPECT_NE(error_of(head + R"("m": 5}]})").find("cases[0].m: unknown field"), std::string::npos);
}

TEST_F(SuiteParse, CaseThatDoesNotFitInMemoryIsRefusedWithTheNeededSize) {
  const auto e = error_of(R"({"cases": [{"kernel": "gemm", "backend": "openblas", "dtype": "fp64", "m": 100000, "n": 100000, "k": 100000}]})");
  EXPECT_NE(e.find("gemm/fp64/m100000n100000k100000 needs 240.00 GB of memory"), std::string::npos) << e;
  EXPECT_NE(e.find("16.00 GB available"), std::string::npos) << e;
}

TEST_F(SuiteParse, FilterKeepsSelectedCasesAndRejectsUnknownNames) {
  auto s = parse(R"({"cases": [
      {"kernel": "gemm", "backend": "openblas", "dtype": "fp64", "m": 8, "n": 8, "k": 8},
      {"kernel": "stream", "backend": "openmp", "dtype": "fp64", "elements": 64}]})");
  auto t = s;
  filter_cases(t, {}, {"stream/triad"}, registry);
  ASSERT_EQ(t.cases.size(), 1u);
  EXPECT_EQ(problem_id(t.cases[0].problem), "stream/fp64/triad/n64");
  t = s;
  filter_cases(t, {"openblas"}, {}, registry);
  EXPECT_EQ(t.cases.size(), 1u);
  t = s;
  EXPECT_THROW(filter_cases(t, {"cublas"}, {}, registry), UsageError);
  EXPECT_THROW(filter_cases(t, {}, {"conv"}, registry), UsageError);
  EXPECT_THROW(filter_cases(t, {}, {"stream/nstream"}, registry), UsageError);
  EXPECT_THROW(filter_cases(t, {"openblas"}, {"stream"}, registry), UsageError);  // nothing left
}

TEST_F(SuiteParse, ShippedSuitesParse) {
  for (const auto& name : {"smoke", "quick", "full", "deepbench-gemm", "deepbench-conv", "resnet50-conv"}) {
    const auto s = load_suite(name, ctx);
    EXPECT_FALSE(s.cases.empty()) << name;
  }
  EXPECT_THROW(load_suite("no-such-suite", ctx), UsageError);
}

}  // namespace
}  // namespace ccb
