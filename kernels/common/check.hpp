#pragma once
// CCB_CHECK(expr) and CCB_CHECK(condition, message): library and system calls are checked, and
// a failure throws std::runtime_error "<file>:<line>: <expr> ..." (an internal error, never
// silent). A bool condition takes an optional message, built only when the check fails (it may
// be any expression a std::string is made from); a library status (CUDA, cuBLAS, cuDNN)
// picks the overload of ccb::check declared where that library is used
// (kernels/common/cuda_device.hpp, kernels/conv/conv_cuda.cpp). A status type without an
// overload does not compile, rather than being read as a bool.
#include <concepts>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ccb {

[[noreturn]] inline void check_failed(const char* expr, const char* file, int line, std::string_view what) {
  throw std::runtime_error(fmt::format("{}:{}: check failed: {}{}{}", file, line, expr, what.empty() ? "" : ": ", what));
}

template <std::same_as<bool> Condition>
void check(Condition ok, const char* expr, const char* file, int line) {
  if (!ok) check_failed(expr, file, line, {});
}

template <std::same_as<bool> Condition, std::invocable<> Message>
void check(Condition ok, const char* expr, const char* file, int line, Message&& message) {
  if (!ok) check_failed(expr, file, line, std::forward<Message>(message)());
}

}  // namespace ccb

#define CCB_CHECK(expr, ...)                  \
  ::ccb::check((expr), #expr, __FILE__, __LINE__ \
               __VA_OPT__(, [&]() -> std::string { return std::string(__VA_ARGS__); }))
