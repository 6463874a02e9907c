#include "kernels/common/dtype.hpp"

#include <array>
#include <utility>

namespace ccb {
namespace {
constexpr std::array<std::pair<DType, std::string_view>, 7> kNames{{
    {DType::fp64, "fp64"},
    {DType::fp32, "fp32"},
    {DType::tf32, "tf32"},
    {DType::fp16, "fp16"},
    {DType::bf16, "bf16"},
    {DType::fp8_e4m3, "fp8_e4m3"},
    {DType::int8, "int8"},
}};
}  // namespace

std::string_view to_string(DType t) {
  for (const auto& [d, n] : kNames)
    if (d == t) return n;
  return "unknown";
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& [d, n] : kNames)
    if (n == name) return d;
  return std::nullopt;
}

std::size_t size_of(DType t) {
  switch (t) {
    case DType::fp64: return 8;
    case DType::fp32:
    case DType::tf32: return 4;
    case DType::fp16:
    case DType::bf16: return 2;
    case DType::fp8_e4m3:
    case DType::int8: return 1;
  }
  return 0;
}

double epsilon(DType t) {
  switch (t) {
    case DType::fp64: return 0x1p-52;
    case DType::fp32: return 0x1p-23;
    case DType::tf32: return 0x1p-10;
    case DType::fp16: return 0x1p-10;
    case DType::bf16: return 0x1p-7;
    case DType::fp8_e4m3: return 0x1p-3;
    case DType::int8: return 0.0;
  }
  return 0.0;
}

std::size_t size_of(Elem e) {
  switch (e) {
    case Elem::f64: return 8;
    case Elem::f32:
    case Elem::s32: return 4;
    case Elem::bf16: return 2;
    case Elem::s8: return 1;
  }
  return 0;
}

std::string_view to_string(Elem e) {
  switch (e) {
    case Elem::f64: return "f64";
    case Elem::f32: return "f32";
    case Elem::bf16: return "bf16";
    case Elem::s8: return "s8";
    case Elem::s32: return "s32";
  }
  return "?";
}

Elem input_elem(DType t) {
  switch (t) {
    case DType::fp64: return Elem::f64;
    case DType::bf16: return Elem::bf16;
    case DType::int8: return Elem::s8;
    default: return Elem::f32;
  }
}

Elem output_elem(DType t) {
  switch (t) {
    case DType::fp64: return Elem::f64;
    case DType::int8: return Elem::s32;
    default: return Elem::f32;
  }
}

double accumulate_epsilon(DType t) {
  switch (t) {
    case DType::fp64: return 0x1p-52;
    case DType::int8: return 0.0;
    default: return 0x1p-23;
  }
}

double input_rounding(DType t) { return t == DType::tf32 ? 0x1p-10 : 0.0; }

std::string_view dtype_names() { return "fp64, fp32, tf32, fp16, bf16, fp8_e4m3, int8"; }

}  // namespace ccb
