#pragma once
// Error kinds. UsageError is bad user input (flags, config or result files): main prints its
// one-line message and exits 2. CCB_CHECK guards library and system calls with file, line and
// expression; those failures are internal errors, never silent.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace ccb {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void check_failed(const char* expr, const char* file, int line,
                                      const std::string& what) {
  throw std::runtime_error(fmt::format("{}:{}: check failed: {}{}{}", file, line, expr,
                                       what.empty() ? "" : ": ", what));
}

}  // namespace ccb

#define CCB_CHECK(expr, ...)                                                             \
  do {                                                                                   \
    if (!(expr)) ::ccb::check_failed(#expr, __FILE__, __LINE__, std::string{__VA_ARGS__}); \
  } while (0)
