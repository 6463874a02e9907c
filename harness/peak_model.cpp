#include "harness/peak_model.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ccb {
namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Widest vector ISA among the CPU flags of the system section.
std::string widest_isa(const json& flags) {
  auto has = [&](const char* f) { return std::find(flags.begin(), flags.end(), f) != flags.end(); };
  if (has("avx512f")) return "avx512";
  if (has("avx2") && has("fma")) return "avx2";
  if (has("avx")) return "avx";
  if (has("asimd")) return "neon";
  if (has("sse2")) return "sse2";
  return "unknown";
}

// Precisions in the order tables and reports list them.
void sort_precisions(DevicePeak& d) {
  static const std::vector<std::string> kOrder{"fp64", "fp64_tensor", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"};
  auto rank = [&](const PrecisionPeak& p) { return std::find(kOrder.begin(), kOrder.end(), p.precision) - kOrder.begin(); };
  std::stable_sort(d.precisions.begin(), d.precisions.end(),
                   [&](const PrecisionPeak& a, const PrecisionPeak& b) { return rank(a) < rank(b); });
}

double number_or(const json& j, const char* key, double fallback) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

}  // namespace

std::string precision_of(DType d) {
  return d == DType::fp8_e4m3 ? "fp8" : std::string(to_string(d));
}

json PrecisionPeak::to_json() const {
  return json{{"precision", precision},
              {"theoretical_nominal_flops", opt(theoretical_nominal)},
              {"theoretical_sustained_flops", opt(theoretical_sustained)},
              {"measured_flops", opt(measured)},
              {"measured_spread", opt(measured_spread)},
              {"measured_by", measured_by.empty() ? json(nullptr) : json(measured_by)},
              {"ceiling_flops", ceiling},
              {"formula", formula},
              {"source", source},
              {"certainty", certainty}};
}

const PrecisionPeak* DevicePeak::find(const std::string& precision) const {
  for (const auto& p : precisions)
    if (p.precision == precision) return &p;
  return nullptr;
}

json DevicePeak::to_json() const {
  json ps = json::array();
  for (const auto& p : precisions) ps.push_back(p.to_json());
  return json{{"device", device}, {"name", name}, {"basis", basis}, {"precisions", ps}};
}

std::optional<DevicePeak> gpu_device_peak(const HardwareTables& t, const std::string& device,
                                          const std::string& name, std::optional<int> sms,
                                          std::optional<double> clock_mhz) {
  const Accelerator* a = t.match_accelerator(name);
  if (!a) return std::nullopt;
  DevicePeak d{device, name, json{{"table_row", a->id}, {"sms", sms ? json(*sms) : json(nullptr)},
                                  {"clock_mhz", opt(clock_mhz)}}, {}};
  for (const auto& [precision, tflops] : a->dense_tflops) {
    PrecisionPeak p;
    p.precision = precision;
    p.source = a->source;
    p.certainty = a->certainty;
    const int n = sms.value_or(a->sms.value_or(0));
    // The datasheet's clock for this precision class when the table has it (tensor peaks are
    // quoted below the boost clock a device reports), else the device's own clock.
    const auto table_clock = is_tensor_precision(precision) ? a->tensor_clock_mhz : a->vector_clock_mhz;
    const double mhz = table_clock.value_or(clock_mhz.value_or(0));
    if (auto f = gpu_peak_from_sms(*a, precision, n, mhz)) {
      p.theoretical_nominal = *f;
      p.formula = fmt::format("{} SMs x {} ops/clock/SM x {} MHz", n, a->per_sm_per_clock.at(precision), mhz);
    } else {
      p.theoretical_nominal = tflops * 1e12;
      p.formula = fmt::format("datasheet {} dense: {} TFLOPS", a->id, tflops);
    }
    // Ceiling: also at the highest clock the device reports.
    const double at_device_clock = clock_mhz ? gpu_peak_from_sms(*a, precision, n, *clock_mhz).value_or(0) : 0;
    p.ceiling = std::max({*p.theoretical_nominal, tflops * 1e12, at_device_clock});
    d.precisions.push_back(p);
  }
  sort_precisions(d);
  return d;
}

