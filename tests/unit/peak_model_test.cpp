#include <gtest/gtest.h>

#include <fmt/format.h>

#include "harness/peak_model.hpp"
#include "harness/rating.hpp"
#include "harness/suite.hpp"

namespace ccb {
namespace {

json skylake_node() {
  return json{{"hostname", "n1"},
              {"cpu", {{"model", "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"},
                       {"cores", 40},
                       {"nominal_mhz", 2400.0},
                       {"nominal_mhz_source", "model name"},
                       {"max_mhz", nullptr},
                       {"isa", {"sse2", "avx", "avx2", "fma", "avx512f"}}}}};
}

Result passed_result(const std::string& kernel, DType d, double gflops, json details = json::object()) {
  Result r;
  r.kernel = kernel;
  r.backend = kernel == "peak" ? "openmp" : "openblas";
  r.device = "cpu";
  r.dtype = std::string(to_string(d));
  r.problem_id = kernel + "/" + r.dtype + "/x";
  r.status = Status::passed;
  r.work.flops = gflops * 1e9;  // one second per run
  r.samples = {1.0, 1.0, 1.0};
  r.stats = Stats::of(r.samples);
  r.details = std::move(details);
  return r;
}

PeakModel model() { return PeakModel(HardwareTables::load(config_dir() / "hardware"), skylake_node()); }

TEST(PeakModel, CpuTheoreticalIsCoresTimesClockTimesFlopsPerCycle) {
  const PeakModel m = model();
  const auto* fp64 = m.device("cpu")->find("fp64");
  ASSERT_NE(fp64, nullptr);
  EXPECT_DOUBLE_EQ(*fp64->theoretical_nominal, 40 * 2400e6 * 32);  // assumed 2 FMA units
  EXPECT_EQ(fp64->certainty, "uncertain");
  EXPECT_NE(fp64->formula.find("FMA units from the table, not measured"), std::string::npos);
  EXPECT_FALSE(fp64->theoretical_sustained);
  EXPECT_FALSE(m.device("cpu")->find("bf16"));  // no AMX flag
}

TEST(PeakModel, MeasuredClockRefinesThePeakAndTheMeasurementConfirmsTheTablesFmaUnits) {
  PeakModel m = model();
  m.observe(passed_result("peak", DType::fp64, 2500,
                          json{{"sustained_clock_mhz", 2000.0}, {"scalar_clock_mhz", 3000.0}, {"fma_units_raw", 1.97},
                               {"threads", 40}}));
  const auto* fp64 = m.device("cpu")->find("fp64");
  EXPECT_DOUBLE_EQ(*fp64->theoretical_nominal, 40 * 2400e6 * 32);
  EXPECT_DOUBLE_EQ(*fp64->theoretical_sustained, 40 * 2000e6 * 32);
  EXPECT_DOUBLE_EQ(*fp64->measured, 2500e9);
  EXPECT_EQ(fp64->certainty, "sourced");
  EXPECT_TRUE(m.device("cpu")->basis["fma_units_confirmed"].get<bool>());
  EXPECT_NE(fp64->formula.find("confirmed by measurement"), std::string::npos) << fp64->formula;
  // The ceiling takes the highest clock.
  EXPECT_DOUBLE_EQ(fp64->ceiling, 40 * 3000e6 * 32);
}

TEST(PeakModel, TheMeasuredPeakIsTheBestRepetitionWithItsSpread) {
  PeakModel m = model();
  Result r = passed_result("peak", DType::fp64, 2000);
  r.samples = {1.0, 0.8, 1.0};  // one repetition undisturbed, two slowed down by 25%
  r.stats = Stats::of(r.samples);
  m.observe(r);
  const auto* fp64 = m.device("cpu")->find("fp64");
  EXPECT_DOUBLE_EQ(*fp64->measured, 2500e9);
  EXPECT_NEAR(*fp64->measured_spread, 0.2, 1e-12);
  EXPECT_EQ(fp64->measured_by, r.name());
}

TEST(PeakModel, AThrottledFmaMeasurementIsReportedButNeverLowersTheTheoreticalPeak) {
  PeakModel m = model();
  m.observe(passed_result("peak", DType::fp64, 1400,
                          json{{"sustained_clock_mhz", 2000.0}, {"fma_units_raw", 1.4}, {"threads", 40}}));
  const DevicePeak& cpu = *m.device("cpu");
  const auto* fp64 = cpu.find("fp64");
  EXPECT_DOUBLE_EQ(*fp64->theoretical_nominal, 40 * 2400e6 * 32);  // the table's 2 units, not 1
  EXPECT_EQ(cpu.basis["fma_units"], 2);
  EXPECT_DOUBLE_EQ(cpu.basis["fma_units_measured"].get<double>(), 1.4);
  EXPECT_FALSE(cpu.basis["fma_units_confirmed"].get<bool>());
  EXPECT_EQ(fp64->certainty, "uncertain");
  EXPECT_NE(fp64->formula.find("1.40 measured, not used to lower the peak"), std::string::npos) << fp64->formula;
  Result gemm = passed_result("gemm", DType::fp64, 1300);
  m.annotate(gemm);
  EXPECT_NEAR(gemm.efficiency["vs_theoretical_nominal"].get<double>(), 1300e9 / (40 * 2400e6 * 32), 1e-12);
}

TEST(PeakModel, EfficiencyAndAboveCeilingIsMistrusted) {
  PeakModel m = model();
  m.observe(passed_result("peak", DType::fp64, 2500,
                          json{{"sustained_clock_mhz", 2000.0}, {"scalar_clock_mhz", 2400.0}, {"fma_units", 2}}));
  Result ok = passed_result("gemm", DType::fp64, 2000);
  m.annotate(ok);
  EXPECT_EQ(ok.status, Status::passed);
  EXPECT_NEAR(ok.efficiency["vs_measured_peak"].get<double>(), 0.8, 1e-12);
  EXPECT_NEAR(ok.efficiency["vs_theoretical_nominal"].get<double>(), 2000e9 / (40 * 2400e6 * 32), 1e-12);
  EXPECT_NEAR(ok.efficiency["vs_theoretical_sustained"].get<double>(), 2000e9 / (40 * 2000e6 * 32), 1e-12);

  Result impossible = passed_result("gemm", DType::fp64, 1.06 * 40 * 2.4 * 32);
  m.annotate(impossible);
  EXPECT_EQ(impossible.status, Status::mistrusted);
  EXPECT_NE(impossible.reason.find("above 1.05x the theoretical fp64 peak"), std::string::npos) << impossible.reason;

  Result just_below = passed_result("gemm", DType::fp64, 1.04 * 40 * 2.4 * 32);
  m.annotate(just_below);
  EXPECT_EQ(just_below.status, Status::passed);

  Result failed = passed_result("gemm", DType::fp64, 1e9);  // already failed stays failed
  failed.status = Status::failed;
  m.annotate(failed);
  EXPECT_EQ(failed.status, Status::failed);
}

TEST(PeakModel, FmaUnitsMeasuredPerThreadAreScaledWhenThreadsShareCores) {
  json sys = skylake_node();
  sys["cpu"]["threads"] = 80;  // 2-way SMT: 80 threads on 40 cores, all busy in the kernel
  PeakModel m(HardwareTables::load(config_dir() / "hardware"), sys);
  m.observe(passed_result("peak", DType::fp64, 5000,
                          json{{"sustained_clock_mhz", 2000.0}, {"threads", 80}, {"fma_units_raw", 0.98}, {"fma_units", 1}}));
  EXPECT_NEAR(m.device("cpu")->basis["fma_units_measured"].get<double>(), 1.96, 1e-12);
  EXPECT_TRUE(m.device("cpu")->basis["fma_units_confirmed"].get<bool>());
  sys["cpu"]["threads"] = 40;  // no SMT: per thread is per core
  PeakModel plain(HardwareTables::load(config_dir() / "hardware"), sys);
  plain.observe(passed_result("peak", DType::fp64, 5000,
                              json{{"sustained_clock_mhz", 2000.0}, {"threads", 40}, {"fma_units_raw", 0.98}, {"fma_units", 1}}));
  EXPECT_NEAR(plain.device("cpu")->basis["fma_units_measured"].get<double>(), 0.98, 1e-12);
  EXPECT_FALSE(plain.device("cpu")->basis["fma_units_confirmed"].get<bool>());
}

TEST(PeakModel, AmxAddsBf16AndInt8PeaksAndGpusComeFromTheirTableRow) {
  json sys = skylake_node();
  sys["cpu"]["isa"].push_back("amx_bf16");
  sys["cpu"]["isa"].push_back("amx_int8");
  sys["cpu"]["isa"].push_back("avx512_bf16");  // slower than AMX: the faster unit sets the peak
  {
    json no_amx = skylake_node();
    no_amx["cpu"]["isa"].push_back("avx512_bf16");
    const PeakModel m(HardwareTables::load(config_dir() / "hardware"), no_amx);
    EXPECT_DOUBLE_EQ(*m.device("cpu")->find("bf16")->theoretical_nominal, 40 * 2400e6 * 128);
  }
  sys["accelerators"] = json::array({json{{"device", "cuda:0"}, {"name", "NVIDIA A100-SXM4-40GB"}, {"sm_count", 108},
                                          {"clock_mhz", 1410.0}}});
  PeakModel m(HardwareTables::load(config_dir() / "hardware"), sys);
  EXPECT_DOUBLE_EQ(*m.device("cpu")->find("bf16")->theoretical_nominal, 40 * 2400e6 * 1024);
  EXPECT_DOUBLE_EQ(*m.device("cpu")->find("int8")->theoretical_nominal, 40 * 2400e6 * 2048);
  EXPECT_FALSE(m.device("cpu")->find("bf16")->theoretical_sustained);
  m.observe(passed_result("peak", DType::fp64, 2500, json{{"sustained_clock_mhz", 3000.0}}));
  EXPECT_DOUBLE_EQ(*m.device("cpu")->find("bf16")->theoretical_sustained, 40 * 3000e6 * 1024);
  ASSERT_NE(m.device("cuda:0"), nullptr);
  EXPECT_NEAR(*m.device("cuda:0")->find("bf16")->theoretical_nominal, 312e12, 312e12 * 0.01);
}

TEST(PeakModel, GpuTensorPeaksUseTheDatasheetClockAndGpuPeakKernelsFeedTheirDevice) {
  json sys = skylake_node();
  sys["accelerators"] = json::array({json{{"device", "cuda:0"}, {"name", "NVIDIA H100 80GB HBM3"}, {"sm_count", 132},
                                          {"clock_mhz", 1980.0}}});
  PeakModel m(HardwareTables::load(config_dir() / "hardware"), sys);
  const auto* bf16 = m.device("cuda:0")->find("bf16");
  // 989 TFLOPS at the 1830 MHz tensor clock; the ceiling at the 1980 MHz the device reports.
  EXPECT_NEAR(*bf16->theoretical_nominal, 989e12, 989e12 * 0.01);
  EXPECT_NEAR(bf16->ceiling, 132 * 4096 * 1980e6, 1e6);

  Result fp64 = passed_result("peak", DType::fp64, 30000);
  fp64.device = "cuda:0";
  m.take(fp64);
  EXPECT_DOUBLE_EQ(*m.device("cuda:0")->find("fp64")->measured, 30000e9);
  EXPECT_FALSE(m.device("cpu")->find("fp64")->measured);  // not the CPU's
  Result fp16 = passed_result("peak", DType::fp16, 120000);  // CUDA cores, not the tensor peak
  fp16.device = "cuda:0";
  m.take(fp16);
  EXPECT_FALSE(m.device("cuda:0")->find("fp16")->measured);
  EXPECT_EQ(fp16.status, Status::passed);
  EXPECT_TRUE(fp16.efficiency.contains("note"));

  // A DGEMM on the FP64 tensor cores is judged against that peak (67 TFLOPS), not the vector 34.
  Result dgemm = passed_result("gemm", DType::fp64, 55000);
  dgemm.device = "cuda:0";
  m.take(dgemm);
  EXPECT_EQ(dgemm.status, Status::passed) << dgemm.reason;
  EXPECT_EQ(dgemm.efficiency["precision"], "fp64_tensor");
  // The best tensor-core GEMM is the measured tensor peak, and is never judged against itself.
  std::vector<Result> gemms;
  for (double tflops : {700.0, 780.0, 760.0}) {
    Result g = passed_result("gemm", DType::bf16, tflops * 1000);
    g.device = "cuda:0";
    g.problem_id = fmt::format("gemm/bf16/m{:.0f}", tflops);
    m.take(g);
    gemms.push_back(g);
  }
  EXPECT_DOUBLE_EQ(*m.device("cuda:0")->find("bf16")->measured, 780e12);
  m.annotate_again(gemms);
  EXPECT_NEAR(gemms[0].efficiency["vs_measured_peak"].get<double>(), 700.0 / 780.0, 1e-12);
  EXPECT_TRUE(gemms[1].efficiency["vs_measured_peak"].is_null());
  EXPECT_EQ(gemms[1].efficiency["measured_peak_note"], "this result is the measured peak");
  EXPECT_NEAR(gemms[2].efficiency["vs_measured_peak"].get<double>(), 760.0 / 780.0, 1e-12);
  Result impossible = passed_result("gemm", DType::bf16, 2000e3);  // twice the H100's BF16 peak
  impossible.device = "cuda:0";
  m.take(impossible);
  EXPECT_EQ(impossible.status, Status::mistrusted);
  EXPECT_DOUBLE_EQ(*m.device("cuda:0")->find("bf16")->measured, 780e12);
}

TEST(Ratings, PerNodeFiguresSumDevicesAndNeverMixPrecisions) {
  json sys = skylake_node();
  sys["accelerators"] = json::array({json{{"device", "cuda:0"}, {"name", "NVIDIA H100 80GB HBM3"}, {"sm_count", 132}}});
  const PeakModel m(HardwareTables::load(config_dir() / "hardware"), sys);
  const auto bases = RatingBasis::load_all(config_dir() / "ratings");
  std::vector<Result> results{passed_result("gemm", DType::fp64, 1500), passed_result("gemm", DType::fp64, 1800),
                              passed_result("gemm", DType::fp32, 3000)};
  Result gpu = passed_result("gemm", DType::fp64, 50000);
  gpu.device = "cuda:0";
  results.push_back(gpu);
  results.back().status = Status::failed;  // failed results never count
  const json r = node_ratings(bases, m, results);
  // fp64: CPU Rpeak plus the H100's FP64 tensor peak (the larger of fp64 and fp64_tensor).
  EXPECT_NEAR(r["fp64"]["spec_peak_flops"].get<double>(), 40 * 2400e6 * 32 + 132 * 256 * 1980e6, 1e6);
  EXPECT_DOUBLE_EQ(r["fp64"]["sustained_flops"].get<double>(), 1800e9);
  EXPECT_DOUBLE_EQ(r["fp32"]["sustained_flops"].get<double>(), 3000e9);
  EXPECT_TRUE(r["fp16"]["sustained_flops"].is_null());
  EXPECT_EQ(r["fp16"]["missing"][0], "no passed FP16/BF16 GEMM or HPL in this result");
  EXPECT_EQ(r["int8"]["unit"], "OPS");
}

}  // namespace
}  // namespace ccb
