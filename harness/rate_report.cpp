#include "harness/rate_report.hpp"

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/fleet.hpp"
#include "harness/result.hpp"

namespace ccb {
namespace {

json ratio_or_null(const json& num, const json& den) {
  if (!num.is_number() || !den.is_number() || den.get<double>() <= 0) return nullptr;
  return num.get<double>() / den.get<double>();
}

json product_or_null(const json& x, double k) { return x.is_number() ? json(x.get<double>() * k) : json(nullptr); }

json number_or_null(const ijson& obj, const char* key) {
  return obj.value(key, ijson()).is_number() ? json(obj[key].get<double>()) : json(nullptr);
}

// The per-node ratings of a result document; UsageError for anything else.
const ijson& per_node_ratings(const ijson& doc, const Where& w) {
  if (!doc.is_object() || doc.value("schema", "") != kResultSchemaId)
    w.fail(fmt::format("not a ccbench result file (expected \"schema\": \"{}\")", kResultSchemaId));
  if (!doc.contains("schema_version") || doc["schema_version"] != 1)
    w["schema_version"].fail(fmt::format("unsupported result schema version {} (this ccbench reads 1)",
                                         doc.value("schema_version", ijson()).dump()));
  if (!doc.contains("ratings") || !doc["ratings"].contains("per_node") || !doc["ratings"]["per_node"].is_object())
    w["ratings"].fail("missing: the file has no per-node ratings (run it again with this ccbench)");
  return doc["ratings"]["per_node"];
}

const Center* find_center(const std::vector<Center>& centers, const std::string& id) {
  for (const auto& c : centers)
    if (c.id == id) return &c;
  std::string list;
  for (const auto& c : centers) list += (list.empty() ? "" : ", ") + c.id;
  throw UsageError(fmt::format("--center: unknown center \"{}\" (known: {})", id, list));
}

// The bases to rate on: --basis, else the center's stated basis, else all of them (with a note
// that none is more right than another).
struct Selection {
  std::vector<const RatingBasis*> bases;
  bool explicit_basis = false;  // one basis was asked for: it must have figures
  json notes = json::array();
};

Selection select_bases(const RateRequest& req, const std::vector<RatingBasis>& bases, const Center* center) {
  auto known_bases = [&] {
    std::string s;
    for (const auto& b : bases) s += (s.empty() ? "" : ", ") + b.id;
    return s;
  };
  auto find_basis = [&](const std::string& id) -> const RatingBasis* {
    for (const auto& b : bases)
      if (b.id == id) return &b;
    return nullptr;
  };
  Selection s;
  if (req.basis) {
    const auto* b = find_basis(*req.basis);
    if (!b) throw UsageError(fmt::format("--basis: unknown basis \"{}\" (known: {})", *req.basis, known_bases()));
    s.bases.push_back(b);
    s.explicit_basis = true;
    if (center && center->basis != "not stated" && center->basis != b->id)
      s.notes.push_back(fmt::format("{} states its rating on basis {}, compared here on basis {}: the figures are "
                                    "not on the same basis", center->id, center->basis, b->id));
  } else if (center && center->basis != "not stated") {
    const auto* b = find_basis(center->basis);
    if (!b) throw UsageError(fmt::format("center {}: basis \"{}\" is not a known basis ({})", center->id, center->basis, known_bases()));
    s.bases.push_back(b);
    s.explicit_basis = true;
  } else {
    for (const auto& b : bases) s.bases.push_back(&b);
    if (center)
      s.notes.push_back(fmt::format("{} does not state the precision of its rating: it is compared on every basis, "
                                    "and no basis is more right than another", center->id));
  }
  return s;
}

// One basis: the node's figures times the node count, under the convention and against the
// declared rating when given.
json basis_row(const RatingBasis& b, const ijson& f, const RateRequest& req, std::optional<double> declared) {
  const double n = static_cast<double>(req.nodes);
  const json spec = number_or_null(f, "spec_peak_flops"), sus = number_or_null(f, "sustained_flops");
  json missing = json::array();
  for (const auto& m : f.value("missing", ijson::array())) missing.push_back(m.get<std::string>());
  json row{{"basis", b.id},
           {"title", b.title},
           {"unit", b.unit},
           {"spec_peak_per_node", spec},
           {"sustained_per_node", sus},
           {"installed", product_or_null(spec, n)},
           {"measured", product_or_null(sus, n)},
           {"measured_vs_installed", ratio_or_null(sus, spec)},
           {"sustained_from", json::parse(f.value("sustained_detail", ijson::array()).dump())},
           {"missing", missing}};
  if (req.convention) {
    const auto it = req.convention->factors.find(b.id);
    if (it == req.convention->factors.end()) {
      row["under_convention"] = nullptr;
      missing.push_back(fmt::format("convention {} gives no factor for basis {}", req.convention->id, b.id));
      row["missing"] = missing;
    } else {
      row["under_convention"] = json{{"factor", it->second},
                                     {"installed", product_or_null(spec, n * it->second)},
                                     {"measured", product_or_null(sus, n * it->second)}};
    }
  }
  if (declared) {
    const json d = *declared;
    row["vs_declared"] = json{{"installed", ratio_or_null(product_or_null(spec, n), d)},
                              {"measured", ratio_or_null(product_or_null(sus, n), d)}};
    row["nodes_for_declared"] = json{{"at_spec_peak", ratio_or_null(d, spec)}, {"at_sustained", ratio_or_null(d, sus)}};
  }
  return row;
}

json center_json(const Center& c) {
  return json{{"id", c.id},
              {"name", c.name},
              {"rating", c.rating_text},
              {"rating_flops", c.rating},
              {"basis", c.basis},
              {"basis_note", c.basis_note},
              {"scope", c.scope},
              {"date", c.date ? json(*c.date) : json(nullptr)},
              {"hardware", c.hardware ? json(*c.hardware) : json(nullptr)},
              {"source", c.source}};
}

json convention_json(const Convention& c) {
  return json{{"id", c.id}, {"title", c.title}, {"target", c.target}, {"source", c.source}};
}

}  // namespace

namespace {

// The figures on every basis and the report around them; `per_node` holds, per basis id, the
// figures of one node (spec_peak_flops, sustained_flops, missing), `head` the report's identity
// fields and `notes` what the caller has to say about the figures.
json rate_figures(const ijson& per_node, const Where& w, const RateRequest& req, const std::vector<RatingBasis>& bases,
                  const std::vector<Center>& centers, json head, const json& notes) {
  if (req.declared && req.center)
    throw UsageError("--declared and --center both give a rating to compare with: use one of them");
  const Center* center = req.center ? find_center(centers, *req.center) : nullptr;
  Selection selection = select_bases(req, bases, center);
  const std::optional<double> declared = center ? std::optional<double>(center->rating) : req.declared;

  json rows = json::array();
  for (const auto* b : selection.bases) {
    if (!per_node.contains(b->id)) w["ratings"]["per_node"].fail(fmt::format("no figures on basis {}", b->id));
    const ijson& f = per_node[b->id];
    if (selection.explicit_basis && number_or_null(f, "spec_peak_flops").is_null() &&
        number_or_null(f, "sustained_flops").is_null()) {
      std::string what;
      for (const auto& m : f.value("missing", ijson::array())) what += (what.empty() ? "" : "; ") + m.get<std::string>();
      throw UsageError(fmt::format("{}: nothing to rate on basis {}: {}", w.source, b->id, what));
    }
    json row = basis_row(*b, f, req, declared);
    if (f.contains("fleet")) row["fleet"] = json::parse(f["fleet"].dump());
    rows.push_back(std::move(row));
  }
  for (const auto& n : notes) selection.notes.push_back(n);
  head.update(json{{"nodes", req.nodes},
                   {"declared_flops", declared ? json(*declared) : json(nullptr)},
                   {"center", center ? center_json(*center) : json(nullptr)},
                   {"convention", req.convention ? convention_json(*req.convention) : json(nullptr)},
                   {"bases", rows},
                   {"notes", selection.notes}});
  return head;
}

// One basis over a fleet: the measured nodes' figures summed, nodes beyond them (up to `nodes`)
// at the fleet median, expressed per node (the total over `nodes`) so that the projection to
// `nodes` gives the total; "fleet" holds the sums, medians and counts.
ijson fleet_basis(const Fleet& fleet, const std::string& basis, std::int64_t measured, std::int64_t nodes) {
  std::vector<double> spec, sustained;
  for (const auto& n : fleet.nodes) {
    if (n.status != "measured") continue;
    const json& f = n.document.value("ratings", json::object()).value("per_node", json::object()).value(basis, json::object());
    if (f.value("spec_peak_flops", json()).is_number()) spec.push_back(f["spec_peak_flops"].get<double>());
    if (f.value("sustained_flops", json()).is_number()) sustained.push_back(f["sustained_flops"].get<double>());
  }
  auto total = [&](const std::vector<double>& v) -> ijson {
    if (v.empty()) return nullptr;
    double sum = 0;
    for (double x : v) sum += x;
    // A measured node without the figure adds nothing; only nodes beyond those measured count
    // at the median.
    return (sum + static_cast<double>(nodes - measured) * median_of(v)) / static_cast<double>(nodes);
  };
  ijson missing = ijson::array();
  if (spec.empty()) missing.push_back(fmt::format("no node of the fleet has a peak on basis {}", basis));
  if (sustained.empty()) missing.push_back(fmt::format("no node of the fleet has a passed GEMM or HPL on basis {}", basis));
  return ijson{{"spec_peak_flops", total(spec)},
               {"sustained_flops", total(sustained)},
               {"missing", missing},
               {"fleet", {{"nodes_with_spec_peak", spec.size()},
                          {"nodes_with_sustained", sustained.size()},
                          {"spec_peak_median", spec.empty() ? ijson() : ijson(median_of(spec))},
                          {"sustained_median", sustained.empty() ? ijson() : ijson(median_of(sustained))}}}};
}

// The best passed fleet-wide HPL run (the fleet's Rmax) on a basis' dtypes, and its result's name.
std::optional<std::pair<double, std::string>> fleet_rmax(const Fleet& fleet, const RatingBasis& b) {
  std::optional<std::pair<double, std::string>> best;
  for (const auto& r : fleet.fleet_results) {
    if (r.value("kernel", "") != "hpl" || r.value("status", "") != "passed") continue;
    if (std::find(b.sustained_dtypes.begin(), b.sustained_dtypes.end(), r.value("dtype", "")) == b.sustained_dtypes.end())
      continue;
    const json rate = headline(r).value("best", json());
    if (rate.is_number() && (!best || rate.get<double>() * 1e9 > best->first))
      best = {{rate.get<double>() * 1e9, fleet_result_key(r)}};
  }
  return best;
}

json rate_fleet(const Fleet& fleet, const RateRequest& req, const std::vector<RatingBasis>& bases,
                const std::vector<Center>& centers) {
  const Where w{fleet.source, ""};
  std::int64_t measured = 0;
  std::string cpu;
  for (const auto& n : fleet.nodes)
    if (n.status == "measured") {
      ++measured;
      const std::string model = n.document.value("system", json::object()).value("cpu", json::object()).value("model", "unknown");
      cpu = cpu.empty() || cpu == model ? model : "mixed CPU models";
    }
  if (measured == 0) w["nodes"].fail("no node of this fleet was measured: nothing to rate");
  const std::int64_t nodes = req.nodes > 0 ? req.nodes : measured;
  if (nodes < measured)
    throw UsageError(fmt::format("--nodes {}: the fleet has {} measured nodes; give at least that many (or none)", nodes,
                                 measured));
  ijson per_node = ijson::object();
  json notes = json::array();
  for (const auto& b : bases) {
    per_node[b.id] = fleet_basis(fleet, b.id, measured, nodes);
    // HPL across the whole fleet is its Rmax: one figure, not a sum of nodes.
    if (const auto rmax = fleet_rmax(fleet, b)) {
      ijson& f = per_node[b.id];
      f["fleet"]["sum_of_nodes_sustained"] = f["sustained_flops"].is_number()
                                                 ? ijson(f["sustained_flops"].get<double>() * static_cast<double>(nodes))
                                                 : ijson();
      f["fleet"]["rmax"] = rmax->first;
      f["sustained_flops"] = rmax->first / static_cast<double>(measured);
      f["sustained_detail"] = ijson::array({ijson{{"device", "fleet"}, {"result", rmax->second}, {"flops", rmax->first},
                                                  {"measure", "hpl"}}});
      notes.push_back(fmt::format("{}: measured is Rmax of HPL across all {} measured nodes at once ({}){}", b.id,
                                  measured, rmax->second,
                                  nodes > measured ? ", scaled linearly to the nodes not measured" : ""));
    }
  }
  const auto lost = static_cast<std::int64_t>(fleet.nodes.size()) - measured;
  if (lost > 0) notes.push_back(fmt::format("{} of the fleet's {} nodes are missing: not counted", lost, fleet.nodes.size()));
  if (nodes > measured)
    notes.push_back(fmt::format("{} of the {} nodes were measured; the other {} are counted at the fleet median",
                                measured, nodes, nodes - measured));
  RateRequest r = req;
  r.nodes = nodes;
  return rate_figures(per_node, w, r, bases, centers,
                      json{{"result", fleet.source},
                           {"hostname", fmt::format("fleet of {} measured nodes", measured)},
                           {"cpu", cpu},
                           {"fleet", {{"ranks", fleet.nodes.size()}, {"measured_nodes", measured}, {"extrapolated_nodes", nodes - measured}}}},
                      notes);
}

}  // namespace

json rate_report(const ijson& doc, const std::string& source, const RateRequest& req,
                 const std::vector<RatingBasis>& bases, const std::vector<Center>& centers) {
  if (req.nodes < 0) throw UsageError(fmt::format("--nodes: expected a positive integer, got {}", req.nodes));
  if (is_fleet_document(doc)) return rate_fleet(read_fleet(doc, source), req, bases, centers);
  const Where w{source, ""};
  const ijson& per_node = per_node_ratings(doc, w);
  if (req.nodes <= 0)
    throw UsageError(fmt::format("--nodes is required for the result of one node: how many such nodes to project to "
                                 "(a fleet document counts its own)"));
  const ijson sys = doc.value("system", ijson::object());
  return rate_figures(per_node, w, req, bases, centers,
                      json{{"result", source},
                           {"hostname", sys.value("hostname", "unknown")},
                           {"cpu", sys.value("cpu", ijson::object()).value("model", "unknown")}},
                      json::array());
}

}  // namespace ccb
