#include "harness/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace ccb {
namespace {
struct Prefix {
  char symbol;
  double scale;
};
constexpr Prefix kPrefixes[] = {{'k', 1e3},  {'M', 1e6},  {'G', 1e9}, {'T', 1e12},
                                {'P', 1e15}, {'E', 1e18}, {'Z', 1e21}};
}  // namespace

std::optional<double> parse_si(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto digits = [&] {
    const std::size_t start = i;
    while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i > start;
  };
  while (i < n && text[i] == ' ') ++i;
  const std::size_t num_start = i;
  if (!digits()) return std::nullopt;  // rejects sign, leading prefix, "nan", ".5"
  if (i < n && text[i] == '.' && !(++i, digits())) return std::nullopt;
  // A lowercase e starts an exponent ("4e16" is 4 x 10^16); an uppercase E is always the exa
  // prefix ("45E" is 45 exa), so "45E3" is refused rather than read as 45 x 10^3.
  if (i < n && text[i] == 'e') {
    std::size_t j = i + 1;
    if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
    if (!(j < n && std::isdigit(static_cast<unsigned char>(text[j])))) return std::nullopt;  // "1e"
    i = j;
    digits();
  }
  const double number = std::strtod(std::string(text.substr(num_start, i - num_start)).c_str(), nullptr);
  while (i < n && text[i] == ' ') ++i;
  double scale = 1;
  if (i < n) {
    for (const auto& p : kPrefixes)
      if (text[i] == p.symbol) {
        scale = p.scale;
        ++i;
        break;
      }
  }
  const std::string_view unit = text.substr(i);
  if (!(unit.empty() || unit == "FLOPS" || unit == "FLOP/s" || unit == "OPS" || unit == "OP/s"))
    return std::nullopt;
  const double value = number * scale;
  if (!std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

std::string format_si(double value, std::string_view unit) {
  if (!std::isfinite(value)) return "n/a";
  const Prefix* best = nullptr;
  for (const auto& p : kPrefixes)
    if (std::abs(value) >= p.scale) best = &p;
  const double scaled = best ? value / best->scale : value;
  const int decimals = std::abs(scaled) >= 100 ? 0 : std::abs(scaled) >= 10 ? 1 : 2;
  return fmt::format("{:.{}f} {}{}", scaled, decimals, best ? std::string(1, best->symbol) : "", unit);
}

}  // namespace ccb
