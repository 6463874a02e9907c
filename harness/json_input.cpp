#include "harness/json_input.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/errors.hpp"

namespace ccb {

void Where::fail(const std::string& what) const {
  throw UsageError(field.empty() ? fmt::format("{}: {}", source, what)
                                 : fmt::format("{}: {}: {}", source, field, what));
}
Where Where::operator[](const std::string& key) const {
  return {source, field.empty() ? key : field + "." + key};
}
Where Where::operator[](std::size_t i) const { return {source, fmt::format("{}[{}]", field, i)}; }

namespace {
std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  // nlohmann reports the byte after the offending token.
  return fmt::format("line {}, column {}", line, col > 1 ? col - 1 : col);
}
}  // namespace

ijson parse_json_text(const std::string& text, const std::string& source) {
  try {
    return ijson::parse(text);
  } catch (const ijson::parse_error& e) {
    std::string msg = e.what();
    if (auto p = msg.find("syntax error"); p != std::string::npos) msg = msg.substr(p);
    throw UsageError(fmt::format("{}: malformed JSON at {}: {}", source, line_column(text, e.byte), msg));
  }
}

std::string read_file_bytes(const std::filesystem::path& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("{}: is a directory, expected a {}", path.string(), what));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot read {}", path.string(), what));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw UsageError(fmt::format("{}: cannot read {}", path.string(), what));
  return ss.str();
}

ijson read_json_file(const std::filesystem::path& path, const std::string& what) {
  return parse_json_text(read_file_bytes(path, what), path.string());
}

void reject_unknown_keys(const ijson& obj, const Where& w, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (allowed.count(key)) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    w[key].fail(fmt::format("unknown field (expected one of: {})", list));
  }
}

const ijson& required(const ijson& obj, const char* key, const Where& w) {
  if (!obj.is_object() || !obj.contains(key)) w.fail(fmt::format("missing required field \"{}\"", key));
  return obj.at(key);
}

std::vector<std::string> strings(const ijson& v, const Where& w) {
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array() || v.empty()) w.fail("expected a string or a non-empty array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) w[i].fail("expected a string");
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

std::string string_field(const ijson& obj, const char* key, const Where& w) {
  const auto& v = required(obj, key, w);
  if (!v.is_string() || v.get<std::string>().empty()) w[key].fail("expected a non-empty string");
  return v.get<std::string>();
}

std::int64_t positive_int(const ijson& v, const Where& w, std::int64_t max) {
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX))
    w.fail(fmt::format("expected a positive integer, got {}", v.dump()));
  const auto x = v.get<std::int64_t>();
  if (x <= 0) w.fail(fmt::format("expected a positive integer, got {}", x));
  if (x > max) w.fail(fmt::format("{} exceeds the largest supported value {}", x, max));
  return x;
}

double positive_number(const ijson& v, const Where& w) {
  if (!v.is_number() || !(v.get<double>() > 0))
    w.fail(fmt::format("expected a positive number, got {}", v.dump()));
  return v.get<double>();
}

}  // namespace ccb
