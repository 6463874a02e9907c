#pragma once
// UsageError is bad user input (flags, config or result files): main prints its one-line
// message and exits 2. Checked library and system calls use CCB_CHECK
// (kernels/common/check.hpp); those failures are internal errors.
#include <stdexcept>

namespace ccb {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ccb
