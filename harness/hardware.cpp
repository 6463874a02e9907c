#include "harness/hardware.hpp"

#include <fmt/format.h>

#include "harness/table_loader.hpp"

namespace ccb {
namespace {

const std::set<std::string> kPrecisions{"fp64", "fp64_tensor", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"};

void read_sourced(const ijson& row, const Where& w, Sourced& out) {
  out.source = string_field(row, "source", w);
  out.certainty = string_field(row, "certainty", w);
  if (out.certainty != "sourced" && out.certainty != "uncertain")
    w["certainty"].fail(fmt::format("expected \"sourced\" or \"uncertain\", got \"{}\"", out.certainty));
}

PrecisionMap precision_map(const ijson& row, const char* key, const Where& w, bool required_field) {
  PrecisionMap m;
  if (!row.contains(key)) {
    if (required_field) w.fail(fmt::format("missing required field \"{}\"", key));
    return m;
  }
  const auto& v = row.at(key);
  if (!v.is_object()) w[key].fail("expected an object of precision: number");
  for (const auto& [p, x] : v.items()) {
    if (!kPrecisions.count(p)) w[key][p].fail("unknown precision (expected fp64, fp64_tensor, fp32, tf32, fp16, bf16, fp8, int8)");
    m[p] = positive_number(x, w[key][p]);
  }
  return m;
}

std::optional<double> optional_number(const ijson& obj, const char* key, const Where& w) {
  if (!obj.is_object() || !obj.contains(key) || obj.at(key).is_null()) return std::nullopt;
  return positive_number(obj.at(key), w[key]);
}

CpuIsaClass read_isa_class(const ijson& row, const Where& w) {
  CpuIsaClass c;
  read_sourced(row, w, c);
  c.id = string_field(row, "id", w);
  c.isa = string_field(row, "isa", w);
  c.vector_bits = static_cast<int>(positive_int(required(row, "vector_bits", w), w["vector_bits"], 4096));
  c.fma_units = static_cast<int>(positive_int(required(row, "fma_units", w), w["fma_units"], 16));
  c.flops_per_cycle = precision_map(row, "flops_per_cycle", w, true);
  return c;
}

CpuMicroarch read_microarch(const ijson& row, const Where& w) {
  CpuMicroarch m;
  read_sourced(row, w, m);
  m.id = string_field(row, "id", w);
  m.vendor = string_field(row, "vendor", w);
  if (row.contains("isa_class") && row["isa_class"].is_string()) m.isa_class = row["isa_class"];
  m.flops_per_cycle = precision_map(row, "flops_per_cycle", w, true);
  if (auto l = optional_number(row, "fma_latency_cycles", w)) m.fma_latency_cycles = static_cast<int>(*l);
  return m;
}

CpuMatrixUnit read_matrix_unit(const ijson& row, const Where& w) {
  CpuMatrixUnit u;
  read_sourced(row, w, u);
  u.id = string_field(row, "id", w);
  u.cpu_flag = string_field(row, "cpu_flag", w);
  u.precision = string_field(row, "precision", w);
  if (!kPrecisions.count(u.precision)) w["precision"].fail("unknown precision");
  u.ops_per_cycle = positive_number(required(row, "ops_per_cycle", w), w["ops_per_cycle"]);
  return u;
}

Accelerator read_accelerator(const ijson& r, const Where& w) {
  Accelerator a;
  read_sourced(r, w, a);
  a.id = string_field(r, "id", w);
  a.vendor = string_field(r, "vendor", w);
  a.architecture = string_field(r, "architecture", w);
  a.match = strings(required(r, "match", w), w["match"]);
  if (auto s = optional_number(r, "sms", w)) a.sms = static_cast<int>(*s);
  if (r.contains("clock_mhz") && !r["clock_mhz"].is_null()) {
    a.vector_clock_mhz = optional_number(r["clock_mhz"], "vector", w["clock_mhz"]);
    a.tensor_clock_mhz = optional_number(r["clock_mhz"], "tensor", w["clock_mhz"]);
  }
  a.per_sm_per_clock = precision_map(r, "per_sm_per_clock", w, false);
  a.dense_tflops = precision_map(r, "dense_tflops", w, true);
  a.sparse_tflops = precision_map(r, "sparse_tflops", w, false);
  return a;
}

}  // namespace

HardwareTables HardwareTables::load(const std::filesystem::path& dir) {
  HardwareTables t;
  const auto cpus = dir / "cpus.json";
  const ijson cpu_root = read_json_file(cpus, "hardware table");
  const Where cpu_top{cpus.string(), ""};
  t.isa_classes = table_rows(cpu_root, "isa_classes", cpu_top, read_isa_class);
  t.microarchs = table_rows(cpu_root, "microarchitectures", cpu_top, read_microarch);
  t.matrix_units = table_rows(cpu_root, "matrix_units", cpu_top, read_matrix_unit);
  const auto accelerators = dir / "accelerators.json";
  t.accelerators = table_rows(read_json_file(accelerators, "hardware table"), "accelerators",
                              Where{accelerators.string(), ""}, read_accelerator);
  return t;
}

const CpuIsaClass* HardwareTables::isa_class(const std::string& isa, int fma_units) const {
  for (const auto& c : isa_classes)
    if (c.isa == isa && c.fma_units == fma_units) return &c;
  return nullptr;
}

const CpuMicroarch* HardwareTables::microarch(const std::string& id) const {
  for (const auto& m : microarchs)
    if (m.id == id) return &m;
  return nullptr;
}

const Accelerator* HardwareTables::match_accelerator(const std::string& device_name) const {
  const Accelerator* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& a : accelerators)
    for (const auto& m : a.match)
      if (device_name.find(m) != std::string::npos && m.size() > best_len) {
        best = &a;
        best_len = m.size();
      }
  return best;
}

bool is_tensor_precision(const std::string& precision) {
  // FP64 tensor-core peaks are quoted at the boost clock, like FP64/FP32 (H100 SXM: 132 SMs x
  // 256 x 1.98 GHz = 67 TFLOPS); the other tensor precisions at the lower tensor clock.
  return precision != "fp64" && precision != "fp32" && precision != "fp64_tensor";
}

std::optional<double> gpu_peak_from_sms(const Accelerator& a, const std::string& precision, int sms,
                                        double clock_mhz) {
  const auto it = a.per_sm_per_clock.find(precision);
  if (it == a.per_sm_per_clock.end() || sms <= 0 || clock_mhz <= 0) return std::nullopt;
  return static_cast<double>(sms) * it->second * clock_mhz * 1e6;
}

}  // namespace ccb
