#pragma once
// Decimal SI quantities for FLOPS figures: "40P", "45E", "181.9 PFLOPS", "7.1 TFLOPS", "1979 TOPS".
#include <optional>
#include <string>
#include <string_view>

namespace ccb {

// Parses a positive quantity: a decimal number (a lowercase e for an exponent), an optional SI
// prefix (k M G T P E Z; E is always exa) and an optional unit (FLOPS, FLOP/s, OPS, OP/s).
// Returns nullopt for anything else: "40Q", "-3P", "P40", "0P", "nan", "45E3".
std::optional<double> parse_si(std::string_view text);

// "40.0 PFLOPS": three significant digits with the largest prefix that keeps the number >= 1.
std::string format_si(double value, std::string_view unit = "FLOPS");

}  // namespace ccb
