#include "harness/fleet.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "harness/document.hpp"

namespace ccb {

FleetDocument::FleetDocument(std::vector<std::string> argv, json suite, std::vector<std::string> node_names)
    : argv_(std::move(argv)), suite_(std::move(suite)), run_id_(new_run_id()), started_at_(utc_now_iso()) {
  for (std::size_t r = 0; r < node_names.size(); ++r)
    nodes_.push_back({static_cast<int>(r), node_names[r], "missing", "no document received yet", nullptr});
}

void FleetDocument::set_document(int rank, json document) {
  FleetNode& n = nodes_.at(static_cast<std::size_t>(rank));
  n.status = "measured";
  n.reason.clear();
  n.document = std::move(document);
}

void FleetDocument::set_missing(int rank, const std::string& reason) {
  FleetNode& n = nodes_.at(static_cast<std::size_t>(rank));
  n.status = "missing";
  n.reason = reason;
  n.document = nullptr;
}

void FleetDocument::set_note(int rank, const std::string& note) { nodes_.at(static_cast<std::size_t>(rank)).reason = note; }

void FleetDocument::add_fleet_result(json result) { fleet_results_.push_back(std::move(result)); }

void FleetDocument::finish(double gather_seconds) {
  ended_at_ = utc_now_iso();
  gather_seconds_ = gather_seconds;
}

std::size_t FleetDocument::measured() const {
  return static_cast<std::size_t>(
      std::count_if(nodes_.begin(), nodes_.end(), [](const FleetNode& n) { return n.status == "measured"; }));
}

Fleet FleetDocument::as_fleet(const std::string& source) const { return read_fleet(ijson::parse(to_json().dump()), source); }

json FleetDocument::to_json() const {
  json nodes = json::array();
  const std::size_t measured = this->measured();
  for (const auto& n : nodes_) {
    nodes.push_back(json{{"rank", n.rank},
                         {"node", n.node},
                         {"status", n.status},
                         {"reason", n.reason.empty() ? json(nullptr) : json(n.reason)},
                         {"document", n.document}});
  }
  const char* status = ended_at_.empty() ? "gathering" : measured == nodes_.size() ? "complete" : "incomplete";
  json j = document_head(kFleetSchemaId, kFleetSchemaVersion, run_id_, argv_, started_at_, ended_at_, status);
  j.update(json{{"gather_seconds", gather_seconds_ ? json(*gather_seconds_) : json(nullptr)},
                {"suite", suite_},
                {"ranks", nodes_.size()},
                {"measured_nodes", measured},
                {"fleet_results", fleet_results_},
                {"nodes", nodes}});
  return j;
}

void FleetDocument::write(const std::filesystem::path& path) const { write_document(path, to_json(), "fleet"); }

bool is_fleet_document(const ijson& doc) {
  return doc.is_object() && doc.contains("schema") && doc["schema"].is_string() &&
         doc["schema"].get<std::string>().rfind("urn:ccbench:schema:fleet:", 0) == 0;
}

std::string fleet_result_key(const json& result) {
  const std::string problem = result.value("problem_id", "");
  return result.value("kernel", "") + "/" + result.value("backend", "") + "/" + problem.substr(problem.find('/') + 1);
}

Fleet read_fleet(const ijson& doc, const std::string& source) {
  const Where w{source, ""};
  if (!is_fleet_document(doc) || doc["schema"] != kFleetSchemaId)
    w["schema"].fail(fmt::format("not a ccbench fleet document (expected \"{}\")", kFleetSchemaId));
  if (!doc.contains("schema_version") || doc["schema_version"] != kFleetSchemaVersion)
    w["schema_version"].fail(fmt::format("unsupported fleet schema version {} (this ccbench reads {})",
                                         doc.value("schema_version", ijson()).dump(), kFleetSchemaVersion));
  const auto& nodes = required(doc, "nodes", w);
  if (!nodes.is_array() || nodes.empty()) w["nodes"].fail("expected a non-empty array of nodes");
  Fleet f{source, doc, {}, json::array()};
  f.meta.erase("nodes");
  if (doc.contains("fleet_results")) {
    const auto& fr = doc["fleet_results"];
    if (!fr.is_array()) w["fleet_results"].fail("expected an array of results");
    for (std::size_t i = 0; i < fr.size(); ++i)
      if (!fr[i].is_object() || !fr[i].value("kernel", ijson()).is_string() || !fr[i].value("status", ijson()).is_string())
        w["fleet_results"][i].fail("expected a result (an object with kernel and status)");
    f.fleet_results = json::parse(fr.dump());
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Where wn = w["nodes"][i];
    const auto& n = nodes[i];
    FleetNode node;
    node.rank = static_cast<int>(required(n, "rank", wn).is_number_integer() ? n["rank"].get<int>() : -1);
    if (node.rank < 0) wn["rank"].fail("expected a non-negative integer");
    node.node = string_field(n, "node", wn);
    node.status = string_field(n, "status", wn);
    if (node.status != "measured" && node.status != "missing")
      wn["status"].fail(fmt::format("expected \"measured\" or \"missing\", got \"{}\"", node.status));
    node.reason = n.value("reason", ijson()).is_string() ? n["reason"].get<std::string>() : "";
    if (node.status == "measured") {
      const auto& d = required(n, "document", wn);
      if (!d.is_object() || d.value("schema", "") != kResultSchemaId)
        wn["document"].fail(fmt::format("not a ccbench result document (expected \"schema\": \"{}\")", kResultSchemaId));
      if (d.value("schema_version", ijson()) != kResultSchemaVersion)
        wn["document"]["schema_version"].fail(fmt::format("unsupported result schema version {} (this ccbench reads {})",
                                                          d.value("schema_version", ijson()).dump(), kResultSchemaVersion));
      node.document = json::parse(d.dump());
    }
    f.nodes.push_back(std::move(node));
  }
  return f;
}

}  // namespace ccb
