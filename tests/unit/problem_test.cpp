#include <gtest/gtest.h>

#include "kernels/common/problem.hpp"

namespace ccb {

TEST(GemmProblem, WorkIsTwoMnkFlopsAndThreeMatricesOfBytes) {
  const GemmProblem p{4096, 2048, 1024, false, false, DType::fp64};
  const auto w = p.work();
  EXPECT_DOUBLE_EQ(w.flops, 2.0 * 4096 * 2048 * 1024);
  EXPECT_DOUBLE_EQ(w.bytes, (4096.0 * 1024 + 1024.0 * 2048 + 4096.0 * 2048) * 8);
  EXPECT_EQ(w.bytes_actual, w.bytes);
  EXPECT_EQ(w.formula.rfind("flops = 2*m*n*k", 0), 0u);
  EXPECT_DOUBLE_EQ(p.footprint_bytes(), (4096.0 * 1024 + 1024.0 * 2048 + 4096.0 * 2048) * 8);
  // Sizes whose byte count does not fit in 64 bits must not wrap to something small.
  EXPECT_GT((GemmProblem{1073741825, 1, 2147483647, false, false, DType::fp64}.footprint_bytes()), 1.8e19);
}

TEST(GemmProblem, IdNamesDtypeShapeAndTransposes) {
  EXPECT_EQ((GemmProblem{4096, 4096, 4096, false, false, DType::fp64}.id()), "gemm/fp64/m4096n4096k4096");
  EXPECT_EQ((GemmProblem{2560, 7000, 2560, true, false, DType::fp32}.id()), "gemm/fp32/m2560n7000k2560_tn");
  EXPECT_EQ((GemmProblem{1, 2, 3, false, true, DType::fp32}.id()), "gemm/fp32/m1n2k3_nt");
}

TEST(StreamProblem, BytesCountTheArraysStreamNames) {
  const std::int64_t n = 1000;
  struct Want {
    StreamOp op;
    double arrays, with_wa, flops;
  };
  for (const auto& w : {Want{StreamOp::copy, 2, 3, 0}, Want{StreamOp::scale, 2, 3, 1},
                        Want{StreamOp::add, 3, 4, 1}, Want{StreamOp::triad, 3, 4, 2},
                        Want{StreamOp::dot, 2, 2, 2}, Want{StreamOp::copy_nt, 2, 2, 0},
                        Want{StreamOp::triad_nt, 3, 3, 2}}) {
    const StreamProblem p{w.op, n, DType::fp64};
    const auto m = p.work();
    EXPECT_DOUBLE_EQ(m.bytes, w.arrays * n * 8) << to_string(w.op);
    EXPECT_DOUBLE_EQ(m.bytes_actual, w.with_wa * n * 8) << to_string(w.op);
    EXPECT_DOUBLE_EQ(m.flops, w.flops * n) << to_string(w.op);
  }
  EXPECT_DOUBLE_EQ((StreamProblem{StreamOp::triad, n, DType::fp32}.work().bytes), 3.0 * n * 4);
}

TEST(StreamProblem, IdAndOpNamesRoundTrip) {
  EXPECT_EQ((StreamProblem{StreamOp::triad_nt, 42, DType::fp32}.id()), "stream/fp32/triad_nt/n42");
  for (auto op : {StreamOp::copy, StreamOp::scale, StreamOp::add, StreamOp::triad, StreamOp::dot,
                  StreamOp::copy_nt, StreamOp::triad_nt})
    EXPECT_EQ(parse_stream_op(to_string(op)), op);
  EXPECT_FALSE(parse_stream_op("nstream"));
}

TEST(Problem, VariantHelpersDispatch) {
  const Problem g = GemmProblem{2, 3, 4, false, false, DType::fp32};
  const Problem s = StreamProblem{StreamOp::dot, 8, DType::fp64};
  EXPECT_EQ(kernel_name(g), "gemm");
  EXPECT_EQ(kernel_name(s), "stream");
  EXPECT_EQ(dtype_of(g), DType::fp32);
  EXPECT_EQ(problem_id(s), "stream/fp64/dot/n8");
  EXPECT_EQ(problem_json(g)["k"], 4);
  EXPECT_DOUBLE_EQ(work_model(g).flops, 48);
}

TEST(DType, NamesRoundTripAndSizes) {
  for (auto d : {DType::fp64, DType::fp32, DType::tf32, DType::fp16, DType::bf16, DType::fp8_e4m3,
                 DType::int8})
    EXPECT_EQ(parse_dtype(to_string(d)), d);
  EXPECT_FALSE(parse_dtype("fp128"));
  EXPECT_EQ(size_of(DType::fp64), 8u);
  EXPECT_EQ(size_of(DType::bf16), 2u);
}

}  // namespace ccb
