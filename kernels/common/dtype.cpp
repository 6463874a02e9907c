#include "kernels/common/dtype.hpp"

#include <array>
#include <cmath>
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
    case Elem::f16:
    case Elem::bf16: return 2;
    case Elem::f8e4m3:
    case Elem::s8: return 1;
  }
  return 0;
}

std::string_view to_string(Elem e) {
  switch (e) {
    case Elem::f64: return "f64";
    case Elem::f32: return "f32";
    case Elem::f16: return "f16";
    case Elem::bf16: return "bf16";
    case Elem::f8e4m3: return "f8_e4m3";
    case Elem::s8: return "s8";
    case Elem::s32: return "s32";
  }
  return "?";
}

Elem input_elem(DType t) {
  switch (t) {
    case DType::fp64: return Elem::f64;
    case DType::fp16: return Elem::f16;
    case DType::bf16: return Elem::bf16;
    case DType::fp8_e4m3: return Elem::f8e4m3;
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
    // Hopper's FP8 tensor cores keep about 14 bits of the running sum between promotions to
    // FP32 (DeepSeek-V3 technical report, section 3.3.2).
    case DType::fp8_e4m3: return 0x1p-13;
    default: return 0x1p-23;
  }
}

double input_rounding(DType t) { return t == DType::tf32 ? 0x1p-10 : 0.0; }

double storage_rounding(Elem e) {
  switch (e) {
    case Elem::f64: return 0x1p-53;
    case Elem::f32: return 0x1p-24;
    case Elem::f16: return 0x1p-11;
    case Elem::bf16: return 0x1p-8;
    case Elem::f8e4m3: return 0x1p-4;
    default: return 0.0;
  }
}

namespace {
// Decodes a sign/exponent/mantissa small float with `mbits` mantissa bits and exponent bias
// `bias`; `special_exp` true when the all-ones exponent means inf/NaN (FP16) rather than
// ordinary numbers (E4M3, whose only NaN is S.1111.111).
float decode_small(std::uint32_t bits, int ebits, int mbits, int bias, bool special_exp) {
  const std::uint32_t sign = bits >> (ebits + mbits), exp = (bits >> mbits) & ((1u << ebits) - 1),
                      man = bits & ((1u << mbits) - 1);
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(man), 1 - bias - mbits);
  } else if (special_exp && exp == (1u << ebits) - 1) {
    v = man ? NAN : INFINITY;
  } else if (!special_exp && exp == (1u << ebits) - 1 && man == (1u << mbits) - 1) {
    v = NAN;
  } else {
    v = std::ldexp(static_cast<float>(man | (1u << mbits)), static_cast<int>(exp) - bias - mbits);
  }
  return sign ? -v : v;
}

// Nearest representable value (ties to even) of the format: the exponent from frexp, the
// mantissa rounded at that scale; overflow gives infinity (Special) or saturates.
template <int Ebits, int Mbits, int Bias, bool Special>
std::uint32_t encode_small(float f, float max_finite) {
  const std::uint32_t sign = std::signbit(f) ? 1u << (Ebits + Mbits) : 0u;
  const float a = std::fabs(f);
  if (std::isnan(f)) return sign | ((1u << (Ebits + Mbits)) - 1);
  if (a == 0.0f) return sign;
  if (a > max_finite) return Special ? (sign | (((1u << Ebits) - 1) << Mbits)) : (sign | ((((1u << Ebits) - 1) << Mbits) | ((1u << Mbits) - 2)));
  // Exponent field from frexp; then round the mantissa at that scale.
  int e = 0;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  int field = e - 1 + Bias;
  if (field < 1) field = 0;
  const int scale_exp = (field == 0 ? 1 - Bias : field - Bias) - Mbits;
  const float q = std::nearbyint(std::ldexp(a, -scale_exp));  // current rounding mode: to nearest even
  auto code = static_cast<std::uint32_t>(q);
  std::uint32_t out;
  if (field == 0) {
    out = code;  // subnormal, or rounds up into the smallest normal (code == 1 << Mbits)
  } else {
    if (code >= (2u << Mbits)) {  // mantissa overflowed: next binade
      code >>= 1;
      ++field;
    }
    out = (static_cast<std::uint32_t>(field) << Mbits) | (code & ((1u << Mbits) - 1));
  }
  return sign | out;
}
}  // namespace

float to_float(F16 x) { return decode_small(x.bits, 5, 10, 15, true); }
F16 to_f16(float f) { return F16{static_cast<std::uint16_t>(encode_small<5, 10, 15, true>(f, 65504.0f))}; }
float to_float(F8E4M3 x) { return decode_small(x.bits, 4, 3, 7, false); }
F8E4M3 to_f8e4m3(float f) { return F8E4M3{static_cast<std::uint8_t>(encode_small<4, 3, 7, false>(f, 448.0f))}; }

std::string_view dtype_names() { return "fp64, fp32, tf32, fp16, bf16, fp8_e4m3, int8"; }

}  // namespace ccb
