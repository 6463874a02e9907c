#include "reports/run_rates.hpp"

#include <map>

#include <fmt/format.h>

#include "harness/document.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"

namespace ccb {

RunRates run_rates_of(const ijson& doc, const std::string& source) {
  const Where w{source, ""};
  if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer())
    w["schema_version"].fail("missing: not a ccbench result file");
  if (doc["schema_version"].get<int>() != kResultSchemaVersion)
    w["schema_version"].fail(fmt::format("unsupported result schema version {} (this ccbench reads {})",
                                         doc["schema_version"].dump(), kResultSchemaVersion));
  if (!doc.contains("results") || !doc["results"].is_array()) w["results"].fail("missing or not an array");
  RunRates run{source, "ccbench", ojson::parse(doc.value("system", ijson::object()).dump()), {}, {}};
  const ijson tool = doc.value("tool", ijson::object()), suite = doc.value("suite", ijson::object());
  run.meta = ojson{{"hostname", doc.value("system", ijson::object()).value("hostname", "unknown")},
                   {"started_at", doc.value("started_at", "")},
                   {"suite", suite.value("name", "")},
                   {"status", doc.value("status", "")},
                   {"tool_version", tool.value("version", "")},
                   {"git_sha", tool.value("git_sha", "")}};
  for (std::size_t i = 0; i < doc["results"].size(); ++i) {
    const auto& r = doc["results"][i];
    const Where wr = w["results"][i];
    CaseRates c;
    const std::string kernel = string_field(r, "kernel", wr), backend = string_field(r, "backend", wr),
                      device = string_field(r, "device", wr), problem = string_field(r, "problem_id", wr);
    const std::string prefix = kernel + "/";
    c.key = prefix + backend + "/" + (problem.rfind(prefix, 0) == 0 ? problem.substr(prefix.size()) : problem) +
            (device == "cpu" ? "" : "@" + device);
    c.family = kernel;
    c.status = string_field(r, "status", wr);
    c.reason = r.value("reason", "");
    const auto& work = required(r, "work", wr);
    const bool stream = rated_in_bytes(kernel);
    const double amount = stream ? work.value("bytes", 0.0) : work.value("flops", 0.0);
    c.unit = stream ? "GB/s" : "GFLOPS";
    for (const auto& s : r.value("samples_s", ijson::array()))
      if (s.is_number() && s.get<double>() > 0 && amount > 0) c.rates.push_back(amount / s.get<double>() * 1e-9);
    run.cases.push_back(std::move(c));
  }
  return run;
}

namespace {

// Google Benchmark JSON: one sample per "iteration" entry; rates from items/bytes per second
// when reported, else runs per second from real_time.
RunRates from_gbench(const ijson& doc, const std::string& source) {
  const Where w{source, ""};
  RunRates run{source, "google-benchmark", ojson::parse(doc.value("context", ijson::object()).dump()), {}, {}};
  const ijson ctx = doc["context"];
  run.meta = ojson{{"hostname", ctx.value("host_name", "unknown")}, {"started_at", ctx.value("date", "")},
                   {"suite", ctx.value("executable", "")}, {"status", "complete"}, {"tool_version", ""}, {"git_sha", ""}};
  std::map<std::string, std::size_t> index;
  static const std::map<std::string, double> kUnit{{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
  for (std::size_t i = 0; i < doc["benchmarks"].size(); ++i) {
    const auto& b = doc["benchmarks"][i];
    const Where wb = w["benchmarks"][i];
    if (b.value("run_type", "iteration") != "iteration") continue;
    const std::string name = b.contains("run_name") ? b["run_name"].get<std::string>() : string_field(b, "name", wb);
    if (!index.count(name)) {
      index[name] = run.cases.size();
      run.cases.push_back(CaseRates{name, "gbench", "passed", "", "", {}});
    }
    CaseRates& c = run.cases[index[name]];
    if (b.value("error_occurred", false)) {
      c.status = "error";
      c.reason = b.value("error_message", "");
      continue;
    }
    if (b.contains("bytes_per_second") && b["bytes_per_second"].is_number()) {
      c.unit = "GB/s";
      c.rates.push_back(b["bytes_per_second"].get<double>() * 1e-9);
    } else if (b.contains("items_per_second") && b["items_per_second"].is_number()) {
      c.unit = "Gitems/s";
      c.rates.push_back(b["items_per_second"].get<double>() * 1e-9);
    } else {
      const auto unit = kUnit.find(b.value("time_unit", "ns"));
      if (unit == kUnit.end()) wb["time_unit"].fail("expected ns, us, ms or s");
      const auto& t = required(b, "real_time", wb);
      if (!t.is_number() || t.get<double>() <= 0) wb["real_time"].fail("expected a positive number");
      c.unit = "1/s";
      c.rates.push_back(1.0 / (t.get<double>() * unit->second));
    }
  }
  return run;
}

}  // namespace

RunRates load_run(const std::filesystem::path& path) {
  const ijson doc = read_json_file(path, "result file");
  const std::string source = path.string();
  // A field of the wrong type deep inside is bad input too, not an internal error.
  try {
    if (doc.is_object() && doc.value("schema", "") == kResultSchemaId) return run_rates_of(doc, source);
    if (doc.is_object() && doc.contains("benchmarks") && doc["benchmarks"].is_array() && doc.contains("context"))
      return from_gbench(doc, source);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: malformed {} file: {}", source,
                                 doc.contains("schema") ? "result" : "Google Benchmark JSON", e.what()));
  }
  if (const std::string id = doc.is_object() && doc.contains("schema") && doc["schema"].is_string()
                                ? doc["schema"].get<std::string>() : "";
      id.rfind("urn:ccbench:schema:result:", 0) == 0)
    throw UsageError(fmt::format("{}: unsupported result schema \"{}\" (this ccbench reads \"{}\")", source, id,
                                 kResultSchemaId));
  throw UsageError(fmt::format("{}: not a ccbench result file (\"schema\": \"{}\") nor Google Benchmark JSON "
                               "(\"context\" and \"benchmarks\")", source, kResultSchemaId));
}

}  // namespace ccb
