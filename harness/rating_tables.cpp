// The rating tables: bases (configs/ratings/), published centers (configs/centers/) and
// cross-precision conventions (given with --convention), each checked field by field.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "harness/rate_report.hpp"
#include "harness/rating.hpp"
#include "harness/table_loader.hpp"
#include "harness/units.hpp"

namespace ccb {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

RatingBasis read_basis(const ijson& j, const Where& w) {
  reject_unknown_keys(j, w, {"id", "title", "unit", "description", "spec_precisions", "sustained_dtypes", "source"});
  RatingBasis b;
  b.id = string_field(j, "id", w);
  b.title = string_field(j, "title", w);
  b.unit = string_field(j, "unit", w);
  if (b.unit != "FLOPS" && b.unit != "OPS") w["unit"].fail(fmt::format("expected \"FLOPS\" or \"OPS\", got \"{}\"", b.unit));
  b.description = string_field(j, "description", w);
  b.source = string_field(j, "source", w);
  b.spec_precisions = strings(required(j, "spec_precisions", w), w["spec_precisions"]);
  b.sustained_dtypes = strings(required(j, "sustained_dtypes", w), w["sustained_dtypes"]);
  for (const auto& d : b.sustained_dtypes)
    if (!parse_dtype(d)) w["sustained_dtypes"].fail(fmt::format("unknown dtype \"{}\"", d));
  return b;
}

Center read_center(const ijson& j, const Where& w) {
  reject_unknown_keys(j, w, {"id", "name", "rating", "basis", "basis_note", "scope", "date", "hardware", "source"});
  Center c;
  c.id = string_field(j, "id", w);
  c.name = string_field(j, "name", w);
  c.rating_text = string_field(j, "rating", w);
  const auto r = parse_si(c.rating_text);
  if (!r) w["rating"].fail(fmt::format("expected a quantity such as \"40 PFLOPS\", got \"{}\"", c.rating_text));
  c.rating = *r;
  c.basis = string_field(j, "basis", w);
  c.scope = string_field(j, "scope", w);
  c.source = string_field(j, "source", w);
  if (j.contains("basis_note") && j["basis_note"].is_string()) c.basis_note = j["basis_note"];
  if (j.contains("date") && j["date"].is_string()) c.date = j["date"].get<std::string>();
  if (j.contains("hardware") && j["hardware"].is_string()) c.hardware = j["hardware"].get<std::string>();
  return c;
}

}  // namespace

std::string RatingBasis::label() const {
  std::string s;
  for (const auto& d : sustained_dtypes) s += (s.empty() ? "" : "/") + upper(d);
  return s;
}

std::vector<RatingBasis> RatingBasis::load_all(const std::filesystem::path& dir) {
  return table_files(dir, "rating basis", read_basis);
}

std::vector<Center> Center::load_all(const std::filesystem::path& dir) {
  return table_files(dir, "center file", read_center);
}

Convention Convention::load(const std::filesystem::path& path) {
  const ijson j = read_json_file(path, "convention file");
  const Where w{path.string(), ""};
  reject_unknown_keys(j, w, {"id", "title", "target", "description", "factors", "source"});
  Convention c;
  c.id = string_field(j, "id", w);
  c.title = string_field(j, "title", w);
  c.target = string_field(j, "target", w);
  c.source = string_field(j, "source", w);
  if (j.contains("description") && j["description"].is_string()) c.description = j["description"];
  const auto& f = required(j, "factors", w);
  if (!f.is_object() || f.empty()) w["factors"].fail("expected an object of basis: factor");
  for (const auto& [basis, factor] : f.items()) c.factors[basis] = positive_number(factor, w["factors"][basis]);
  return c;
}

}  // namespace ccb
