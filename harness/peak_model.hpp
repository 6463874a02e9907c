#pragma once
// Theoretical and measured peaks per device and precision, and the efficiency of every GEMM
// (and peak) result against them. CPU: cores x clock x FLOPs per cycle of the detected ISA and
// its FMA-unit count from the ISA table (the peak kernel's measurement confirms it, or is
// reported beside it; cpuid does not tell). GPU: SMs x per-SM ops per
// clock x clock, or the datasheet row matched by device name.
#include <optional>
#include <string>
#include <vector>

#include "harness/hardware.hpp"
#include "harness/result.hpp"

namespace ccb {

// Precision name of a dtype: fp8_e4m3 -> fp8, the others unchanged.
std::string precision_of(DType d);

struct PrecisionPeak {
  std::string precision;
  std::optional<double> theoretical_nominal;    // FLOP/s at the nominal (datasheet) clock
  std::optional<double> theoretical_sustained;  // FLOP/s at the measured sustained clock
  // FLOP/s of the peak kernel (its best repetition), or of a GPU's best tensor-core GEMM (median)
  std::optional<double> measured;
  std::optional<double> measured_spread;  // the peak kernel's (best - worst) / best over repetitions
  std::string measured_by;                // the result that measured it (its name)
  double ceiling = 0;   // FLOP/s at the highest clock known: rates above 1.05x are mistrusted
  std::string formula;  // how theoretical_nominal was computed
  std::string source, certainty;
  json to_json() const;
};

struct DevicePeak {
  std::string device;  // "cpu", "cuda:0"
  std::string name;
  json basis;          // clocks, cores/SMs, ISA class and whether FMA units were measured
  std::vector<PrecisionPeak> precisions;
  const PrecisionPeak* find(const std::string& precision) const;
  json to_json() const;
};

// GPU device peaks: per-SM formula when the table has per-SM figures and the SM count and
// clock are known, datasheet figures otherwise. nullopt when no table row matches `name`.
std::optional<DevicePeak> gpu_device_peak(const HardwareTables& t, const std::string& device,
                                          const std::string& name, std::optional<int> sms,
                                          std::optional<double> clock_mhz);

class PeakModel {
 public:
  // `system` is the system section of a result document (probe_system()).
  PeakModel(HardwareTables tables, json system);

  // Annotates `r` (below); when observe() then takes a measurement from it, annotates it again
  // against the updated model. What every new result goes through.
  void take(Result& r);
  // Takes the measurements of a passed peak-kernel result (peak/cpu/fp64 ...), and on a GPU of a
  // passed tensor-core GEMM (the best one is the measured tensor peak). False when `r` has none.
  bool observe(const Result& r);
  // Sets r.efficiency for GEMM, convolution and peak results; a passed result whose best rate exceeds
  // 1.05x the device's ceiling becomes mistrusted. A result is never judged against a peak it
  // measured itself (vs_measured_peak is null).
  void annotate(Result& r) const;
  // annotate() for each of `results` again, against the model as it is now (a later result may
  // have become the measured peak that earlier ones are judged against).
  void annotate_again(std::vector<Result>& results) const;

  const std::vector<DevicePeak>& devices() const { return devices_; }
  const DevicePeak* device(const std::string& id) const;
  json to_json() const;

  static constexpr double kMistrustFactor = 1.05;

 private:
  void rebuild();
  // The CPU's theoretical peaks from the tables, the probed clocks and the measurements taken.
  DevicePeak cpu_peak() const;
  // The peak a result is judged against: its precision's, or for FP64 GEMM and convolution on a
  // GPU with FP64 tensor cores, the FP64 tensor peak. nullptr when none is known.
  const PrecisionPeak* peak_for(const Result& r) const;

  HardwareTables tables_;
  json system_;
  std::vector<DevicePeak> devices_;
  // Measured peaks per device and precision: the peak kernel's (on a GPU for FP64 and FP32, the
  // CUDA-core peaks), and on a GPU the best GEMM's for the tensor-core precisions.
  struct Measured {
    std::string device, precision;
    double flops = 0;
    std::optional<double> spread;
    std::string by;  // the result's name
  };
  std::vector<Measured> measured_;
  // Copies the measurement of (device, p.precision), if any, into p.
  void set_measured(const std::string& device, PrecisionPeak& p) const;
  std::optional<double> sustained_mhz_, scalar_mhz_;
  std::optional<double> fma_units_measured_;  // per core, as the peak kernel measured it
};

}  // namespace ccb
