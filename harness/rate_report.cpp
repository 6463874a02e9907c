#include "harness/rate_report.hpp"

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"

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

json rate_report(const ijson& doc, const std::string& source, const RateRequest& req,
                 const std::vector<RatingBasis>& bases, const std::vector<Center>& centers) {
  const Where w{source, ""};
  const ijson& per_node = per_node_ratings(doc, w);
  if (req.nodes <= 0) throw UsageError(fmt::format("--nodes: expected a positive integer, got {}", req.nodes));
  if (req.declared && req.center)
    throw UsageError("--declared and --center both give a rating to compare with: use one of them");
  const Center* center = req.center ? find_center(centers, *req.center) : nullptr;
  const Selection selection = select_bases(req, bases, center);
  const std::optional<double> declared = center ? std::optional<double>(center->rating) : req.declared;

  json rows = json::array();
  for (const auto* b : selection.bases) {
    if (!per_node.contains(b->id)) w["ratings"]["per_node"].fail(fmt::format("no figures on basis {}", b->id));
    const ijson& f = per_node[b->id];
    if (selection.explicit_basis && number_or_null(f, "spec_peak_flops").is_null() &&
        number_or_null(f, "sustained_flops").is_null()) {
      std::string what;
      for (const auto& m : f.value("missing", ijson::array())) what += (what.empty() ? "" : "; ") + m.get<std::string>();
      throw UsageError(fmt::format("{}: nothing to rate on basis {}: {}", source, b->id, what));
    }
    rows.push_back(basis_row(*b, f, req, declared));
  }

  const ijson sys = doc.value("system", ijson::object());
  return json{{"result", source},
              {"hostname", sys.value("hostname", "unknown")},
              {"cpu", sys.value("cpu", ijson::object()).value("model", "unknown")},
              {"nodes", req.nodes},
              {"declared_flops", declared ? json(*declared) : json(nullptr)},
              {"center", center ? center_json(*center) : json(nullptr)},
              {"convention", req.convention ? convention_json(*req.convention) : json(nullptr)},
              {"bases", rows},
              {"notes", selection.notes}};
}

}  // namespace ccb
