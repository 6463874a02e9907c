#include "harness/sysinfo.hpp"

#include "kernels/peak/peak_openmp.hpp"

#include <hwloc.h>
#include <omp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <CLI/Version.hpp>
#include <benchmark/benchmark.h>
#include <fmt/format.h>

namespace ccb {
namespace {

class Topology {
 public:
  Topology() {
    hwloc_topology_init(&topo_);
    hwloc_topology_load(topo_);
  }
  ~Topology() { hwloc_topology_destroy(topo_); }
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  int count(hwloc_obj_type_t t) const { return hwloc_get_nbobjs_by_type(topo_, t); }
  hwloc_obj_t at(hwloc_obj_type_t t, int i) const { return hwloc_get_obj_by_type(topo_, t, i); }

 private:
  hwloc_topology_t topo_{};
};

std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
      }
    }
  }
  return "";
}

// Nominal clock: the "@ 2.60GHz" of the model name, else the kernel's base frequency, else
// the clock /proc/cpuinfo reports (inside a VM often the TSC rate). Returns {MHz, source}.
std::pair<double, std::string> nominal_clock(const std::string& model) {
  if (const auto at = model.find(" @ "); at != std::string::npos) {
    const double ghz = std::atof(model.c_str() + at + 3);
    if (ghz > 0 && model.find("GHz", at) != std::string::npos) return {ghz * 1000.0, "model name"};
  }
  std::ifstream base("/sys/devices/system/cpu/cpu0/cpufreq/base_frequency");
  if (double khz = 0; base >> khz && khz > 0) return {khz / 1000.0, "cpufreq base_frequency"};
  const double mhz = std::atof(cpuinfo_field("cpu MHz").c_str());
  if (mhz > 0) return {mhz, "/proc/cpuinfo cpu MHz"};
  return {0.0, "unknown"};
}

double max_clock_mhz() {
  std::ifstream in("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  double khz = 0;
  return (in >> khz && khz > 0) ? khz / 1000.0 : 0.0;
}

std::uint64_t meminfo_kb(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string k;
  std::uint64_t v = 0;
  std::string unit;
  while (in >> k >> v) {
    std::getline(in, unit);
    if (k == key + ":") return v;
  }
  return 0;
}

// ISA extensions that matter for floating-point throughput, as the kernel names them.
json isa_flags() {
  static const std::set<std::string> kInteresting{
      "sse2", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw",
      "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile",
      "amx_bf16", "amx_int8", "asimd", "sve", "sve2", "fphp", "asimdhp", "bf16", "i8mm"};
  std::string flags = cpuinfo_field("flags");
  if (flags.empty()) flags = cpuinfo_field("Features");
  json out = json::array();
  std::istringstream is(flags);
  std::string f;
  while (is >> f)
    if (kInteresting.count(f)) out.push_back(f);
  return out;
}

json env_or_null(const char* name) {
  const char* v = std::getenv(name);
  return v ? json(v) : json(nullptr);
}

json caches(const Topology& t) {
  json out = json::array();
  const std::pair<hwloc_obj_type_t, const char*> kinds[] = {
      {HWLOC_OBJ_L1CACHE, "L1d"}, {HWLOC_OBJ_L2CACHE, "L2"}, {HWLOC_OBJ_L3CACHE, "L3"},
      {HWLOC_OBJ_L4CACHE, "L4"}};
  for (const auto& [type, name] : kinds) {
    const int n = t.count(type);
    if (n <= 0) continue;
    const auto* obj = t.at(type, 0);
    out.push_back(json{{"level", name},
                       {"size_bytes", obj->attr->cache.size},
                       {"instances", n},
                       {"line_bytes", obj->attr->cache.linesize}});
  }
  return out;
}

}  // namespace

