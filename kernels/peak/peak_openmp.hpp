#pragma once
// FMA-throughput microkernel (the measured peak) and the clock calibration that goes with it.
#include <memory>

#include "kernels/backend.hpp"

namespace ccb {

// Runs on all OpenMP threads. Creating it measures, on all threads at once, the scalar clock
// (a dependent integer-add chain: 1 cycle per add) and the latency of a dependent FMA chain
// of the same ISA, whose rate times that latency is the sustained clock under this ISA.
std::unique_ptr<KernelInstance> make_peak_openmp(const PeakProblem& p);

// The clock the cores run scalar code at, in MHz, from a chain of dependent integer adds on all
// threads (one cycle each), timed in thread CPU time; best of a few short trials (~20 ms).
double measure_scalar_clock_mhz();

// Name of the vector ISA the peak kernels were compiled for (avx512, avx2, sse2, neon).
const char* peak_isa();

}  // namespace ccb