PeakModel::PeakModel(HardwareTables tables, json system)
    : tables_(std::move(tables)), system_(std::move(system)) {
  rebuild();
}

const DevicePeak* PeakModel::device(const std::string& id) const {
  for (const auto& d : devices_)
    if (d.device == id) return &d;
  return nullptr;
}

namespace {

// Matrix engines (AMX) and other units of the CPU's flags: a precision they offer faster than
// the vector units is theirs. Their sustained peak uses the clock measured under the vector FMA
// load (a matrix engine may run lower, which would only make its efficiency look lower).
void add_matrix_unit_peaks(const HardwareTables& tables, const json& flags, double cores, double nominal,
                           std::optional<double> sustained, double highest, DevicePeak& d) {
  for (const auto& u : tables.matrix_units) {
    if (std::find(flags.begin(), flags.end(), u.cpu_flag) == flags.end()) continue;
    PrecisionPeak p;
    p.precision = u.precision;
    p.theoretical_nominal = cores * nominal * 1e6 * u.ops_per_cycle;
    if (sustained) p.theoretical_sustained = cores * *sustained * 1e6 * u.ops_per_cycle;
    p.ceiling = cores * highest * 1e6 * u.ops_per_cycle;
    p.formula = fmt::format("{} cores x {:.0f} MHz x {} ops/cycle ({})", cores, nominal, u.ops_per_cycle, u.id);
    p.source = u.source;
    p.certainty = u.certainty;
    // Several units may offer a precision (AMX and AVX512_BF16): the fastest sets the peak.
    auto same = std::find_if(d.precisions.begin(), d.precisions.end(),
                             [&](const PrecisionPeak& q) { return q.precision == p.precision; });
    if (same == d.precisions.end())
      d.precisions.push_back(p);
    else if (p.ceiling > same->ceiling)
      *same = p;
  }
}

}  // namespace

DevicePeak PeakModel::cpu_peak() const {
  const json cpu = system_.value("cpu", json::object());
  const double cores = number_or(cpu, "cores", 0);
  const double nominal = number_or(cpu, "nominal_mhz", 0);
  const double max_mhz = number_or(cpu, "max_mhz", 0);
  const json flags = cpu.value("isa", json::array());
  const std::string isa = widest_isa(flags);

  // The FMA-unit count is the ISA table's (the most units this ISA class comes with); the peak
  // kernel's measurement only confirms it. A measurement below it (a throttled or shared core,
  // or a SKU with fewer units) is reported, never used to lower the theoretical peak: that
  // would raise every efficiency judged against it.
  int units = 0;
  for (const auto& c : tables_.isa_classes)
    if (c.isa == isa) units = std::max(units, c.fma_units);
  const CpuIsaClass* cls = tables_.isa_class(isa, units);
  const bool confirmed = fma_units_measured_ && std::lround(*fma_units_measured_) == units;
  const double probed = number_or(cpu, "scalar_clock_mhz", 0);
  const double highest = std::max({nominal, max_mhz, probed, sustained_mhz_.value_or(0), scalar_mhz_.value_or(0)});

  DevicePeak d;
  d.device = "cpu";
  d.name = cpu.value("model", "unknown CPU");
  d.basis = json{{"cores", cores},
                 {"isa", isa},
                 {"isa_class", cls ? json(cls->id) : json(nullptr)},
                 {"fma_units", units},
                 {"fma_units_source", "ISA table"},
                 {"fma_units_measured", opt(fma_units_measured_)},
                 {"fma_units_confirmed", confirmed},
                 {"nominal_mhz", nominal},
                 {"nominal_mhz_source", cpu.value("nominal_mhz_source", "unknown")},
                 {"max_mhz", max_mhz > 0 ? json(max_mhz) : json(nullptr)},
                 {"sustained_mhz", opt(sustained_mhz_)},
                 {"scalar_mhz", opt(scalar_mhz_)}};
  if (cls && cores > 0 && nominal > 0) {
    for (const auto& [precision, fpc] : cls->flops_per_cycle) {
      PrecisionPeak p;
      p.precision = precision;
      p.theoretical_nominal = cores * nominal * 1e6 * fpc;
      if (sustained_mhz_) p.theoretical_sustained = cores * *sustained_mhz_ * 1e6 * fpc;
      set_measured("cpu", p);
      p.ceiling = cores * highest * 1e6 * fpc;
      p.formula = fmt::format("{} cores x {:.0f} MHz x {} FLOPs/cycle ({}{})", cores, nominal, fpc, cls->id,
                              confirmed             ? ", FMA units confirmed by measurement"
                              : fma_units_measured_ ? fmt::format(", FMA units from the table; {:.2f} measured, not "
                                                                  "used to lower the peak", *fma_units_measured_)
                                                    : ", FMA units from the table, not measured");
      p.source = cls->source;
      p.certainty = confirmed ? cls->certainty : "uncertain";
      d.precisions.push_back(p);
    }
    add_matrix_unit_peaks(tables_, flags, cores, nominal, sustained_mhz_, highest, d);
  }
  sort_precisions(d);
  return d;
}

