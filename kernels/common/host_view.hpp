#pragma once
// A kernel's arrays as seen from the host, for validation: one accessor per instance, so each
// family's validation is written once for every backend (model: BabelStream's get_arrays).
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/dtype.hpp"

namespace ccb {

struct HostArray {
  std::string name;
  Elem elem = Elem::f64;
  const void* data = nullptr;
  std::size_t count = 0;

  template <class T>
  const T* as() const {
    return static_cast<const T*>(data);
  }
};

struct HostView {
  std::vector<HostArray> arrays;
  std::optional<double> scalar;  // a reduction result (dot), when the kernel has one
  // Relative rounding of an output the kernel stored in a narrower type than the view's array
  // (e.g. a cuDNN FP16 convolution widened to FP32 for validation); added to the tolerance.
  double output_rounding = 0;

  // Throws std::logic_error when the instance did not provide the array.
  const HostArray& get(const std::string& name) const {
    for (const auto& a : arrays)
      if (a.name == name) return a;
    throw std::logic_error("kernel output has no array named '" + name + "'");
  }
};

}  // namespace ccb
