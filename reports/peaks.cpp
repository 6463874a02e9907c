#include "reports/peaks.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "harness/units.hpp"

namespace ccb {
namespace {

using ojson = nlohmann::ordered_json;

std::string flops(const ojson& v, const char* unit = "FLOPS") {
  return v.is_number() ? format_si(v.get<double>(), unit) : "n/a";
}
std::string percent(const ojson& v) {
  return v.is_number() ? fmt::format("{:.1f}%", 100.0 * v.get<double>()) : "n/a";
}

// Left-aligned columns sized to their widest cell.
std::string columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) line += fmt::format("{:<{}}  ", r[i], i + 1 < r.size() ? w[i] : 0);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string mhz(const ojson& basis, const char* key) {
  return basis.contains(key) && basis[key].is_number() ? fmt::format("{:.0f} MHz", basis[key].get<double>()) : "not measured";
}

// Where the FMA-unit count came from and what the peak kernel measured.
std::string fma_units_text(const ojson& basis) {
  const ojson& measured = basis.contains("fma_units_measured") ? basis["fma_units_measured"] : ojson(nullptr);
  if (!measured.is_number()) return "ISA table, not measured";
  return fmt::format("ISA table, {} {:.2f}", basis.value("fma_units_confirmed", false) ? "confirmed: measured" : "NOT confirmed: measured",
                     measured.get<double>());
}

}  // namespace

std::string peak_table(const ojson& peaks, const ojson& results) {
  std::string out;
  for (const auto& dev : peaks) {
    const auto& b = dev["basis"];
    if (dev["device"] == "cpu")
      out += fmt::format(
          "{} ({}): {} cores, {} with {} FMA unit(s) ({}), nominal clock {} ({}), sustained {} under {} FMA "
          "load, scalar {}\n",
          dev["device"].get<std::string>(), dev["name"].get<std::string>(), b.value("cores", 0.0),
          b.value("isa", "?"), b.value("fma_units", 0), fma_units_text(b),
          mhz(b, "nominal_mhz"), b.value("nominal_mhz_source", "?"), mhz(b, "sustained_mhz"), b.value("isa", "?"),
          mhz(b, "scalar_mhz"));
    else
      out += fmt::format("{} ({}): table row {}\n", dev["device"].get<std::string>(), dev["name"].get<std::string>(),
                         b.value("table_row", "?"));
    std::vector<std::vector<std::string>> rows{{"precision", "theoretical (nominal clock)", "theoretical (sustained clock)",
                                                "measured peak", "best GEMM", "GEMM/theoretical", "GEMM/measured"}};
    for (const auto& p : dev["precisions"]) {
      const std::string precision = p["precision"];
      const ojson* best = nullptr;
      for (const auto& r : results)
        if (r["kernel"] == "gemm" && r["status"] == "passed" && r["device"] == dev["device"] &&
            r["efficiency"].is_object() && r["efficiency"].value("precision", "") == precision &&
            (!best || r["rates"]["headline"]["median"] > (*best)["rates"]["headline"]["median"]))
          best = &r;
      ojson gemm = best ? ojson((*best)["rates"]["headline"]["median"].get<double>() * 1e9) : ojson(nullptr);
      const auto& theor = p["theoretical_sustained_flops"].is_number() ? p["theoretical_sustained_flops"]
                                                                       : p["theoretical_nominal_flops"];
      auto ratio = [&](const ojson& den) {
        return gemm.is_number() && den.is_number() ? ojson(gemm.get<double>() / den.get<double>()) : ojson(nullptr);
      };
      rows.push_back({precision, flops(p["theoretical_nominal_flops"]), flops(p["theoretical_sustained_flops"]),
                      flops(p["measured_flops"]) + (p.contains("measured_spread") && p["measured_spread"].is_number()
                                                        ? fmt::format(" (spread {:.1f}%)", 100 * p["measured_spread"].get<double>())
                                                        : ""),
                      flops(gemm), percent(ratio(theor)),
                      percent(ratio(p["measured_flops"]))});
    }
    out += columns(rows);
    for (const auto& p : dev["precisions"])
      out += fmt::format("  {}: {} [{}; {}]\n", p["precision"].get<std::string>(), p["formula"].get<std::string>(),
                         p["certainty"].get<std::string>(), p["source"].get<std::string>());
    out += "\n";
  }
  return out;
}

