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

Result Runner::run(const Case& c) {
  Backend* backend = registry_.find(c.backend);
  if (backend) backend->select_device(c.device);
  Result r = skeleton(c, backend);
  if (!backend) {
    r.status = Status::error;
    r.reason = fmt::format("backend \"{}\" is not registered", c.backend);
    return r;
  }
  if (const auto av = backend->availability(); !av.ok) {
    r.status = Status::skipped;
    r.reason = av.reason;
    return r;
  }
  if (const auto sup = backend->supports_problem(c.problem); !sup.ok) {
    r.status = Status::unsupported;
    r.reason = sup.reason;
    return r;
  }

  try {
    auto instance = backend->create(c.problem);
    r.implementation = instance->implementation();
    if (!instance->stores_allocate() && r.work.bytes_actual != r.work.bytes) {
      r.work.bytes_actual = r.work.bytes;
      r.work.formula += "; stores on this device do not allocate: no write-allocate traffic";
    }
    instance->run();  // warm-up, not counted

    CollectingReporter reporter;
    std::string kernel_error;
    auto* bench = benchmark::RegisterBenchmark(r.name().c_str(), [&](benchmark::State& state) {
      for (auto _ : state) {
        try {
          const auto t0 = std::chrono::steady_clock::now();
          instance->run();
          const auto t1 = std::chrono::steady_clock::now();
          state.SetIterationTime(instance->timed_seconds().value_or(std::chrono::duration<double>(t1 - t0).count()));
        } catch (const std::exception& e) {
          kernel_error = e.what();
          state.SkipWithError(kernel_error.c_str());
          break;
        }
      }
    });
    bench->UseManualTime()->Unit(benchmark::kSecond)->Repetitions(options_.repetitions);
    if (options_.min_time > 0)
      bench->MinTime(options_.min_time);
    else
      bench->Iterations(1);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();

    if (!reporter.error.empty() || !kernel_error.empty() || reporter.samples.empty()) {
      r.status = Status::error;
      r.reason = !kernel_error.empty()     ? kernel_error
                 : !reporter.error.empty() ? reporter.error
                                           : "the benchmark produced no samples";
      return r;
    }
    r.samples = reporter.samples;
    r.stats = Stats::of(r.samples);

    r.details = instance->details();
    const Validation v = validate(c.problem, instance->output());
    r.validation = v;
    if (v.mostly_zero) {
      r.status = Status::mistrusted;
      r.reason = fmt::format("output is {:.1f}% zeros", 100.0 * v.zero_fraction);
    } else if (!v.ok) {
      r.status = Status::failed;
      r.reason = fmt::format("wrong answer: {} (error {:.3g} > tolerance {:.3g})", v.detail,
                             v.max_error, v.tolerance);
    } else {
      r.status = Status::passed;
    }
  } catch (const std::bad_alloc&) {
    benchmark::ClearRegisteredBenchmarks();
    r.status = Status::error;
    r.reason = fmt::format("out of memory allocating {:.2f} GB of buffers",
                           footprint_bytes(c.problem) * 1e-9);
  } catch (const std::exception& e) {
    benchmark::ClearRegisteredBenchmarks();
    r.status = Status::error;
    r.reason = e.what();
  }
  return r;
}

}  // namespace ccb
