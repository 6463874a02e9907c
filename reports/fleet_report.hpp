#pragma once
// Which nodes of a fleet are slow or broken. Per case, each node's median rate against the
// fleet median over the nodes where the case passed, with a robust z score (median absolute
// deviation). The rules, in order:
// - a missing node (no result document) is defective;
// - a case that failed, was mistrusted or errored on a node is defective there, but for an
//   interconnect case that did not pass while a node of the fleet is missing (its partner may be
//   the missing one): that is "unjudged";
// - a case that passed on some node but is absent, skipped or unsupported on another is
//   defective there ("missing case");
// - a passed case more than `threshold` below the fleet median and with a robust z below
//   -z_limit is slow (with a MAD of 0, the deviation alone decides); it takes at least three
//   nodes with the case passed, since with two there is no majority to call one of them slow;
// - an all-pairs interconnect case also gives a row per link into the node ("<case> <- <node>"),
//   judged by the same slow rule against every link of that case in the fleet: a slow link makes
//   both its nodes slow;
// - a case a suite lists twice counts once per node (its first result);
// - everything else is ok.
// - with baselines (one per node type, configs/baselines/ format, naming the system in "match"):
//   each node that a baseline's "match" fits is also judged against its references; a rate
//   below the bounds is slow, a missing or not-passed case defective.
// A node's verdict is its worst case's: defective, then slow, then ok.
// Results measured across the whole fleet at once (HPL over every node) are rows of "all nodes".
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/fleet.hpp"

namespace ccb {

struct FleetOptions {
  double threshold = 0.05;  // relative deviation below the fleet median
  double z_limit = 3.5;     // robust z beyond which a deviation is not noise
  std::vector<std::filesystem::path> baselines;  // per node type; UsageError for a bad file
};

struct FleetRow {
  std::string node, key, unit, verdict, reason;  // verdict: ok, slow, defective
  std::optional<double> value, median, deviation, robust_z;
  std::size_t peers = 0;  // nodes with this case passed
};

struct FleetNodeVerdict {
  std::string node, verdict, reason;  // reason: the first finding that set the verdict
};

struct FleetReport {
  std::string source;
  FleetOptions options;
  std::vector<FleetRow> rows;
  std::vector<FleetNodeVerdict> nodes;
  std::size_t measured_nodes = 0, slow_nodes = 0, defective_nodes = 0;
  std::size_t fleet_wide_failures = 0;  // fleet-wide results (HPL across every node) that failed or errored
};

FleetReport analyse_fleet(const Fleet& fleet, const FleetOptions& o);

std::string render_fleet_table(const FleetReport& r);
std::string render_fleet_markdown(const FleetReport& r);
nlohmann::ordered_json render_fleet_json(const FleetReport& r);
std::string render_fleet_csv(const FleetReport& r);

}  // namespace ccb
