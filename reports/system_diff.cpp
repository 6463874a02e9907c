#include "reports/system_diff.hpp"

#include <set>

#include <fmt/format.h>

namespace ccb {

std::vector<std::string> system_differences(const RunRates& a, const RunRates& b) {
  std::vector<std::string> out;
  if (a.format != b.format) {
    out.push_back(fmt::format("formats differ: {} vs {}", a.format, b.format));
    return out;
  }
  auto check = [&](const std::string& what, const ojson& x, const ojson& y) {
    if (x != y) out.push_back(fmt::format("{}: {} vs {}", what, x.dump(), y.dump()));
  };
  const ojson empty = ojson::object();
  if (a.format == "google-benchmark") {
    for (const char* k : {"host_name", "num_cpus", "mhz_per_cpu", "library_build_type"})
      check(k, a.system.value(k, ojson()), b.system.value(k, ojson()));
    return out;
  }
  const auto& ca = a.system.contains("cpu") ? a.system["cpu"] : empty;
  const auto& cb = b.system.contains("cpu") ? b.system["cpu"] : empty;
  for (const char* k : {"model", "sockets", "cores", "threads", "isa"}) check(std::string("cpu.") + k, ca.value(k, ojson()), cb.value(k, ojson()));
  const auto& sa = a.system.contains("software") ? a.system["software"] : empty;
  const auto& sb = b.system.contains("software") ? b.system["software"] : empty;
  check("compiler", sa.value("compiler", ojson()), sb.value("compiler", ojson()));
  const auto& ba = a.system.contains("backends") ? a.system["backends"] : empty;
  const auto& bb = b.system.contains("backends") ? b.system["backends"] : empty;
  std::set<std::string> names;
  for (const auto& [k, v] : ba.items()) names.insert(k);
  for (const auto& [k, v] : bb.items()) names.insert(k);
  for (const auto& n : names) {
    const ojson x = ba.value(n, ojson()), y = bb.value(n, ojson());
    // The library's identity: its configuration, availability, ISA, and every version it
    // reports (oneDNN's version; CUDA's driver, runtime, cuBLASLt and cuDNN versions).
    std::set<std::string> keys{"config", "available", "cpu_isa"};
    for (const ojson* side : {&x, &y})
      if (side->is_object())
        for (const auto& [k, v] : side->items())
          if (k.find("version") != std::string::npos) keys.insert(k);
    for (const auto& k : keys)
      if ((x.is_object() && x.contains(k)) || (y.is_object() && y.contains(k)))
        check(n + "." + k, x.is_object() ? x.value(k, ojson()) : ojson(), y.is_object() ? y.value(k, ojson()) : ojson());
  }
  check("accelerators", a.system.value("accelerators", ojson()), b.system.value("accelerators", ojson()));
  return out;
}

}  // namespace ccb
