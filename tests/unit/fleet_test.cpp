#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/fleet.hpp"
#include "harness/rate_report.hpp"
#include "harness/suite.hpp"
#include "reports/fleet_report.hpp"

namespace ccb {
namespace {

// A result as a node's document holds it: `seconds` per repetition of 1 TFLOP of work.
json result(const std::string& problem, const std::string& status, std::vector<double> seconds) {
  return json{{"kernel", "gemm"},    {"backend", "openblas"}, {"device", "cpu"},
              {"dtype", "fp64"},     {"problem_id", problem}, {"status", status},
              {"reason", status == "passed" ? "" : "planted"},
              {"work", {{"flops", 1e12}, {"bytes", 0.0}}}, {"samples_s", seconds}};
}

json node(std::vector<json> results) {
  return json{{"schema", kResultSchemaId}, {"schema_version", kResultSchemaVersion}, {"results", results}};
}

// Five nodes whose GEMM takes about a second, a little noise on each; `edit` changes node i.
Fleet fleet_of(const std::function<void(std::size_t, std::vector<json>&)>& edit, std::size_t nodes = 5,
               std::optional<std::size_t> missing = std::nullopt) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < nodes; ++i) names.push_back("n" + std::to_string(i));
  FleetDocument doc({"ccbench", "run"}, json::object(), names);
  for (std::size_t i = 0; i < nodes; ++i) {
    if (missing && *missing == i) {
      doc.set_missing(static_cast<int>(i), "planted: the rank died");
      continue;
    }
    const double jitter = 1.0 + 0.004 * static_cast<double>(i % 3);
    std::vector<json> results{result("gemm/fp64/m4096n4096k4096", "passed", {jitter, jitter * 1.01, jitter * 0.99}),
                              result("gemm/fp64/m2048n2048k2048", "passed", {0.2 * jitter, 0.2 * jitter})};
    edit(i, results);
    doc.set_document(static_cast<int>(i), node(results));
  }
  doc.finish(0.5);
  return read_fleet(ijson::parse(doc.to_json().dump()), "fleet.json");
}

const FleetRow& row(const FleetReport& r, const std::string& node, const std::string& key_part) {
  for (const auto& x : r.rows)
    if (x.node == node && x.key.find(key_part) != std::string::npos) return x;
  throw std::logic_error("no row " + node + " " + key_part);
}

const FleetNodeVerdict& verdict(const FleetReport& r, const std::string& node) {
  for (const auto& n : r.nodes)
    if (n.node == node) return n;
  throw std::logic_error("no node " + node);
}

TEST(FleetReport, AHealthyFleetIsOk) {
  const auto r = analyse_fleet(fleet_of([](std::size_t, std::vector<json>&) {}), {});
  EXPECT_EQ(r.measured_nodes, 5u);
  EXPECT_EQ(r.slow_nodes + r.defective_nodes, 0u);
  EXPECT_EQ(r.rows.size(), 10u);
  for (const auto& x : r.rows) EXPECT_EQ(x.verdict, "ok") << x.node << " " << x.key << " " << x.reason;
}

TEST(FleetReport, ANodeTwentyPercentSlowerIsNamedSlow) {
  const auto r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                                 if (i == 3) res[0] = result("gemm/fp64/m4096n4096k4096", "passed", {1.25, 1.26, 1.24});
                               }),
                               {});
  const FleetRow& slow = row(r, "n3", "m4096");
  EXPECT_EQ(slow.verdict, "slow");
  EXPECT_NEAR(*slow.deviation, 1.0 / 1.25 - 1.0, 0.01);
  EXPECT_LT(*slow.robust_z, -3.5);
  EXPECT_EQ(verdict(r, "n3").verdict, "slow");
  EXPECT_EQ(r.slow_nodes, 1u);
  EXPECT_EQ(r.defective_nodes, 0u);
  EXPECT_EQ(row(r, "n3", "m2048").verdict, "ok");  // only the slow case is named
}

