#pragma once
#include <memory>

#include "kernels/backend.hpp"

namespace ccb {
// Convolution as im2col + SGEMM through OpenBLAS (FP32, NCHW): the lowering many frameworks used.
std::unique_ptr<KernelInstance> make_conv_openblas(const ConvProblem& p);
}  // namespace ccb
