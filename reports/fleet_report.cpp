#include "reports/fleet_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "harness/result.hpp"
#include "reports/baseline.hpp"
#include "reports/run_rates.hpp"

namespace ccb {
namespace {

// 0.6745 makes the MAD of a normal sample comparable to its standard deviation (Iglewicz and
// Hoaglin's modified z score, whose usual outlier limit is 3.5).
constexpr double kMadScale = 0.6745;

int severity(const std::string& verdict) { return verdict == "defective" ? 2 : verdict == "slow" ? 1 : 0; }

struct CaseStats {
  std::string unit;
  std::vector<double> values;  // one per node where the case passed
  double median = 0, mad = 0;
};

void set_median_and_mad(CaseStats& st) {
  st.median = median_of(st.values);
  std::vector<double> dev;
  for (double v : st.values) dev.push_back(std::abs(v - st.median));
  st.mad = median_of(dev);
}

// A node's case of that key: the first, when a suite lists a case twice (each node is counted
// once per case).
const CaseRates* find_case(const RunRates& run, const std::string& key) {
  const auto it = std::find_if(run.cases.begin(), run.cases.end(), [&](const CaseRates& c) { return c.key == key; });
  return it == run.cases.end() ? nullptr : &*it;
}

// Per case key, in the order first seen: the passed values over the fleet.
std::vector<std::pair<std::string, CaseStats>> fleet_cases(const std::vector<std::pair<std::string, RunRates>>& runs) {
  std::vector<std::pair<std::string, CaseStats>> cases;
  std::map<std::string, std::size_t> index;
  for (const auto& [node, run] : runs)
    for (const auto& c : run.cases) {
      auto [it, fresh] = index.emplace(c.key, cases.size());
      if (fresh) cases.push_back({c.key, CaseStats{c.unit, {}, 0, 0}});
      if (&c == find_case(run, c.key) && c.status == "passed" && !c.rates.empty())
        cases[it->second].second.values.push_back(median_of(c.rates));
    }
  for (auto& [key, st] : cases) set_median_and_mad(st);
  return cases;
}

// The slow rule for a passed value against the values of its peers (nodes, or links).
void judge_value(FleetRow& row, double x, const CaseStats& st, const FleetOptions& o, const char* peers) {
  row.value = x;
  if (st.median > 0) row.deviation = (x - st.median) / st.median;
  if (st.mad > 0) row.robust_z = kMadScale * (x - st.median) / st.mad;
  const bool below = row.deviation && *row.deviation < -o.threshold;
  const bool beyond_noise = st.mad > 0 ? *row.robust_z < -o.z_limit : x < st.median;
  if (below && beyond_noise && st.values.size() >= 3) {
    row.verdict = "slow";
    row.reason = fmt::format("{:.1f}% below the fleet median of {} {}", -100 * *row.deviation, st.values.size(), peers);
  }
}

// One link into a node, from an all-pairs interconnect case's details.
struct Link {
  std::string node, key, from;  // key: the case's; from: the sending node
  double value = 0;             // GB/s
};

// The links of every passed all-pairs case, in node order.
std::vector<Link> pair_links(const Fleet& fleet, const std::vector<std::pair<std::string, RunRates>>& runs,
                             const std::vector<std::size_t>& run_of) {
  std::map<int, std::string> node_of_rank;
  for (const auto& n : fleet.nodes) node_of_rank[n.rank] = n.node;
  std::vector<Link> links;
  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
    if (fleet.nodes[i].status != "measured") continue;
    const RunRates& run = runs[run_of[i]].second;
    const json& results = fleet.nodes[i].document["results"];
    for (std::size_t k = 0; k < results.size() && k < run.cases.size(); ++k) {
      const json& r = results[k];
      if (&run.cases[k] != find_case(run, run.cases[k].key) || r.value("status", "") != "passed" ||
          r.value("kernel", "") != "net")
        continue;
      const json details = r.value("details", json::object());
      for (const json& l : details.is_object() ? details.value("links", json::array()) : json::array()) {
        const json from_rank = l.is_object() ? l.value("from_rank", json()) : json(), rate = l.is_object() ? l.value("bytes_per_s", json()) : json();
        if (!from_rank.is_number_integer() || !rate.is_number()) continue;
        const int from = from_rank.get<int>();
        const auto name = node_of_rank.find(from);
        links.push_back({fleet.nodes[i].node, run.cases[k].key,
                         name == node_of_rank.end() ? "rank " + std::to_string(from) : name->second,
                         rate.get<double>() * 1e-9});
      }
    }
  }
  return links;
}

// A row per link, judged against every link of its case: a slow link is named by its two nodes.
std::vector<FleetRow> link_rows(const std::vector<Link>& links, const FleetOptions& o) {
  std::map<std::string, CaseStats> stats;
  for (const auto& l : links) stats[l.key].values.push_back(l.value);
  for (auto& [key, st] : stats) set_median_and_mad(st);
  std::vector<FleetRow> rows;
  for (const auto& l : links) {
    const CaseStats& st = stats[l.key];
    FleetRow row{l.node, l.key + " <- " + l.from, "GB/s", "ok", "", std::nullopt, st.median, std::nullopt, std::nullopt,
                 st.values.size()};
    judge_value(row, l.value, st, o, "links");
    rows.push_back(std::move(row));
  }
  return rows;
}

FleetRow judge_case(const std::string& node, const std::string& key, const CaseStats& st, const CaseRates* c,
                    const FleetOptions& o, bool lost_partner) {
  FleetRow row{node, key, st.unit, "ok", "", std::nullopt, std::nullopt, std::nullopt, std::nullopt, st.values.size()};
  if (!st.values.empty()) row.median = st.median;
  if (!c) {
    row.verdict = "defective";
    row.reason = "missing case: the other nodes ran it";
    return row;
  }
  if (c->status != "passed" && lost_partner && key.starts_with("net/")) {
    row.verdict = "unjudged";  // the exchange needed a node that is missing: not this node's fault
    row.reason = c->status + ": " + c->reason + " (a node of the fleet is missing)";
    return row;
  }
  if (is_bad(c->status)) {
    row.verdict = "defective";
    row.reason = c->status + (c->reason.empty() ? "" : ": " + c->reason);
    return row;
  }
  if (c->status != "passed" || c->rates.empty()) {
    if (!st.values.empty()) {
      row.verdict = "defective";
      row.reason = fmt::format("missing case: {} here, passed on {} nodes{}", c->status, st.values.size(),
                               c->reason.empty() ? "" : ": " + c->reason);
    } else {
      row.verdict = c->status;  // skipped or unsupported on every node: nothing to judge
      row.reason = c->reason;
    }
    return row;
  }
  judge_value(row, median_of(c->rates), st, o, "nodes");
  return row;
}

// The references of every baseline whose system this node is, as rows; none when no baseline
// fits the node.
std::vector<FleetRow> baseline_rows(const std::string& node, const RunRates& run, const FleetOptions& o) {
  std::vector<FleetRow> rows;
  for (const auto& path : o.baselines) {
    const Comparison c = compare_baseline(path, run);
    if (!c.differences.empty()) continue;  // a baseline for another node type
    for (const auto& p : c.pairs) {
      FleetRow row{node, p.key, p.unit, "ok", "", p.new_median, p.base_median, p.change, std::nullopt, 0};
      if (p.verdict == Verdict::regressed) {
        row.verdict = "slow";
        row.reason = fmt::format("below the baseline {} ({})", path.filename().string(), p.reason);
      } else if (p.verdict == Verdict::missing || p.verdict == Verdict::status_changed) {
        row.verdict = "defective";
        row.reason = fmt::format("against the baseline {}: {}", path.filename().string(), p.reason);
      } else {
        continue;  // within the baseline's bounds: the fleet row says the rest
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string fmt_opt(const std::optional<double>& v, const char* spec) {
  return v ? fmt::format(fmt::runtime(spec), *v) : "-";
}

std::array<std::string, 8> cells(const FleetRow& r) {
  return {r.node, r.key, fmt_opt(r.value, "{:.4g}"), fmt_opt(r.median, "{:.4g}"), r.unit,
          r.deviation ? fmt::format("{:+.1f}%", 100 * *r.deviation) : "-", fmt_opt(r.robust_z, "{:+.1f}"),
          r.verdict + (r.reason.empty() ? "" : " (" + r.reason + ")")};
}

std::string summary_line(const FleetReport& r) {
  return fmt::format("{} nodes: {} measured, {} slow, {} defective{} (threshold {:.0f}%, robust z {})", r.nodes.size(),
                     r.measured_nodes, r.slow_nodes, r.defective_nodes,
                     r.fleet_wide_failures ? fmt::format(", {} fleet-wide case(s) not passed", r.fleet_wide_failures) : "",
                     100 * r.options.threshold, r.options.z_limit);
}

}  // namespace

FleetReport analyse_fleet(const Fleet& fleet, const FleetOptions& o) {
  FleetReport rep{fleet.source, o, {}, {}, 0, 0, 0, 0};
  std::vector<std::pair<std::string, RunRates>> runs;
  std::vector<std::size_t> run_of(fleet.nodes.size());  // index into runs, per node
  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
    const FleetNode& n = fleet.nodes[i];
    if (n.status != "measured") continue;
    run_of[i] = runs.size();
    runs.emplace_back(n.node, run_rates_of(nlohmann::json::parse(n.document.dump()), fleet.source + ": " + n.node));
  }
  rep.measured_nodes = runs.size();
  const auto cases = fleet_cases(runs);
  const auto links = link_rows(pair_links(fleet, runs, run_of), o);

  for (std::size_t i = 0; i < fleet.nodes.size(); ++i) {
    const FleetNode& n = fleet.nodes[i];
    FleetNodeVerdict v{n.node, "ok", ""};
    auto raise = [&](const std::string& verdict, const std::string& reason) {
      if (severity(verdict) > severity(v.verdict)) v = {n.node, verdict, reason};
    };
    if (n.status != "measured") {
      rep.rows.push_back({n.node, "-", "", "defective", "missing node: " + n.reason, {}, {}, {}, {}, 0});
      raise("defective", "missing node: " + n.reason);
    } else {
      const RunRates& run = runs[run_of[i]].second;
      for (const auto& [key, st] : cases) {
        FleetRow row = judge_case(n.node, key, st, find_case(run, key), o, rep.measured_nodes < fleet.nodes.size());
        raise(row.verdict, key + ": " + row.reason);
        rep.rows.push_back(std::move(row));
      }
      for (const auto& row : links)
        if (row.node == n.node) {
          raise(row.verdict, row.key + ": " + row.reason);
          rep.rows.push_back(row);
        }
      for (auto& row : baseline_rows(n.node, run, o)) {
        raise(row.verdict, row.key + ": " + row.reason);
        rep.rows.push_back(std::move(row));
      }
    }
    rep.slow_nodes += v.verdict == "slow";
    rep.defective_nodes += v.verdict == "defective";
    rep.nodes.push_back(std::move(v));
  }
  // Results across the whole fleet at once (HPL over every node): a row each, under "all nodes";
  // one that did not pass is a finding of the fleet, not of a node.
  for (const auto& r : fleet.fleet_results) {
    const json rate = headline(r);
    FleetRow row{"all nodes", fleet_result_key(r),
                 rate.value("unit", ""), r.value("status", "") == "passed" ? "ok" : r.value("status", ""),
                 r.value("status", "") == "passed" ? "" : r.value("reason", ""), std::nullopt, std::nullopt,
                 std::nullopt, std::nullopt, rep.measured_nodes};
    if (row.verdict == "ok" && rate.value("best", json()).is_number()) {
      row.value = rate["best"].get<double>();
      row.reason = "best run (Rmax)";
    }
    rep.fleet_wide_failures += is_bad(r.value("status", ""));
    rep.rows.push_back(std::move(row));
  }
  return rep;
}

std::string render_fleet_table(const FleetReport& r) {
  std::vector<std::array<std::string, 8>> rows{{"node", "case", "value", "median", "unit", "deviation", "z", "verdict"}};
  for (const auto& row : r.rows) rows.push_back(cells(row));
  std::array<std::size_t, 7> w{};
  for (const auto& x : rows)
    for (std::size_t i = 0; i < 7; ++i) w[i] = std::max(w[i], x[i].size());
  std::string out;
  for (const auto& x : rows)
    out += fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:<{}}  {:>{}}  {:>{}}  {}\n", x[0], w[0], x[1], w[1], x[2], w[2],
                       x[3], w[3], x[4], w[4], x[5], w[5], x[6], w[6], x[7]);
  for (const auto& n : r.nodes)
    if (n.verdict != "ok") out += fmt::format("{}: {} ({})\n", n.node, n.verdict, n.reason);
  return out + summary_line(r) + "\n";
}

std::string render_fleet_markdown(const FleetReport& r) {
  std::string out = fmt::format("### ccbench fleet: {}\n\n| node | case | value | fleet median | unit | deviation | "
                                "robust z | verdict |\n|---|---|---:|---:|---|---:|---:|---|\n", summary_line(r));
  for (const auto& row : r.rows) {
    const auto c = cells(row);
    const bool flag = row.verdict == "slow" || row.verdict == "defective";
    out += fmt::format("| {} | `{}` | {} | {} | {} | {} | {} | {}{}{} |\n", c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                       flag ? "**" : "", c[7], flag ? "**" : "");
  }
  return out;
}

nlohmann::ordered_json render_fleet_json(const FleetReport& r) {
  using oj = nlohmann::ordered_json;
  auto opt = [](const std::optional<double>& v) { return v ? oj(*v) : oj(nullptr); };
  oj rows = oj::array(), nodes = oj::array();
  for (const auto& x : r.rows)
    rows.push_back(oj{{"node", x.node}, {"case", x.key}, {"unit", x.unit}, {"value", opt(x.value)},
                      {"fleet_median", opt(x.median)}, {"deviation", opt(x.deviation)}, {"robust_z", opt(x.robust_z)},
                      {"peers", x.peers}, {"verdict", x.verdict}, {"reason", x.reason}});
  for (const auto& n : r.nodes) nodes.push_back(oj{{"node", n.node}, {"verdict", n.verdict}, {"reason", n.reason}});
  return oj{{"fleet", r.source}, {"threshold", r.options.threshold}, {"z_limit", r.options.z_limit},
            {"measured_nodes", r.measured_nodes}, {"slow_nodes", r.slow_nodes}, {"defective_nodes", r.defective_nodes},
            {"fleet_wide_failures", r.fleet_wide_failures},
            {"nodes", nodes}, {"rows", rows}};
}

std::string render_fleet_csv(const FleetReport& r) {
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  std::string out = "node,case,value,fleet_median,unit,deviation,robust_z,verdict,reason\n";
  for (const auto& x : r.rows)
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", quote(x.node), quote(x.key), num(x.value), num(x.median),
                       quote(x.unit), num(x.deviation), num(x.robust_z), x.verdict, quote(x.reason));
  return out;
}

}  // namespace ccb
