#include "harness/result.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

namespace ccb {
namespace {
constexpr std::array<std::pair<Status, std::string_view>, 6> kStatus{{
    {Status::passed, "passed"},
    {Status::failed, "failed"},
    {Status::mistrusted, "mistrusted"},
    {Status::skipped, "skipped"},
    {Status::unsupported, "unsupported"},
    {Status::error, "error"},
}};

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
}  // namespace

std::string_view to_string(Status s) {
  for (const auto& [k, n] : kStatus)
    if (k == s) return n;
  return "error";
}

std::optional<Status> parse_status(std::string_view s) {
  for (const auto& [k, n] : kStatus)
    if (n == s) return k;
  return std::nullopt;
}

bool is_bad(std::string_view status) {
  const auto s = parse_status(status);
  return s && is_bad(*s);
}

bool is_bad(Status s) {
  return s == Status::failed || s == Status::mistrusted || s == Status::error;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

Stats Stats::of(const std::vector<double>& samples) {
  Stats s;
  s.n = samples.size();
  if (samples.empty()) return s;
  const std::vector<double>& v = samples;
  s.min = *std::min_element(v.begin(), v.end());
  s.median = median_of(v);
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stddev = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  s.cv = s.mean > 0 ? s.stddev / s.mean : 0.0;
  return s;
}

json Stats::to_json() const {
  return json{{"n", n},
              {"min", finite_or_null(min)},
              {"median", finite_or_null(median)},
              {"mean", finite_or_null(mean)},
              {"stddev", finite_or_null(stddev)},
              {"cv", finite_or_null(cv)}};
}

json Rate::to_json() const {
  return json{{"unit", unit},
              {"median", finite_or_null(median)},
              {"best", finite_or_null(best)},
              {"mean", finite_or_null(mean)}};
}

namespace {
std::optional<Rate> rate_from(const std::optional<Stats>& st, double amount, const char* unit) {
  if (!st || st->min <= 0 || amount <= 0) return std::nullopt;
  return Rate{unit, amount / st->median * 1e-9, amount / st->min * 1e-9, amount / st->mean * 1e-9};
}
}  // namespace

std::optional<Rate> Result::rate() const {
  if (status != Status::passed) return std::nullopt;
  if (rated_in_bytes(kernel)) return rate_from(stats, work.bytes, "GB/s");
  return rate_from(stats, work.flops, "GFLOPS");
}

std::optional<Rate> Result::rate_with_write_allocate() const {
  if (kernel != "stream" || status != Status::passed) return std::nullopt;
  return rate_from(stats, work.bytes_actual, "GB/s");
}

std::string Result::name() const {
  const std::string prefix = kernel + "/";
  const bool has_prefix = problem_id.compare(0, prefix.size(), prefix) == 0;
  // Devices after the first are named, so results of several GPUs stay apart.
  const bool first = device.empty() || device == "cpu" || device.ends_with(":0") || device == "unknown";
  return prefix + backend + (first ? "" : "@" + device) + "/" +
         (has_prefix ? problem_id.substr(prefix.size()) : problem_id);
}

json Result::to_json() const {
  json j{{"kernel", kernel},
         {"backend", backend},
         {"device", device},
         {"dtype", dtype},
         {"problem_id", problem_id},
         {"problem", problem},
         {"implementation", implementation},
         {"status", to_string(status)}};
  if (!reason.empty()) j["reason"] = reason;
  j["work"] = json{{"flops", work.flops},
                   {"bytes", work.bytes},
                   {"bytes_with_write_allocate", work.bytes_actual},
                   {"formula", work.formula}};
  json samples_json = json::array();
  for (double s : samples) samples_json.push_back(finite_or_null(s));
  j["samples_s"] = samples_json;
  j["stats_s"] = stats ? stats->to_json() : json(nullptr);
  json rates = json::object();
  const auto headline_rate = rate();
  rates["headline"] = headline_rate ? headline_rate->to_json() : json(nullptr);
  if (auto r = rate_with_write_allocate()) rates["with_write_allocate"] = r->to_json();
  j["rates"] = rates;
  j["validation"] = validation ? validation->to_json() : json(nullptr);
  j["details"] = details;
  j["efficiency"] = efficiency;
  j["notes"] = notes;
  return j;
}

json headline(const json& result) {
  if (!result.is_object() || !result.contains("rates") || !result["rates"].is_object()) return json::object();
  const json& rates = result["rates"];
  return rates.contains("headline") && rates["headline"].is_object() ? rates["headline"] : json::object();
}

}  // namespace ccb
