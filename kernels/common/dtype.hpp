#pragma once
// Element types ccbench knows by name. A backend declares which of them it offers.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace ccb {

enum class DType { fp64, fp32, tf32, fp16, bf16, fp8_e4m3, int8 };

std::string_view to_string(DType t);
// Returns nullopt for a name that is not a known dtype.
std::optional<DType> parse_dtype(std::string_view name);
// Storage size of one element in bytes (tf32 is stored as fp32).
std::size_t size_of(DType t);
// Unit roundoff basis used by tolerances: machine epsilon of the storage/compute type.
double epsilon(DType t);
// All known dtype names, comma-separated, for messages.
std::string_view dtype_names();

// Storage type of an array element. It can differ from the problem's dtype: a BF16 GEMM reads
// BF16 and writes FP32, an INT8 GEMM reads INT8 and writes INT32.
enum class Elem { f64, f32, f16, bf16, f8e4m3, s8, s32 };
std::size_t size_of(Elem e);
std::string_view to_string(Elem e);
// Storage of a problem's inputs and of its output (FP16 and FP8 GEMMs read their type and write
// FP32, as BF16 does).
Elem input_elem(DType t);
Elem output_elem(DType t);

// Accumulation epsilon of the dtype's kernels (BF16 and INT8 accumulate in FP32 and INT32),
// and the relative error of rounding inputs to the compute type (TF32 only).
double accumulate_epsilon(DType t);
double input_rounding(DType t);

// bfloat16 as stored: the upper 16 bits of an IEEE float.
struct Bf16 {
  std::uint16_t bits = 0;
};
inline float to_float(Bf16 x) {
  const std::uint32_t u = static_cast<std::uint32_t>(x.bits) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
// Round to nearest even (finite inputs).
inline Bf16 to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return Bf16{static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16)};
}
inline double to_double(Bf16 x) { return to_float(x); }

// IEEE binary16 as stored.
struct F16 {
  std::uint16_t bits = 0;
};
float to_float(F16 x);
// Round to nearest even; overflow gives infinity.
F16 to_f16(float f);
inline double to_double(F16 x) { return to_float(x); }

// FP8 E4M3 (OCP "fn" variant: no infinities, max 448) as stored.
struct F8E4M3 {
  std::uint8_t bits = 0;
};
float to_float(F8E4M3 x);
// Round to nearest even, saturating at +-448.
F8E4M3 to_f8e4m3(float f);
inline double to_double(F8E4M3 x) { return to_float(x); }

// Relative rounding error of storing a value in `e` (0 for exact and integer types).
double storage_rounding(Elem e);
template <class T>
double to_double(T x) {
  return static_cast<double>(x);
}

}  // namespace ccb
