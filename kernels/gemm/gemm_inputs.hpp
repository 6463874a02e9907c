#pragma once
// The inputs every GEMM backend fills, so that validation can catch any wrong answer at full
// size. FP64 and FP32: uniform reals in [-1, 1) (FP32 inputs need all their bits, or a backend
// computing TF32 instead would pass). TF32, FP16, BF16 and FP8: random nonzero integers, small
// enough that every product and every partial sum is exact in the accumulator (FP32's 24 bits;
// the 14 bits FP8 tensor cores keep): the right answer is then exact whatever the summation
// order or the unit's truncation, and validation needs no accumulation tolerance, so a wrong
// entry is off by at least 1 against sums near sqrt(k) range^2. INT8: integers in [-64, 64),
// exact in INT32.
#include <cstdint>

#include "kernels/common/problem.hpp"

namespace ccb {

struct GemmFill {
  bool integer = false;  // integer-valued inputs
  int range = 0;         // integers in [-range, range] (nonzero, except INT8's [-64, 64))
  bool exact = false;    // every product and partial sum is exact: the answer is exact
};

GemmFill gemm_fill(const GemmProblem& p);

// Fills op(A)'s buffer a (m*k elements) and B's buffer b (k*n) as gemm_fill(p) says. T is the
// input element type of p.dtype (float for FP32 and TF32).
template <class T>
void fill_gemm_inputs(const GemmProblem& p, T* a, T* b);

}  // namespace ccb
