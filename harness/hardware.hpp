#pragma once
// Hardware tables (configs/hardware/*.json): what each device should do per precision. Every
// row carries its source and a certainty flag; a row without a source is refused on load.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ccb {

// Precision names used by peaks and ratings: fp64, fp64_tensor, fp32, tf32, fp16, bf16, fp8, int8.
using PrecisionMap = std::map<std::string, double>;

struct Sourced {
  std::string source;
  std::string certainty;  // "sourced" or "uncertain"
};

struct CpuIsaClass : Sourced {
  std::string id, isa;
  int vector_bits = 0, fma_units = 0;
  PrecisionMap flops_per_cycle;  // per core
};

struct CpuMicroarch : Sourced {
  std::string id, vendor, isa_class;
  PrecisionMap flops_per_cycle;
  std::optional<int> fma_latency_cycles;
};

// Matrix engines on CPU cores (AMX): ops per cycle per core for one precision.
struct CpuMatrixUnit : Sourced {
  std::string id, cpu_flag, precision;
  double ops_per_cycle = 0;
};

struct Accelerator : Sourced {
  std::string id, vendor, architecture;
  std::vector<std::string> match;  // substrings of the device name
  std::optional<int> sms;
  std::optional<double> vector_clock_mhz, tensor_clock_mhz;
  PrecisionMap per_sm_per_clock, dense_tflops, sparse_tflops;
};

struct HardwareTables {
  std::vector<CpuIsaClass> isa_classes;
  std::vector<CpuMicroarch> microarchs;
  std::vector<CpuMatrixUnit> matrix_units;
  std::vector<Accelerator> accelerators;

  // Loads cpus.json and accelerators.json from `dir`. Throws UsageError naming file and field.
  static HardwareTables load(const std::filesystem::path& dir);

  const CpuIsaClass* isa_class(const std::string& isa, int fma_units) const;
  const CpuMicroarch* microarch(const std::string& id) const;
  // The accelerator whose match strings occur in `device_name` (longest match wins).
  const Accelerator* match_accelerator(const std::string& device_name) const;
};

// True for precisions whose peak is quoted at the tensor clock (tf32, fp16, bf16, fp8, int8).
bool is_tensor_precision(const std::string& precision);

// GPU peak in FLOP/s from the per-SM table: sms x per-SM ops per clock x clock. nullopt when
// the table has no per-SM figure for the precision.
std::optional<double> gpu_peak_from_sms(const Accelerator& a, const std::string& precision, int sms,
                                        double clock_mhz);

}  // namespace ccb
