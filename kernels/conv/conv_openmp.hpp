#pragma once
#include <memory>

#include "harness/backend.hpp"

namespace ccb {
// Naive direct convolution (FP32, NCHW or NHWC) on all OpenMP threads.
std::unique_ptr<KernelInstance> make_conv_openmp(const ConvProblem& p);
}  // namespace ccb
