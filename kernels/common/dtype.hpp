#pragma once
// Element types ccbench knows by name. A backend declares which of them it offers.
#include <cstddef>
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

}  // namespace ccb
