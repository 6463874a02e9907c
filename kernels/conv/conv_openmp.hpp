#pragma once
#include <memory>

#include "kernels/backend.hpp"

namespace ccb {
// Direct convolution (FP32, NCHW or NHWC) on all OpenMP threads, output row by output row.
std::unique_ptr<KernelInstance> make_conv_openmp(const ConvProblem& p);
}  // namespace ccb
