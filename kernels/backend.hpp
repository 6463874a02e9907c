#pragma once
// Backends plug in at runtime: each registers itself with a Registry, and the harness only
// ever talks to this interface. Exactly one translation unit (kernels/builtin_backends.cpp)
// knows which optional backends were compiled in.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/host_view.hpp"
#include "kernels/common/problem.hpp"

namespace ccb {

struct Availability {
  bool ok = true;
  std::string reason;  // why not, when !ok
};

// One problem set up on one backend: owns its buffers, filled with random data.
class KernelInstance {
 public:
  virtual ~KernelInstance() = default;
  // Runs the kernel once and returns when the work is complete.
  virtual void run() = 0;
  // The kernel's arrays on the host (copied there first for device backends); valid until the
  // next run() or the instance's destruction.
  virtual HostView output() = 0;
  // Overwrites everything run() writes with a pattern no correct run leaves (fill_all_ones: NaN,
  // or -1 for integers), asynchronously on a device. The runner calls it before every timed run,
  // outside the timing, so a run that computes nothing (after the warm-up, say) leaves a wrong
  // answer that validation catches.
  virtual void clear_output() = 0;
  // What actually ran (library routine, ISA variant), recorded in the Result.
  virtual std::string implementation() const = 0;
  // Seconds the last run() took, when the instance timed itself (GPU events over back-to-back
  // launches); nullopt lets the runner time run() with the host clock.
  virtual std::optional<double> timed_seconds() const { return std::nullopt; }
  // For an instance that runs a program which times itself (HPL through hpcc): runs all
  // `repetitions` in one go and returns the program's time of each; the runner then neither
  // warms up nor times run(). nullopt (the default, and without running anything) otherwise.
  virtual std::optional<std::vector<double>> run_all(int /*repetitions*/) { return std::nullopt; }
  // Whether ordinary stores first read the line they write (CPU caches: write-allocate). GPU
  // stores do not, so their write-allocate traffic is not counted.
  virtual bool stores_allocate() const { return true; }
  // Kernel-specific measurements beside the timing (e.g. the clocks the peak kernel derives),
  // taken after the timed runs, while the machine is in the state they ran in, and recorded in
  // the Result.
  virtual json details() { return json::object(); }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Where this backend runs now, e.g. "cpu" or "cuda:0".
  virtual std::string device() const { return "cpu"; }
  // Accelerator backends: how many devices this machine has for it (0 when none, e.g. no
  // driver); nullopt for a backend that runs on the host.
  virtual std::optional<int> device_count() const { return std::nullopt; }
  bool is_accelerator() const { return device_count().has_value(); }
  // Makes device `index` current for device(), supports*() and create(); requires
  // 0 <= index < *device_count(). Host backends have only device 0.
  virtual void select_device(int index) {
    if (index != 0) throw std::logic_error(name() + " runs on the host only and has no device " + std::to_string(index));
  }
  // Whether the backend can run on this machine at all.
  virtual Availability availability() const = 0;
  // Library and device details for the system section of the result.
  virtual json device_info() const = 0;
  // Kernel families this backend implements (used by `list`).
  virtual std::vector<std::string> kernels() const = 0;
  // Whether (kernel family, dtype) is offered; the reason says why not. Also answered when the
  // backend is unavailable: what it never offers says so, the rest gives the unavailability.
  virtual Availability supports(std::string_view kernel, DType dtype) const = 0;
  // Whether this particular problem is offered (a layout, a shape); by default the same as
  // supports(kernel, dtype).
  virtual Availability supports_problem(const Problem& p) const { return supports(kernel_name(p), dtype_of(p)); }
  // Sets the number of worker threads (0 = library default).
  virtual void set_threads(int threads) = 0;
  // Requires supports(kernel_name(p), dtype_of(p)).ok. Allocates and fills the inputs.
  virtual std::unique_ptr<KernelInstance> create(const Problem& p) = 0;
};

class Registry {
 public:
  void add(std::unique_ptr<Backend> b) { backends_.push_back(std::move(b)); }
  // nullptr when no backend of that name is registered.
  Backend* find(std::string_view name) const {
    for (const auto& b : backends_)
      if (b->name() == name) return b.get();
    return nullptr;
  }
  const std::vector<std::unique_ptr<Backend>>& all() const { return backends_; }
  std::string names() const {
    std::string s;
    for (const auto& b : backends_) s += (s.empty() ? "" : ", ") + b->name();
    return s;
  }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// Registers every backend this build knows; those not built register as unavailable.
void register_builtin_backends(Registry& registry);

// A backend that was not compiled in: unavailable with `reason`, so suites naming it yield
// skipped results instead of failing to parse. `device` is where it would run ("cpu", "cuda:0").
std::unique_ptr<Backend> make_unbuilt_backend(const std::string& name, std::vector<std::string> kernels,
                                              const std::string& reason, const std::string& device = "cpu");

}  // namespace ccb