void PeakModel::rebuild() {
  devices_.clear();
  devices_.push_back(cpu_peak());
  for (const auto& acc : system_.value("accelerators", json::array())) {
    const auto sms = acc.contains("sm_count") && acc["sm_count"].is_number() ? std::optional<int>(acc["sm_count"].get<int>()) : std::nullopt;
    const auto mhz = acc.contains("clock_mhz") && acc["clock_mhz"].is_number() ? std::optional<double>(acc["clock_mhz"].get<double>()) : std::nullopt;
    if (auto g = gpu_device_peak(tables_, acc.value("device", "gpu"), acc.value("name", ""), sms, mhz)) {
      for (auto& p : g->precisions) set_measured(g->device, p);
      devices_.push_back(*g);
    }
  }
}

void PeakModel::take(Result& r) {
  annotate(r);  // first: a result above the ceiling must not feed the model
  if (observe(r)) annotate(r);
}

const PrecisionPeak* PeakModel::peak_for(const Result& r) const {
  const auto dtype = parse_dtype(r.dtype);
  const DevicePeak* dev = device(r.device);
  if (!dev || !dtype) return nullptr;
  const PrecisionPeak* p = dev->find(precision_of(*dtype));
  // FP64 GEMM and convolution run on FP64 tensor cores where a GPU has them (A100, H100).
  if (r.kernel != "peak" && p && p->precision == "fp64")
    if (const auto* t = dev->find("fp64_tensor"); t && t->ceiling > p->ceiling) p = t;
  return p;
}

bool PeakModel::observe(const Result& r) {
  const bool gpu = r.device != "cpu";
  if ((r.kernel != "peak" && !(gpu && r.kernel == "gemm")) || r.status != Status::passed || !r.rate()) return false;
  std::string precision = precision_of(*parse_dtype(r.dtype));
  if (gpu) {
    // The FMA kernel measures the CUDA-core peaks (FP64, FP32; its FP16 is not the tensor
    // peak); the best GEMM measures the tensor-core ones.
    if (r.kernel == "peak" && precision != "fp64" && precision != "fp32") return false;
    if (r.kernel == "gemm") {
      const PrecisionPeak* p = peak_for(r);
      if (!p || (!is_tensor_precision(p->precision) && p->precision != "fp64_tensor")) return false;
      precision = p->precision;
    }
  }
  // A peak kernel's figure is its best repetition (interruptions only slow a run down, so the
  // best is what repeats), with the spread of its repetitions beside it; a GEMM's is its median.
  Measured m{r.device, precision, (r.kernel == "peak" ? r.rate()->best : r.rate()->median) * 1e9, std::nullopt,
             r.name()};
  if (r.kernel == "peak" && r.stats && r.samples.size() > 1)
    m.spread = 1 - r.stats->min / *std::max_element(r.samples.begin(), r.samples.end());
  auto it = std::find_if(measured_.begin(), measured_.end(),
                         [&](const Measured& x) { return x.device == r.device && x.precision == precision; });
  if (it == measured_.end())
    measured_.push_back(std::move(m));
  else if (r.kernel == "peak" || m.flops > it->flops)  // the best GEMM is the tensor peak
    *it = std::move(m);
  if (gpu) {
    rebuild();
    return true;
  }
  const json& d = r.details;
  if (d.contains("sustained_clock_mhz")) sustained_mhz_ = d["sustained_clock_mhz"].get<double>();
  if (d.contains("scalar_clock_mhz")) scalar_mhz_ = d["scalar_clock_mhz"].get<double>();
  if (d.contains("fma_units_raw") && d.contains("threads")) {
    // The kernel measures per thread. With more threads than cores (SMT), threads on one core
    // share its FMA units: scale by threads per core, at most the SMT width.
    const json cpu = system_.value("cpu", json::object());
    const double cores = number_or(cpu, "cores", 0), logical = number_or(cpu, "threads", 0);
    const double threads = d["threads"].get<double>();
    double share = cores > 0 && threads > cores ? threads / cores : 1.0;
    if (cores > 0 && logical >= cores) share = std::min(share, logical / cores);
    fma_units_measured_ = d["fma_units_raw"].get<double>() * share;
  } else if (d.contains("fma_units")) {
    fma_units_measured_ = d["fma_units"].get<double>();
  }
  rebuild();
  return true;
}

