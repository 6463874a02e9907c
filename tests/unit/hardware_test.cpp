#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/errors.hpp"
#include "harness/hardware.hpp"
#include "harness/peak_model.hpp"
#include "harness/suite.hpp"

namespace ccb {
namespace {

const HardwareTables& tables() {
  static const HardwareTables t = HardwareTables::load(config_dir() / "hardware");
  return t;
}

double per_sm_peak_tflops(const char* name, const char* precision) {
  const Accelerator* a = tables().match_accelerator(name);
  if (!a) throw std::runtime_error(std::string("no row for ") + name);
  const double mhz = is_tensor_precision(precision) ? *a->tensor_clock_mhz : *a->vector_clock_mhz;
  return *gpu_peak_from_sms(*a, precision, *a->sms, mhz) * 1e-12;
}

TEST(Hardware, PerSmFormulaReproducesDatasheets) {
  EXPECT_NEAR(per_sm_peak_tflops("Tesla V100-SXM2-32GB", "fp16"), 125.0, 125.0 * 0.01);
  EXPECT_NEAR(per_sm_peak_tflops("NVIDIA A100-SXM4-80GB", "bf16"), 312.0, 312.0 * 0.01);
  EXPECT_NEAR(per_sm_peak_tflops("NVIDIA A100-SXM4-80GB", "fp64"), 9.7, 9.7 * 0.01);
  EXPECT_NEAR(per_sm_peak_tflops("NVIDIA H100 80GB HBM3", "bf16"), 989.0, 989.0 * 0.01);
}

TEST(Hardware, CpuTablesGiveFlopsPerCycle) {
  const auto* skx = tables().microarch("skylake-sp");
  ASSERT_NE(skx, nullptr);
  EXPECT_EQ(skx->flops_per_cycle.at("fp64"), 32);
  const auto* cls = tables().isa_class("avx512", 2);
  ASSERT_NE(cls, nullptr);
  EXPECT_EQ(cls->id, skx->isa_class);
  EXPECT_EQ(cls->flops_per_cycle.at("fp64"), 32);
  EXPECT_EQ(tables().isa_class("avx512", 1)->flops_per_cycle.at("fp64"), 16);
  EXPECT_EQ(tables().isa_class("avx2", 2)->flops_per_cycle.at("fp32"), 32);
  // Every microarchitecture that names an ISA class agrees with it.
  for (const auto& m : tables().microarchs)
    if (!m.isa_class.empty()) {
      const CpuIsaClass* c = nullptr;
      for (const auto& k : tables().isa_classes)
        if (k.id == m.isa_class) c = &k;
      ASSERT_NE(c, nullptr) << m.id;
      EXPECT_EQ(c->flops_per_cycle, m.flops_per_cycle) << m.id;
    }
}

TEST(Hardware, EveryRowHasASourceAndSparseIsTwiceDense) {
  for (const auto& a : tables().accelerators) {
    EXPECT_FALSE(a.source.empty()) << a.id;
    for (const auto& [p, sparse] : a.sparse_tflops) {
      ASSERT_TRUE(a.dense_tflops.count(p)) << a.id << " " << p;
      EXPECT_NEAR(sparse, 2 * a.dense_tflops.at(p), 0.01 * sparse) << a.id << " " << p;
    }
  }
  for (const auto& c : tables().isa_classes) EXPECT_FALSE(c.source.empty()) << c.id;
}

TEST(Hardware, GpuDevicePeakUsesPerSmFormulaOrDatasheet) {
  const auto h100 = gpu_device_peak(tables(), "cuda:0", "NVIDIA H100 80GB HBM3", 132, std::nullopt);
  ASSERT_TRUE(h100);
  EXPECT_NEAR(*h100->find("bf16")->theoretical_nominal * 1e-12, 989.0, 10.0);
  EXPECT_NE(h100->find("bf16")->formula.find("132 SMs"), std::string::npos);
  const auto l40s = gpu_device_peak(tables(), "cuda:1", "NVIDIA L40S", std::nullopt, std::nullopt);
  ASSERT_TRUE(l40s);
  EXPECT_NEAR(*l40s->find("fp16")->theoretical_nominal * 1e-12, 362.0, 1e-9);
  EXPECT_NE(l40s->find("fp16")->formula.find("datasheet"), std::string::npos);
  EXPECT_FALSE(gpu_device_peak(tables(), "cuda:2", "Some Future GPU", 10, 1000.0));
  // The longest match wins: "H100 PCIe" is not the SXM part.
  EXPECT_EQ(tables().match_accelerator("NVIDIA H100 PCIe")->id, "h100-pcie");
}

TEST(Hardware, RowWithoutSourceIsRefused) {
  const auto dir = std::filesystem::temp_directory_path() / ("ccbench-hw-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(config_dir() / "hardware" / "accelerators.json", dir / "accelerators.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "cpus.json") << R"({"isa_classes": [{"id": "x", "isa": "avx2", "vector_bits": 256,
      "fma_units": 2, "flops_per_cycle": {"fp64": 16}, "certainty": "sourced"}],
      "microarchitectures": [], "matrix_units": []})";
  try {
    HardwareTables::load(dir);
    FAIL() << "loaded a row without a source";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("cpus.json: isa_classes[0]: missing required field \"source\""),
              std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ccb
