#pragma once
// What the CUDA backend offers, as pure functions of the problem and the device's compute
// capability, so that the rules are tested on machines without a GPU (and without CUDA).
#include <string>

#include "kernels/backend.hpp"

namespace ccb::cuda {

// Compute capability of a device, e.g. {9, 0} for an H100.
struct Capability {
  int major = 0, minor = 0;
  int value() const { return major * 10 + minor; }
};

// Whether the CUDA backend computes (kernel family, dtype) on a device of capability `cc`:
// GEMM in fp64, fp32, tf32 (sm_80+), fp16, bf16 (sm_80+), fp8_e4m3 (sm_89+) and int8;
// convolution in fp32, tf32 (sm_80+), fp16 and bf16 (sm_80+); STREAM in fp64 and fp32; the
// FMA peak in fp64, fp32 and fp16.
Availability dtype_support(std::string_view kernel, DType dtype, Capability cc);

// Whether this particular problem is offered on `cc`: dtype_support, then layouts the
// libraries require (cuBLASLt's FP8 and INT8 kernels take only "nt" in ccbench's row-major
// terms, i.e. cuBLASLt's column-major "TN"), and STREAM ops that exist on a device.
Availability problem_support(const Problem& p, Capability cc);

// Empty when `need_bytes` of buffers fit in `free_bytes` of device memory (with 5% kept free
// for the libraries' workspaces); otherwise the refusal, naming both sizes and the device.
std::string memory_refusal(double need_bytes, double free_bytes, const std::string& device);

// The reason recorded when cudaGetDeviceCount finds no device: the CUDA error name and text,
// and what to check.
std::string no_device_reason(const std::string& error_name, const std::string& error_text);

}  // namespace ccb::cuda
