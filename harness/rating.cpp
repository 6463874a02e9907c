#include "harness/rating.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"
#include "harness/units.hpp"

namespace ccb {
namespace {

std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  if (ec) throw UsageError(fmt::format("{}: cannot list directory: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string RatingBasis::label() const {
  std::string s;
  for (const auto& d : sustained_dtypes) s += (s.empty() ? "" : "/") + upper(d);
  return s;
}

std::vector<RatingBasis> RatingBasis::load_all(const std::filesystem::path& dir) {
  std::vector<RatingBasis> out;
  for (const auto& path : json_files(dir)) {
    const ijson j = read_json_file(path, "rating basis");
    const Where w{path.string(), ""};
    reject_unknown_keys(j, w, {"id", "title", "unit", "description", "spec_precisions", "sustained_dtypes", "source"});
    RatingBasis b;
    b.id = string_field(j, "id", w);
    b.title = string_field(j, "title", w);
    b.unit = string_field(j, "unit", w);
    if (b.unit != "FLOPS" && b.unit != "OPS") w["unit"].fail(fmt::format("expected \"FLOPS\" or \"OPS\", got \"{}\"", b.unit));
    b.description = string_field(j, "description", w);
    b.source = string_field(j, "source", w);
    b.spec_precisions = strings(required(j, "spec_precisions", w), w["spec_precisions"]);
    b.sustained_dtypes = strings(required(j, "sustained_dtypes", w), w["sustained_dtypes"]);
    for (const auto& d : b.sustained_dtypes)
      if (!parse_dtype(d)) w["sustained_dtypes"].fail(fmt::format("unknown dtype \"{}\"", d));
    out.push_back(b);
  }
  return out;
}

std::vector<Center> Center::load_all(const std::filesystem::path& dir) {
  std::vector<Center> out;
  for (const auto& path : json_files(dir)) {
    const ijson j = read_json_file(path, "center file");
    const Where w{path.string(), ""};
    reject_unknown_keys(j, w, {"id", "name", "rating", "basis", "basis_note", "scope", "date", "hardware", "source"});
    Center c;
    c.id = string_field(j, "id", w);
    c.name = string_field(j, "name", w);
    c.rating_text = string_field(j, "rating", w);
    const auto r = parse_si(c.rating_text);
    if (!r) w["rating"].fail(fmt::format("expected a quantity such as \"40 PFLOPS\", got \"{}\"", c.rating_text));
    c.rating = *r;
    c.basis = string_field(j, "basis", w);
    c.scope = string_field(j, "scope", w);
    c.source = string_field(j, "source", w);
    if (j.contains("basis_note") && j["basis_note"].is_string()) c.basis_note = j["basis_note"];
    if (j.contains("date") && j["date"].is_string()) c.date = j["date"].get<std::string>();
    if (j.contains("hardware") && j["hardware"].is_string()) c.hardware = j["hardware"].get<std::string>();
    out.push_back(c);
  }
  return out;
}

Convention Convention::load(const std::filesystem::path& path) {
  const ijson j = read_json_file(path, "convention file");
  const Where w{path.string(), ""};
  reject_unknown_keys(j, w, {"id", "title", "target", "description", "factors", "source"});
  Convention c;
  c.id = string_field(j, "id", w);
  c.title = string_field(j, "title", w);
  c.target = string_field(j, "target", w);
  c.source = string_field(j, "source", w);
  if (j.contains("description") && j["description"].is_string()) c.description = j["description"];
  const auto& f = required(j, "factors", w);
  if (!f.is_object() || f.empty()) w["factors"].fail("expected an object of basis: factor");
  for (const auto& [basis, factor] : f.items()) c.factors[basis] = positive_number(factor, w["factors"][basis]);
  return c;
}

json node_ratings(const std::vector<RatingBasis>& bases, const PeakModel& peaks,
                  const std::vector<Result>& results) {
  json out = json::object();
  for (const auto& b : bases) {
    double spec = 0, sustained = 0;
    json spec_detail = json::array(), sustained_detail = json::array(), missing = json::array();
    for (const auto& dev : peaks.devices()) {
      const PrecisionPeak* best = nullptr;
      for (const auto& p : b.spec_precisions)
        if (const auto* pp = dev.find(p); pp && pp->theoretical_nominal &&
                                           (!best || *pp->theoretical_nominal > *best->theoretical_nominal))
          best = pp;
      if (best) {
        spec += *best->theoretical_nominal;
        spec_detail.push_back(json{{"device", dev.device},
                                   {"precision", best->precision},
                                   {"flops", *best->theoretical_nominal},
                                   {"formula", best->formula},
                                   {"certainty", best->certainty}});
      }
    }
    // Best passed GEMM per device on this basis' dtypes.
    std::vector<std::pair<std::string, const Result*>> best_gemm;
    for (const auto& r : results) {
      if (r.kernel != "gemm" || r.status != Status::passed || !r.rate()) continue;
      if (std::find(b.sustained_dtypes.begin(), b.sustained_dtypes.end(), r.dtype) == b.sustained_dtypes.end())
        continue;
      auto it = std::find_if(best_gemm.begin(), best_gemm.end(), [&](const auto& e) { return e.first == r.device; });
      if (it == best_gemm.end())
        best_gemm.emplace_back(r.device, &r);
      else if (r.rate()->median > it->second->rate()->median)
        it->second = &r;
    }
    for (const auto& [device, r] : best_gemm) {
      sustained += r->rate()->median * 1e9;
      sustained_detail.push_back(json{{"device", device}, {"result", r->name()}, {"flops", r->rate()->median * 1e9}});
    }
    if (spec_detail.empty()) missing.push_back(fmt::format("no {} peak known for any device of this node", b.label()));
    if (sustained_detail.empty()) missing.push_back(fmt::format("no passed {} GEMM in this result", b.label()));
    out[b.id] = json{{"title", b.title},
                     {"unit", b.unit},
                     {"spec_peak_flops", spec_detail.empty() ? json(nullptr) : json(spec)},
                     {"sustained_flops", sustained_detail.empty() ? json(nullptr) : json(sustained)},
                     {"spec_detail", spec_detail},
                     {"sustained_detail", sustained_detail},
                     {"missing", missing}};
  }
  return out;
}

}  // namespace ccb

namespace ccb {
namespace {

json ratio_or_null(const json& num, const json& den) {
  if (!num.is_number() || !den.is_number() || den.get<double>() <= 0) return nullptr;
  return num.get<double>() / den.get<double>();
}

json product_or_null(const json& x, double k) { return x.is_number() ? json(x.get<double>() * k) : json(nullptr); }

}  // namespace

json rate_report(const ijson& doc, const std::string& source, const RateRequest& req,
                 const std::vector<RatingBasis>& bases, const std::vector<Center>& centers) {
  const Where w{source, ""};
  if (!doc.is_object() || doc.value("schema", "") != kResultSchemaId)
    w.fail(fmt::format("not a ccbench result file (expected \"schema\": \"{}\")", kResultSchemaId));
  if (!doc.contains("schema_version") || doc["schema_version"] != 1)
    w["schema_version"].fail(fmt::format("unsupported result schema version {} (this ccbench reads 1)",
                                         doc.value("schema_version", ijson()).dump()));
  if (!doc.contains("ratings") || !doc["ratings"].contains("per_node") || !doc["ratings"]["per_node"].is_object())
    w["ratings"].fail("missing: the file has no per-node ratings (run it again with this ccbench)");
  const ijson& per_node = doc["ratings"]["per_node"];
  if (req.nodes <= 0) throw UsageError(fmt::format("--nodes: expected a positive integer, got {}", req.nodes));
  if (req.declared && req.center)
    throw UsageError("--declared and --center both give a rating to compare with: use one of them");

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

  const Center* center = nullptr;
  if (req.center) {
    for (const auto& c : centers)
      if (c.id == *req.center) center = &c;
    if (!center) {
      std::string list;
      for (const auto& c : centers) list += (list.empty() ? "" : ", ") + c.id;
      throw UsageError(fmt::format("--center: unknown center \"{}\" (known: {})", *req.center, list));
    }
  }

  json notes = json::array();
  std::vector<const RatingBasis*> selected;
  bool explicit_basis = false;
  if (req.basis) {
    const auto* b = find_basis(*req.basis);
    if (!b) throw UsageError(fmt::format("--basis: unknown basis \"{}\" (known: {})", *req.basis, known_bases()));
    selected.push_back(b);
    explicit_basis = true;
    if (center && center->basis != "not stated" && center->basis != b->id)
      notes.push_back(fmt::format("{} states its rating on basis {}, compared here on basis {}: the figures are "
                                  "not on the same basis", center->id, center->basis, b->id));
  } else if (center && center->basis != "not stated") {
    const auto* b = find_basis(center->basis);
    if (!b) throw UsageError(fmt::format("center {}: basis \"{}\" is not a known basis ({})", center->id, center->basis, known_bases()));
    selected.push_back(b);
    explicit_basis = true;
  } else {
    for (const auto& b : bases) selected.push_back(&b);
    if (center)
      notes.push_back(fmt::format("{} does not state the precision of its rating: it is compared on every basis, "
                                  "and no basis is more right than another", center->id));
  }

  const std::optional<double> declared = center ? std::optional<double>(center->rating) : req.declared;
  const double n = static_cast<double>(req.nodes);
  json rows = json::array();
  for (const auto* b : selected) {
    if (!per_node.contains(b->id))
      w["ratings"]["per_node"].fail(fmt::format("no figures on basis {}", b->id));
    const ijson& f = per_node[b->id];
    const json spec = f.value("spec_peak_flops", ijson()).is_number() ? json(f["spec_peak_flops"].get<double>()) : json(nullptr);
    const json sus = f.value("sustained_flops", ijson()).is_number() ? json(f["sustained_flops"].get<double>()) : json(nullptr);
    json missing = json::array();
    for (const auto& m : f.value("missing", ijson::array())) missing.push_back(m.get<std::string>());
    if (explicit_basis && spec.is_null() && sus.is_null()) {
      std::string what;
      for (const auto& m : missing) what += (what.empty() ? "" : "; ") + m.get<std::string>();
      throw UsageError(fmt::format("{}: nothing to rate on basis {}: {}", source, b->id, what));
    }
    json row{{"basis", b->id},
             {"title", b->title},
             {"unit", b->unit},
             {"spec_peak_per_node", spec},
             {"sustained_per_node", sus},
             {"installed", product_or_null(spec, n)},
             {"measured", product_or_null(sus, n)},
             {"measured_vs_installed", ratio_or_null(sus, spec)},
             {"missing", missing}};
    if (req.convention) {
      const auto it = req.convention->factors.find(b->id);
      if (it == req.convention->factors.end()) {
        row["under_convention"] = nullptr;
        missing.push_back(fmt::format("convention {} gives no factor for basis {}", req.convention->id, b->id));
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
    rows.push_back(row);
  }

  json c = nullptr;
  if (center) {
    c = json{{"id", center->id},
             {"name", center->name},
             {"rating", center->rating_text},
             {"rating_flops", center->rating},
             {"basis", center->basis},
             {"basis_note", center->basis_note},
             {"scope", center->scope},
             {"date", center->date ? json(*center->date) : json(nullptr)},
             {"hardware", center->hardware ? json(*center->hardware) : json(nullptr)},
             {"source", center->source}};
  }
  json conv = nullptr;
  if (req.convention)
    conv = json{{"id", req.convention->id},
                {"title", req.convention->title},
                {"target", req.convention->target},
                {"source", req.convention->source}};
  const ijson sys = doc.value("system", ijson::object());
  return json{{"result", source},
              {"hostname", sys.value("hostname", "unknown")},
              {"cpu", sys.value("cpu", ijson::object()).value("model", "unknown")},
              {"nodes", req.nodes},
              {"declared_flops", declared ? json(*declared) : json(nullptr)},
              {"center", c},
              {"convention", conv},
              {"bases", rows},
              {"notes", notes}};
}

}  // namespace ccb
