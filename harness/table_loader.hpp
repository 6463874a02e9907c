#pragma once
// The one loader of configuration tables (configs/hardware/, ratings/, centers/): rows of an
// array in a table file, or one row per file of a directory. Each row is parsed by a function
// `parse(const ijson& row, const Where& where) -> T`; every error names the file and field.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/json_input.hpp"

namespace ccb {

// Every element of the array `key` of `root` (a table file read from `top.source`), parsed in
// order. UsageError when the field is missing or not an array.
template <class Parse>
auto table_rows(const ijson& root, const char* key, const Where& top, Parse parse) {
  const auto& rows = required(root, key, top);
  if (!rows.is_array()) top[key].fail("expected an array");
  std::vector<decltype(parse(rows, top))> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(parse(rows[i], top[key][i]));
  return out;
}

// The *.json files of `dir`, sorted by name. UsageError when the directory cannot be listed.
std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir);

// Every *.json file of `dir`, sorted by name, read as `what` and parsed as one row.
template <class Parse>
auto table_files(const std::filesystem::path& dir, const std::string& what, Parse parse) {
  std::vector<decltype(parse(ijson(), Where{}))> out;
  for (const auto& path : json_files(dir)) out.push_back(parse(read_json_file(path, what), Where{path.string(), ""}));
  return out;
}

}  // namespace ccb
