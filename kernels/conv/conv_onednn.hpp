#pragma once
#include <memory>
#include <string>

#include "kernels/backend.hpp"

namespace ccb {
// Forward convolution through oneDNN (FP32; BF16 in, FP32 out; INT8 in, INT32 out), formats
// chosen by oneDNN, user tensors in the problem's layout.
std::unique_ptr<KernelInstance> make_conv_onednn(const ConvProblem& p);
// The implementation oneDNN picks for the problem (e.g. "brg:avx512_core_amx_bf16").
std::string conv_onednn_implementation(const ConvProblem& p);
}  // namespace ccb