TEST(FleetReport, ADeviationUnderTheThresholdOrWithinTheNoiseIsNotSlow) {
  // 3% slower: clearly outside the noise, but under the 5% threshold.
  auto r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                           if (i == 1) res[0] = result("gemm/fp64/m4096n4096k4096", "passed", {1.03, 1.03, 1.03});
                         }),
                         {});
  EXPECT_EQ(row(r, "n1", "m4096").verdict, "ok");
  // 8% slower on a fleet whose nodes spread by 10%: beyond the threshold, within the noise.
  r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                      const double t = i == 4 ? 1.18 : 1.0 + 0.05 * static_cast<double>(i);
                      res[0] = result("gemm/fp64/m4096n4096k4096", "passed", {t, t, t});
                    }),
                    {});
  const FleetRow& x = row(r, "n4", "m4096");
  EXPECT_LT(*x.deviation, -0.05);
  EXPECT_GT(*x.robust_z, -3.5);
  EXPECT_EQ(x.verdict, "ok");
  // A lower threshold makes the 3% node slow.
  r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                      if (i == 1) res[0] = result("gemm/fp64/m4096n4096k4096", "passed", {1.03, 1.03, 1.03});
                    }),
                    FleetOptions{0.02, 3.5});
  EXPECT_EQ(row(r, "n1", "m4096").verdict, "slow");
}

TEST(FleetReport, TwoNodesCannotOutvoteEachOther) {
  const auto r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                                 if (i == 1) res[0] = result("gemm/fp64/m4096n4096k4096", "passed", {2.0, 2.0, 2.0});
                               },
                               2),
                               {});
  EXPECT_EQ(r.slow_nodes, 0u);
}

TEST(FleetReport, WrongAnswersMissingCasesAndMissingNodesAreDefective) {
  const auto r = analyse_fleet(fleet_of(
                                   [](std::size_t i, std::vector<json>& res) {
                                     if (i == 0) res[0] = result("gemm/fp64/m4096n4096k4096", "failed", {1.0});
                                     if (i == 1) res[0] = result("gemm/fp64/m4096n4096k4096", "mistrusted", {0.1});
                                     if (i == 2) res.erase(res.begin());
                                     if (i == 3) res[0] = result("gemm/fp64/m4096n4096k4096", "skipped", {});
                                   },
                                   6, 5),
                               {});
  EXPECT_EQ(row(r, "n0", "m4096").verdict, "defective");
  EXPECT_NE(row(r, "n0", "m4096").reason.find("failed"), std::string::npos);
  EXPECT_EQ(row(r, "n1", "m4096").verdict, "defective");
  EXPECT_NE(row(r, "n2", "m4096").reason.find("missing case"), std::string::npos);
  EXPECT_NE(row(r, "n3", "m4096").reason.find("missing case: skipped here, passed on 1 nodes"), std::string::npos);
  EXPECT_EQ(verdict(r, "n5").verdict, "defective");
  EXPECT_NE(verdict(r, "n5").reason.find("missing node: planted"), std::string::npos);
  EXPECT_EQ(verdict(r, "n4").verdict, "ok");
  EXPECT_EQ(r.defective_nodes, 5u);
  EXPECT_EQ(r.measured_nodes, 5u);
}

TEST(FleetReport, ACaseSkippedEverywhereIsNotAFinding) {
  const auto r = analyse_fleet(fleet_of([](std::size_t, std::vector<json>& res) {
                                 res.push_back(result("gemm/fp64/m8192n8192k8192@cuda:0", "skipped", {}));
                               }),
                               {});
  EXPECT_EQ(r.defective_nodes, 0u);
  EXPECT_EQ(row(r, "n0", "m8192").verdict, "skipped");
}