std::string rate_table(const ojson& r) {
  const auto nodes = r["nodes"].get<std::int64_t>();
  std::string out = r.contains("fleet")
                        ? fmt::format("{}: {} ({}), {} node{}\n\n", r["result"].get<std::string>(),
                                      r["hostname"].get<std::string>(), r["cpu"].get<std::string>(), nodes,
                                      nodes == 1 ? "" : "s")
                        : fmt::format("{}: node {} ({}), projected to {} node{}\n\n", r["result"].get<std::string>(),
                                      r["hostname"].get<std::string>(), r["cpu"].get<std::string>(), nodes,
                                      nodes == 1 ? "" : "s");
  const bool fleet = r.contains("fleet");
  std::vector<std::vector<std::string>> rows{{"basis", fleet ? "spec peak/node (mean)" : "spec peak/node",
                                              fleet ? "sustained/node (mean)" : "sustained/node",
                                              fmt::format("installed ({} nodes)", nodes),
                                              fmt::format("measured ({} nodes)", nodes), "measured/installed"}};
  for (const auto& b : r["bases"]) {
    const std::string u = b.value("unit", "FLOPS");
    rows.push_back({b["basis"], flops(b["spec_peak_per_node"], u.c_str()), flops(b["sustained_per_node"], u.c_str()),
                    flops(b["installed"], u.c_str()), flops(b["measured"], u.c_str()), percent(b["measured_vs_installed"])});
  }
  out += columns(rows);
  // Where each sustained figure comes from: Rmax of HPL (the GEMM proxy beside it), or a GEMM.
  for (const auto& b : r["bases"])
    for (const auto& d : b.value("sustained_from", ojson::array())) {
      if (!d.is_object() || d.value("measure", "") != "hpl") continue;
      out += fmt::format("{} sustained on {}: Rmax {} from {} (its best run)", b["basis"].get<std::string>(),
                         d.value("device", "?"), flops(d["flops"]), d.value("result", "?"));
      if (d.contains("gemm_proxy"))
        out += fmt::format("; GEMM proxy {} from {}", flops(d["gemm_proxy"]["flops"]),
                           d["gemm_proxy"].value("result", "?"));
      out += "\n";
    }

  if (r["declared_flops"].is_number()) {
    const std::string declared = format_si(r["declared_flops"].get<double>());
    out += "\n";
    if (r["center"].is_object()) {
      const auto& c = r["center"];
      out += fmt::format("{}: {}, rated {} ({}; {}{}), basis: {}\n", c["id"].get<std::string>(), c["name"].get<std::string>(),
                         c["rating"].get<std::string>(), c["scope"].get<std::string>(),
                         c["date"].is_string() ? c["date"].get<std::string>() : "date not stated",
                         c["hardware"].is_string() ? "; " + c["hardware"].get<std::string>() : "",
                         c["basis"].get<std::string>());
      if (!c["basis_note"].get<std::string>().empty()) out += fmt::format("  basis note: {}\n", c["basis_note"].get<std::string>());
      out += fmt::format("  source: {}\n", c["source"].get<std::string>());
    } else {
      out += fmt::format("declared rating: {}\n", declared);
    }
    for (const auto& b : r["bases"]) {
      const auto& vs = b["vs_declared"];
      const auto& nf = b["nodes_for_declared"];
      auto count = [](const ojson& v) { return v.is_number() ? fmt::format("{:.0f}", std::ceil(v.get<double>())) : std::string("n/a"); };
      out += fmt::format("  {}: {} nodes installed = {} of {}; measured = {}; {} corresponds to {} such nodes at spec "
                         "peak, {} at the sustained rate\n",
                         b["basis"].get<std::string>(), nodes, percent(vs["installed"]), declared, percent(vs["measured"]),
                         declared, count(nf["at_spec_peak"]), count(nf["at_sustained"]));
    }
  }
  if (r["convention"].is_object()) {
    const auto& c = r["convention"];
    out += fmt::format("\nunder convention {} ({}; {}): figures in {}\n", c["id"].get<std::string>(),
                       c["title"].get<std::string>(), c["source"].get<std::string>(), c["target"].get<std::string>());
    for (const auto& b : r["bases"])
      if (b["under_convention"].is_object())
        out += fmt::format("  {} x {}: installed {}, measured {}\n", b["basis"].get<std::string>(),
                           b["under_convention"]["factor"].get<double>(), flops(b["under_convention"]["installed"]),
                           flops(b["under_convention"]["measured"]));
  }
  bool any_missing = false;
  for (const auto& b : r["bases"])
    for (const auto& m : b["missing"]) {
      if (!any_missing) out += "\nnot available:\n";
      any_missing = true;
      out += fmt::format("  {}: {}\n", b["basis"].get<std::string>(), m.get<std::string>());
    }
  for (const auto& n : r["notes"]) out += fmt::format("\nnote: {}\n", n.get<std::string>());
  return out;
}

}  // namespace ccb