void PeakModel::annotate(Result& r) const {
  if ((r.kernel != "gemm" && r.kernel != "conv" && r.kernel != "peak") || !r.rate()) return;
  const auto dtype = parse_dtype(r.dtype);
  const PrecisionPeak* p = peak_for(r);
  if (!p) {
    r.efficiency = json{{"precision", dtype ? precision_of(*dtype) : r.dtype},
                        {"note", "no theoretical peak known for this device and precision"}};
    return;
  }
  if (r.kernel == "peak" && r.device != "cpu" && p->precision != "fp64" && p->precision != "fp32") {
    r.efficiency = json{{"precision", p->precision},
                        {"note", "the GPU peak kernel uses the CUDA cores; the table's figure for this precision is "
                                 "the tensor-core peak"}};
    return;
  }
  const double median = r.rate()->median * 1e9, best = r.rate()->best * 1e9;
  auto ratio = [&](const std::optional<double>& peak) { return peak && *peak > 0 ? json(median / *peak) : json(nullptr); };
  // Never judged against itself: the best GEMM that is a GPU's measured tensor peak, a peak
  // kernel's own measurement.
  const bool self = r.kernel == "peak" || p->measured_by == r.name();
  r.efficiency = json{{"precision", p->precision},
                      {"vs_theoretical_nominal", ratio(p->theoretical_nominal)},
                      {"vs_theoretical_sustained", ratio(p->theoretical_sustained)},
                      {"vs_measured_peak", self ? json(nullptr) : ratio(p->measured)},
                      {"theoretical_nominal_flops", opt(p->theoretical_nominal)},
                      {"theoretical_sustained_flops", opt(p->theoretical_sustained)},
                      {"measured_peak_flops", self ? json(nullptr) : opt(p->measured)},
                      {"ceiling_flops", p->ceiling}};
  if (self && p->measured) r.efficiency["measured_peak_note"] = "this result is the measured peak";
  if (r.status == Status::passed && p->ceiling > 0 && best > kMistrustFactor * p->ceiling) {
    r.status = Status::mistrusted;
    r.reason = fmt::format("rate {:.4g} GFLOPS is above {:.2f}x the theoretical {} peak of {}, {:.4g} GFLOPS "
                           "at the highest clock known",
                           best * 1e-9, kMistrustFactor, p->precision, r.device, p->ceiling * 1e-9);
    r.efficiency = nullptr;  // a mistrusted figure is not an efficiency
  }
}

void PeakModel::set_measured(const std::string& device, PrecisionPeak& p) const {
  for (const auto& m : measured_)
    if (m.device == device && m.precision == p.precision) {
      p.measured = m.flops;
      p.measured_spread = m.spread;
      p.measured_by = m.by;
    }
}

void PeakModel::annotate_again(std::vector<Result>& results) const {
  for (auto& r : results) annotate(r);
}

json PeakModel::to_json() const {
  json j = json::array();
  for (const auto& d : devices_) j.push_back(d.to_json());
  return j;
}

}  // namespace ccb