TEST(FleetReport, ACaseListedTwiceCountsOncePerNode) {
  // Node 0 lists the case twice, its second result much faster: the fleet median and the peer
  // count stay those of one result per node.
  const auto r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                                 if (i == 0) res.push_back(result("gemm/fp64/m4096n4096k4096", "passed", {0.1, 0.1}));
                               }),
                               {});
  const FleetRow& x = row(r, "n1", "m4096");
  EXPECT_EQ(x.peers, 5u);
  EXPECT_NEAR(*x.median, 1.0 / 1.004 * 1e3, 1.0);
  EXPECT_EQ(r.slow_nodes + r.defective_nodes, 0u);
}

// An all-pairs interconnect result of node `rank` of `ranks`: each link 10 GB/s but those
// listed in `slow`, at 4 GB/s.
json pairs_result(int rank, int ranks, const std::vector<std::pair<int, int>>& slow) {
  json links = json::array();
  for (int from = 0; from < ranks; ++from) {
    if (from == rank) continue;
    const bool s = std::find(slow.begin(), slow.end(), std::pair{rank, from}) != slow.end();
    links.push_back(json{{"from_rank", from}, {"seconds", 0.01}, {"bytes_per_s", s ? 4e9 : 1e10 * (1 + 0.001 * from)}});
  }
  json r = result("net/fp64/pairs/b1048576", "passed", {0.1, 0.1});
  r["kernel"] = "net";
  r["backend"] = "mpi";
  r["work"] = {{"flops", 0.0}, {"bytes", 6e8}};
  r["details"] = {{"rank", rank}, {"ranks", ranks}, {"links", links}};
  return r;
}

TEST(FleetReport, ASlowLinkNamesItsTwoNodes) {
  const std::vector<std::pair<int, int>> slow{{1, 3}, {3, 1}};  // the link between n1 and n3, both ways
  const auto r = analyse_fleet(fleet_of([&](std::size_t i, std::vector<json>& res) {
                                 res.push_back(pairs_result(static_cast<int>(i), 6, slow));
                               },
                               6),
                               {});
  const FleetRow& link = row(r, "n1", "pairs/b1048576 <- n3");
  EXPECT_EQ(link.verdict, "slow");
  EXPECT_EQ(link.peers, 30u);  // every link of 6 nodes, each way
  EXPECT_NEAR(*link.value, 4.0, 1e-9);
  EXPECT_NE(link.reason.find("below the fleet median of 30 links"), std::string::npos) << link.reason;
  EXPECT_EQ(row(r, "n3", "pairs/b1048576 <- n1").verdict, "slow");
  for (const char* n : {"n1", "n3"}) EXPECT_EQ(verdict(r, n).verdict, "slow") << n;
  for (const char* n : {"n0", "n2", "n4", "n5"}) EXPECT_EQ(verdict(r, n).verdict, "ok") << n;
  EXPECT_EQ(row(r, "n0", "pairs/b1048576 <- n3").verdict, "ok");
}

TEST(FleetReport, RenderersNameTheOutlier) {
  const auto r = analyse_fleet(fleet_of([](std::size_t i, std::vector<json>& res) {
                                 if (i == 2) res[1] = result("gemm/fp64/m2048n2048k2048", "failed", {0.2});
                               }),
                               {});
  EXPECT_NE(render_fleet_table(r).find("n2: defective (gemm/openblas/fp64/m2048n2048k2048: failed: planted)"),
            std::string::npos)
      << render_fleet_table(r);
  EXPECT_NE(render_fleet_markdown(r).find("| n2 | `gemm/openblas/fp64/m2048n2048k2048` |"), std::string::npos);
  const auto j = render_fleet_json(r);
  EXPECT_EQ(j["defective_nodes"], 1);
  EXPECT_EQ(j["nodes"][2]["verdict"], "defective");
  const std::string csv = render_fleet_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "node,case,value,fleet_median,unit,deviation,robust_z,verdict,reason");
  EXPECT_NE(csv.find("\"n2\",\"gemm/openblas/fp64/m2048n2048k2048\",,"), std::string::npos) << csv;
}

