#include "reports/gbench_json.hpp"

#include <fmt/format.h>

namespace ccb {

namespace {

json gbench_context(const json& doc) {
  const json& sys = doc["system"];
  json caches = json::array();
  for (const auto& c : sys["cpu"].value("caches", json::array()))
    caches.push_back(json{{"type", c.value("level", "") == "L1d" ? "Data" : "Unified"},
                           {"level", std::stoi(c.value("level", "L0").substr(1))},
                           {"size", c.value("size_bytes", 0)},
                           {"num_sharing", 0}});
  return json{{"date", doc.value("started_at", "")},
              {"host_name", sys.value("hostname", "")},
              {"executable", doc["argv"].empty() ? "ccbench" : doc["argv"][0]},
              {"num_cpus", sys["cpu"].value("threads", 0)},
              {"mhz_per_cpu", sys["cpu"].value("nominal_mhz", json(0)).is_number() ? sys["cpu"]["nominal_mhz"].get<double>() : 0.0},
              {"cpu_scaling_enabled", false},
              {"caches", caches},
              {"library_build_type", "release"},
              {"ccbench_version", doc["tool"].value("version", "")}};
}

// The entries of one result: one iteration per sample and the aggregates, or one entry with
// the error when the case produced no samples.
void add_entries(const json& r, std::int64_t family, json& benchmarks) {
  const std::string kernel = r["kernel"], problem = r["problem_id"], prefix = kernel + "/";
  const std::string name = prefix + r["backend"].get<std::string>() + "/" +
                           (problem.rfind(prefix, 0) == 0 ? problem.substr(prefix.size()) : problem) + "/manual_time";
  const bool stream = rated_in_bytes(kernel);
  const double amount = stream ? r["work"].value("bytes", 0.0) : r["work"].value("flops", 0.0);
  const auto& samples = r["samples_s"];
  json base{{"name", name}, {"family_index", family}, {"per_family_instance_index", 0}, {"run_name", name},
             {"threads", 1}, {"time_unit", "s"}};
  if (samples.empty()) {
    json e = base;
    e["run_type"] = "iteration";
    e["repetitions"] = 0;
    e["repetition_index"] = 0;
    e["iterations"] = 0;
    e["real_time"] = 0.0;
    e["cpu_time"] = 0.0;
    e["error_occurred"] = true;
    e["error_message"] = fmt::format("{}: {}", r["status"].get<std::string>(), r.value("reason", ""));
    benchmarks.push_back(e);
    return;
  }
  const auto n = samples.size();
  for (std::size_t i = 0; i < n; ++i) {
    json e = base;
    const double t = samples[i].is_number() ? samples[i].get<double>() : 0.0;
    e["run_type"] = "iteration";
    e["repetitions"] = n;
    e["repetition_index"] = i;
    e["iterations"] = 1;
    e["real_time"] = t;
    e["cpu_time"] = t;
    if (t > 0 && amount > 0) e[stream ? "bytes_per_second" : "items_per_second"] = amount / t;
    benchmarks.push_back(e);
  }
  const auto& st = r["stats_s"];
  if (st.is_object())
    for (const char* agg : {"mean", "median", "stddev", "cv"}) {
      json e = base;
      e["name"] = name + "_" + agg;
      e["run_type"] = "aggregate";
      e["repetitions"] = n;
      e["aggregate_name"] = agg;
      e["aggregate_unit"] = std::string(agg) == "cv" ? "percentage" : "time";
      e["iterations"] = n;
      e["real_time"] = st.value(agg, 0.0);
      e["cpu_time"] = st.value(agg, 0.0);
      benchmarks.push_back(e);
    }
}

}  // namespace

json gbench_json(const json& doc) {
  json out{{"context", gbench_context(doc)}, {"benchmarks", json::array()}};
  std::int64_t family = 0;
  for (const auto& r : doc["results"]) add_entries(r, family++, out["benchmarks"]);
  return out;
}

}  // namespace ccb
