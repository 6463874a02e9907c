#include "reports/validate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/fleet.hpp"
#include "harness/json_input.hpp"
#include "harness/peak_model.hpp"
#include "harness/result.hpp"

namespace ccb {

// The text of harness/result.schema.json, compiled in (result_schema.cpp in the build tree).
extern const char* const kResultSchemaText;

namespace {

bool same(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }

class Checker {
 public:
  Checker(std::string file, std::vector<Finding>& out) : file_(std::move(file)), out_(out) {}
  void finding(const std::string& path, const std::string& expected, const std::string& found) {
    out_.push_back({file_, path, expected, found});
  }
  // parent[key] against its recomputed value.
  void figure(const ijson& parent, const std::string& key, const json& expected, const std::string& path) {
    const ijson found = parent.is_object() && parent.contains(key) ? parent[key] : ijson();
    const bool ok = expected.is_number() ? found.is_number() && same(found.get<double>(), expected.get<double>())
                                         : found == ijson::parse(expected.dump());
    if (!ok) finding(path + "." + key, expected.dump(), found.is_null() && !parent.contains(key) ? "(missing)" : found.dump());
  }

 private:
  std::string file_;
  std::vector<Finding>& out_;
};

// valijson's context ("<root>", "[results]", "[0]") as a JSON path ($.results[0]).
std::string json_path(const std::vector<std::string>& context) {
  std::string path = "$";
  for (const auto& part : context) {
    if (part == "<root>" || part.size() < 2) continue;
    const bool index = std::isdigit(static_cast<unsigned char>(part[1])) != 0;
    path += index ? part : "." + part.substr(1, part.size() - 2);
  }
  return path;
}

void check_schema(const ijson& doc, Checker& c) {
  static const ijson schema_json = ijson::parse(kResultSchemaText);
  static const auto schema = [] {
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  if (validator.validate(*schema, adapter, &results)) return;
  // valijson reports every level of a failure from the root down: keep the deepest of each chain.
  std::vector<std::pair<std::string, std::string>> errors;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) errors.emplace_back(json_path(e.context), e.description);
  for (const auto& [path, what] : errors) {
    const bool deeper = std::any_of(errors.begin(), errors.end(), [&](const auto& o) {
      return o.first.size() > path.size() && o.first.rfind(path, 0) == 0;
    });
    if (!deeper) c.finding(path, "what harness/result.schema.json allows", what);
  }
}

// The problem a result names, rebuilt from its problem section; nullopt for a family whose work
// depends on the run (interconnect: the rank count; HPL: the N hpcc solved).
std::optional<Problem> problem_of(const std::string& kernel, const ijson& p) {
  const auto dtype = parse_dtype(p.value("dtype", ""));
  if (!dtype) return std::nullopt;
  if (kernel == "gemm")
    return GemmProblem{p.at("m").get<std::int64_t>(), p.at("n").get<std::int64_t>(), p.at("k").get<std::int64_t>(),
                       p.at("trans_a").get<bool>(), p.at("trans_b").get<bool>(), *dtype};
  if (kernel == "conv") {
    ConvProblem c = parse_conv_descriptor(p.at("descriptor").get<std::string>());
    c.layout = p.value("layout", "nchw") == "nhwc" ? Layout::nhwc : Layout::nchw;
    c.dtype = *dtype;
    return c;
  }
  if (kernel == "stream") {
    const auto op = parse_stream_op(p.at("op").get<std::string>());
    if (!op) return std::nullopt;
    return StreamProblem{*op, p.at("elements").get<std::int64_t>(), *dtype};
  }
  if (kernel == "peak") return PeakProblem{*dtype, p.at("fmas").get<std::int64_t>(), p.value("target", "cpu")};
  return std::nullopt;
}

// One result: its problem and work, statistics, rates and status; the Result rebuilt from what
// was measured, for the peak model and the ratings.
Result check_result(const ijson& r, const std::string& at, Checker& c) {
  Result x;
  x.kernel = r.value("kernel", "");
  x.backend = r.value("backend", "");
  x.device = r.value("device", "");
  x.dtype = r.value("dtype", "");
  x.problem_id = r.value("problem_id", "");
  x.status = parse_status(r.value("status", "")).value_or(Status::error);
  x.reason = r.value("reason", "");
  x.details = json::parse(r.value("details", ijson::object()).dump());
  for (const auto& s : r.value("samples_s", ijson::array()))
    if (s.is_number()) x.samples.push_back(s.get<double>());
  if (!x.samples.empty()) x.stats = Stats::of(x.samples);
  const ijson work = r.value("work", ijson::object());
  x.work.flops = work.value("flops", 0.0);
  x.work.bytes = work.value("bytes", 0.0);
  x.work.bytes_actual = work.value("bytes_with_write_allocate", 0.0);

  std::optional<Problem> p;
  try {
    p = problem_of(x.kernel, r.value("problem", ijson::object()));
  } catch (const std::exception& e) {
    c.finding(at + ".problem", "a problem ccbench can rebuild", e.what());
  }
  if (p) {
    c.figure(r, "problem_id", json(problem_id(*p)), at);
    const WorkModel w = work_model(*p);
    c.figure(work, "flops", json(w.flops), at + ".work");
    c.figure(work, "bytes", json(w.bytes), at + ".work");
    x.work.flops = w.flops;
    x.work.bytes = w.bytes;
  }
  const ijson stats = r.contains("stats_s") ? r["stats_s"] : ijson();
  if (x.stats) {
    const json s = x.stats->to_json();
    for (const char* key : {"n", "min", "median", "mean", "stddev", "cv"}) c.figure(stats, key, s[key], at + ".stats_s");
  } else if (!stats.is_null()) {
    c.finding(at + ".stats_s", "null (no samples)", stats.dump());
  }
  const ijson rates = r.value("rates", ijson::object());
  const auto rate = x.rate();  // null unless passed
  if (!rate) {
    if (!rates.value("headline", ijson()).is_null())
      c.finding(at + ".rates.headline", "null (the result did not pass)", rates["headline"].dump());
  } else {
    const json h = rate->to_json();
    for (const char* key : {"unit", "median", "best", "mean"})
      c.figure(rates.value("headline", ijson::object()), key, h[key], at + ".rates.headline");
  }
  // The status against the validation block.
  const ijson v = r.value("validation", ijson());
  const bool ok = v.is_object() && v.value("ok", false) && !v.value("mostly_zero", true) &&
                  v.value("max_error", ijson()).is_number() && v.value("tolerance", ijson()).is_number() &&
                  v["max_error"].get<double>() <= v["tolerance"].get<double>();
  if (x.status == Status::passed && !ok)
    c.finding(at + ".status", "failed or mistrusted (the validation block does not pass)", "passed");
  if (x.status == Status::failed && v.is_object() && ok)
    c.finding(at + ".validation", "a validation that failed (the status is failed)", v.dump());
  return x;
}

// The peaks and the per-node ratings, recomputed from the results and the hardware tables.
void check_peaks_and_ratings(const ijson& doc, PeakModel& peaks, std::vector<Result>& results,
                             const std::vector<RatingBasis>& bases, Checker& c) {
  peaks.annotate_again(results);
  const json model = peaks.to_json();
  const ijson file_peaks = doc.value("peaks", ijson::array());
  for (const auto& dev : model) {
    const auto d = std::find_if(file_peaks.begin(), file_peaks.end(),
                                [&](const ijson& f) { return f.value("device", "") == dev["device"].get<std::string>(); });
    const std::string at = fmt::format("$.peaks[device={}]", dev["device"].get<std::string>());
    if (d == file_peaks.end()) {
      c.finding(at, "the device's peaks", "(missing)");
      continue;
    }
    const ijson precisions = d->value("precisions", ijson::array());
    for (const auto& p : dev["precisions"]) {
      const auto fp = std::find_if(precisions.begin(), precisions.end(), [&](const ijson& f) {
        return f.value("precision", "") == p["precision"].get<std::string>();
      });
      const std::string pat = fmt::format("{}.precisions[precision={}]", at, p["precision"].get<std::string>());
      if (fp == precisions.end()) {
        c.finding(pat, "this precision's peak", "(missing)");
        continue;
      }
      for (const char* key : {"theoretical_nominal_flops", "measured_flops", "ceiling_flops"}) c.figure(*fp, key, p[key], pat);
    }
  }
  const json ratings = node_ratings(bases, peaks, results);
  const ijson file_ratings = doc.value("ratings", ijson::object()).value("per_node", ijson::object());
  for (const auto& [basis, rating] : ratings.items())
    for (const char* key : {"spec_peak_flops", "sustained_flops"})
      c.figure(file_ratings.value(basis, ijson::object()), key, rating[key], "$.ratings.per_node." + basis);
}

}  // namespace

std::vector<Finding> validate_result_file(const std::filesystem::path& path, const HardwareTables& tables,
                                          const std::vector<RatingBasis>& bases) {
  const ijson doc = read_json_file(path, "result file");
  if (is_fleet_document(doc))
    throw UsageError(fmt::format("{}: a fleet document; validate checks one node's result file (ccbench fleet "
                                 "reads fleets)",
                                 path.string()));
  if (doc.is_object() && doc.contains("benchmarks") && doc.contains("context"))
    throw UsageError(fmt::format("{}: a Google Benchmark file, which holds no validation, problem or system to check; "
                                 "validate checks ccbench result files",
                                 path.string()));
  if (!doc.is_object() || doc.value("schema", "") != kResultSchemaId)
    throw UsageError(fmt::format("{}: not a ccbench result file (schema \"{}\" expected)", path.string(), kResultSchemaId));

  std::vector<Finding> out;
  Checker c(path.string(), out);
  check_schema(doc, c);
  if (doc.value("status", "") != "complete") c.finding("$.status", "\"complete\"", doc.value("status", ijson()).dump());

  const json system = json::parse(doc.value("system", ijson::object()).dump());
  PeakModel peaks(tables, system);
  std::vector<Result> results;
  const ijson list = doc.value("results", ijson::array());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("$.results[{}]", i);
    try {
      Result r = check_result(list[i], at, c);
      const bool passed = r.status == Status::passed;
      peaks.take(r);  // as the run did: a passed rate above the device's ceiling becomes mistrusted
      if (passed && r.status != Status::passed) c.finding(at + ".status", "mistrusted: " + r.reason, "passed");
      results.push_back(std::move(r));
    } catch (const ijson::exception& e) {  // a field of the wrong type: the schema findings say which
      c.finding(at, "a result the schema describes", e.what());
    }
  }
  try {
    check_peaks_and_ratings(doc, peaks, results, bases, c);
  } catch (const ijson::exception& e) {
    c.finding("$.peaks", "peaks and ratings the schema describes", e.what());
  }
  return out;
}

}  // namespace ccb