TEST(FleetDocumentInput, BadFilesNameTheFileAndField) {
  auto error = [](const ijson& doc) {
    try {
      read_fleet(doc, "f.json");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const ijson good = ijson::parse(fleet_of([](std::size_t, std::vector<json>&) {}, 3).meta.dump());
  EXPECT_NE(error(ijson{{"schema", kResultSchemaId}}).find("f.json: schema: not a ccbench fleet document"),
            std::string::npos);
  ijson v = good;
  v["schema_version"] = 7;
  EXPECT_NE(error(v).find("f.json: schema_version: unsupported fleet schema version 7"), std::string::npos);
  EXPECT_NE(error(good).find("missing required field \"nodes\""), std::string::npos) << error(good);  // meta has none
  ijson with_node = good;
  with_node["nodes"] = ijson::array({ijson{{"rank", 0}, {"node", "a"}, {"status", "measured"},
                                           {"document", {{"schema", kResultSchemaId}, {"schema_version", 2}}}}});
  EXPECT_NE(error(with_node).find("f.json: nodes[0].document.schema_version: unsupported result schema version 2"),
            std::string::npos)
      << error(with_node);
  with_node["nodes"][0]["status"] = "lost";
  EXPECT_NE(error(with_node).find("nodes[0].status: expected \"measured\" or \"missing\""), std::string::npos);
}

// Nodes whose documents carry per-node FP64 figures (spec peak, sustained GEMM) in GFLOPS.
ijson rated_fleet(const std::vector<std::pair<double, double>>& gflops, bool one_missing) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < gflops.size() + one_missing; ++i) names.push_back("n" + std::to_string(i));
  FleetDocument doc({"ccbench", "run"}, json::object(), names);
  for (std::size_t i = 0; i < gflops.size(); ++i) {
    json d = node({result("gemm/fp64/m4096n4096k4096", "passed", {1.0})});
    d["ratings"]["per_node"]["fp64"] = {{"spec_peak_flops", gflops[i].first * 1e9},
                                        {"sustained_flops", gflops[i].second * 1e9}, {"missing", json::array()}};
    doc.set_document(static_cast<int>(i), d);
  }
  if (one_missing) doc.set_missing(static_cast<int>(gflops.size()), "planted");
  return ijson::parse(doc.to_json().dump());
}

TEST(FleetRating, SumsTheMeasuredNodesAndCountsTheRestAtTheMedian) {
  const auto bases = RatingBasis::load_all(config_dir() / "ratings");
  const auto centers = Center::load_all(config_dir() / "centers");
  const ijson fleet = rated_fleet({{100, 50}, {100, 60}, {130, 70}}, true);
  RateRequest req;
  req.basis = "fp64";
  json r = rate_report(fleet, "f.json", req, bases, centers);
  EXPECT_EQ(r["nodes"], 3);
  EXPECT_NEAR(r["bases"][0]["installed"].get<double>(), 330e9, 1);
  EXPECT_NEAR(r["bases"][0]["measured"].get<double>(), 180e9, 1);
  EXPECT_NE(r["notes"].dump().find("1 of the fleet's 4 nodes are missing: not counted"), std::string::npos) << r["notes"];

  req.nodes = 5;  // two more nodes than measured: at the medians, 100 and 60 GFLOPS
  r = rate_report(fleet, "f.json", req, bases, centers);
  EXPECT_NEAR(r["bases"][0]["installed"].get<double>(), 530e9, 1);
  EXPECT_NEAR(r["bases"][0]["measured"].get<double>(), 300e9, 1);
  EXPECT_NE(r["notes"].dump().find("3 of the 5 nodes were measured; the other 2 are counted at the fleet median"),
            std::string::npos);

  req.nodes = 2;
  EXPECT_THROW(rate_report(fleet, "f.json", req, bases, centers), UsageError);
}

}  // namespace
}  // namespace ccb
