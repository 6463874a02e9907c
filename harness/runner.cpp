#include "harness/runner.hpp"

#include <chrono>
#include <mutex>
#include <new>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

namespace ccb {
namespace {

// Collects the per-repetition times of one benchmark; prints nothing.
class CollectingReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      if (r.error_occurred) {
        error = r.error_message;
        continue;
      }
      if (r.iterations > 0) samples.push_back(r.real_accumulated_time / static_cast<double>(r.iterations));
    }
  }
  void Finalize() override {}

  std::vector<double> samples;
  std::string error;
};

void init_benchmark_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    int argc = 1;
    char name[] = "ccbench";
    char* argv[] = {name, nullptr};
    benchmark::Initialize(&argc, argv);
  });
}

Result skeleton(const Case& c, const Backend* backend) {
  Result r;
  r.kernel = std::string(kernel_name(c.problem));
  r.backend = c.backend;
  r.device = backend ? backend->device() : "unknown";
  r.dtype = std::string(to_string(dtype_of(c.problem)));
  r.problem_id = problem_id(c.problem);
  r.problem = problem_json(c.problem);
  r.work = work_model(c.problem);
  for (const auto& n : c.notes) r.notes.push_back(n);
  return r;
}

}  // namespace

Runner::Runner(Registry& registry, RunOptions options) : registry_(registry), options_(options) {
  init_benchmark_library();
  for (const auto& b : registry_.all()) b->set_threads(options_.threads);
}

Result Runner::not_run(const Case& c, const std::string& reason) const {
  Backend* backend = registry_.find(c.backend);
  if (backend) backend->select_device(c.device);
  Result r = skeleton(c, backend);
  r.status = Status::skipped;
  r.reason = reason;
  return r;
}

namespace {

// Sets the status and reason of a case that cannot run here (no such backend, backend not
// available, problem not offered); returns whether it was refused.
bool refused(const Backend* backend, const Case& c, Result& r) {
  if (!backend) {
    r.status = Status::error;
    r.reason = fmt::format("backend \"{}\" is not registered", c.backend);
  } else if (const auto av = backend->availability(); !av.ok) {
    r.status = Status::skipped;
    r.reason = av.reason;
  } else if (const auto sup = backend->supports_problem(c.problem); !sup.ok) {
    r.status = Status::unsupported;
    r.reason = sup.reason;
  } else {
    return false;
  }
  return true;
}

struct Timing {
  std::vector<double> samples;  // seconds per run, one per repetition
  std::string error;            // why there are no samples
};

// The timed repetitions of `instance` through Google Benchmark (manual time: the instance's own
// timer where it has one, else the host's steady clock around run()).
Timing time_runs(KernelInstance& instance, const std::string& name, const RunOptions& options) {
  CollectingReporter reporter;
  std::string kernel_error;
  auto* bench = benchmark::RegisterBenchmark(name.c_str(), [&](benchmark::State& state) {
    for (auto _ : state) {
      try {
        instance.clear_output();  // not timed: a run that computes nothing must leave a wrong answer
        const auto t0 = std::chrono::steady_clock::now();
        instance.run();
        const auto t1 = std::chrono::steady_clock::now();
        state.SetIterationTime(instance.timed_seconds().value_or(std::chrono::duration<double>(t1 - t0).count()));
      } catch (const std::exception& e) {
        kernel_error = e.what();
        state.SkipWithError(kernel_error.c_str());
        break;
      }
    }
  });
  bench->UseManualTime()->Unit(benchmark::kSecond)->Repetitions(options.repetitions);
  if (options.min_time > 0)
    bench->MinTime(options.min_time);
  else
    bench->Iterations(1);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  if (!kernel_error.empty()) return {{}, kernel_error};
  if (!reporter.error.empty()) return {{}, reporter.error};
  if (reporter.samples.empty()) return {{}, "the benchmark produced no samples"};
  return {reporter.samples, ""};
}

// passed, failed (wrong answer) or mistrusted (mostly zeros), from the validation.
void judge(const Validation& v, Result& r) {
  r.validation = v;
  if (v.mostly_zero) {
    r.status = Status::mistrusted;
    r.reason = fmt::format("output is {:.1f}% zeros", 100.0 * v.zero_fraction);
  } else if (!v.ok) {
    r.status = Status::failed;
    r.reason = v.max_error > v.tolerance
                   ? fmt::format("wrong answer: {} (error {:.3g} > tolerance {:.3g})", v.detail, v.max_error, v.tolerance)
                   : "wrong answer: " + v.detail;
  } else {
    r.status = Status::passed;
  }
}

}  // namespace

Result Runner::run(const Case& c) {
  Backend* backend = registry_.find(c.backend);
  if (backend) backend->select_device(c.device);
  Result r = skeleton(c, backend);
  if (refused(backend, c, r)) return r;

  try {
    auto instance = backend->create(c.problem);
    r.implementation = instance->implementation();
    if (!instance->stores_allocate() && r.work.bytes_actual != r.work.bytes) {
      r.work.bytes_actual = r.work.bytes;
      r.work.formula += "; stores on this device do not allocate: no write-allocate traffic";
    }
    Timing t;
    if (auto own = instance->run_all(options_.repetitions)) {
      t.samples = std::move(*own);
      if (t.samples.empty()) t.error = "the program produced no timed runs";
    } else {
      instance->run();  // warm-up, not counted
      t = time_runs(*instance, r.name(), options_);
    }
    if (!t.error.empty()) {
      r.status = Status::error;
      r.reason = t.error;
      return r;
    }
    r.samples = std::move(t.samples);
    r.stats = Stats::of(r.samples);
    r.details = instance->details();
    judge(validate(c.problem, instance->output()), r);
  } catch (const std::bad_alloc&) {
    benchmark::ClearRegisteredBenchmarks();
    r.status = Status::error;
    r.reason = fmt::format("out of memory allocating {:.2f} GB of buffers", footprint_bytes(c.problem) * 1e-9);
  } catch (const std::exception& e) {
    benchmark::ClearRegisteredBenchmarks();
    r.status = Status::error;
    r.reason = e.what();
  }
  return r;
}

}  // namespace ccb
