#pragma once
// Reading user-supplied JSON (suites, hardware tables, ratings, centers, result files): every
// error is a UsageError naming the file and a JSON-path-like field, e.g.
// "configs/suites/x.json: cases[2].m: expected a positive integer, got -5".
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccb {

using ijson = nlohmann::json;  // for parsing; documents written use ordered_json

struct Where {
  std::string source;
  std::string field;
  [[noreturn]] void fail(const std::string& what) const;
  Where operator[](const std::string& key) const;
  Where operator[](std::size_t i) const;
};

// Parses `text`; a syntax error names the line and column.
ijson parse_json_text(const std::string& text, const std::string& source);
// A file's exact bytes; a missing, unreadable or directory path is a UsageError naming `what`.
std::string read_file_bytes(const std::filesystem::path& path, const std::string& what);
// Reads and parses a file; a missing, unreadable or directory path is a UsageError.
ijson read_json_file(const std::filesystem::path& path, const std::string& what);

void reject_unknown_keys(const ijson& obj, const Where& w, const std::set<std::string>& allowed);
const ijson& required(const ijson& obj, const char* key, const Where& w);
// A string, or a non-empty array of strings.
std::vector<std::string> strings(const ijson& v, const Where& w);
std::string string_field(const ijson& obj, const char* key, const Where& w);
std::int64_t positive_int(const ijson& v, const Where& w, std::int64_t max);
double positive_number(const ijson& v, const Where& w);

}  // namespace ccb
