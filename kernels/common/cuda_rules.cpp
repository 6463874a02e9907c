#include "kernels/common/cuda_rules.hpp"

#include <fmt/format.h>

namespace ccb::cuda {
namespace {

Availability no(std::string reason) { return {false, std::move(reason)}; }

// Oldest capability with tensor-core support for the dtype (Ampere: TF32 and BF16; Ada and
// Hopper: FP8); 0 when every supported device has it.
int minimum_capability(DType d) {
  switch (d) {
    case DType::tf32:
    case DType::bf16: return 80;
    case DType::fp8_e4m3: return 89;
    default: return 0;
  }
}

}  // namespace

Availability dtype_support(std::string_view kernel, DType dtype, Capability cc) {
  bool offered = false;
  std::string_view list;
  if (kernel == "gemm") {
    offered = true;
    list = "fp64, fp32, tf32, fp16, bf16, fp8_e4m3, int8";
  } else if (kernel == "conv") {
    offered = dtype == DType::fp32 || dtype == DType::tf32 || dtype == DType::fp16 || dtype == DType::bf16;
    list = "fp32, tf32, fp16, bf16";
  } else if (kernel == "stream") {
    offered = dtype == DType::fp64 || dtype == DType::fp32;
    list = "fp64, fp32";
  } else if (kernel == "peak") {
    offered = dtype == DType::fp64 || dtype == DType::fp32 || dtype == DType::fp16;
    list = "fp64, fp32, fp16";
  } else {
    return no(fmt::format("cuda has no {} kernel", kernel));
  }
  if (!offered) return no(fmt::format("CUDA {} offers {}, not {}", kernel, list, to_string(dtype)));
  if (const int need = minimum_capability(dtype); cc.value() < need)
    return no(fmt::format("{} needs compute capability {}.{} or newer; this device is {}.{}", to_string(dtype),
                          need / 10, need % 10, cc.major, cc.minor));
  return {};
}

Availability problem_support(const Problem& p, Capability cc) {
  if (auto av = dtype_support(kernel_name(p), dtype_of(p), cc); !av.ok) return av;
  if (const auto* g = std::get_if<GemmProblem>(&p)) {
    const bool narrow = g->dtype == DType::fp8_e4m3 || g->dtype == DType::int8;
    if (narrow && (g->trans_a || !g->trans_b))
      return no(fmt::format("cuBLASLt's {} GEMM takes only trans \"nt\" (B stored transposed; \"TN\" in cuBLAS's "
                            "column-major terms), not \"{}{}\"",
                            to_string(g->dtype), g->trans_a ? 't' : 'n', g->trans_b ? 't' : 'n'));
    // cuBLASLt's alignment rules: INT8 leading dimensions and m, k multiples of 4 (its m is
    // ccbench's n); FP8 16-byte aligned matrices, so every dimension a multiple of 16.
    const std::int64_t multiple = g->dtype == DType::fp8_e4m3 ? 16 : g->dtype == DType::int8 ? 4 : 1;
    if (g->m % multiple || g->n % multiple || g->k % multiple)
      return no(fmt::format("cuBLASLt's {} GEMM needs m, n and k multiples of {}, got m{} n{} k{}", to_string(g->dtype),
                            multiple, g->m, g->n, g->k));
  }
  if (const auto* s = std::get_if<StreamProblem>(&p); s && (s->op == StreamOp::copy_nt || s->op == StreamOp::triad_nt))
    return no(fmt::format("{} is a CPU non-temporal-store variant; GPU stores do not allocate in cache", to_string(s->op)));
  if (const auto* k = std::get_if<PeakProblem>(&p); k && k->target != "gpu")
    return no("the CUDA peak kernel runs on the GPU: a cuda peak case has target \"gpu\"");
  return {};
}

std::string memory_refusal(double need_bytes, double free_bytes, const std::string& device) {
  constexpr double kKeep = 0.95;
  if (need_bytes <= kKeep * free_bytes) return {};
  return fmt::format("needs {:.2f} GB of device memory for its buffers, {:.2f} GB free on {}", need_bytes * 1e-9,
                     free_bytes * 1e-9, device);
}

std::string no_device_reason(const std::string& error_name, const std::string& error_text) {
  return fmt::format("no CUDA device: cudaGetDeviceCount returned {} ({}); check that an NVIDIA GPU and its "
                     "driver are present (nvidia-smi)",
                     error_name, error_text);
}

}  // namespace ccb::cuda
