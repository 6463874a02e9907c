#pragma once
// A fault-injecting backend for harness tests: GEMM computed by the naive reference, then
// damaged on purpose according to the mode.
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "kernels/backend.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/gemm/gemm_reference.hpp"

namespace ccb::test {

// no_op never computes; warm_up_only computes in the first run (the runner's warm-up) only.
enum class FakeMode { correct, wrong_entry, transposed, zeros, nan, no_op, warm_up_only, throws_in_run };

class FakeGemm final : public KernelInstance {
 public:
  FakeGemm(const GemmProblem& p, FakeMode mode)
      : p_(p), mode_(mode), a_(p.m * p.k), b_(p.k * p.n), c_(p.m * p.n) {
    fill_uniform(a_.data(), a_.size(), 1, -1.0, 1.0);
    fill_uniform(b_.data(), b_.size(), 2, -1.0, 1.0);
    fill_uniform(c_.data(), c_.size(), 3, -1.0, 1.0);
  }
  void run() override {
    if (mode_ == FakeMode::throws_in_run && ++runs_ > 1) throw std::runtime_error("device lost");
    if (mode_ == FakeMode::no_op || (mode_ == FakeMode::warm_up_only && runs_++ > 0)) return;
    reference_gemm(p_, a_.data(), b_.data(), c_.data());
    switch (mode_) {
      case FakeMode::wrong_entry: c_[c_.size() / 2] += 0.5; break;
      case FakeMode::transposed:
        for (std::int64_t i = 0; i < p_.m; ++i)
          for (std::int64_t j = i + 1; j < p_.n; ++j) std::swap(c_[i * p_.n + j], c_[j * p_.n + i]);
        break;
      case FakeMode::zeros: std::fill(c_.begin(), c_.end(), 0.0); break;
      case FakeMode::nan: c_[0] = std::numeric_limits<double>::quiet_NaN(); break;
      default: break;
    }
  }
  void clear_output() override { fill_all_ones(c_.data(), c_.size() * sizeof(double)); }

  HostView output() override {
    return HostView{{{"a", Elem::f64, a_.data(), a_.size()},
                     {"b", Elem::f64, b_.data(), b_.size()},
                     {"c", Elem::f64, c_.data(), c_.size()}},
                    std::nullopt};
  }
  std::string implementation() const override { return "fake naive GEMM"; }

 private:
  GemmProblem p_;
  FakeMode mode_;
  std::vector<double> a_, b_, c_;
  int runs_ = 0;
};

class FakeBackend final : public Backend {
 public:
  FakeBackend(FakeMode mode, Availability available = {}) : mode_(mode), available_(std::move(available)) {}
  std::string name() const override { return "fake"; }
  Availability availability() const override { return available_; }
  json device_info() const override { return json{{"library", "fake"}}; }
  std::vector<std::string> kernels() const override { return {"gemm"}; }
  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel != "gemm" || dtype != DType::fp64) return {false, "fake offers fp64 GEMM only"};
    return {};
  }
  void set_threads(int) override {}
  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    return std::make_unique<FakeGemm>(std::get<GemmProblem>(p), mode_);
  }

 private:
  FakeMode mode_;
  Availability available_;
};

}  // namespace ccb::test
