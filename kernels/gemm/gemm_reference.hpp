#pragma once
// Naive GEMM reference, in double precision, for validation and tests.
#include <cmath>
#include <cstdint>

#include "kernels/common/problem.hpp"

namespace ccb {

// Exact-as-double value of C(i, j) and sum_l |op(A)(i,l) * op(B)(l,j)| (the error scale).
template <class T>
struct GemmRef {
  const GemmProblem& p;
  const T* a;
  const T* b;

  double a_at(std::int64_t i, std::int64_t l) const {
    return to_double(p.trans_a ? a[l * p.m + i] : a[i * p.k + l]);
  }
  double b_at(std::int64_t l, std::int64_t j) const {
    return to_double(p.trans_b ? b[j * p.k + l] : b[l * p.n + j]);
  }
  void entry(std::int64_t i, std::int64_t j, double& value, double& abs_scale) const {
    value = 0;
    abs_scale = 0;
    for (std::int64_t l = 0; l < p.k; ++l) {
      const double t = a_at(i, l) * b_at(l, j);
      value += t;
      abs_scale += std::abs(t);
    }
  }
};

// Full naive C = op(A) op(B) into c (row-major m x n); O(m n k), for small test problems.
template <class T>
void reference_gemm(const GemmProblem& p, const T* a, const T* b, T* c);

// Tolerance of GEMM validation, in units of sum |a_il b_lj|: see dot_tolerance; for the exact
// integer inputs of gemm_fill(p), the check's own rounding only.
double gemm_tolerance(const GemmProblem& p);

}  // namespace ccb
