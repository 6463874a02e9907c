#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/rate_report.hpp"
#include "harness/suite.hpp"

namespace ccb {
namespace {

ijson result_doc() {
  return ijson{{"schema", kResultSchemaId},
               {"schema_version", 1},
               {"system", {{"hostname", "n1"}, {"cpu", {{"model", "Xeon"}}}}},
               {"ratings",
                {{"per_node",
                  {{"fp64", {{"spec_peak_flops", 3e12}, {"sustained_flops", 2.4e12}, {"missing", ijson::array()}}},
                   {"fp32", {{"spec_peak_flops", 6e12}, {"sustained_flops", 5e12}, {"missing", ijson::array()}}},
                   {"fp16", {{"spec_peak_flops", 100e12}, {"sustained_flops", 80e12}, {"missing", ijson::array()}}},
                   {"int8", {{"spec_peak_flops", nullptr}, {"sustained_flops", nullptr},
                             {"missing", {"no INT8 peak known for any device of this node",
                                          "no passed INT8 GEMM in this result"}}}}}}}}};
}

class Rate : public ::testing::Test {
 protected:
  json rate(RateRequest req, const ijson& doc = result_doc()) {
    return rate_report(doc, "r.json", req, RatingBasis::load_all(config_dir() / "ratings"),
                       Center::load_all(config_dir() / "centers"));
  }
  std::string error(RateRequest req, const ijson& doc = result_doc()) {
    try {
      rate(req, doc);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(Rate, HangzhouOnItsFp16Basis) {
  RateRequest req;
  req.nodes = 1000;
  req.center = "hangzhou-aicc";
  const json r = rate(req);
  ASSERT_EQ(r["bases"].size(), 1u);
  const auto& b = r["bases"][0];
  EXPECT_EQ(b["basis"], "fp16");
  EXPECT_DOUBLE_EQ(b["installed"].get<double>(), 100e15);
  EXPECT_DOUBLE_EQ(b["measured"].get<double>(), 80e15);
  EXPECT_DOUBLE_EQ(b["vs_declared"]["installed"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(b["vs_declared"]["measured"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(b["nodes_for_declared"]["at_spec_peak"].get<double>(), 400);
  EXPECT_DOUBLE_EQ(b["nodes_for_declared"]["at_sustained"].get<double>(), 500);
  EXPECT_EQ(r["center"]["rating_flops"], 40e15);
  EXPECT_EQ(r["center"]["basis"], "fp16");
}

TEST_F(Rate, CenterWithoutStatedBasisIsComparedOnEveryBasisWithANote) {
  RateRequest req;
  req.nodes = 10;
  req.center = "wuzhen-light";
  const json r = rate(req);
  EXPECT_EQ(r["bases"].size(), 4u);
  ASSERT_EQ(r["notes"].size(), 1u);
  EXPECT_NE(r["notes"][0].get<std::string>().find("does not state the precision"), std::string::npos);
}

TEST_F(Rate, DeclaredRatingOnAChosenBasis) {
  RateRequest req;
  req.nodes = 4;
  req.basis = "fp64";
  req.declared = 12e12;
  const json r = rate(req);
  EXPECT_DOUBLE_EQ(r["bases"][0]["vs_declared"]["installed"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r["bases"][0]["vs_declared"]["measured"].get<double>(), 0.8);
}

TEST_F(Rate, BadInputIsRefusedWithTheReason) {
  RateRequest req;
  req.nodes = 1;
  req.basis = "fp128";
  EXPECT_NE(error(req).find("--basis: unknown basis \"fp128\" (known: fp16, fp32, fp64, int8)"), std::string::npos);
  req.basis.reset();
  req.center = "atlantis";
  EXPECT_NE(error(req).find("--center: unknown center \"atlantis\""), std::string::npos);
  req.center.reset();
  req.basis = "int8";
  EXPECT_NE(error(req).find("nothing to rate on basis int8: no INT8 peak known"), std::string::npos);
  EXPECT_NE(error(req).find("no passed INT8 GEMM in this result"), std::string::npos);
  req.basis.reset();
  req.nodes = -3;
  EXPECT_NE(error(req).find("--nodes: expected a positive integer, got -3"), std::string::npos);
  req.nodes = 0;  // not given: one node's result needs it (a fleet counts its own nodes)
  EXPECT_NE(error(req).find("--nodes is required for the result of one node"), std::string::npos);
  req.nodes = 1;
  req.declared = 1e15;
  req.center = "wuhan-aicc";
  EXPECT_NE(error(req).find("use one of them"), std::string::npos);

  RateRequest plain;
  plain.nodes = 1;
  ijson not_result = {{"name", "smoke"}, {"cases", ijson::array()}};
  EXPECT_NE(error(plain, not_result).find("r.json: not a ccbench result file"), std::string::npos);
  ijson future = result_doc();
  future["schema_version"] = 7;
  EXPECT_NE(error(plain, future).find("schema_version: unsupported result schema version 7"), std::string::npos);
  ijson old = result_doc();
  old.erase("ratings");
  EXPECT_NE(error(plain, old).find("r.json: ratings: missing"), std::string::npos);
}

TEST(Centers, PublishedCentersCarryBasisScopeAndSource) {
  const auto centers = Center::load_all(config_dir() / "centers");
  EXPECT_GE(centers.size(), 7u);
  for (const auto& c : centers) {
    EXPECT_GT(c.rating, 0) << c.id;
    EXPECT_FALSE(c.source.empty()) << c.id;
    EXPECT_FALSE(c.scope.empty()) << c.id;
  }
}

}  // namespace
}  // namespace ccb

namespace ccb {
namespace {

TEST_F(Rate, ConventionConvertsOnlyWhereItHasAFactorAndSaysWhich) {
  RateRequest req;
  req.nodes = 2;
  req.convention = Convention{"half", "FP16 as half", "FP32-equivalent", "", "test", {{"fp16", 0.5}}};
  const json r = rate(req);
  EXPECT_EQ(r["convention"]["id"], "half");
  for (const auto& b : r["bases"]) {
    if (b["basis"] == "fp16") {
      EXPECT_DOUBLE_EQ(b["under_convention"]["installed"].get<double>(), 100e12);
      EXPECT_DOUBLE_EQ(b["installed"].get<double>(), 200e12);  // native figure unchanged
    } else {
      EXPECT_TRUE(b["under_convention"].is_null());
      EXPECT_NE(b["missing"].back().get<std::string>().find("convention half gives no factor"), std::string::npos);
    }
  }
}

TEST(Convention, FileNeedsFactorsAndSource) {
  const auto c = Convention::load(std::filesystem::path(CCBENCH_SOURCE_CONFIG_DIR) / ".." / "tests" / "data" /
                                  "conventions" / "example-fp32-equivalent.json");
  EXPECT_EQ(c.factors.at("fp16"), 0.5);
  const auto dir = std::filesystem::temp_directory_path() / ("ccbench-conv-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.json") << R"({"id": "x", "title": "t", "target": "y", "factors": {"fp16": -1}, "source": "s"})";
  try {
    Convention::load(dir / "bad.json");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("factors.fp16: expected a positive number, got -1"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ccb
