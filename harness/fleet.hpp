#pragma once
// The fleet document: one file for a run on many nodes at once (one rank per node). It holds
// the run's metadata and, per node, an ordinary result document (the same schema as a
// single-node run, so every command that reads a result reads a node), or the reason the node
// is missing. Rank 0 rewrites it atomically as each node's document arrives.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/json_input.hpp"
#include "kernels/common/problem.hpp"

namespace ccb {

inline constexpr const char* kFleetSchemaId = "urn:ccbench:schema:fleet:1";
inline constexpr int kFleetSchemaVersion = 1;

struct FleetNode {
  int rank = 0;
  std::string node;    // SLURMD_NODENAME, --node-name, or MPI_Get_processor_name
  std::string status;  // "measured" (document present) or "missing"
  std::string reason;  // why missing; for a measured node, a remark or empty
  json document;       // the node's result document; null when missing
};

struct Fleet;

class FleetDocument {
 public:
  // One slot per rank, all "missing: no document received yet" until set().
  FleetDocument(std::vector<std::string> argv, json suite, std::vector<std::string> node_names);
  void set_document(int rank, json document);
  void set_missing(int rank, const std::string& reason);
  // A remark on a measured node (its "reason" field), e.g. that it stopped answering later.
  void set_note(int rank, const std::string& note);
  // A result measured across the whole fleet at once (HPL over every node), beside the nodes'.
  void add_fleet_result(json result);
  // Marks the gathering over: `complete` when every node's document arrived.
  void finish(double gather_seconds);
  const std::vector<FleetNode>& nodes() const { return nodes_; }
  // Nodes whose document arrived.
  std::size_t measured() const;
  // The document as ccbench fleet reads it (read_fleet of to_json()).
  Fleet as_fleet(const std::string& source) const;
  json to_json() const;
  // Atomic; throws UsageError when the file cannot be written.
  void write(const std::filesystem::path& path) const;

 private:
  std::vector<std::string> argv_;
  json suite_;
  std::string run_id_, started_at_, ended_at_;
  std::optional<double> gather_seconds_;
  std::vector<FleetNode> nodes_;
  json fleet_results_ = json::array();
};

// Whether `doc` claims to be a fleet document (its "schema").
bool is_fleet_document(const ijson& doc);

struct Fleet {
  std::string source;
  ijson meta;  // the document less its nodes
  std::vector<FleetNode> nodes;
  json fleet_results;  // results measured across the whole fleet (fleet-wide HPL); an array
};
// A fleet-wide result's name as ccbench fleet and rate show it: kernel/backend/dtype/problem.
std::string fleet_result_key(const json& result);

// Reads a fleet document: UsageError naming the file and field for one that is not a fleet
// document, another fleet schema version, or a node document that is not a result document of
// the version this ccbench reads.
Fleet read_fleet(const ijson& doc, const std::string& source);

}  // namespace ccb