std::uint64_t last_level_cache_bytes() {
  Topology t;
  for (auto type : {HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE}) {
    const int n = t.count(type);
    if (n <= 0) continue;
    std::uint64_t sum = 0;
    for (int i = 0; i < n; ++i) sum += t.at(type, i)->attr->cache.size;
    return sum;
  }
  return 0;
}

std::uint64_t available_memory_bytes() {
  if (auto kb = meminfo_kb("MemAvailable")) return kb * 1024;
  return static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
         static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

namespace {

json cpu_section(const Topology& t) {
  std::string model = cpuinfo_field("model name");
  const auto [nominal_mhz, nominal_source] = nominal_clock(model);
  const double max_mhz = max_clock_mhz();
  // Under a hypervisor, cache sizes and clocks are what the VM reports, not the hardware's.
  const bool hypervisor = (" " + cpuinfo_field("flags") + " ").find(" hypervisor ") != std::string::npos;
  if (model.empty()) model = cpuinfo_field("CPU part");
  return json{{"model", model},
              {"vendor", cpuinfo_field("vendor_id")},
              {"sockets", t.count(HWLOC_OBJ_PACKAGE)},
              {"cores", t.count(HWLOC_OBJ_CORE)},
              {"threads", t.count(HWLOC_OBJ_PU)},
              {"numa_nodes", t.count(HWLOC_OBJ_NUMANODE)},
              {"nominal_mhz", nominal_mhz > 0 ? json(nominal_mhz) : json(nullptr)},
              {"nominal_mhz_source", nominal_source},
              {"max_mhz", max_mhz > 0 ? json(max_mhz) : json(nullptr)},
              {"scalar_clock_mhz", measure_scalar_clock_mhz()},
              {"hypervisor", hypervisor},
              {"isa", isa_flags()},
              {"caches", caches(t)}};
}

json software_section() {
  const unsigned hwloc_ver = hwloc_get_api_version();
  return json{{"compiler", fmt::format("{} {}",
#if defined(__clang__)
                                       "clang",
#else
                                       "gcc",
#endif
                                       __VERSION__)},
              {"hwloc", fmt::format("{}.{}.{}", hwloc_ver >> 16, (hwloc_ver >> 8) & 0xff, hwloc_ver & 0xff)},
              {"google_benchmark", CCBENCH_BENCHMARK_VERSION},
              {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                            NLOHMANN_JSON_VERSION_PATCH)},
              {"fmt", FMT_VERSION},
              {"cli11", CLI11_VERSION}};
}

}  // namespace

json probe_system(const Registry& registry) {
  Topology t;
  utsname u{};
  uname(&u);
  json backends = json::object();
  json accelerators = json::array();  // every device of every available accelerator backend
  for (const auto& b : registry.all()) {
    const auto av = b->availability();
    json info = av.ok ? b->device_info() : json{{"available", false}, {"reason", av.reason}};
    for (const auto& d : info.value("devices", json::array())) {
      json a{{"backend", b->name()}};
      a.update(d);
      accelerators.push_back(a);
    }
    backends[b->name()] = info;
  }
  return json{{"hostname", hostname()},
              {"os", {{"sysname", u.sysname}, {"release", u.release}, {"version", u.version}, {"machine", u.machine}}},
              {"cpu", cpu_section(t)},
              {"memory", {{"total_bytes", meminfo_kb("MemTotal") * 1024}, {"available_bytes", available_memory_bytes()}}},
              {"threads", {{"omp_max_threads", omp_get_max_threads()},
                           {"OMP_NUM_THREADS", env_or_null("OMP_NUM_THREADS")},
                           {"OMP_PROC_BIND", env_or_null("OMP_PROC_BIND")},
                           {"OMP_PLACES", env_or_null("OMP_PLACES")},
                           {"OPENBLAS_NUM_THREADS", env_or_null("OPENBLAS_NUM_THREADS")}}},
              {"software", software_section()},
              {"accelerators", accelerators},
              {"backends", backends}};
}

}  // namespace ccb
