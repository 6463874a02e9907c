// CUDA GEMM through cuBLASLt in every precision. ccbench's row-major C = op(A) op(B) is
// cuBLASLt's column-major C^T = op(B)^T op(A)^T: B's buffer is cuBLASLt's first operand.
// Inputs are filled on the host (the same data the validation reads) and uploaded once; the
// timed region is cublasLtMatmul alone, with the heuristic's best algorithm and a 32 MiB
// workspace.
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <type_traits>

#include <fmt/format.h>

#include "kernels/common/buffer.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/gemm/gemm_inputs.hpp"

namespace ccb::cuda {
namespace {

struct Types {
  cudaDataType_t in, out, scale;
  cublasComputeType_t compute;
};

Types types_of(DType d) {
  switch (d) {
    case DType::fp64: return {CUDA_R_64F, CUDA_R_64F, CUDA_R_64F, CUBLAS_COMPUTE_64F};
    case DType::fp32: return {CUDA_R_32F, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F};
    case DType::tf32: return {CUDA_R_32F, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32};
    case DType::fp16: return {CUDA_R_16F, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F};
    case DType::bf16: return {CUDA_R_16BF, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F};
    case DType::fp8_e4m3: return {CUDA_R_8F_E4M3, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F};
    case DType::int8: return {CUDA_R_8I, CUDA_R_32I, CUDA_R_32I, CUBLAS_COMPUTE_32I};
  }
  throw std::logic_error("unknown dtype");
}

// RAII for the cuBLASLt descriptors.
struct LtDescs {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  ~LtDescs() {
    if (pref) cublasLtMatmulPreferenceDestroy(pref);
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (op) cublasLtMatmulDescDestroy(op);
  }
};

template <class TIn, class TOut>
class CublasLtGemm final : public TimedInstance {
 public:
  CublasLtGemm(const GemmProblem& p, int device)
      : TimedInstance(device),
        p_(p),
        a_count_(static_cast<std::size_t>(p.m * p.k)),
        b_count_(static_cast<std::size_t>(p.k * p.n)),
        c_count_(static_cast<std::size_t>(p.m * p.n)),
        a_(sizeof(TIn) * a_count_),
        b_(sizeof(TIn) * b_count_),
        c_(sizeof(TOut) * c_count_) {
    require_memory(static_cast<double>(sizeof(TIn) * (a_count_ + b_count_) + sizeof(TOut) * c_count_), device);
    fill_gemm_inputs(p, a_.as<TIn>(), b_.as<TIn>());
    da_ = DeviceBuffer(sizeof(TIn) * a_count_);
    db_ = DeviceBuffer(sizeof(TIn) * b_count_);
    dc_ = DeviceBuffer(sizeof(TOut) * c_count_);
    da_.upload(a_.as<void>());
    db_.upload(b_.as<void>());
    CCB_CHECK(cudaMemset(dc_.get(), 0x41, dc_.bytes()));  // not zero and not the product: a no-op must fail

    const Types t = types_of(p.dtype);
    CCB_CHECK(cublasLtMatmulDescCreate(&d_.op, t.compute, t.scale));
    // cuBLASLt operand 1 is B's buffer: row-major k x n (op N, ld n) or n x k (op T, ld k).
    const cublasOperation_t op1 = p.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, op2 = p.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    CCB_CHECK(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_TRANSA, &op1, sizeof op1));
    CCB_CHECK(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_TRANSB, &op2, sizeof op2));
    const std::uint64_t rows1 = p.trans_b ? p.k : p.n, cols1 = p.trans_b ? p.n : p.k;
    const std::uint64_t rows2 = p.trans_a ? p.m : p.k, cols2 = p.trans_a ? p.k : p.m;
    CCB_CHECK(cublasLtMatrixLayoutCreate(&d_.a, t.in, rows1, cols1, static_cast<std::int64_t>(rows1)));
    CCB_CHECK(cublasLtMatrixLayoutCreate(&d_.b, t.in, rows2, cols2, static_cast<std::int64_t>(rows2)));
    CCB_CHECK(cublasLtMatrixLayoutCreate(&d_.c, t.out, p.n, p.m, p.n));
    CCB_CHECK(cublasLtMatmulPreferenceCreate(&d_.pref));
    const std::uint64_t ws = ctx().workspace.bytes();
    CCB_CHECK(cublasLtMatmulPreferenceSetAttribute(d_.pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
    cublasLtMatmulHeuristicResult_t h{};
    int found = 0;
    CCB_CHECK(cublasLtMatmulAlgoGetHeuristic(lt(), d_.op, d_.a, d_.b, d_.c, d_.c, d_.pref, 1, &h, &found));
    if (found == 0)
      throw std::runtime_error(fmt::format("cuBLASLt has no algorithm for {} on this device", p.id()));
    algo_ = h.algo;
    implementation_ = describe(h);
  }

  void clear_output() override { clear_async(dc_.get(), dc_.bytes()); }

  HostView output() override {
    CCB_CHECK(cudaStreamSynchronize(ctx().stream));
    dc_.download(c_.as<void>());
    return HostView{{{"a", input_elem(p_.dtype), a_.as<void>(), a_count_},
                     {"b", input_elem(p_.dtype), b_.as<void>(), b_count_},
                     {"c", output_elem(p_.dtype), c_.as<void>(), c_count_}},
                    std::nullopt};
  }

  std::string implementation() const override { return implementation_; }

 protected:
  void launch() override {
    using Scale = std::conditional_t<std::is_same_v<TOut, std::int32_t>, std::int32_t,
                                     std::conditional_t<std::is_same_v<TIn, double>, double, float>>;
    const Scale alpha(1), beta(0);
    CCB_CHECK(cublasLtMatmul(lt(), d_.op, &alpha, db_.get(), d_.a, da_.get(), d_.b, &beta, dc_.get(), d_.c,
                              dc_.get(), d_.c, &algo_, ctx().workspace.get(), ctx().workspace.bytes(),
                              ctx().stream));
  }

 private:
  cublasLtHandle_t lt() const { return ctx().cublaslt; }

  std::string describe(const cublasLtMatmulHeuristicResult_t& h) const {
    auto config = [&](cublasLtMatmulAlgoConfigAttributes_t attr) {
      int v = 0;
      std::size_t written = 0;
      return cublasLtMatmulAlgoConfigGetAttribute(&h.algo, attr, &v, sizeof v, &written) == CUBLAS_STATUS_SUCCESS
                 ? v
                 : -1;
    };
    return fmt::format("cublasLtMatmul algo {} tile {} stages {} split-k {}, workspace {} of {} MiB, {} waves",
                       config(CUBLASLT_ALGO_CONFIG_ID), config(CUBLASLT_ALGO_CONFIG_TILE_ID),
                       config(CUBLASLT_ALGO_CONFIG_STAGES_ID), config(CUBLASLT_ALGO_CONFIG_SPLITK_NUM),
                       h.workspaceSize, ctx().workspace.bytes() >> 20, h.wavesCount);
  }

  GemmProblem p_;
  std::size_t a_count_, b_count_, c_count_;
  AlignedBuffer a_, b_, c_;
  DeviceBuffer da_, db_, dc_;
  LtDescs d_;
  cublasLtMatmulAlgo_t algo_{};
  std::string implementation_;
};

}  // namespace

std::unique_ptr<KernelInstance> make_gemm(const GemmProblem& p, int device) {
  switch (p.dtype) {
    case DType::fp64: return std::make_unique<CublasLtGemm<double, double>>(p, device);
    case DType::fp32:
    case DType::tf32: return std::make_unique<CublasLtGemm<float, float>>(p, device);
    case DType::fp16: return std::make_unique<CublasLtGemm<F16, float>>(p, device);
    case DType::bf16: return std::make_unique<CublasLtGemm<Bf16, float>>(p, device);
    case DType::fp8_e4m3: return std::make_unique<CublasLtGemm<F8E4M3, float>>(p, device);
    case DType::int8: return std::make_unique<CublasLtGemm<std::int8_t, std::int32_t>>(p, device);
  }
  throw std::logic_error("unknown dtype");
}

}  // namespace ccb::cuda
